/**
 * @file Tests of the shallow-convolution policy on given times (no timing): the run starting the
 * workers is not timed, each way is measured once, then the faster is taken with the slower retried
 * one run in EXPLORE_EVERY. Then the kernels under it: the first layer of an MNIST CNN on two threads
 * with the default threshold runs both ways within a few calls, each the same bits as one thread.
 */

import { afterAll, describe, expect, it } from 'vitest';
import { detectFeatures } from '../features.js';
import { convolutionGeometry } from '../kernels/convolution.js';
import { SIMD_UNDER_TEST, randomValues, seededRandom } from '../test-utils.js';
import { EXPLORE_EVERY, ShallowConvolutions, shallowPolicy } from './shallow-convolutions.js';
import { WasmBufferStore } from './wasm-buffer-store.js';
import { directConv2D, directConv2DBackpropFilter } from './wasm-direct-convolution.js';

const started = { started: true };

/** How many of `count` planned runs are shared. */
function sharedOf(policy: ShallowConvolutions, count: number): number {
  let shared = 0;
  for (let i = 0; i < count; i++) if (policy.plan(started).parallel) shared++;
  return shared;
}

describe('ShallowConvolutions', () => {
  it('shares the run that starts the workers, untimed; then measures each way once', () => {
    const policy = new ShallowConvolutions();
    expect(policy.plan({ started: false })).toEqual({ parallel: true, timed: false });
    expect(policy.plan(started)).toEqual({ parallel: true, timed: true });
    policy.record(true, 1);
    expect(policy.plan(started)).toEqual({ parallel: false, timed: true });
  });

  it('takes the faster way, and the slower one in every EXPLORE_EVERY', () => {
    const faster = new ShallowConvolutions();
    faster.record(false, 2);
    faster.record(true, 1);
    expect(sharedOf(faster, 4 * EXPLORE_EVERY)).toBe(4 * EXPLORE_EVERY - 4);
    const slower = new ShallowConvolutions();
    slower.record(false, 1);
    slower.record(true, 2);
    expect(sharedOf(slower, 4 * EXPLORE_EVERY)).toBe(4);
  });

  it('follows the load: shared runs that turn slow hand the kernel back to the calling thread', () => {
    const policy = new ShallowConvolutions();
    policy.record(false, 1);
    policy.record(true, 0.5);
    expect(policy.plan(started).parallel).toBe(true);
    // A run counts at most OUTLIER_CAP × the mean: each moves it up by 1/8 of itself, 0.5 → 1.01 in 6.
    for (let i = 0; i < 5; i++) policy.record(true, 3);
    expect(policy.plan(started).parallel).toBe(true);
    policy.record(true, 3);
    expect(policy.means.shared).toBeGreaterThan(1);
    expect(policy.plan(started).parallel).toBe(false);
  });
});

/** Elements whose bits differ (a plain loop: toEqual on 400 000 floats takes seconds). */
function differences(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  const [a, b] = [new Uint32Array(actual.buffer), new Uint32Array(expected.buffer)];
  let count = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) count++;
  return count;
}

const features = detectFeatures();
const threaded = features.sharedMemory && features.workers !== undefined;

describe.runIf(threaded)('shallow convolutions on the pool [two threads, default threshold]', () => {
  const relaxed = SIMD_UNDER_TEST === 'relaxed';
  const one = new WasmBufferStore({ relaxed, threads: 1, workers: undefined, parallelThreshold: 131072 });
  const two = new WasmBufferStore({ relaxed, threads: 2, workers: features.workers, parallelThreshold: 131072 });
  afterAll(() => {
    one.dispose();
    two.dispose();
  });

  it(
    'runs the MNIST first layer (16×28×28×1 * 3×3×1×32 SAME) both ways, the same bits as one thread',
    { timeout: 60_000 },
    () => {
      const shape = { x: [16, 28, 28, 1], filter: [3, 3, 1, 32], dy: [16, 28, 28, 32] };
      const g = convolutionGeometry(shape.x, shape.filter, shape.dy, {
        strides: [1, 1],
        dilations: [1, 1],
        pads: [1, 1],
      });
      const random = seededRandom(7);
      const values = {
        x: Float32Array.from(randomValues(16 * 28 * 28, random)),
        filter: Float32Array.from(randomValues(9 * 32, random)),
        dy: Float32Array.from(randomValues(16 * 28 * 28 * 32, random)),
      };
      const run = (store: WasmBufferStore): { forward: Float32Array; filter: Float32Array } => {
        const [x, filter, dy] = [values.x, values.filter, values.dy].map((v) => store.write(v, 'float32'));
        const y = store.allocate(values.dy.length, 'float32');
        const dfilter = store.allocate(values.filter.length, 'float32');
        const at = (id: typeof x): number => store.resolve(id!).offset;
        directConv2D(store, g, at(x), at(filter), y.offset);
        directConv2DBackpropFilter(store, g, at(x), at(dy), dfilter.offset);
        const result = {
          forward: store.f32.slice(y.offset >>> 2, (y.offset >>> 2) + values.dy.length),
          filter: store.f32.slice(dfilter.offset >>> 2, (dfilter.offset >>> 2) + values.filter.length),
        };
        for (const id of [x, filter, dy, y, dfilter]) store.free(id as never);
        return result;
      };
      const expected = run(one);
      for (let i = 0; i < 4; i++) {
        const actual = run(two);
        expect(differences(actual.forward, expected.forward), 'forward').toBe(0);
        expect(differences(actual.filter, expected.filter), 'filter gradient').toBe(0);
      }
      for (const kind of ['forward', 'filter'] as const) {
        const { local, shared } = shallowPolicy(two, kind).means;
        expect(local, `${kind} timed on the calling thread`).toBeGreaterThan(0);
        expect(shared, `${kind} timed shared`).toBeGreaterThan(0);
      }
    },
  );
});
