/**
 * @file `maxPool2d` and `avgPool2d` (TensorFlow's `tf.nn.max_pool2d` / `tf.nn.avg_pool2d`): NHWC
 * windows, `ksize` and `strides` as a number, `[h, w]` or `[1, h, w, 1]`, and `'SAME'` or `'VALID'`
 * padding (any case) resolved here into the kernels' explicit `[top, left]` padding, with TensorFlow's
 * extra row and column at the bottom and right. The pooling geometry (`poolGeometry`) is shared with
 * the gradient front-ends in pooling-gradients.ts.
 */

import { checkAllocation } from '../allocation-guard.js';
import { getEngine } from '../engine.js';
import { formatShape, invalidArgument } from '../errors.js';
import { checkInputDtype } from '../op-specs.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { convertToTensor, describeValue } from './convert.js';

/** A window size or stride: one number for both spatial dims, `[h, w]`, or `[1, h, w, 1]`. */
export type PoolSize = number | readonly [number, number] | readonly [1, number, number, 1] | readonly number[];

/** `'SAME'` or `'VALID'`, in any case (TensorFlow's padding names). */
export type PaddingName = 'SAME' | 'VALID' | 'same' | 'valid' | (string & {});

/** Where the windows of a pooling op lie: what its kernels' attributes and output shape are made of. */
export interface PoolGeometry {
  readonly ksize: [number, number];
  readonly strides: [number, number];
  /** Padding before the input: [top, left]. */
  readonly pads: [number, number];
  /** [batch, outHeight, outWidth, channels]. */
  readonly outputShape: number[];
}

function spatialPair(op: string, argument: string, value: unknown): [number, number] {
  const isPositiveInteger = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
  const expected = 'a positive integer, [h, w] or [1, h, w, 1] of positive integers';
  if (isPositiveInteger(value)) return [value, value];
  if (Array.isArray(value)) {
    const list = value as unknown[];
    if (list.length === 2 && list.every(isPositiveInteger)) return [list[0] as number, list[1] as number];
    if (list.length === 4 && list[0] === 1 && list[3] === 1 && list.every(isPositiveInteger))
      return [list[1] as number, list[2] as number];
    const shown = list.map((v) => (typeof v === 'number' ? String(v) : describeValue(v))).join(', ');
    invalidArgument(op, argument, expected, `[${shown}]`);
  }
  return invalidArgument(op, argument, expected, describeValue(value));
}

/** The output size and padding before the input of one spatial dim, TensorFlow's rules. */
function spatialDim(size: number, window: number, stride: number, same: boolean): [out: number, before: number] {
  if (same) {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + window - size, 0);
    return [out, Math.floor(total / 2)];
  }
  return [Math.floor((size - window) / stride) + 1, 0];
}

/**
 * Checks a pooling call's arguments against the input's shape `inputShape` (rank 4, NHWC) and resolves
 * its windows: the ksize and strides pairs, the padding before the input and the output shape. A VALID
 * window larger than the input is refused (TensorFlow: the output size would be negative).
 */
export function poolGeometry(
  op: string,
  inputShape: readonly number[],
  ksize: unknown,
  strides: unknown,
  padding: unknown,
): PoolGeometry {
  if (inputShape.length !== 4)
    invalidArgument(op, 'x', 'a rank-4 tensor [batch, height, width, channels]', `shape ${formatShape(inputShape)}`);
  const window = spatialPair(op, 'ksize', ksize);
  const step = spatialPair(op, 'strides', strides);
  const name = typeof padding === 'string' ? padding.toUpperCase() : undefined;
  if (name !== 'SAME' && name !== 'VALID') {
    const given = typeof padding === 'string' ? `'${padding}'` : describeValue(padding);
    invalidArgument(op, 'padding', "'SAME' or 'VALID'", given);
  }
  const [batch, height, width, channels] = inputShape as [number, number, number, number];
  if (name === 'VALID' && (window[0] > height || window[1] > width)) {
    invalidArgument(
      op,
      'ksize',
      `a window no larger than the padded input ${formatShape([height, width])} (padding 'VALID')`,
      formatShape(window),
    );
  }
  const [outHeight, top] = spatialDim(height, window[0], step[0], name === 'SAME');
  const [outWidth, left] = spatialDim(width, window[1], step[1], name === 'SAME');
  return {
    ksize: window,
    strides: step,
    pads: [top, left],
    outputShape: [batch, outHeight, outWidth, channels],
  };
}

function pool(
  kernel: 'MaxPool' | 'AvgPool',
  op: string,
  x: TensorLike,
  ksize: PoolSize,
  strides: PoolSize,
  padding: PaddingName,
): Tensor {
  const tx = convertToTensor(x, op, 'x');
  try {
    checkInputDtype(op, kernel, 'x', tx.dtype);
    const { ksize: k, strides: s, pads, outputShape } = poolGeometry(op, tx.shape, ksize, strides, padding);
    checkAllocation(op, outputShape, tx.dtype);
    return getEngine().runKernel(
      kernel,
      { x: tx },
      { ksize: k, strides: s, pads },
      { shape: outputShape, dtype: tx.dtype },
    );
  } finally {
    if (tx !== x) tx.dispose();
  }
}

/**
 * The max of each `ksize` window of `x` (NHWC, float32), every `strides`; `'SAME'` pads (never winning
 * a max) so the output has `ceil(size / stride)` rows and columns, the extra padding row and column at
 * the bottom and right, `'VALID'` does not pad. TensorFlow's `tf.nn.max_pool2d`.
 * @example tf.maxPool2d(tf.tensor([1, 2, 3, 4], [1, 2, 2, 1]), 2, 1, 'valid') // [[[[4]]]]
 */
export function maxPool2d(x: TensorLike, ksize: PoolSize, strides: PoolSize, padding: PaddingName): Tensor {
  return pool('MaxPool', 'maxPool2d', x, ksize, strides, padding);
}

/**
 * The mean of each `ksize` window of `x` (NHWC, float32), every `strides`, over the window's elements
 * inside the input: `'SAME'` padding is not counted. TensorFlow's `tf.nn.avg_pool2d`.
 * @example tf.avgPool2d(tf.tensor([1, 2, 3, 4], [1, 2, 2, 1]), 2, 2, 'SAME') // [[[[2.5]]]]
 */
export function avgPool2d(x: TensorLike, ksize: PoolSize, strides: PoolSize, padding: PaddingName): Tensor {
  return pool('AvgPool', 'avgPool2d', x, ksize, strides, padding);
}
