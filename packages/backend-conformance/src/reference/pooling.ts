/**
 * @file Reference pooling kernels in float64, written from the definitions: an output position's
 * window is the set of in-input (h, w) with `h = oh * sh - top + i`, `w = ow * sw - left + j` for
 * i < kh, j < kw, visited row-major. MaxPool is the max over that set (NaN propagates), AvgPool the
 * mean over it (padding not counted), MaxPoolGrad sends each window's gradient to the first element of
 * the set holding the max, MaxPoolGradGrad reads there, AvgPoolGrad shares it out over the set.
 */

import type { ReferenceTensor } from './tensor.js';
import { indicesOf, offsetOf, sizeOf, storeAs } from './tensor.js';

/** Windows as the kernels take them. */
export interface ReferencePoolAttrs {
  readonly ksize: readonly number[];
  readonly strides: readonly number[];
  /** [top, left]. */
  readonly pads: readonly number[];
}

/** The in-input positions [h, w] of the window of output (oh, ow), row-major. */
function windowOf(
  oh: number,
  ow: number,
  inputShape: readonly number[],
  attrs: ReferencePoolAttrs,
): [number, number][] {
  const positions: [number, number][] = [];
  for (let i = 0; i < attrs.ksize[0]!; i++) {
    for (let j = 0; j < attrs.ksize[1]!; j++) {
      const h = oh * attrs.strides[0]! - attrs.pads[0]! + i;
      const w = ow * attrs.strides[1]! - attrs.pads[1]! + j;
      if (h >= 0 && h < inputShape[1]! && w >= 0 && w < inputShape[2]!) positions.push([h, w]);
    }
  }
  return positions;
}

/** The flat input offset of each window element of output index [n, oh, ow, c]. */
function windowOffsets(index: readonly number[], inputShape: readonly number[], attrs: ReferencePoolAttrs): number[] {
  const [n, oh, ow, c] = index as [number, number, number, number];
  return windowOf(oh, ow, inputShape, attrs).map(([h, w]) => offsetOf([n, h, w, c], inputShape));
}

/** The offset of the first max of `values` at `offsets` (a NaN, once seen, is the max). */
function firstMax(values: readonly number[], offsets: readonly number[]): number {
  let best = offsets[0]!;
  for (const o of offsets) {
    const v = values[o]!;
    const m = values[best]!;
    if (v > m || (Number.isNaN(v) && !Number.isNaN(m))) best = o;
  }
  return best;
}

function perOutput(
  x: ReferenceTensor,
  outputShape: readonly number[],
  attrs: ReferencePoolAttrs,
  f: (offsets: number[]) => number,
): ReferenceTensor {
  const values: number[] = [];
  for (const index of indicesOf(outputShape)) values.push(storeAs(f(windowOffsets(index, x.shape, attrs)), 'float32'));
  return { shape: outputShape.slice(), dtype: 'float32', values };
}

/** MaxPool: the max of each window's in-input elements. */
export function maxPool(
  x: ReferenceTensor,
  outputShape: readonly number[],
  attrs: ReferencePoolAttrs,
): ReferenceTensor {
  return perOutput(x, outputShape, attrs, (offsets) => x.values[firstMax(x.values, offsets)]!);
}

/** AvgPool: the mean of each window's in-input elements. */
export function avgPool(
  x: ReferenceTensor,
  outputShape: readonly number[],
  attrs: ReferencePoolAttrs,
): ReferenceTensor {
  return perOutput(x, outputShape, attrs, (offsets) => offsets.reduce((s, o) => s + x.values[o]!, 0) / offsets.length);
}

/** MaxPoolGrad: each window's `dy` added at its first max, in `x`'s shape. */
export function maxPoolGrad(x: ReferenceTensor, dy: ReferenceTensor, attrs: ReferencePoolAttrs): ReferenceTensor {
  const values = new Array<number>(sizeOf(x.shape)).fill(0);
  let o = 0;
  for (const index of indicesOf(dy.shape))
    values[firstMax(x.values, windowOffsets(index, x.shape, attrs))]! += dy.values[o++]!;
  return { shape: x.shape.slice(), dtype: 'float32', values: values.map((v) => storeAs(v, 'float32')) };
}

/** MaxPoolGradGrad: `grad` (x's shape) read at each window's first max, in `outputShape`. */
export function maxPoolGradGrad(
  x: ReferenceTensor,
  grad: ReferenceTensor,
  outputShape: readonly number[],
  attrs: ReferencePoolAttrs,
): ReferenceTensor {
  return perOutput(x, outputShape, attrs, (offsets) => grad.values[firstMax(x.values, offsets)]!);
}

/** AvgPoolGrad: each window's `dy` divided by its in-input count, added over the window, in `inputShape`. */
export function avgPoolGrad(
  dy: ReferenceTensor,
  inputShape: readonly number[],
  attrs: ReferencePoolAttrs,
): ReferenceTensor {
  const values = new Array<number>(sizeOf(inputShape)).fill(0);
  let o = 0;
  for (const index of indicesOf(dy.shape)) {
    const offsets = windowOffsets(index, inputShape, attrs);
    const share = dy.values[o++]! / offsets.length;
    for (const offset of offsets) values[offset]! += share;
  }
  return { shape: inputShape.slice(), dtype: 'float32', values: values.map((v) => storeAs(v, 'float32')) };
}
