/**
 * @file Tests of the small-product policy on given times and worker states (no timing): when sharing
 * is considered at all, that the product starting the workers is not timed, and that the measured
 * times choose the way, with the slower one retried now and then.
 */

import { describe, expect, it } from 'vitest';
import { WORKER_SPIN_MS } from '../threads/worker-source.js';
import { EXPLORE_EVERY, SmallProducts, type SmallProductPool } from './small-products.js';

const asleep: SmallProductPool = { started: true, awakeWorkers: 0 };
const awake: SmallProductPool = { started: true, awakeWorkers: 1 };
const notStarted: SmallProductPool = { started: false, awakeWorkers: 0 };
const gap = WORKER_SPIN_MS / 4;

/** Plans `count` products `gap` ms apart from `start`; returns how many were shared. */
function sharedOf(policy: SmallProducts, start: number, count: number, pool: SmallProductPool): number {
  let shared = 0;
  for (let i = 0; i < count; i++) if (policy.plan(start + i * gap, pool).parallel) shared++;
  return shared;
}

describe('SmallProducts', () => {
  it('keeps an isolated product on the calling thread while the workers sleep', () => {
    const policy = new SmallProducts();
    expect(policy.plan(0, asleep)).toEqual({ parallel: false, timed: true });
    expect(policy.plan(10 * WORKER_SPIN_MS, asleep)).toEqual({ parallel: false, timed: true });
    expect(policy.plan(20 * WORKER_SPIN_MS, notStarted)).toEqual({ parallel: false, timed: true });
  });

  it('shares a product of a stream, or one the awake workers can take; the one starting the workers is not timed', () => {
    const policy = new SmallProducts();
    policy.plan(0, notStarted);
    expect(policy.plan(gap, notStarted)).toEqual({ parallel: true, timed: false });
    // Started, never timed shared: shared (to measure it), whether by the stream or by awake workers.
    expect(policy.plan(2 * gap, asleep)).toEqual({ parallel: true, timed: true });
    expect(policy.plan(100, awake)).toEqual({ parallel: true, timed: true });
  });

  it('measures the calling thread alone when only shared times are known', () => {
    const policy = new SmallProducts();
    policy.record(true, 1);
    expect(policy.plan(0, awake)).toEqual({ parallel: false, timed: true });
  });

  it('takes the faster way, and the slower one in every EXPLORE_EVERY', () => {
    const faster = new SmallProducts();
    faster.record(false, 2);
    faster.record(true, 1);
    expect(sharedOf(faster, 0, 8 * EXPLORE_EVERY, awake)).toBe(8 * EXPLORE_EVERY - 8);
    const slower = new SmallProducts();
    slower.record(false, 1);
    slower.record(true, 2);
    expect(sharedOf(slower, 0, 8 * EXPLORE_EVERY, awake)).toBe(8);
  });

  it('follows the times as they change: an outlier is outgrown by later, faster times', () => {
    const policy = new SmallProducts();
    policy.record(false, 1);
    policy.record(true, 0.5);
    policy.record(true, 100); // a preempted worker: the running mean jumps to 12.9
    expect(sharedOf(policy, 0, EXPLORE_EVERY, awake)).toBe(1);
    // Each retried shared product at 0.5 shrinks the excess by 7/8: still above the local 1 after 24
    // of them (12.44 · (7/8)^24 = 0.50), under it after 25.
    for (let i = 0; i < 24; i++) policy.record(true, 0.5);
    expect(sharedOf(policy, 500, EXPLORE_EVERY, awake)).toBe(1);
    policy.record(true, 0.5);
    expect(sharedOf(policy, 1000, EXPLORE_EVERY, awake)).toBe(EXPLORE_EVERY - 1);
  });
});
