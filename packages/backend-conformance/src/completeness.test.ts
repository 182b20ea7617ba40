/**
 * @file Completeness, generated from tensor-core's spec table (`OP_SPECS`): every kernel has a
 * reference in `KERNEL_REFERENCES` and at least one conformance case, and the README's kernel table
 * is the rendering of the spec. A kernel added to the spec without them fails a test named after it.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { OP_SPECS } from '@tapeflow/tensor-core/internal';
import type { KernelName } from '@tapeflow/tensor-core/internal';
import { describe, expect, it } from 'vitest';
import { TABLE_END, TABLE_START, renderDtypeTable } from './dtype-table.js';
import { KERNEL_REFERENCES } from './reference/kernels.js';
import { CONFORMANCE_GROUPS } from './suites/index.js';

const README = new URL('../README.md', import.meta.url);

/** The kernel names of the spec table, read at run time (what a new kernel adds). */
const SPEC_KERNELS = Object.keys(OP_SPECS) as KernelName[];

/** Kernel name → what it lacks ('a conformance reference', 'a conformance case'), for the messages. */
export function missingCoverage(
  kernels: readonly string[],
  references: Readonly<Record<string, unknown>>,
  casedKernels: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  for (const kernel of kernels) {
    if (typeof references[kernel] !== 'function') {
      problems.push(`${kernel} has no conformance reference (add it to KERNEL_REFERENCES in reference/kernels.ts)`);
    }
    if (!casedKernels.has(kernel)) {
      problems.push(`${kernel} has no conformance case (add one naming it in \`kernels\` to a group in suites/)`);
    }
  }
  return problems;
}

const casedKernels = new Set<string>(CONFORMANCE_GROUPS.flatMap((group) => group.cases.flatMap((c) => c.kernels)));

describe('every kernel of the spec', () => {
  for (const kernel of SPEC_KERNELS) {
    it(`${kernel} has a conformance reference and a conformance case`, () => {
      expect(missingCoverage([kernel], KERNEL_REFERENCES, casedKernels)).toEqual([]);
    });
  }

  it('a kernel without them is named in the message', () => {
    const { Tanh: _dropped, ...references } = KERNEL_REFERENCES;
    expect(missingCoverage(['Tanh', 'Digamma'], references, casedKernels)).toEqual([
      'Tanh has no conformance reference (add it to KERNEL_REFERENCES in reference/kernels.ts)',
      'Digamma has no conformance reference (add it to KERNEL_REFERENCES in reference/kernels.ts)',
      'Digamma has no conformance case (add one naming it in `kernels` to a group in suites/)',
    ]);
  });
});

describe("the README's kernel table", () => {
  it('is the rendering of OP_SPECS (UPDATE_README=1 rewrites it)', () => {
    const text = readFileSync(README, 'utf8');
    const start = text.indexOf(TABLE_START);
    const end = text.indexOf(TABLE_END);
    expect(start, `README.md lacks the line ${TABLE_START}`).toBeGreaterThanOrEqual(0);
    expect(end, `README.md lacks the line ${TABLE_END}`).toBeGreaterThan(start);
    const current = text.slice(start + TABLE_START.length, end).trim();
    const rendered = renderDtypeTable();
    if (process.env['UPDATE_README'] === '1' && current !== rendered) {
      writeFileSync(README, `${text.slice(0, start + TABLE_START.length)}\n${rendered}\n${text.slice(end)}`);
      return;
    }
    expect(
      current,
      "README.md's kernel table differs from OP_SPECS: run UPDATE_README=1 npx vitest run packages/backend-conformance/src/completeness.test.ts",
    ).toBe(rendered);
  });

  it('names every kernel of the spec', () => {
    const table = renderDtypeTable();
    for (const kernel of SPEC_KERNELS) expect(table, kernel).toContain(`\`${kernel}\``);
  });
});
