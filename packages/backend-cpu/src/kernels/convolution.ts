/**
 * @file The six convolution kernels in plain JS (the path without WebAssembly, and the reference the
 * WebAssembly path is tested against): Conv2D, DepthwiseConv2dNative and their input and filter
 * gradients. Direct loops over the windows (no patch matrix): each output pixel walks its filter taps,
 * skips the taps that fall in the padding, and accumulates in double, rounding once per element.
 */

import type { KernelCall, TypedArray } from '@tapeflow/tensor-core/backend';
import { sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';

/** The sizes and window attributes every convolution kernel reads. */
export interface ConvolutionGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  /** Output channels (Conv2D) or the channel multiplier (depthwise). */
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/** The geometry from the input shape [n, h, w, c], the filter shape [kh, kw, c, o] and dy's [n, oh, ow, *]. */
export function convolutionGeometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  dyShape: readonly number[],
  attrs: {
    readonly strides: readonly number[];
    readonly dilations: readonly number[];
    readonly pads: readonly number[];
  },
): ConvolutionGeometry {
  return {
    batch: xShape[0]!,
    inHeight: xShape[1]!,
    inWidth: xShape[2]!,
    inChannels: xShape[3]!,
    outHeight: dyShape[1]!,
    outWidth: dyShape[2]!,
    outChannels: filterShape[3]!,
    filterHeight: filterShape[0]!,
    filterWidth: filterShape[1]!,
    strideH: attrs.strides[0]!,
    strideW: attrs.strides[1]!,
    dilationH: attrs.dilations[0]!,
    dilationW: attrs.dilations[1]!,
    padTop: attrs.pads[0]!,
    padLeft: attrs.pads[1]!,
  };
}

/**
 * Calls `visit(xOffset, filterOffset, dyOffset)` for every (example, output pixel, filter tap) whose
 * tap lands inside the input: the element offsets of the input pixel's channel 0, the tap's
 * [kh, kw, 0, 0] and the output pixel's channel 0. `outPixelChannels` is dy's channel count.
 */
function forEachTap(
  g: ConvolutionGeometry,
  outPixelChannels: number,
  visit: (xOffset: number, filterOffset: number, dyOffset: number) => void,
): void {
  const tapStride = g.inChannels * g.outChannels;
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++) {
        const dyOffset = ((n * g.outHeight + oh) * g.outWidth + ow) * outPixelChannels;
        for (let kh = 0; kh < g.filterHeight; kh++) {
          const ih = oh * g.strideH - g.padTop + kh * g.dilationH;
          if (ih < 0 || ih >= g.inHeight) continue;
          for (let kw = 0; kw < g.filterWidth; kw++) {
            const iw = ow * g.strideW - g.padLeft + kw * g.dilationW;
            if (iw < 0 || iw >= g.inWidth) continue;
            visit(
              ((n * g.inHeight + ih) * g.inWidth + iw) * g.inChannels,
              (kh * g.filterWidth + kw) * tapStride,
              dyOffset,
            );
          }
        }
      }
    }
  }
}

/** Conv2D: y[n, oh, ow, o] = Σ x[n, ih, iw, c] · filter[kh, kw, c, o]. */
export function conv2dImpl(x: TypedArray, filter: TypedArray, g: ConvolutionGeometry): Float32Array {
  const C = g.inChannels;
  const O = g.outChannels;
  const sums = new Float64Array(g.batch * g.outHeight * g.outWidth * O);
  forEachTap(g, O, (xo, fo, yo) => {
    for (let c = 0; c < C; c++) {
      const v = x[xo + c]!;
      const row = fo + c * O;
      for (let o = 0; o < O; o++) sums[yo + o] = sums[yo + o]! + v * filter[row + o]!;
    }
  });
  return Float32Array.from(sums);
}

/** Conv2DBackpropInput: dx[n, ih, iw, c] = Σ dy[n, oh, ow, o] · filter[kh, kw, c, o]. */
export function conv2dBackpropInputImpl(dy: TypedArray, filter: TypedArray, g: ConvolutionGeometry): Float32Array {
  const C = g.inChannels;
  const O = g.outChannels;
  const sums = new Float64Array(g.batch * g.inHeight * g.inWidth * C);
  forEachTap(g, O, (xo, fo, yo) => {
    for (let c = 0; c < C; c++) {
      const row = fo + c * O;
      let s = 0;
      for (let o = 0; o < O; o++) s += dy[yo + o]! * filter[row + o]!;
      sums[xo + c] = sums[xo + c]! + s;
    }
  });
  return Float32Array.from(sums);
}

/** Conv2DBackpropFilter: dfilter[kh, kw, c, o] = Σ x[n, ih, iw, c] · dy[n, oh, ow, o]. */
export function conv2dBackpropFilterImpl(x: TypedArray, dy: TypedArray, g: ConvolutionGeometry): Float32Array {
  const C = g.inChannels;
  const O = g.outChannels;
  const sums = new Float64Array(g.filterHeight * g.filterWidth * C * O);
  forEachTap(g, O, (xo, fo, yo) => {
    for (let c = 0; c < C; c++) {
      const v = x[xo + c]!;
      const row = fo + c * O;
      for (let o = 0; o < O; o++) sums[row + o] = sums[row + o]! + v * dy[yo + o]!;
    }
  });
  return Float32Array.from(sums);
}

/** DepthwiseConv2dNative: y[n, oh, ow, c·M + m] = Σ x[n, ih, iw, c] · filter[kh, kw, c, m]. */
export function depthwiseConv2dImpl(x: TypedArray, filter: TypedArray, g: ConvolutionGeometry): Float32Array {
  const C = g.inChannels;
  const M = g.outChannels;
  const sums = new Float64Array(g.batch * g.outHeight * g.outWidth * C * M);
  forEachTap(g, C * M, (xo, fo, yo) => {
    for (let c = 0; c < C; c++) {
      const v = x[xo + c]!;
      for (let m = 0; m < M; m++) sums[yo + c * M + m] = sums[yo + c * M + m]! + v * filter[fo + c * M + m]!;
    }
  });
  return Float32Array.from(sums);
}

/** DepthwiseConv2dNativeBackpropInput: dx[n, ih, iw, c] = Σ dy[n, oh, ow, c·M + m] · filter[kh, kw, c, m]. */
export function depthwiseBackpropInputImpl(dy: TypedArray, filter: TypedArray, g: ConvolutionGeometry): Float32Array {
  const C = g.inChannels;
  const M = g.outChannels;
  const sums = new Float64Array(g.batch * g.inHeight * g.inWidth * C);
  forEachTap(g, C * M, (xo, fo, yo) => {
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let m = 0; m < M; m++) s += dy[yo + c * M + m]! * filter[fo + c * M + m]!;
      sums[xo + c] = sums[xo + c]! + s;
    }
  });
  return Float32Array.from(sums);
}

/** DepthwiseConv2dNativeBackpropFilter: dfilter[kh, kw, c, m] = Σ x[n, ih, iw, c] · dy[n, oh, ow, c·M + m]. */
export function depthwiseBackpropFilterImpl(x: TypedArray, dy: TypedArray, g: ConvolutionGeometry): Float32Array {
  const C = g.inChannels;
  const M = g.outChannels;
  const sums = new Float64Array(g.filterHeight * g.filterWidth * C * M);
  forEachTap(g, C * M, (xo, fo, yo) => {
    for (let c = 0; c < C; c++) {
      const v = x[xo + c]!;
      for (let m = 0; m < M; m++) sums[fo + c * M + m] = sums[fo + c * M + m]! + v * dy[yo + c * M + m]!;
    }
  });
  return Float32Array.from(sums);
}

type Impl = (first: TypedArray, second: TypedArray, g: ConvolutionGeometry) => Float32Array;

/** The geometry of a convolution kernel call, whichever two of x, filter and dy it takes. */
export function geometryOfCall(
  call: KernelCall<
    | 'Conv2D'
    | 'Conv2DBackpropInput'
    | 'Conv2DBackpropFilter'
    | 'DepthwiseConv2dNative'
    | 'DepthwiseConv2dNativeBackpropInput'
    | 'DepthwiseConv2dNativeBackpropFilter'
  >,
): ConvolutionGeometry {
  const inputs = call.inputs as Readonly<Record<string, { readonly shape: readonly number[] } | undefined>>;
  const xShape = inputs['x']?.shape ?? call.output.shape;
  const filterShape = inputs['filter']?.shape ?? call.output.shape;
  const dyShape = inputs['dy']?.shape ?? call.output.shape;
  return convolutionGeometry(xShape, filterShape, dyShape, call.attrs);
}

function kernel<
  K extends
    | 'Conv2D'
    | 'Conv2DBackpropInput'
    | 'Conv2DBackpropFilter'
    | 'DepthwiseConv2dNative'
    | 'DepthwiseConv2dNativeBackpropInput'
    | 'DepthwiseConv2dNativeBackpropFilter',
>(impl: Impl, first: string, second: string): CpuKernel<K> {
  return (buffers, call) => {
    const inputs = call.inputs as unknown as Readonly<Record<string, Parameters<typeof buffers.values>[0]>>;
    if (sizeFromShape(call.output.shape) === 0) return buffers.adopt(new Float32Array(0));
    return buffers.adopt(impl(buffers.values(inputs[first]!), buffers.values(inputs[second]!), geometryOfCall(call)));
  };
}

/** Conv2D's kernel glue. */
export const conv2dKernel = kernel<'Conv2D'>(conv2dImpl, 'x', 'filter');
/** Conv2DBackpropInput's kernel glue. */
export const conv2dBackpropInputKernel = kernel<'Conv2DBackpropInput'>(conv2dBackpropInputImpl, 'dy', 'filter');
/** Conv2DBackpropFilter's kernel glue. */
export const conv2dBackpropFilterKernel = kernel<'Conv2DBackpropFilter'>(conv2dBackpropFilterImpl, 'x', 'dy');
/** DepthwiseConv2dNative's kernel glue. */
export const depthwiseConv2dKernel = kernel<'DepthwiseConv2dNative'>(depthwiseConv2dImpl, 'x', 'filter');
/** DepthwiseConv2dNativeBackpropInput's kernel glue. */
export const depthwiseBackpropInputKernel = kernel<'DepthwiseConv2dNativeBackpropInput'>(
  depthwiseBackpropInputImpl,
  'dy',
  'filter',
);
/** DepthwiseConv2dNativeBackpropFilter's kernel glue. */
export const depthwiseBackpropFilterKernel = kernel<'DepthwiseConv2dNativeBackpropFilter'>(
  depthwiseBackpropFilterImpl,
  'x',
  'dy',
);
