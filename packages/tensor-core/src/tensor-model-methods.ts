/**
 * @file The Tensor methods of issue 12's reductions, scans, linear algebra, shape, pooling and
 * convolution ops (`x.cumsum()`, `x.tile(...)`, `x.conv2d(...)`, ...), kept out of tensor.ts (its size
 * budget). The interface is derived from the method table, so a method cannot be declared without its
 * body or the reverse; tensor.ts merges the interface into its class and installs the table on the
 * prototype once the class exists (this module never touches the class while the import cycle with the
 * ops is still loading).
 */

import * as ops from './ops/index.js';
import type { Tensor, TensorLike } from './tensor.js';

/** Each method runs the op of its name with `this` as the first argument. */
const METHODS = {
  // Reductions and scans (issue 12)
  reduceProd(this: Tensor, axis?: number | number[], keepDims = false): Tensor {
    return ops.reduceProd(this, axis, keepDims);
  },
  reduceAny(this: Tensor, axis?: number | number[], keepDims = false): Tensor {
    return ops.reduceAny(this, axis, keepDims);
  },
  reduceAll(this: Tensor, axis?: number | number[], keepDims = false): Tensor {
    return ops.reduceAll(this, axis, keepDims);
  },
  reduceLogSumExp(this: Tensor, axis?: number | number[], keepDims = false): Tensor {
    return ops.reduceLogSumExp(this, axis, keepDims);
  },
  cumsum(this: Tensor, axis = 0, options: ops.CumulativeOptions = {}): Tensor {
    return ops.cumsum(this, axis, options);
  },
  cumprod(this: Tensor, axis = 0, options: ops.CumulativeOptions = {}): Tensor {
    return ops.cumprod(this, axis, options);
  },
  topK(this: Tensor, k = 1, options: ops.TopKOptions = {}): ops.TopKResult {
    return ops.topK(this, k, options);
  },
  // Linear algebra (issue 12); einsum takes an equation first, so it has no method.
  tensordot(this: Tensor, b: TensorLike, axes: ops.TensordotAxes): Tensor {
    return ops.tensordot(this, b, axes);
  },
  dot(this: Tensor, b: TensorLike): Tensor {
    return ops.dot(this, b);
  },
  outerProduct(this: Tensor, b: TensorLike): Tensor {
    return ops.outerProduct(this, b);
  },
  norm(this: Tensor, options: ops.NormOptions = {}): Tensor {
    return ops.norm(this, options);
  },
  // Shape ops of issue 12 (ops/shape-more.ts)
  unstack(this: Tensor, axis = 0): Tensor[] {
    return ops.unstack(this, axis);
  },
  split(this: Tensor, numOrSizes: number | readonly number[], axis = 0): Tensor[] {
    return ops.split(this, numOrSizes, axis);
  },
  clone(this: Tensor): Tensor {
    return ops.clone(this);
  },
  tile(this: Tensor, multiples: readonly number[]): Tensor {
    return ops.tile(this, multiples);
  },
  pad(this: Tensor, paddings: readonly (readonly [number, number])[], options: number | ops.PadOptions = {}): Tensor {
    return ops.pad(this, paddings, options);
  },
  reverse(this: Tensor, axis?: number | readonly number[]): Tensor {
    return ops.reverse(this, axis);
  },
  gatherNd(this: Tensor, indices: Tensor | ops.IndexValues): Tensor {
    return ops.gatherNd(this, indices);
  },
  stridedSlice(this: Tensor, ...args: ops.StridedSliceArguments): Tensor {
    return ops.stridedSlice(this, ...args);
  },
  // Pooling (group w-poolnn).
  maxPool2d(this: Tensor, ksize: ops.PoolSize, strides: ops.PoolSize, padding: ops.PaddingName): Tensor {
    return ops.maxPool2d(this, ksize, strides, padding);
  },
  avgPool2d(this: Tensor, ksize: ops.PoolSize, strides: ops.PoolSize, padding: ops.PaddingName): Tensor {
    return ops.avgPool2d(this, ksize, strides, padding);
  },
  // Convolutions (issue 12): the tensor is `x`; the other arguments as the functions take them.
  conv1d(this: Tensor, ...args: Parameters<typeof ops.conv1d> extends [unknown, ...infer R] ? R : never): Tensor {
    return ops.conv1d(this, ...args);
  },
  conv2d(this: Tensor, ...args: Parameters<typeof ops.conv2d> extends [unknown, ...infer R] ? R : never): Tensor {
    return ops.conv2d(this, ...args);
  },
  depthwiseConv2d(
    this: Tensor,
    ...args: Parameters<typeof ops.depthwiseConv2d> extends [unknown, ...infer R] ? R : never
  ): Tensor {
    return ops.depthwiseConv2d(this, ...args);
  },
  conv2dTranspose(
    this: Tensor,
    ...args: Parameters<typeof ops.conv2dTranspose> extends [unknown, ...infer R] ? R : never
  ): Tensor {
    return ops.conv2dTranspose(this, ...args);
  },
};

/** The methods as the Tensor class shows them (without the `this` parameter). */
export type TensorModelMethods = { [K in keyof typeof METHODS]: OmitThisParameter<(typeof METHODS)[K]> };

/** Puts the methods on the Tensor prototype (non-enumerable, as class methods are). */
export function installModelMethods(tensorClass: { readonly prototype: Tensor }): void {
  for (const [name, method] of Object.entries(METHODS)) {
    Object.defineProperty(tensorClass.prototype, name, { value: method, writable: true, configurable: true });
  }
}
