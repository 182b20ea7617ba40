/**
 * @file The SIMD pooling kernels of the WebAssembly path (wasm-pooling.ts, emit-pooling.ts) against the
 * plain-JS reference of kernels/Pooling.ts, bit for bit: windows and strides 1 to 3 along each axis,
 * SAME (windows that hang over the padding) and VALID, channels 1, 3, 4, 5, 8 and 33 (no vector, a
 * scalar tail only, whole vectors, vectors and a tail), batch 1 and 3, on one thread and on two with
 * the smallest chunks (the shared-memory build of the module). The inputs are on a coarse grid, so
 * windows hold ties (±0 among them) and the max's gradient must pick the first maximal element, and
 * some hold NaNs. Every run also checks that the kernel ran in place on the heap, not through the
 * reference's JavaScript result copied in.
 */

import type { KernelAttrs, KernelName, TypedArray } from '@tapeflow/tensor-core/internal';
import { poolGeometry } from '@tapeflow/tensor-core/internal';
import { describe, expect, it, vi } from 'vitest';
import { avgPoolGradImpl, avgPoolImpl, maxPoolGradImpl, maxPoolImpl, poolWindows } from '../kernels/Pooling.js';
import { SIMD_UNDER_TEST, runOnStore, seededRandom, wasmStoresUnderTest } from '../test-utils.js';
import type { WasmBufferStore } from './wasm-buffer-store.js';

const relaxed = SIMD_UNDER_TEST === 'relaxed';
const stores = wasmStoresUnderTest(0, [{ label: 'two threads, smallest chunks', threshold: 0 }]);

type PoolKernel = 'MaxPool' | 'AvgPool' | 'MaxPoolGrad' | 'AvgPoolGrad';

/**
 * Runs kernel `name` on `store`; returns a copy of its output. Fails if the kernel computed its result
 * in JavaScript and copied it in (`adopt`), as the reference kernels do: the SIMD kernels write in place.
 */
function run<K extends KernelName>(
  store: WasmBufferStore,
  name: K,
  inputs: Record<string, { values: Float32Array; shape: readonly number[] }>,
  attrs: KernelAttrs<K>,
  shape: readonly number[],
): TypedArray {
  return runOnStore(store, name, inputs, attrs, shape, (call) => {
    const adopt = vi.spyOn(store, 'adopt');
    const out = call();
    expect(adopt, `${name} copied a JavaScript result in`).not.toHaveBeenCalled();
    adopt.mockRestore();
    return out;
  });
}

/** The first index where `actual` and `expected` differ in value or in the sign of zero (NaN = NaN). */
function firstDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) return `element ${i}: ${actual[i]} vs ${expected[i]}`;
  }
  return undefined;
}

/**
 * `size` values in [-1, 1]: on a grid of quarters (ties, -0 and +0) when `grid`, else any float32 (so
 * sums round); NaNs at rate `nanRate`.
 */
function testValues(size: number, random: () => number, nanRate: number, grid: boolean): Float32Array {
  return Float32Array.from({ length: size }, () => {
    if (random() < nanRate) return NaN;
    const value = random() * 2 - 1;
    return grid ? Math.round(value * 4) / 4 : Math.fround(value);
  });
}

interface Case {
  readonly x: readonly [number, number, number, number];
  readonly ksize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: 'SAME' | 'VALID';
}

const CASES: Case[] = [];
for (const batch of [1, 3])
  for (const channels of [1, 3, 4, 5, 8, 33])
    for (const k of [1, 2, 3])
      for (const s of [1, 2, 3])
        for (const padding of ['SAME', 'VALID'] as const) {
          // Square windows and strides, and non-square ones ([1, 2], [2, 3], [3, 1]; [1, 3], [2, 1], [3, 2]).
          CASES.push({ x: [batch, 7, 6, channels], ksize: [k, k], strides: [s, s], padding });
          CASES.push({ x: [batch, 6, 7, channels], ksize: [k, (k % 3) + 1], strides: [s, ((s + 1) % 3) + 1], padding });
        }

const label = (c: Case): string =>
  `x [${c.x.join(', ')}], ksize [${c.ksize.join(', ')}], strides [${c.strides.join(', ')}], ${c.padding}`;

function check(c: Case, nanRate: number, grid = true): void {
  const { ksize, strides, pads, outputShape } = poolGeometry('test', c.x, [...c.ksize], [...c.strides], c.padding);
  const attrs = { ksize, strides, pads };
  const g = poolWindows(c.x, outputShape, attrs);
  const random = seededRandom(c.x.reduce((a, b) => a * b, 1) + 7 * ksize[0] + 13 * strides[1]);
  const x = testValues(
    c.x.reduce((a, b) => a * b, 1),
    random,
    nanRate,
    grid,
  );
  const dy = testValues(
    outputShape.reduce((a, b) => a * b, 1),
    random,
    nanRate,
    grid,
  );
  const expected: Record<PoolKernel, Float32Array> = {
    MaxPool: maxPoolImpl(x, g),
    AvgPool: avgPoolImpl(x, g),
    MaxPoolGrad: maxPoolGradImpl(x, dy, g),
    AvgPoolGrad: avgPoolGradImpl(dy, g),
  };
  for (const { label: path, store } of stores) {
    const actual: Record<PoolKernel, TypedArray> = {
      MaxPool: run(store, 'MaxPool', { x: { values: x, shape: c.x } }, attrs, outputShape),
      AvgPool: run(store, 'AvgPool', { x: { values: x, shape: c.x } }, attrs, outputShape),
      MaxPoolGrad: run(
        store,
        'MaxPoolGrad',
        { x: { values: x, shape: c.x }, dy: { values: dy, shape: outputShape } },
        attrs,
        c.x,
      ),
      AvgPoolGrad: run(store, 'AvgPoolGrad', { dy: { values: dy, shape: outputShape } }, attrs, c.x),
    };
    for (const name of Object.keys(expected) as PoolKernel[]) {
      expect(firstDifference(actual[name], expected[name]), `${path}: ${name}`).toBeUndefined();
    }
  }
}

describe(`pooling kernels of the WebAssembly path [${relaxed ? 'relaxed simd' : 'simd'}]`, () => {
  it('MaxPool, AvgPool and their gradients equal the reference bit for bit, ties included', { timeout: 60_000 }, () => {
    for (const c of CASES) {
      try {
        check(c, 0);
      } catch (error) {
        throw new Error(`${label(c)}: ${(error as Error).message}`, { cause: error });
      }
    }
  });

  it(
    'any float32 values: the mean sums in float64 and its gradient adds dy / count, as the reference',
    { timeout: 60_000 },
    () => {
      for (const c of CASES.filter((_, i) => i % 3 === 0)) {
        try {
          check(c, 0, false);
        } catch (error) {
          throw new Error(`${label(c)}: ${(error as Error).message}`, { cause: error });
        }
      }
    },
  );

  it('NaN: the max is NaN once a window holds one, and its gradient goes to the first NaN', { timeout: 60_000 }, () => {
    for (const c of CASES.filter((_, i) => i % 5 === 0)) {
      try {
        check(c, 0.1);
      } catch (error) {
        throw new Error(`${label(c)}: ${(error as Error).message}`, { cause: error });
      }
    }
  });

  it(
    'the MNIST convnet pools ([64, 26, 26, 32] and [64, 11, 11, 64], 2×2 VALID) equal the reference',
    { timeout: 60_000 },
    () => {
      check({ x: [64, 26, 26, 32], ksize: [2, 2], strides: [2, 2], padding: 'VALID' }, 0);
      check({ x: [64, 11, 11, 64], ksize: [2, 2], strides: [2, 2], padding: 'VALID' }, 0);
    },
  );
});
