/**
 * @file Tests of the run's markdown report (issue 16, item 6 follow-up) on made-up rounds (no process
 * is started): one round gives the report as run.ts printed it before `--repeat`, several rounds say
 * how many there were, combine the cells and show each ratio target's rounds beside its median.
 */

import { describe, expect, it } from 'vitest';
import { FULL, QUICK } from './config.js';
import {
  checkTargets,
  renderLoopSummary,
  renderMemorySpeedSummary,
  renderTable,
  renderTargets,
  type LibraryOutcome,
} from './report.js';
import { renderRunReport } from './run-report.js';
import { outcomeOf } from './test-fixtures.js';

function outcome(id: string, figures: Record<string, number>, errors: Record<string, string> = {}): LibraryOutcome {
  return outcomeOf(id, figures, {
    description: `${id} kernels`,
    errors,
    skipped: { 'cnn-fit': 'not run: the time budget was spent' },
    memory: undefined,
  });
}

const round = (ours: number, theirs: number, errors: Record<string, string> = {}): LibraryOutcome[] => [
  outcome('tapeflow', { 'matmul-64': ours, 'dense-loop-sync': 1.05, 'dense-loop-yield': 1 }, errors),
  outcome('tfjs-wasm', { 'matmul-64': theirs }),
];
const date = '2026-11-27T03:00:00.000Z';
const machine = 'a 2-core test machine';

describe('renderRunReport', () => {
  it('gives, for one round, the report as run.ts wrote it before --repeat', () => {
    const outcomes = round(14.16, 12, { lstm: 'boom' });
    const report = renderRunReport({ date, machine, config: FULL, workloadPrefixes: undefined, rounds: [outcomes] });
    // run.ts's report before --repeat, built from the same parts in the same order.
    const before = [
      [
        `Date: ${date}. Machine: ${machine}.`,
        'Mode: full. Each cell: median ±half the range of the samples.',
        'Kernels: Tapeflow cpu: tapeflow kernels; tfjs wasm 4.22: tfjs-wasm kernels.',
      ].join('\n'),
      '',
      renderTable(FULL, outcomes),
      '',
      ...renderLoopSummary(outcomes).map((line) => `${line}\n`),
      ...renderMemorySpeedSummary(FULL, outcomes).map((line) => `${line}\n`),
      'Targets (issues 5, 12, 14 and 16):',
      renderTargets(checkTargets(FULL, outcomes)),
      '',
      '- Tapeflow cpu, cnn-fit: not run: the time budget was spent',
      '- tfjs wasm 4.22, cnn-fit: not run: the time budget was spent',
      '- Tapeflow cpu failed: {"lstm":"boom"}',
    ].join('\n');
    expect(report.markdown).toBe(before);
    expect(report.markdown).toContain('- ✗ matmul 64 ≥ 1.2× tfjs-wasm: 1.18×\n');
    expect(report.outcomes).toEqual(outcomes);
    expect(report.failed).toBe(true);
    // A quick or partial run checks no target (its chart still draws the ticks).
    const partial = renderRunReport({ date, machine, config: FULL, workloadPrefixes: ['matmul'], rounds: [outcomes] });
    expect(partial.targets).toEqual([]);
    expect(partial.chartTargets).toEqual(checkTargets(FULL, outcomes));
    expect(partial.markdown).toContain('Mode: full, workloads matmul*. Each cell: median ±half the range');
  });

  it("says how many rounds, combines the cells, and gives each ratio target's median with its rounds", () => {
    const rounds = [round(14.16, 12), round(13.1, 10, { lstm: 'boom' }), round(23.76, 16.5)];
    const report = renderRunReport({ date, machine, config: FULL, workloadPrefixes: undefined, rounds });
    expect(report.markdown).toContain(
      "Mode: full. 3 rounds, each running every library's child once in turn. Each cell: the median over the " +
        "rounds of each round's median ±half the range over the rounds; each speed-up and target's ratio: the " +
        'median over the rounds of the ratio within a round.\n',
    );
    // Tapeflow's matmul 64: rounds 13.1, 14.16, 23.76 → 14.2 ±38% (half of 10.66 over 14.16).
    // Its speed-up column is the median of the rounds' speed-ups (1.31×), not 14.16 / 12 = 1.18×.
    expect(report.markdown).toContain('| matmul 64×64 | GFLOP/s | 14.2 ±38% | 12.0 ±27% | 1.31× |');
    expect(report.markdown).toContain('- ✓ matmul 64 ≥ 1.2× tfjs-wasm: 1.31× (rounds: 1.18, 1.31, 1.44)\n');
    expect(report.markdown).toContain(
      '- ✓ Dense training loop without any await ≤ 1.1× the time of the same loop yielding: 1.05× (rounds: 1.05, 1.05, 1.05)\n',
    );
    expect(report.markdown).toContain('- Tapeflow cpu failed (round 2): {"lstm":"boom"}');
    expect(report.failed).toBe(true);
    expect(report.outcomes[0]!.result!.figures['matmul-64']).toMatchObject({ value: 14.16, low: 13.1, high: 23.76 });
    const quick = renderRunReport({ date, machine, config: QUICK, workloadPrefixes: undefined, rounds });
    expect(quick.markdown).toContain('(smoke run: tiny sizes, 1-2 samples; the figures mean nothing). 3 rounds,');
    expect(quick.targets).toEqual([]);
  });
});
