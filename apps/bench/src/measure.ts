/**
 * @file Timing: warm up, pick how many runs make one sample long enough for the clock, take several
 * samples within a time budget, and summarise them as median and range. Per-run times in ms.
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

const now = (): number => performance.now();

/** Runs `task` once, awaiting it only when it is asynchronous (an `await` per run costs a microtask). */
function runOnce(task: Task): void | Promise<void> {
  return task.run();
}

async function runTimes(task: Task, runs: number): Promise<number> {
  const start = now();
  for (let i = 0; i < runs; i++) {
    const pending = runOnce(task);
    if (pending !== undefined) await pending;
  }
  return now() - start;
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
  if (task.warmUp !== undefined) {
    await task.warmUp();
    afterWarmUp?.();
    const start = now();
    const times = [await runTimes(task, 1)];
    while (times.length < options.samples && now() - start + times[times.length - 1]! <= options.budgetMs)
      times.push(await runTimes(task, 1));
    return { ...summarize(times), samples: times.length, runsPerSample: 1 };
  }
  const warmupStart = now();
  let last = warmedRunMs ?? (await runTimes(task, 1));
  while (warmedRunMs === undefined && now() - warmupStart < options.warmupMs) last = await runTimes(task, 1);
  afterWarmUp?.();
  const runsPerSample = Math.max(1, Math.ceil(options.minSampleMs / Math.max(last, 1e-3)));
  const samples = Math.max(
    1,
    Math.min(options.samples, Math.floor(options.budgetMs / Math.max(last * runsPerSample, 1e-3))),
  );
  const times: number[] = [];
  for (let s = 0; s < samples; s++) times.push((await runTimes(task, runsPerSample)) / runsPerSample);
  return { ...summarize(times), samples, runsPerSample };
}
