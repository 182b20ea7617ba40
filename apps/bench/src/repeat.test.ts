/**
 * @file Tests of `--repeat N`'s combining (issue 16, item 6 follow-up) on made-up rounds (no process
 * is started): the median over rounds of each cell's median and its range, rounds that failed or did
 * not run a cell left out, and each ratio target's median over the rounds' ratios.
 */

import { describe, expect, it } from 'vitest';
import type { Figure, LibraryResult, MemoryCheck } from './child.js';
import { FULL, LIBRARIES } from './config.js';
import { checkTargets, type LibraryOutcome } from './report.js';
import { combineFigures, combineRounds, combineTargets, median, medianSpeedUp } from './repeat.js';

const figure = (value: number, extra: Partial<Figure> = {}): Figure => ({
  value,
  low: value * 0.9,
  high: value * 1.1,
  samples: 5,
  runsPerSample: 2,
  ...extra,
});

const memory = (tensorsEnd: number, rssEndMB: number): MemoryCheck => ({
  steps: 1000,
  seconds: 3,
  rssStartMB: 100,
  rssEndMB,
  heapStartMB: 10,
  heapEndMB: 10,
  tensorsStart: 11,
  tensorsEnd,
});

function outcome(
  id: string,
  figures: Record<string, number>,
  extra: Partial<Pick<LibraryResult, 'errors' | 'skipped' | 'memory'>> = {},
): LibraryOutcome {
  const result: LibraryResult = {
    id,
    description: `${id} kernels`,
    figures: Object.fromEntries(Object.entries(figures).map(([key, value]) => [key, figure(value)])),
    errors: {},
    memory: undefined,
    ...extra,
  };
  return { spec: LIBRARIES.find((spec) => spec.id === id)!, result, failure: undefined };
}

const failed = (id: string): LibraryOutcome => ({
  spec: LIBRARIES.find((spec) => spec.id === id)!,
  result: undefined,
  failure: 'exit code 1: out of memory',
});

describe('median', () => {
  it('takes the middle value, or the mean of the middle two, whatever the order', () => {
    expect(median([12, 10, 14])).toBe(12);
    expect(median([16.5, 10, 13.1, 12.1])).toBeCloseTo(12.6, 12);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
});

describe('combineFigures', () => {
  it("gives the median of the rounds' medians with the lowest and highest round as the range", () => {
    const combined = combineFigures([
      figure(10, { heapStartMB: 1 }),
      figure(14, { heapStartMB: 3 }),
      figure(12, { heapStartMB: 2, faultsPerRun: 7 }),
    ]);
    // The rounds' own sample ranges (±10%) do not widen it: the spread is over rounds.
    expect(combined).toEqual({
      value: 12,
      low: 10,
      high: 14,
      samples: 15,
      runsPerSample: 2,
      heapStartMB: 2,
      faultsPerRun: 7,
    });
    expect(combineFigures([figure(10), figure(13)])).toMatchObject({ value: 11.5, low: 10, high: 13, samples: 10 });
  });
});

describe('combineRounds', () => {
  it('passes one round through unchanged (`--repeat 1` is the run as before)', () => {
    const round = [outcome('tapeflow', { 'matmul-64': 20 }), failed('tfjs-wasm')];
    expect(combineRounds([round])).toEqual(round);
  });

  it('combines each library and cell over the rounds, in run order, leaving out rounds without the cell', () => {
    const rounds = [
      [
        outcome('tapeflow', { 'matmul-64': 20, 'add-1M': 0.5 }, { memory: memory(11, 101) }),
        outcome('tfjs-wasm', { 'matmul-64': 10 }),
      ],
      [
        // This round's add row threw and its tfjs-wasm child failed: both are left out of their cells.
        outcome('tapeflow', { 'matmul-64': 26 }, { errors: { 'add-1M': 'boom' }, memory: memory(12, 101) }),
        failed('tfjs-wasm'),
      ],
      [
        outcome('tapeflow', { 'matmul-64': 23, 'add-1M': 0.7 }, { memory: memory(11, 130) }),
        outcome('tfjs-wasm', { 'matmul-64': 16.5 }),
      ],
    ];
    const [tapeflow, wasm] = combineRounds(rounds);
    expect(tapeflow!.spec.id).toBe('tapeflow');
    expect(tapeflow!.failure).toBeUndefined();
    expect(tapeflow!.result!.figures['matmul-64']).toMatchObject({ value: 23, low: 20, high: 26, samples: 15 });
    expect(tapeflow!.result!.figures['add-1M']).toMatchObject({ value: 0.6, low: 0.5, high: 0.7, samples: 10 });
    // A cell some round measured reads as measured: the other round's error is not the cell's.
    expect(tapeflow!.result!.errors).toEqual({});
    // The memory check reported is the round that grew most (a leaked tensor before RSS).
    expect(tapeflow!.result!.memory).toEqual(memory(12, 101));
    expect(wasm!.spec.id).toBe('tfjs-wasm');
    expect(wasm!.failure).toBeUndefined();
    expect(wasm!.result!.figures['matmul-64']).toMatchObject({ value: 13.25, low: 10, high: 16.5 });
  });

  it('reports a cell no round measured, and a library no round ran, as one round would', () => {
    const rounds = [
      [
        outcome('tapeflow', { 'matmul-64': 20 }, { errors: { lstm: 'boom' }, skipped: { 'cnn-fit': 'time' } }),
        failed('tfjs-wasm'),
      ],
      [
        outcome('tapeflow', { 'matmul-64': 22 }, { errors: { lstm: 'boom again' }, skipped: { 'cnn-fit': 'time' } }),
        failed('tfjs-wasm'),
      ],
    ];
    const [tapeflow, wasm] = combineRounds(rounds);
    expect(tapeflow!.result!.errors).toEqual({ lstm: 'boom' });
    expect(tapeflow!.result!.skipped).toEqual({ 'cnn-fit': 'time' });
    expect(tapeflow!.result!.description).toBe('tapeflow kernels');
    expect(wasm).toEqual(failed('tfjs-wasm'));
  });
});

describe('combineTargets', () => {
  // tfjs-wasm's matmul 64 as measured in four quiet runs (issue 16): one run's ratio flips at 1.2×.
  const round = (ours: number, theirs: number): LibraryOutcome[] => [
    outcome('tapeflow', { 'matmul-64': ours, 'matmul-64-tA': ours, 'matmul-64-tB': ours * 0.92 }),
    outcome('tfjs-wasm', { 'matmul-64': theirs }),
  ];
  const rounds = [round(14.16, 12), round(13.1, 10), round(23.76, 16.5)];
  const perRound = rounds.map((r) => checkTargets(FULL, r));
  const combined = combineTargets(perRound, checkTargets(FULL, combineRounds(rounds)));
  const find = (text: string) => combined.find((check) => check.target === text)!;

  it("takes the median of each round's ratio, shows the rounds' ratios and checks the median", () => {
    // Rounds 1.18×, 1.31×, 1.44×: one round alone misses 1.2×, the median meets it.
    expect(perRound.map((checks) => checks.find((c) => c.target === 'matmul 64 ≥ 1.2× tfjs-wasm')!.met)).toEqual([
      false,
      true,
      true,
    ]);
    expect(find('matmul 64 ≥ 1.2× tfjs-wasm')).toMatchObject({
      measured: '1.31× (rounds: 1.18, 1.31, 1.44)',
      met: true,
      workload: 'matmul-64',
      peer: 'tfjs-wasm',
      bound: 1.2,
      rounds: [expect.closeTo(1.18, 9), expect.closeTo(1.31, 9), expect.closeTo(1.44, 9)],
    });
    // The ratio of the combined figures (14.16 / 12 = 1.18×) is not what is checked.
    expect(checkTargets(FULL, combineRounds(rounds)).find((c) => c.workload === 'matmul-64')!.met).toBe(false);
    expect(find('matmul 64: transposed within 10% of plain')).toMatchObject({
      measured: '92% of plain (rounds: 92%, 92%, 92%)',
      met: true,
    });
  });

  it('checks a bound from above (a time ratio) on the median too, and leaves unmeasured targets alone', () => {
    const loops = (sync: number): LibraryOutcome[] => [
      outcome('tapeflow', { 'dense-loop-sync': sync, 'dense-loop-yield': 1 }),
    ];
    const loopRounds = [loops(1.05), loops(1.3), loops(1.2)];
    const checks = combineTargets(
      loopRounds.map((r) => checkTargets(FULL, r)),
      checkTargets(FULL, combineRounds(loopRounds)),
    );
    const loop = checks.find((c) => c.target.startsWith('Dense training loop'))!;
    expect(loop).toMatchObject({ measured: '1.20× (rounds: 1.05, 1.30, 1.20)', met: false });
    expect(checks.find((c) => c.target.startsWith('LSTM'))).toMatchObject({ measured: 'not measured', met: undefined });
  });

  it('passes one round through unchanged', () => {
    const one = checkTargets(FULL, rounds[0]!);
    expect(combineTargets([one], checkTargets(FULL, rounds[1]!))).toEqual(one);
  });
});

describe('medianSpeedUp', () => {
  it('gives the median over the rounds with both figures of the speed-up within a round', () => {
    const rounds = [
      [outcome('tapeflow', { 'add-1M': 1 }), outcome('tfjs-wasm', { 'add-1M': 2 })],
      [outcome('tapeflow', { 'add-1M': 1 }), failed('tfjs-wasm')],
      [outcome('tapeflow', { 'add-1M': 1 }), outcome('tfjs-wasm', { 'add-1M': 3 })],
    ];
    const add = { id: 'add-1M', higherIsBetter: false };
    expect(medianSpeedUp(rounds, add, 'tapeflow', 'tfjs-wasm')).toBe(2.5);
    expect(medianSpeedUp(rounds, add, 'tapeflow', 'jax-wasm')).toBeUndefined();
  });
});
