/**
 * @file Timing: warm up, pick how many runs make one sample long enough for the clock, take several
 * samples within a time budget, and summarise them as median and range. Per-run times in ms.
 *
 * Two workloads whose ratio is a target within one library (a tape's cost, a loop's await) are timed
 * as a pair (`measurePair`): their samples alternate, so a machine whose speed drifts between seconds
 * (a shared host's other tenants) slows both alike instead of whichever ran second.
 */

import type { Task } from './libraries/types.js';

/** How long to warm up and measure. */
export interface MeasureOptions {
  /** Run (at least once) until this much time has passed, so JIT tiers and caches settle. */
  readonly warmupMs: number;
  /** Samples wanted; fewer when the budget runs out (a 2-second product gets one). */
  readonly samples: number;
  /** Runs per sample are chosen so a sample lasts at least this long. */
  readonly minSampleMs: number;
  /** Time for all samples together. */
  readonly budgetMs: number;
}

/** A summary of per-run times (ms). */
export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: number;
  readonly runsPerSample: number;
}

/** A clock in ms; tests pass a fake one. */
export type Clock = () => number;

const now: Clock = () => performance.now();

/** Runs `task` once, awaiting it only when it is asynchronous (an `await` per run costs a microtask). */
function runOnce(task: Task): void | Promise<void> {
  return task.run();
}

async function runTimes(task: Task, runs: number, clock: Clock = now): Promise<number> {
  const start = clock();
  for (let i = 0; i < runs; i++) {
    const pending = runOnce(task);
    if (pending !== undefined) await pending;
  }
  return clock() - start;
}

/** The median and range of `values` (which need not be sorted). */
export function summarize(values: readonly number[]): { median: number; min: number; max: number } {
  if (values.length === 0) throw new Error('summarize: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/**
 * Measures `task`'s time per run. A task with its own `warmUp` (a run lasting seconds) is warmed up
 * by that instead, then timed one run per sample: at least one, more while the budget allows.
 * `afterWarmUp` runs once between the warm-up and the timed runs, untimed (the heap figures use it).
 * `warmedRunMs`, the time of a run made just before (the child's first pass), replaces the warm-up
 * of a task without its own: the caller passes it for runs of seconds, where a second warm-up run
 * would only double the time.
 */
export async function measure(
  task: Task,
  options: MeasureOptions,
  afterWarmUp?: () => void,
  warmedRunMs?: number,
): Promise<Stats> {
  const { runsPerSample, lastMs } = await warmUp({ task, warmedRunMs }, options, now);
  afterWarmUp?.();
  if (lastMs === undefined) {
    const start = now();
    const times = [await runTimes(task, 1)];
    while (times.length < options.samples && now() - start + times[times.length - 1]! <= options.budgetMs)
      times.push(await runTimes(task, 1));
    return { ...summarize(times), samples: times.length, runsPerSample: 1 };
  }
  const samples = Math.max(
    1,
    Math.min(options.samples, Math.floor(options.budgetMs / Math.max(lastMs * runsPerSample, 1e-3))),
  );
  const times: number[] = [];
  for (let s = 0; s < samples; s++) times.push((await runTimes(task, runsPerSample)) / runsPerSample);
  return { ...summarize(times), samples, runsPerSample };
}

/** How one task of a pair is warmed up and sampled (see measurePair). */
export interface PairSide {
  readonly task: Task;
  /** As `measure`'s `warmedRunMs`: a run made just before, which then replaces the warm-up. */
  readonly warmedRunMs?: number | undefined;
}

/**
 * Warms a task up: by its own `warmUp` (then one run per sample, and no run time known), or by runs
 * for `warmupMs` (none when `warmedRunMs` is given); returns the runs that make a sample of
 * `minSampleMs` and the last run's time.
 */
async function warmUp(
  side: PairSide,
  options: MeasureOptions,
  clock: Clock,
): Promise<{ runsPerSample: number; lastMs: number | undefined }> {
  const { task, warmedRunMs } = side;
  if (task.warmUp !== undefined) {
    await task.warmUp();
    return { runsPerSample: 1, lastMs: undefined };
  }
  const warmupStart = clock();
  let last = warmedRunMs ?? (await runTimes(task, 1, clock));
  while (warmedRunMs === undefined && clock() - warmupStart < options.warmupMs) last = await runTimes(task, 1, clock);
  return { runsPerSample: Math.max(1, Math.ceil(options.minSampleMs / Math.max(last, 1e-3))), lastMs: last };
}

/**
 * Measures two tasks as a pair: each is warmed up as `measure` would, then their samples alternate
 * (first, second; second, first; ...), so both see the same stretches of the machine's time. Pairs
 * of samples are taken up to the options' count while the next pair fits the budget (at least one).
 * `afterWarmUp` runs once, after both warm-ups. Returns the two tasks' stats in the order given.
 * @example const [plain, taped] = await measurePair({ task: plainTask }, { task: tapedTask }, options);
 */
export async function measurePair(
  first: PairSide,
  second: PairSide,
  options: MeasureOptions,
  afterWarmUp?: () => void,
  clock: Clock = now,
): Promise<[Stats, Stats]> {
  const sides = [
    { task: first.task, runs: (await warmUp(first, options, clock)).runsPerSample, times: [] as number[] },
    { task: second.task, runs: (await warmUp(second, options, clock)).runsPerSample, times: [] as number[] },
  ] as const;
  afterWarmUp?.();
  const start = clock();
  let pairMs = 0;
  let samples = 0;
  while (samples < options.samples && (samples === 0 || clock() - start + pairMs <= options.budgetMs)) {
    const pairStart = clock();
    for (const side of samples % 2 === 0 ? sides : [sides[1], sides[0]])
      side.times.push((await runTimes(side.task, side.runs, clock)) / side.runs);
    pairMs = clock() - pairStart;
    samples++;
  }
  const stats = (side: (typeof sides)[number]): Stats => ({
    ...summarize(side.times),
    samples,
    runsPerSample: side.runs,
  });
  return [stats(sides[0]), stats(sides[1])];
}
