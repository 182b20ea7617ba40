/**
 * @file The direct convolution kernels of the WebAssembly path (wasm-direct-convolution.ts) against
 * the plain-JS loops of kernels/convolution.ts, at the geometries their code branches on: input
 * channels and output channels that fill no SIMD panel (1, 3, 5, 9, 12, 13), batch 1, strides,
 * dilations, SAME / VALID and explicit padding wider than the filter's reach (dy then cropped for
 * the input gradient), blocks of 4 pixels that span output rows and examples, and the thread split:
 * each case runs on one thread, on two with the smallest chunks (4 pixels; the filter gradient's row
 * chunks are the geometry's, cut further by taps on the pool) and on two with the default threshold;
 * the threaded results must equal the single-threaded ones bit for bit. Also checks that the kernels
 * ran as `conv_chunk` / `conv_filter_chunk` jobs, not as the im2col product.
 */

import type { KernelAttrs, KernelName, TypedArray } from '@tapeflow/tensor-core/internal';
import { describe, expect, it } from 'vitest';
import { SIMD_UNDER_TEST, randomValues, runOnStore, seededRandom, wasmStoresUnderTest } from '../test-utils.js';
import { JOB_KIND, LAYOUT } from '../wasm/kernel-module.js';
import type { WasmBufferStore } from '../wasm/wasm-buffer-store.js';
import {
  type ConvolutionGeometry,
  conv2dBackpropFilterImpl,
  conv2dBackpropInputImpl,
  conv2dImpl,
  convolutionGeometry,
} from './convolution.js';

interface Case {
  readonly name: string;
  readonly x: readonly number[];
  readonly filter: readonly number[];
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  /** 'SAME', 'VALID', or explicit [top, left] pads (the same below and right). */
  readonly padding: 'SAME' | 'VALID' | readonly [number, number];
}

const CASES: readonly Case[] = [
  {
    name: 'batch 1, 3 → 5 channels, 3×3 SAME over 7×9',
    x: [1, 7, 9, 3],
    filter: [3, 3, 3, 5],
    strides: [1, 1],
    dilations: [1, 1],
    padding: 'SAME',
  },
  {
    name: '12 → 13 channels (partial panels both ways), 3×5 SAME over 11×13',
    x: [2, 11, 13, 12],
    filter: [3, 5, 12, 13],
    strides: [1, 1],
    dilations: [1, 1],
    padding: 'SAME',
  },
  {
    name: 'strides [2, 3], 2×3 VALID, 9 → 6 channels',
    x: [3, 10, 9, 9],
    filter: [2, 3, 9, 6],
    strides: [2, 3],
    dilations: [1, 1],
    padding: 'VALID',
  },
  {
    name: 'dilations [2, 3], 3×3 SAME, 10 → 9 channels',
    x: [2, 12, 11, 10],
    filter: [3, 3, 10, 9],
    strides: [1, 1],
    dilations: [2, 3],
    padding: 'SAME',
  },
  {
    name: 'explicit pads [3, 3] around a 2×2 filter (wider than its reach), 8 → 4 channels',
    x: [1, 5, 6, 8],
    filter: [2, 2, 8, 4],
    strides: [1, 1],
    dilations: [1, 1],
    padding: [3, 3],
  },
  {
    name: '1×1 filter, strides 2 (not pointwise), 8 → 16 channels',
    x: [2, 9, 9, 8],
    filter: [1, 1, 8, 16],
    strides: [2, 2],
    dilations: [1, 1],
    padding: 'VALID',
  },
  {
    name: 'one input channel, 3×3 SAME over 64 × 5×7 (K = 9; blocks across examples)',
    x: [64, 5, 7, 1],
    filter: [3, 3, 1, 8],
    strides: [1, 1],
    dilations: [1, 1],
    padding: 'SAME',
  },
  {
    // 3596 pixels: 30 forward chunks of 124 (the last partial); the filter gradient in 4 chunks of
    // 29 rows, blocks of 6 rows (the last of each chunk partial).
    name: '5 → 24 channels, 3×3 SAME over [4, 29, 31, 5] (several chunks of each kernel)',
    x: [4, 29, 31, 5],
    filter: [3, 3, 5, 24],
    strides: [1, 1],
    dilations: [1, 1],
    padding: 'SAME',
  },
  // Strided input gradients, phase by phase: phases with 2×2, 2×1, 1×2 and 1×1 sub-filters.
  {
    name: 'strides 2, 3×3 SAME over odd 1×13×11, 12 → 10 channels (batch 1)',
    x: [1, 13, 11, 12],
    filter: [3, 3, 12, 10],
    strides: [2, 2],
    dilations: [1, 1],
    padding: 'SAME',
  },
  {
    name: 'strides 2, 3×3 SAME over even 2×14×16, 16 → 32 channels (the ResNet downsampling shape)',
    x: [2, 14, 16, 16],
    filter: [3, 3, 16, 32],
    strides: [2, 2],
    dilations: [1, 1],
    padding: 'SAME',
  },
  {
    name: 'strides 3, 2×2 VALID over 3×11×10 (dx columns and rows no tap reaches), 9 → 7 channels',
    x: [3, 11, 10, 9],
    filter: [2, 2, 9, 7],
    strides: [3, 3],
    dilations: [1, 1],
    padding: 'VALID',
  },
  {
    name: 'strides [3, 2], 5×4 SAME, 13 → 5 channels',
    x: [2, 17, 12, 13],
    filter: [5, 4, 13, 5],
    strides: [3, 2],
    dilations: [1, 1],
    padding: 'SAME',
  },
  {
    name: 'strides 2 with dilations [2, 3] (taps step by 1 and 2 phases), 3×3 SAME, 8 → 9 channels',
    x: [2, 15, 14, 8],
    filter: [3, 3, 8, 9],
    strides: [2, 2],
    dilations: [2, 3],
    padding: 'SAME',
  },
  {
    name: 'strides 2, explicit pads [3, 1] wider than a 2×2 filter, 8 → 12 channels',
    x: [1, 7, 9, 8],
    filter: [2, 2, 8, 12],
    strides: [2, 2],
    dilations: [1, 1],
    padding: [3, 1],
  },
  {
    name: 'strides 2, 5×5 SAME over 2×13×15, 3 → 16 channels (direct with 3 of 8 lanes)',
    x: [2, 13, 15, 3],
    filter: [5, 5, 3, 16],
    strides: [2, 2],
    dilations: [1, 1],
    padding: 'SAME',
  },
  {
    name: 'strides [1, 2], 3×3 VALID over 3×9×12, 4 → 11 channels (direct with 4 of 8 lanes)',
    x: [3, 9, 12, 4],
    filter: [3, 3, 4, 11],
    strides: [1, 2],
    dilations: [1, 1],
    padding: 'VALID',
  },
  {
    // dx has 2 × 28 × 28 pixels, a phase 2 × 14 × 14 = 392: several chunks of 4-pixel blocks.
    name: 'strides 2, 3×3 SAME over [2, 28, 28, 20] → 36 channels (several chunks per phase)',
    x: [2, 28, 28, 20],
    filter: [3, 3, 20, 36],
    strides: [2, 2],
    dilations: [1, 1],
    padding: 'SAME',
  },
];

/** Output size and leading pad of one spatial axis. */
function axis(input: number, size: number, stride: number, dilation: number, c: Case, i: 0 | 1): [number, number] {
  const reach = (size - 1) * dilation + 1;
  if (c.padding === 'VALID') return [Math.floor((input - reach) / stride) + 1, 0];
  if (c.padding === 'SAME') {
    const out = Math.ceil(input / stride);
    return [out, Math.floor(Math.max((out - 1) * stride + reach - input, 0) / 2)];
  }
  const pad = c.padding[i];
  return [Math.floor((input + 2 * pad - reach) / stride) + 1, pad];
}

function geometryOf(c: Case): { g: ConvolutionGeometry; dy: number[]; attrs: KernelAttrs<'Conv2D'> } {
  const [outHeight, padTop] = axis(c.x[1]!, c.filter[0]!, c.strides[0], c.dilations[0], c, 0);
  const [outWidth, padLeft] = axis(c.x[2]!, c.filter[1]!, c.strides[1], c.dilations[1], c, 1);
  const dy = [c.x[0]!, outHeight, outWidth, c.filter[3]!];
  const attrs = { strides: [...c.strides], dilations: [...c.dilations], pads: [padTop, padLeft] };
  return { g: convolutionGeometry(c.x, c.filter, dy, attrs), dy, attrs };
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The worst |actual - expected| / (1 + |expected|). */
function worstError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!)));
  }
  return worst;
}

const relaxed = SIMD_UNDER_TEST === 'relaxed';
const stores = wasmStoresUnderTest(131072, [
  { label: 'two threads, smallest chunks', threshold: 0 },
  { label: 'two threads, default threshold', threshold: 131072 },
]);

/** Runs kernel `name` on `store`; returns its output and the kind of the last job written. */
function run<K extends KernelName>(
  store: WasmBufferStore,
  name: K,
  inputs: Record<string, { values: Float32Array; shape: readonly number[] }>,
  attrs: KernelAttrs<K>,
  shape: readonly number[],
): { values: TypedArray; jobKind: number } {
  let jobKind = -1;
  const values = runOnStore(store, name, inputs, attrs, shape, (call) => {
    store.i32[LAYOUT.job >>> 2] = -1;
    const out = call();
    jobKind = store.i32[LAYOUT.job >>> 2]!;
    return out;
  });
  return { values, jobKind };
}

describe(`direct convolution kernels [${relaxed ? 'relaxed simd' : 'simd'}]`, () => {
  for (const c of CASES) {
    it(c.name, { timeout: 60_000 }, () => {
      const { g, dy: dyShape, attrs } = geometryOf(c);
      const random = seededRandom(size(c.x) + size(c.filter));
      const x = Float32Array.from(randomValues(size(c.x), random));
      const filter = Float32Array.from(randomValues(size(c.filter), random));
      const dy = Float32Array.from(randomValues(size(dyShape), random));
      const expected = {
        forward: conv2dImpl(x, filter, g),
        input: conv2dBackpropInputImpl(dy, filter, g),
        filter: conv2dBackpropFilterImpl(x, dy, g),
      };
      // The input gradient is direct for at least 8 input channels, or 3 to 7 and at most 16 outputs.
      const directInput = c.x[3]! >= 8 || (c.x[3]! >= 3 && c.filter[3]! <= 16);
      let first: Record<keyof typeof expected, TypedArray> | undefined;
      for (const { label, store } of stores) {
        const forward = run(
          store,
          'Conv2D',
          { x: { values: x, shape: c.x }, filter: { values: filter, shape: c.filter } },
          attrs,
          dyShape,
        );
        const input = run(
          store,
          'Conv2DBackpropInput',
          { dy: { values: dy, shape: dyShape }, filter: { values: filter, shape: c.filter } },
          attrs,
          c.x,
        );
        const gradient = run(
          store,
          'Conv2DBackpropFilter',
          { x: { values: x, shape: c.x }, dy: { values: dy, shape: dyShape } },
          attrs,
          c.filter,
        );
        expect(forward.jobKind, label).toBe(JOB_KIND.convolution);
        if (directInput) expect(input.jobKind, label).toBe(JOB_KIND.convolution);
        expect(gradient.jobKind, label).toBe(JOB_KIND.convolutionFilter);
        expect(worstError(forward.values, expected.forward), `${label}: Conv2D`).toBeLessThanOrEqual(1e-4);
        expect(worstError(input.values, expected.input), `${label}: Conv2DBackpropInput`).toBeLessThanOrEqual(1e-4);
        expect(worstError(gradient.values, expected.filter), `${label}: Conv2DBackpropFilter`).toBeLessThanOrEqual(
          1e-4,
        );
        const results = { forward: forward.values, input: input.values, filter: gradient.values };
        if (first === undefined) first = results;
        else
          for (const key of ['forward', 'input', 'filter'] as const)
            expect(results[key], `${label}: ${key}`).toEqual(first[key]);
      }
    });
  }
});
