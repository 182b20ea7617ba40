/**
 * @file The pooling gradients' kernels as functions (TensorFlow's raw `MaxPoolGrad`, `MaxPoolGradGrad`
 * and `AvgPoolGrad`), called by autodiff-tape's pooling rules with the forward op's attributes. Not
 * public ops (TensorFlow has them only as raw ops): `@tapeflow/tensor-core/internal` exports them.
 * Shapes are checked, since a wrong one would make a kernel read out of bounds.
 */

import { checkAllocation } from '../allocation-guard.js';
import { getEngine } from '../engine.js';
import { formatShape, invalidArgument } from '../errors.js';
import { checkInputDtype } from '../op-specs.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertLiveTensor } from './convert.js';

/** A pooling op's windows, as its kernels take them. */
export interface PoolAttributes {
  readonly ksize: readonly number[];
  readonly strides: readonly number[];
  /** Padding before the input: [top, left]. */
  readonly pads: readonly number[];
}

function attrsOf(attrs: PoolAttributes): { ksize: number[]; strides: number[]; pads: number[] } {
  return { ksize: attrs.ksize.slice(), strides: attrs.strides.slice(), pads: attrs.pads.slice() };
}

function checkShape(op: string, argument: string, t: Tensor, shape: readonly number[]): void {
  if (!shapesEqual(t.shape, shape))
    invalidArgument(op, argument, `shape ${formatShape(shape)}`, `shape ${formatShape(t.shape)}`);
}

/** A pooled shape: rank 4, with the batch and channels of `inputShape`. */
function checkPooled(op: string, argument: string, inputShape: readonly number[], pooled: readonly number[]): void {
  if (inputShape.length !== 4 || pooled.length !== 4 || pooled[0] !== inputShape[0] || pooled[3] !== inputShape[3])
    invalidArgument(
      op,
      argument,
      `a rank-4 shape pooled from shape ${formatShape(inputShape)}`,
      `shape ${formatShape(pooled)}`,
    );
}

/**
 * MaxPool's gradient: `dy` (the shape of `maxPool(x)`) added into the shape of `x`, each window's at
 * its first (row-major) max.
 */
export function maxPoolGrad(x: Tensor, dy: Tensor, attrs: PoolAttributes): Tensor {
  const op = 'maxPoolGrad';
  assertLiveTensor(x, op, 'x');
  assertLiveTensor(dy, op, 'dy');
  checkInputDtype(op, 'MaxPoolGrad', 'x', x.dtype);
  checkInputDtype(op, 'MaxPoolGrad', 'dy', dy.dtype);
  checkPooled(op, 'dy', x.shape, dy.shape);
  checkAllocation(op, x.shape, x.dtype);
  return getEngine().runKernel('MaxPoolGrad', { x, dy }, attrsOf(attrs), { shape: x.shape, dtype: x.dtype });
}

/**
 * MaxPoolGrad's gradient: `grad` (the shape of `x`) read at each window's first max, in `outputShape`
 * (the shape of `maxPool(x)`).
 */
export function maxPoolGradGrad(
  x: Tensor,
  grad: Tensor,
  outputShape: readonly number[],
  attrs: PoolAttributes,
): Tensor {
  const op = 'maxPoolGradGrad';
  assertLiveTensor(x, op, 'x');
  assertLiveTensor(grad, op, 'grad');
  checkInputDtype(op, 'MaxPoolGradGrad', 'x', x.dtype);
  checkInputDtype(op, 'MaxPoolGradGrad', 'grad', grad.dtype);
  checkShape(op, 'grad', grad, x.shape);
  checkPooled(op, 'outputShape', x.shape, outputShape);
  checkAllocation(op, outputShape, x.dtype);
  return getEngine().runKernel('MaxPoolGradGrad', { x, grad }, attrsOf(attrs), {
    shape: outputShape.slice(),
    dtype: x.dtype,
  });
}

/** AvgPool's gradient: each window's `dy` shared out equally over its elements inside `inputShape`. */
export function avgPoolGrad(inputShape: readonly number[], dy: Tensor, attrs: PoolAttributes): Tensor {
  const op = 'avgPoolGrad';
  assertLiveTensor(dy, op, 'dy');
  checkInputDtype(op, 'AvgPoolGrad', 'dy', dy.dtype);
  checkPooled(op, 'dy', inputShape, dy.shape);
  checkAllocation(op, inputShape, dy.dtype);
  return getEngine().runKernel('AvgPoolGrad', { dy }, attrsOf(attrs), { shape: inputShape.slice(), dtype: dy.dtype });
}

/**
 * AvgPool over windows given as the kernel takes them (AvgPoolGrad's gradient, TensorFlow's
 * `_AvgPoolGradGrad`): the mean of each window of `x` inside it, in `outputShape`.
 */
export function avgPoolWindows(x: Tensor, outputShape: readonly number[], attrs: PoolAttributes): Tensor {
  const op = 'avgPoolWindows';
  assertLiveTensor(x, op, 'x');
  checkInputDtype(op, 'AvgPool', 'x', x.dtype);
  checkPooled(op, 'outputShape', x.shape, outputShape);
  checkAllocation(op, outputShape, x.dtype);
  return getEngine().runKernel('AvgPool', { x }, attrsOf(attrs), { shape: outputShape.slice(), dtype: x.dtype });
}
