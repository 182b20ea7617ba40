/**
 * @file Whether a shallow convolution (fewer than MIN_PARALLEL_DEPTH taps an output: a 3×3 filter over
 * one channel, the first layer of an MNIST CNN) is shared with the worker threads: a policy of its
 * own, apart from the kernels, so it can be tested on given times.
 *
 * Such a convolution is bound by writing its output (64×28×28×32 floats: 6.4 MB) and by reading dy,
 * not by its multiply-adds. When both cores were free (the best of 150 runs on a shared machine) two
 * threads ran its forward 1.7× faster (1.41 vs 2.41 ms) and its filter gradient 1.3× faster (2.80 vs
 * 3.65 ms), but on a busy machine the OS preempts a worker mid-chunk and the kernel waits a scheduler
 * slice for the last chunk: the medians of the same runs were 1.2-1.45× slower shared. So the times
 * measured both ways decide, per store and kernel, and the slower way is retried one run in
 * EXPLORE_EVERY, so the choice follows the machine's load (as small-products.ts does for products).
 * Either way the results are the same bits: the chunks are the geometry's, never the threads'.
 */

import { MeasuredChoice, type SharingPlan } from './measured-choice.js';

export { EXPLORE_EVERY, SMOOTHING } from './measured-choice.js';

/** Fewest taps per output from which a convolution always uses the pool (above its threshold). */
export const MIN_PARALLEL_DEPTH = 32;

/** What the policy needs to know of the pool. */
export interface ShallowPool {
  readonly started: boolean;
}

/** How one shallow convolution runs: on the pool or not, and whether its time is to be recorded. */
export type ShallowPlan = SharingPlan;

/** One kernel's shallow convolutions on one store: running means of their time per unit of work. */
export class ShallowConvolutions extends MeasuredChoice {
  /** How the next shallow convolution runs. */
  plan(pool: ShallowPool): ShallowPlan {
    return this.decide(pool.started);
  }
}

/** The policies of a store's shallow forward convolutions and filter gradients. */
const policies = new WeakMap<object, { forward: ShallowConvolutions; filter: ShallowConvolutions }>();

/** `store`'s policy for kernel `kind`. */
export function shallowPolicy(store: object, kind: 'forward' | 'filter'): ShallowConvolutions {
  let entry = policies.get(store);
  if (entry === undefined)
    policies.set(store, (entry = { forward: new ShallowConvolutions(), filter: new ShallowConvolutions() }));
  return entry[kind];
}
