/**
 * @file The pooling kernels, NHWC: MaxPool, AvgPool and their gradients MaxPoolGrad, MaxPoolGradGrad and
 * AvgPoolGrad. Plain loops with the channel dim innermost (contiguous in NHWC), each window clipped to
 * the input once, so padding is never read: a max over the in-input elements only, and a mean that
 * counts them only (TensorFlow's SAME average). The max's gradient goes to the window's first
 * (row-major) max, as TensorFlow's CPU kernel routes it.
 */

import type { TypedArray } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';

/** A pooling call's geometry: input [n, h, w, c], output [n, oh, ow, c], windows and padding. */
export interface PoolWindows {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly ksize: readonly number[];
  readonly strides: readonly number[];
  /** [top, left]. */
  readonly pads: readonly number[];
}

/** A pooling call's windows and padding (MaxPool's and AvgPool's attributes and their gradients'). */
export interface PoolAttrs {
  readonly ksize: readonly number[];
  readonly strides: readonly number[];
  readonly pads: readonly number[];
}

/** The geometry of a pooling call with input shape `input` and output shape `output`. */
export function poolWindows(input: readonly number[], output: readonly number[], attrs: PoolAttrs): PoolWindows {
  return {
    batch: input[0]!,
    height: input[1]!,
    width: input[2]!,
    channels: input[3]!,
    outHeight: output[1]!,
    outWidth: output[2]!,
    ksize: attrs.ksize,
    strides: attrs.strides,
    pads: attrs.pads,
  };
}

/**
 * Calls `visit(outputOffset, h0, h1, w0, w1, inputBase)` for every output position: the window's rows
 * [h0, h1) and columns [w0, w1), clipped to the input, and the offset of its image in the input.
 */
function forEachWindow(
  g: PoolWindows,
  visit: (outputOffset: number, h0: number, h1: number, w0: number, w1: number, imageBase: number) => void,
): void {
  const [kh, kw] = g.ksize as [number, number];
  const [sh, sw] = g.strides as [number, number];
  const [top, left] = g.pads as [number, number];
  const c = g.channels;
  let outputOffset = 0;
  for (let n = 0; n < g.batch; n++) {
    const imageBase = n * g.height * g.width * c;
    for (let oh = 0; oh < g.outHeight; oh++) {
      const start = oh * sh - top;
      const h0 = Math.max(start, 0);
      const h1 = Math.min(start + kh, g.height);
      for (let ow = 0; ow < g.outWidth; ow++) {
        const startW = ow * sw - left;
        visit(outputOffset, h0, h1, Math.max(startW, 0), Math.min(startW + kw, g.width), imageBase);
        outputOffset += c;
      }
    }
  }
}

/** The max of each window (NaN wins, as in a max reduction). */
export function maxPoolImpl(x: TypedArray, g: PoolWindows): Float32Array {
  const c = g.channels;
  const out = new Float32Array(g.batch * g.outHeight * g.outWidth * c).fill(-Infinity);
  forEachWindow(g, (o, h0, h1, w0, w1, base) => {
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) {
        const i = base + (h * g.width + w) * c;
        for (let k = 0; k < c; k++) {
          const v = x[i + k]!;
          const m = out[o + k]!;
          if (v > m || v !== v) out[o + k] = v;
        }
      }
    }
  });
  return out;
}

/** The mean of each window over its in-input elements. */
export function avgPoolImpl(x: TypedArray, g: PoolWindows): Float32Array {
  const c = g.channels;
  const out = new Float32Array(g.batch * g.outHeight * g.outWidth * c);
  const sum = new Float64Array(c);
  forEachWindow(g, (o, h0, h1, w0, w1, base) => {
    sum.fill(0);
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) {
        const i = base + (h * g.width + w) * c;
        for (let k = 0; k < c; k++) sum[k]! += x[i + k]!;
      }
    }
    const count = (h1 - h0) * (w1 - w0);
    for (let k = 0; k < c; k++) out[o + k] = sum[k]! / count;
  });
  return out;
}

/**
 * For each window and channel, the input offset of the window's first (row-major) max, in `argmax`
 * (an element per output element); a NaN is the max once seen, as in MaxPool.
 */
function windowArgmax(x: TypedArray, g: PoolWindows): Int32Array {
  const c = g.channels;
  const argmax = new Int32Array(g.batch * g.outHeight * g.outWidth * c).fill(-1);
  const best = new Float64Array(c);
  forEachWindow(g, (o, h0, h1, w0, w1, base) => {
    best.fill(-Infinity);
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) {
        const i = base + (h * g.width + w) * c;
        for (let k = 0; k < c; k++) {
          const v = x[i + k]!;
          const m = best[k]!;
          // Strictly greater: an equal later value never takes over (the first max wins).
          if (argmax[o + k] === -1 || v > m || (v !== v && m === m)) {
            best[k] = v;
            argmax[o + k] = i + k;
          }
        }
      }
    }
  });
  return argmax;
}

/** MaxPool's gradient: each window's `dy` added at its first max, in the input's shape. */
export function maxPoolGradImpl(x: TypedArray, dy: TypedArray, g: PoolWindows): Float32Array {
  const out = new Float32Array(x.length);
  const argmax = windowArgmax(x, g);
  for (let o = 0; o < argmax.length; o++) {
    const i = argmax[o]!;
    if (i >= 0) out[i]! += dy[o]!;
  }
  return out;
}

/** MaxPoolGrad's gradient: `grad` read at each window's first max, in the output's shape. */
export function maxPoolGradGradImpl(x: TypedArray, grad: TypedArray, g: PoolWindows): Float32Array {
  const argmax = windowArgmax(x, g);
  const out = new Float32Array(argmax.length);
  for (let o = 0; o < argmax.length; o++) {
    const i = argmax[o]!;
    out[o] = i >= 0 ? grad[i]! : 0;
  }
  return out;
}

/** AvgPool's gradient: each window's `dy` divided by its in-input count, added over the window. */
export function avgPoolGradImpl(dy: TypedArray, g: PoolWindows): Float32Array {
  const c = g.channels;
  const out = new Float32Array(g.batch * g.height * g.width * c);
  forEachWindow(g, (o, h0, h1, w0, w1, base) => {
    const count = (h1 - h0) * (w1 - w0);
    for (let h = h0; h < h1; h++) {
      for (let w = w0; w < w1; w++) {
        const i = base + (h * g.width + w) * c;
        for (let k = 0; k < c; k++) out[i + k]! += dy[o + k]! / count;
      }
    }
  });
  return out;
}

/** MaxPool's kernel glue. */
export const maxPoolKernel: CpuKernel<'MaxPool'> = (buffers, { inputs: { x }, attrs, output }) =>
  buffers.adopt(maxPoolImpl(buffers.values(x), poolWindows(x.shape, output.shape, attrs)));

/** AvgPool's kernel glue. */
export const avgPoolKernel: CpuKernel<'AvgPool'> = (buffers, { inputs: { x }, attrs, output }) =>
  buffers.adopt(avgPoolImpl(buffers.values(x), poolWindows(x.shape, output.shape, attrs)));

/** MaxPoolGrad's kernel glue. */
export const maxPoolGradKernel: CpuKernel<'MaxPoolGrad'> = (buffers, { inputs: { x, dy }, attrs }) =>
  buffers.adopt(maxPoolGradImpl(buffers.values(x), buffers.values(dy), poolWindows(x.shape, dy.shape, attrs)));

/** MaxPoolGradGrad's kernel glue. */
export const maxPoolGradGradKernel: CpuKernel<'MaxPoolGradGrad'> = (buffers, { inputs: { x, grad }, attrs, output }) =>
  buffers.adopt(
    maxPoolGradGradImpl(buffers.values(x), buffers.values(grad), poolWindows(x.shape, output.shape, attrs)),
  );

/** AvgPoolGrad's kernel glue. */
export const avgPoolGradKernel: CpuKernel<'AvgPoolGrad'> = (buffers, { inputs: { dy }, attrs, output }) =>
  buffers.adopt(avgPoolGradImpl(buffers.values(dy), poolWindows(output.shape, dy.shape, attrs)));
