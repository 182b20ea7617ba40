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

  it('does not let one outlying run (a preempted worker, a collector pause) flip the choice', () => {
    const policy = new SmallProducts();
    policy.record(false, 1);
    policy.record(true, 0.5);
    // 100 counts as OUTLIER_CAP × 0.5 = 1: the shared mean moves to 0.5625, still under the local 1.
    policy.record(true, 100);
    expect(policy.means.shared).toBeCloseTo(0.5625, 12);
    expect(sharedOf(policy, 0, EXPLORE_EVERY, awake)).toBe(EXPLORE_EVERY - 1);
    // Likewise a local outlier: the local mean moves to 1.125, not to 13.4.
    policy.record(false, 100);
    expect(policy.means.local).toBeCloseTo(1.125, 12);
  });

  it('before any same-time comparison, follows the two means: repeated slower times take over within a few runs', () => {
    const policy = new SmallProducts();
    policy.record(false, 1);
    policy.record(true, 0.5);
    // Each shared time of 4 moves the mean up by 1/8 of itself: 0.5 · 1.125^5 = 0.90 < 1 < 0.5 · 1.125^6.
    for (let i = 0; i < 5; i++) policy.record(true, 4);
    expect(sharedOf(policy, 0, EXPLORE_EVERY, awake)).toBe(EXPLORE_EVERY - 1);
    policy.record(true, 4);
    expect(sharedOf(policy, 500, EXPLORE_EVERY, awake)).toBe(1);
  });

  /** A policy that runs locally (local 1, shared 1.5) after one same-time comparison set the ratio at 1.5. */
  function preferringLocal(): SmallProducts {
    const policy = new SmallProducts();
    policy.record(false, 1);
    policy.record(true, 1.5);
    policy.record(true, 1.5); // a retried shared run: 1.5× the local mean of the moment
    expect(policy.ratio).toBeCloseTo(1.5, 12);
    return policy;
  }

  it('does not mistake a slowdown of the whole machine for one of the way it is running', () => {
    const policy = preferringLocal();
    // The machine slows down 3×: only local runs see it (shared is retried one run in EXPLORE_EVERY).
    for (let i = 0; i < 30; i++) policy.record(false, 3);
    // The means alone would now go shared (2.96 against 1.5): the ratio of same-time runs says no.
    expect(policy.means.local).toBeGreaterThan(1.9 * policy.means.shared!);
    expect(sharedOf(policy, 0, EXPLORE_EVERY, awake)).toBe(1);
    // The retried shared run, slowed down alike, keeps the ratio at 1.5.
    policy.record(true, 4.5);
    expect(policy.ratio).toBeCloseTo(1.5, 1);
    expect(sharedOf(policy, 500, EXPLORE_EVERY, awake)).toBe(1);
  });

  it('takes the other way once its retried runs keep beating the chosen way at the same time', () => {
    const policy = preferringLocal();
    for (let i = 0; i < 30; i++) policy.record(false, 3);
    // Each retried shared run at 1.5 is half the local mean of the moment: ln 0.5 moves the log ratio
    // by ln 2 / 8 from ln 1.5 = 0.405: still above 0 after 4 (0.058), below after 5 (-0.028).
    for (let i = 0; i < 4; i++) policy.record(true, 1.5);
    expect(sharedOf(policy, 0, EXPLORE_EVERY, awake)).toBe(1);
    policy.record(true, 1.5);
    expect(policy.ratio).toBeLessThan(1);
    expect(sharedOf(policy, 500, EXPLORE_EVERY, awake)).toBe(EXPLORE_EVERY - 1);
  });
});
