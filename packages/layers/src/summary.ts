/**
 * @file `model.summary()`'s text, as Keras 3 prints it: the model's name, a box-drawn table of each
 * layer's `name (Class)`, output shape with the batch dimension as `None`, and parameter count (with
 * thousands separators), then total / trainable / non-trainable parameters with their float32 size.
 * An unbuilt layer shows `?` and `0 (unbuilt)`, as Keras does.
 */

import type { Layer, LayerOutput } from './layer.js';
import type { Optimizer } from './optimizers/optimizer.js';

/** The model surface the summary reads. */
export interface SummaryModel extends Layer<LayerOutput> {
  readonly layers: readonly Layer<LayerOutput>[];
}

/** Keras' `readable_memory_size`: 1024-based, two decimals. */
export function readableSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(2)} ${units[unit]!}`;
}

/** A shape as Python prints a tuple with the batch dimension as None: `(None, 128)`, `(None,)`. */
export function formatOutputShape(shape: readonly number[] | null): string {
  if (shape === null) return '?';
  const dims = shape.map((d, i) => (i === 0 ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]!},)` : `(${dims.join(', ')})`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The summary's lines.
 * @example formatSummary(model, null).join('\n')
 */
export function formatSummary(model: SummaryModel, optimizer: Optimizer | null): string[] {
  const rows = model.layers.map((layer) => [
    `${layer.name} (${layer.className})`,
    formatOutputShape(layer.outputShape),
    layer.built ? count(layer.countParams()) : '0 (unbuilt)',
  ]);
  const headers = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = [31, 22, 13].map((min, c) => Math.max(min, headers[c]!.length, ...rows.map((r) => r[c]!.length)));
  const cell = (text: string, c: number): string =>
    ` ${c === 2 ? text.padStart(widths[c]!) : text.padEnd(widths[c]!)} `;
  const rule = (left: string, fill: string, mid: string, right: string): string =>
    `${left}${widths.map((w) => fill.repeat(w + 2)).join(mid)}${right}`;
  const lines = [
    `Model: "${model.name}"`,
    rule('┏', '━', '┳', '┓'),
    `┃${headers.map(cell).join('┃')}┃`,
    rule('┡', '━', '╇', '┩'),
  ];
  rows.forEach((row, i) => {
    lines.push(`│${row.map(cell).join('│')}│`);
    if (i < rows.length - 1) lines.push(rule('├', '─', '┼', '┤'));
  });
  lines.push(rule('└', '─', '┴', '┘'));
  lines.push(...parameterLines(model, optimizer));
  return lines;
}

/**
 * The summary's closing lines, shared by every model kind: total / trainable / non-trainable
 * parameters with their size, and the optimizer's when it has any.
 * @example parameterLines(model, null) // [' Total params: 100,480 (392.50 KB)', ...]
 */
export function parameterLines(
  model: Pick<SummaryModel, 'trainableVariables' | 'nonTrainableVariables'>,
  optimizer: Optimizer | null,
): string[] {
  const trainable = model.trainableVariables.reduce((s, v) => s + v.size, 0);
  const nonTrainable = model.nonTrainableVariables.reduce((s, v) => s + v.size, 0);
  // Every weight is float32 today: 4 bytes a parameter.
  const line = (label: string, n: number): string => ` ${label}: ${count(n)} (${readableSize(n * 4)})`;
  const lines = [
    line('Total params', trainable + nonTrainable),
    line('Trainable params', trainable),
    line('Non-trainable params', nonTrainable),
  ];
  const optimizerParams = optimizer === null ? 0 : optimizer.variables.reduce((s, v) => s + v.size, 0);
  if (optimizerParams > 0) lines.push(line('Optimizer params', optimizerParams));
  return lines;
}
