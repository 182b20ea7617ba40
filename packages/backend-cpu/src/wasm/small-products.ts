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
import { MeasuredChoice, type SharingPlan } from './measured-choice.js';

export { EXPLORE_EVERY, SMOOTHING } from './measured-choice.js';

/** What the policy needs to know of the pool. */
export interface SmallProductPool {
  readonly started: boolean;
  readonly awakeWorkers: number;
}

/** How one small product runs: on the pool or not, and whether its time is to be passed to `record`. */
export type SmallProductPlan = SharingPlan;

/** One store's small products: when the last began, and running means of their times both ways. */
export class SmallProducts extends MeasuredChoice {
  #lastStart = -Infinity;

  /** How a small product beginning at `now` (performance.now()) runs, given the pool's state. */
  plan(now: number, pool: SmallProductPool): SmallProductPlan {
    const streaming = now - this.#lastStart < WORKER_SPIN_MS;
    this.#lastStart = now;
    if (!streaming && pool.awakeWorkers === 0) return { parallel: false, timed: true };
    return this.decide(pool.started);
  }
}
