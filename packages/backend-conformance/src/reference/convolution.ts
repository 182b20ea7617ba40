/**
 * @file Reference convolutions in float64, written as their definitions: each output element is a
 * sum gathered over the filter taps that touch it (no scatter, no shared loop with any backend).
 * Conv2D and DepthwiseConv2dNative differ only in which output channel the filter element
 * [kh, kw, c, q] feeds: q for Conv2D, c·M + q for depthwise (M the channel multiplier).
 */

import type { ReferenceTensor } from './tensor.js';
import { offsetOf, storeAs } from './tensor.js';

/** The window attributes: `strides`, `dilations` and `pads` ([top, left]) as [height, width] pairs. */
export interface ReferenceWindows {
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly pads: readonly number[];
}

/** Options of the references: `magnitude` sums |terms| (the error scale). */
export interface ConvolutionReferenceOptions {
  readonly depthwise: boolean;
  readonly magnitude?: boolean;
}

/** The input row (or column) that output row `o` reads through tap `k`, on axis `axis` (0 height, 1 width). */
function inputIndex(windows: ReferenceWindows, axis: number, o: number, k: number): number {
  return o * windows.strides[axis]! - windows.pads[axis]! + k * windows.dilations[axis]!;
}

function make(shape: readonly number[], values: number[]): ReferenceTensor {
  return { shape: shape.slice(), dtype: 'float32', values: values.map((v) => storeAs(v, 'float32')) };
}

/** The output channel filter element [., ., c, q] feeds. */
function channelOf(depthwise: boolean, c: number, q: number, filterShape: readonly number[]): number {
  return depthwise ? c * filterShape[3]! + q : q;
}

/** Conv2D / DepthwiseConv2dNative: `y` of `outShape` from `x` [n, h, w, c] and `filter` [kh, kw, c, q]. */
export function convolution(
  x: ReferenceTensor,
  filter: ReferenceTensor,
  windows: ReferenceWindows,
  outShape: readonly number[],
  options: ConvolutionReferenceOptions,
): ReferenceTensor {
  const term = options.magnitude === true ? Math.abs : (v: number) => v;
  const [N, OH, OW, J] = outShape as [number, number, number, number];
  const [KH, KW, C, Q] = filter.shape as [number, number, number, number];
  const values: number[] = [];
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++)
        for (let j = 0; j < J; j++) {
          let sum = 0;
          for (let kh = 0; kh < KH; kh++)
            for (let kw = 0; kw < KW; kw++)
              for (let c = 0; c < C; c++)
                for (let q = 0; q < Q; q++) {
                  if (channelOf(options.depthwise, c, q, filter.shape) !== j) continue;
                  const ih = inputIndex(windows, 0, oh, kh);
                  const iw = inputIndex(windows, 1, ow, kw);
                  if (ih < 0 || iw < 0 || ih >= x.shape[1]! || iw >= x.shape[2]!) continue;
                  sum += term(
                    x.values[offsetOf([n, ih, iw, c], x.shape)]! *
                      filter.values[offsetOf([kh, kw, c, q], filter.shape)]!,
                  );
                }
          values.push(sum);
        }
  return make(outShape, values);
}

/** The input gradient: `dx` of `inShape` from `dy` [n, oh, ow, j] and `filter` [kh, kw, c, q]. */
export function convolutionBackpropInput(
  dy: ReferenceTensor,
  filter: ReferenceTensor,
  windows: ReferenceWindows,
  inShape: readonly number[],
  options: ConvolutionReferenceOptions,
): ReferenceTensor {
  const term = options.magnitude === true ? Math.abs : (v: number) => v;
  const [N, H, W, C] = inShape as [number, number, number, number];
  const [KH, KW, , Q] = filter.shape as [number, number, number, number];
  const values: number[] = [];
  for (let n = 0; n < N; n++)
    for (let ih = 0; ih < H; ih++)
      for (let iw = 0; iw < W; iw++)
        for (let c = 0; c < C; c++) {
          let sum = 0;
          for (let oh = 0; oh < dy.shape[1]!; oh++)
            for (let ow = 0; ow < dy.shape[2]!; ow++)
              for (let kh = 0; kh < KH; kh++)
                for (let kw = 0; kw < KW; kw++) {
                  if (inputIndex(windows, 0, oh, kh) !== ih || inputIndex(windows, 1, ow, kw) !== iw) continue;
                  for (let q = 0; q < Q; q++) {
                    const j = channelOf(options.depthwise, c, q, filter.shape);
                    sum += term(
                      dy.values[offsetOf([n, oh, ow, j], dy.shape)]! *
                        filter.values[offsetOf([kh, kw, c, q], filter.shape)]!,
                    );
                  }
                }
          values.push(sum);
        }
  return make(inShape, values);
}

/** The filter gradient: `dfilter` of `filterShape` from `x` [n, h, w, c] and `dy` [n, oh, ow, j]. */
export function convolutionBackpropFilter(
  x: ReferenceTensor,
  dy: ReferenceTensor,
  windows: ReferenceWindows,
  filterShape: readonly number[],
  options: ConvolutionReferenceOptions,
): ReferenceTensor {
  const term = options.magnitude === true ? Math.abs : (v: number) => v;
  const [KH, KW, C, Q] = filterShape as [number, number, number, number];
  const values: number[] = [];
  for (let kh = 0; kh < KH; kh++)
    for (let kw = 0; kw < KW; kw++)
      for (let c = 0; c < C; c++)
        for (let q = 0; q < Q; q++) {
          const j = channelOf(options.depthwise, c, q, filterShape);
          let sum = 0;
          for (let n = 0; n < dy.shape[0]!; n++)
            for (let oh = 0; oh < dy.shape[1]!; oh++)
              for (let ow = 0; ow < dy.shape[2]!; ow++) {
                const ih = inputIndex(windows, 0, oh, kh);
                const iw = inputIndex(windows, 1, ow, kw);
                if (ih < 0 || iw < 0 || ih >= x.shape[1]! || iw >= x.shape[2]!) continue;
                sum += term(
                  x.values[offsetOf([n, ih, iw, c], x.shape)]! * dy.values[offsetOf([n, oh, ow, j], dy.shape)]!,
                );
              }
          values.push(sum);
        }
  return make(filterShape, values);
}
