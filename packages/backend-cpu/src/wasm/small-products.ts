/**
 * @file Whether a small matrix product (below the pool's threshold, above a quarter of it) is shared
 * with the worker threads: a policy of its own, apart from the kernel, so it can be tested on given
 * times and worker states.
 *
 * Only when sharing can be cheap: the workers are awake (spinning for the next job), or products come
 * in a stream (each beginning within WORKER_SPIN_MS of the last, so the next one finds the workers
 * awake); waking a sleeping worker costs more than such a product takes. Within a stream, the times
 * measured both ways decide: sharing pays on a quiet machine, but on a busy one the OS preempts a
 * worker mid-chunk and the product waits a scheduler slice for its last chunk. The slower way is
 * retried one product in EXPLORE_EVERY, so the choice follows the machine's load.
 */

import { WORKER_SPIN_MS } from '../threads/worker-source.js';

/** What the policy needs to know of the pool. */
export interface SmallProductPool {
  readonly started: boolean;
  readonly awakeWorkers: number;
}

/** How one small product runs. */
export interface SmallProductPlan {
  /** On the pool. */
  readonly parallel: boolean;
  /** Its time is to be passed to `record` (not the product that starts the workers). */
  readonly timed: boolean;
}

/** Weight of the newest time in the running means. */
export const SMOOTHING = 1 / 8;
/** One candidate product in this many runs the way that has been slower. */
export const EXPLORE_EVERY = 16;

/** One store's small products: when the last began, and running means of their times both ways. */
export class SmallProducts {
  #lastStart = -Infinity;
  #local: number | undefined;
  #shared: number | undefined;
  #candidates = 0;

  /** How a small product beginning at `now` (performance.now()) runs, given the pool's state. */
  plan(now: number, pool: SmallProductPool): SmallProductPlan {
    const streaming = now - this.#lastStart < WORKER_SPIN_MS;
    this.#lastStart = now;
    if (!streaming && pool.awakeWorkers === 0) return { parallel: false, timed: true };
    // The product that starts the workers pays for their start: not a time to judge sharing by.
    if (!pool.started) return { parallel: true, timed: false };
    const [local, shared] = [this.#local, this.#shared];
    if (shared === undefined || local === undefined) return { parallel: shared === undefined, timed: true };
    const explore = ++this.#candidates % EXPLORE_EVERY === 0;
    return { parallel: shared < local !== explore, timed: true };
  }

  /** Folds a timed product's time per multiply-add into the running mean of the way it ran. */
  record(parallel: boolean, timePerMultiplyAdd: number): void {
    const mean = parallel ? this.#shared : this.#local;
    const next = mean === undefined ? timePerMultiplyAdd : mean + (timePerMultiplyAdd - mean) * SMOOTHING;
    if (parallel) this.#shared = next;
    else this.#local = next;
  }
}
