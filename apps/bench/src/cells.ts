/**
 * @file How one figure is written in the bench's report: numbers to three significant digits, a table
 * cell with its spread, the heap before → after. Apart from report.ts so the report's rules (targets,
 * tables) stay within one file's budget.
 */

import type { Figure } from './child.js';

/** Formats a figure to three significant digits (no exponent for the sizes here). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  if (value >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

/** A table cell: the figure ±half its range in percent, `failed`, or a dash where there is none. */
export function cell(figure: Figure | undefined, error: string | undefined, skipped?: string): string {
  if (error !== undefined) return 'failed';
  if (skipped !== undefined) return 'not run (time)';
  if (figure === undefined) return '—';
  const spread = figure.value > 0 ? Math.round(((figure.high - figure.low) / 2 / figure.value) * 100) : 0;
  return `${formatNumber(figure.value)} ±${spread}%`;
}

/** A heap cell: the heap after a full GC before → after the timed runs (MB), or a dash. */
export function heapCell(figure: Figure | undefined): string {
  return figure?.heapStartMB === undefined ? '—' : `${figure.heapStartMB} → ${figure.heapEndMB}`;
}
