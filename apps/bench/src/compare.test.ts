/**
 * @file Tests of `pnpm bench --compare` (issue 16, item 6) without running a benchmark: the ref check
 * against this repository, and the comparison table on made-up outcomes.
 */

import { InvalidArgumentError } from '@tapeflow/tensor-core';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Figure, LibraryResult } from './child.js';
import { renderComparison, resolveCommit } from './compare.js';
import { FULL, LIBRARIES } from './config.js';
import type { LibraryOutcome } from './report.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const figure = (value: number): Figure => ({
  value,
  low: value * 0.95,
  high: value * 1.05,
  samples: 3,
  runsPerSample: 1,
});

function outcome(id: string, figures: Record<string, number>): LibraryOutcome {
  const result: LibraryResult = {
    id,
    description: id,
    figures: Object.fromEntries(Object.entries(figures).map(([key, value]) => [key, figure(value)])),
    errors: {},
    memory: undefined,
  };
  return { spec: LIBRARIES.find((spec) => spec.id === id)!, result, failure: undefined };
}

describe('resolveCommit', () => {
  it('gives the commit a ref names, and a typed error naming a ref that names none', () => {
    expect(resolveCommit('HEAD', root)).toMatch(/^[0-9a-f]{40}$/);
    expect(() => resolveCommit('no-such-branch-zz9', root)).toThrow(InvalidArgumentError);
    expect(() => resolveCommit('no-such-branch-zz9', root)).toThrow(
      /^bench: argument '--compare' expected a git ref naming a commit .*, but got 'no-such-branch-zz9', which names no commit here\.$/,
    );
    expect(() => resolveCommit('--all', root)).toThrow(/but got '--all'/);
  });
});

describe('renderComparison', () => {
  it("gives both commits' figures per configuration and the working tree's speed-up over the other commit", () => {
    const base = {
      label: 'HEAD~1 (aaaaaaa)',
      outcomes: [
        outcome('tapeflow', { 'matmul-1024': 40, 'add-1M': 0.4 }),
        outcome('tapeflow-1t', { 'matmul-1024': 20 }),
      ],
    };
    const failed: LibraryOutcome = {
      spec: LIBRARIES.find((s) => s.id === 'tapeflow-1t')!,
      result: undefined,
      failure: 'exit code 1',
    };
    const head = {
      label: 'HEAD (bbbbbbb)',
      outcomes: [outcome('tapeflow', { 'matmul-1024': 60, 'add-1M': 0.8 }), failed],
    };
    const table = renderComparison(FULL, ['matmul-1024', 'add'], base, head).split('\n');
    expect(table[0]).toBe(
      '| workload | unit | Tapeflow cpu, HEAD~1 (aaaaaaa) | Tapeflow cpu, HEAD (bbbbbbb) | HEAD (bbbbbbb) ÷ HEAD~1 (aaaaaaa) | ' +
        'Tapeflow cpu, 1 thread, HEAD~1 (aaaaaaa) | Tapeflow cpu, 1 thread, HEAD (bbbbbbb) | HEAD (bbbbbbb) ÷ HEAD~1 (aaaaaaa) |',
    );
    // GFLOP/s: higher is better (60 / 40); ms: lower is better (0.4 / 0.8).
    expect(table[2]).toBe('| matmul 1024×1024 | GFLOP/s | 40.0 ±5% | 60.0 ±5% | 1.50× | 20.0 ±5% | failed | — |');
    expect(table[3]).toBe('| matmul 1024×1024 Aᵀ·B | GFLOP/s | — | — | — | — | failed | — |');
    expect(table[5]).toBe('| add 1M | ms | 0.40 ±5% | 0.80 ±5% | 0.50× | — | failed | — |');
    // Issue 16 (item 4): `add` also picks the op alone (without the read-back), after the row.
    expect(table[6]).toBe('| add 1M, the op alone (result not read back) | ms | — | — | — | — | failed | — |');
    expect(table).toHaveLength(7);
  });
});
