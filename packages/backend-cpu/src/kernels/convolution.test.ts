/**
 * @file Conv2D and its gradients on every CPU path against the direct loops of kernels/convolution.ts
 * (which the conformance suite checks against the float64 references), at sizes that take the
 * WebAssembly path through several blocks of patches: padded and strided windows, a 1×1 filter
 * (no patches: x itself is multiplied), and a filter gradient summed over blocks.
 */

import type { KernelAttrs } from '@tapeflow/tensor-core/internal';
import { expect, it } from 'vitest';
import { KernelHarness, describeEachPath, randomValues, seededRandom } from '../test-utils.js';
import { conv2dBackpropFilterImpl, conv2dBackpropInputImpl, conv2dImpl, convolutionGeometry } from './convolution.js';

interface Case {
  readonly name: string;
  readonly x: readonly number[];
  readonly filter: readonly number[];
  readonly dy: readonly number[];
  readonly attrs: KernelAttrs<'Conv2D'>;
}

const CASES: readonly Case[] = [
  {
    // 4608 output pixels of 144-float patches: three blocks.
    name: '3×3 SAME over [8,24,24,16] to 8 channels',
    x: [8, 24, 24, 16],
    filter: [3, 3, 16, 8],
    dy: [8, 24, 24, 8],
    attrs: { strides: [1, 1], dilations: [1, 1], pads: [1, 1] },
  },
  {
    name: '1×1 over [2,48,48,64] (x is the patch matrix; two blocks)',
    x: [2, 48, 48, 64],
    filter: [1, 1, 64, 8],
    dy: [2, 48, 48, 8],
    attrs: { strides: [1, 1], dilations: [1, 1], pads: [0, 0] },
  },
  {
    name: '5×3 strides [2, 1] SAME over [4,33,31,12] (two blocks, partial last block)',
    x: [4, 33, 31, 12],
    filter: [5, 3, 12, 6],
    dy: [4, 17, 31, 6],
    attrs: { strides: [2, 1], dilations: [1, 1], pads: [2, 1] },
  },
  {
    name: '3×3 dilations 2 VALID over [3,20,21,5]',
    x: [3, 20, 21, 5],
    filter: [3, 3, 5, 7],
    dy: [3, 16, 17, 7],
    attrs: { strides: [1, 1], dilations: [2, 2], pads: [0, 0] },
  },
  {
    // Windows cut by the padding on both sides, with taps skipped by the dilation.
    name: '3×3 dilations [2, 3] strides [1, 2] SAME over [2,9,11,3]',
    x: [2, 9, 11, 3],
    filter: [3, 3, 3, 4],
    dy: [2, 9, 6, 4],
    attrs: { strides: [1, 1], dilations: [2, 3], pads: [2, 3] },
  },
  {
    // One input channel: K = 9, each filter row's taps a run of 3 floats.
    name: '3×3 SAME over [3,10,9,1] (one input channel)',
    x: [3, 10, 9, 1],
    filter: [3, 3, 1, 5],
    dy: [3, 10, 9, 5],
    attrs: { strides: [1, 1], dilations: [1, 1], pads: [1, 1] },
  },
  {
    // Every window overhangs the input on the left, the right or both.
    name: '5×5 SAME over [2,4,3,2] (a filter wider than the input)',
    x: [2, 4, 3, 2],
    filter: [5, 5, 2, 6],
    dy: [2, 4, 3, 6],
    attrs: { strides: [1, 1], dilations: [1, 1], pads: [2, 2] },
  },
  {
    // Dilated taps of 50 channels each (long runs).
    name: '3×3 dilations 2 SAME over [1,7,7,50]',
    x: [1, 7, 7, 50],
    filter: [3, 3, 50, 3],
    dy: [1, 7, 7, 3],
    attrs: { strides: [1, 1], dilations: [2, 2], pads: [2, 2] },
  },
];

/** The worst |actual - expected| / (1 + |expected|) (one expect per output: these have ~10⁵ elements). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!));
    if (!(error <= worst)) [worst, at] = [error, i];
  }
  expect(worst, `element ${at}: ${actual[at]} vs ${expected[at]}`).toBeLessThanOrEqual(tolerance);
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

describeEachPath('Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter', (options) => {
  for (const c of CASES) {
    it(c.name, { timeout: 60_000 }, () => {
      const h = new KernelHarness(options);
      const random = seededRandom(size(c.x) + size(c.filter));
      const x = Float32Array.from(randomValues(size(c.x), random));
      const filter = Float32Array.from(randomValues(size(c.filter), random));
      const dy = Float32Array.from(randomValues(size(c.dy), random));
      const g = convolutionGeometry(c.x, c.filter, c.dy, c.attrs);
      const xt = h.tensor(x, c.x);
      const ft = h.tensor(filter, c.filter);
      const dyt = h.tensor(dy, c.dy);
      expectClose(h.run('Conv2D', { x: xt, filter: ft }, c.attrs, c.dy), conv2dImpl(x, filter, g), 1e-4);
      expectClose(
        h.run('Conv2DBackpropInput', { dy: dyt, filter: ft }, c.attrs, c.x),
        conv2dBackpropInputImpl(dy, filter, g),
        1e-4,
      );
      expectClose(
        h.run('Conv2DBackpropFilter', { x: xt, dy: dyt }, c.attrs, c.filter),
        conv2dBackpropFilterImpl(x, dy, g),
        1e-4,
      );
    });
  }
});
