/**
 * @file Reductions (`reduceSum`, `reduceMean`, `reduceMax`, `reduceMin`) and `argMax`/`argMin`. Axes may
 * be negative; no axis means all. Also `reduceProd`, `reduceAny`, `reduceAll` and TensorFlow's stable
 * composite `reduceLogSumExp` (issue 12). Kernels drop the reduced axes; `keepDims` is a reshape view on top.
 */

import { getEngine } from '../engine.js';
import { invalidArgument } from '../errors.js';
import type { ReductionKernel } from '../kernels.js';
import { normalizeAxes, normalizeAxis } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { describeValue } from '../options.js';
import { convertToTensor } from './convert.js';
import { abs, add, cast, div, exp, less, log, sub, where } from './elementwise.js';
import { reshape } from './shape-ops.js';
import { checkInputDtype } from '../op-specs.js';

/** The output shape of reducing `shape` over `axes`, with or without the reduced dims kept as 1. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (!axes.includes(i)) out.push(shape[i]!);
    else if (keepDims) out.push(1);
  }
  return out;
}

function checkKeepDims(op: string, keepDims: unknown): void {
  if (typeof keepDims !== 'boolean') invalidArgument(op, 'keepDims', 'a boolean', describeValue(keepDims));
}

function reduce(
  kernel: ReductionKernel,
  op: string,
  x: Tensor | number | boolean,
  axis: number | readonly number[] | undefined,
  keepDims: boolean,
): Tensor {
  checkKeepDims(op, keepDims);
  const tx = convertToTensor(x, op, 'x');
  try {
    checkInputDtype(op, kernel, 'x', tx.dtype);
    const axes = normalizeAxes(op, axis, tx.rank);
    const engine = getEngine();
    if (axes.length === 0) return engine.makeView(tx, tx.shape, 'Identity');
    const reduced = engine.runKernel(
      kernel,
      { x: tx },
      { axes },
      { shape: reducedShape(tx.shape, axes, false), dtype: tx.dtype },
    );
    if (!keepDims) return reduced;
    const kept = engine.makeView(reduced, reducedShape(tx.shape, axes, true));
    reduced.dispose();
    return kept;
  } finally {
    if (tx !== x) tx.dispose();
  }
}

/**
 * Sum over `axis` (a number, a list, or all axes when omitted).
 * @example tf.reduceSum(tf.tensor([[1, 2], [3, 4]]), 0) // [4, 6]
 */
export function reduceSum(x: Tensor | number, axis?: number | readonly number[], keepDims = false): Tensor {
  return reduce('Sum', 'reduceSum', x, axis, keepDims);
}

/** Largest value over `axis`. */
export function reduceMax(x: Tensor | number, axis?: number | readonly number[], keepDims = false): Tensor {
  return reduce('Max', 'reduceMax', x, axis, keepDims);
}

/** Smallest value over `axis`. */
export function reduceMin(x: Tensor | number, axis?: number | readonly number[], keepDims = false): Tensor {
  return reduce('Min', 'reduceMin', x, axis, keepDims);
}

/**
 * Mean over `axis`: the sum divided by the number of reduced elements (NaN for none, as TensorFlow).
 * Integer inputs give an integer mean truncated toward zero, as TensorFlow's.
 */
export function reduceMean(x: Tensor | number, axis?: number | readonly number[], keepDims = false): Tensor {
  checkKeepDims('reduceMean', keepDims);
  const tx = convertToTensor(x, 'reduceMean', 'x');
  try {
    if (tx.dtype === 'bool') invalidArgument('reduceMean', 'x', 'a float32 or int32 tensor', 'a bool tensor');
    const axes = normalizeAxes('reduceMean', axis, tx.rank);
    let count = 1;
    for (const a of axes) count *= tx.shape[a]!;
    const engine = getEngine();
    return engine.tidy(() => {
      const sum = reduceSum(tx, axes, keepDims);
      if (sum.dtype === 'int32') return cast(div(sum, count), 'int32');
      return div(sum, count);
    });
  } finally {
    if (tx !== x) tx.dispose();
  }
}

function argReduce(kernel: 'ArgMax' | 'ArgMin', op: string, x: Tensor | number, axis: number): Tensor {
  const tx = convertToTensor(x, op, 'x');
  try {
    checkInputDtype(op, kernel, 'x', tx.dtype);
    const normalized = normalizeAxis(op, axis, tx.rank);
    if (tx.shape[normalized] === 0)
      invalidArgument(op, 'x', `a non-empty dimension ${axis}`, `shape [${tx.shape.join(',')}]`);
    return getEngine().runKernel(
      kernel,
      { x: tx },
      { axis: normalized },
      { shape: reducedShape(tx.shape, [normalized], false), dtype: 'int32' },
    );
  } finally {
    if (tx !== x) tx.dispose();
  }
}

/** Index of the largest value along `axis` (first on ties), int32. */
export function argMax(x: Tensor | number, axis = 0): Tensor {
  return argReduce('ArgMax', 'argMax', x, axis);
}

/** Index of the smallest value along `axis` (first on ties), int32. */
export function argMin(x: Tensor | number, axis = 0): Tensor {
  return argReduce('ArgMin', 'argMin', x, axis);
}

// ---- reduceProd, reduceAny, reduceAll, reduceLogSumExp (issue 12: reductions and scans) ----

/**
 * Product over `axis` (a number, a list, or all axes when omitted); 1 over zero elements.
 * @example tf.reduceProd(tf.tensor([[1, 2], [3, 4]]), 1) // [2, 12]
 */
export function reduceProd(x: TensorLike, axis?: number | readonly number[], keepDims = false): Tensor {
  return reduce('Prod', 'reduceProd', x, axis, keepDims);
}

/**
 * Logical or over `axis` of a bool tensor; false over zero elements.
 * @example tf.reduceAny(tf.tensor([[0, 1], [0, 0]], [2, 2], 'bool'), 1) // [true, false]
 */
export function reduceAny(x: TensorLike | boolean, axis?: number | readonly number[], keepDims = false): Tensor {
  return reduce('Any', 'reduceAny', x, axis, keepDims);
}

/**
 * Logical and over `axis` of a bool tensor; true over zero elements.
 * @example tf.reduceAll(tf.tensor([[1, 1], [0, 1]], [2, 2], 'bool'), 1) // [true, false]
 */
export function reduceAll(x: TensorLike | boolean, axis?: number | readonly number[], keepDims = false): Tensor {
  return reduce('All', 'reduceAll', x, axis, keepDims);
}

/**
 * `log(sum(exp(x)))` over `axis`, computed as TensorFlow does: `m + log(sum(exp(x - m)))` with `m` the
 * maximum over `axis` where it is finite (0 where it is not, so a row of -Infinity gives -Infinity and
 * one holding +Infinity gives +Infinity). float32 only; the gradient is softmax(x) · dy.
 * @example tf.reduceLogSumExp(tf.tensor([1000, 1000])) // 1000.6931
 */
export function reduceLogSumExp(x: TensorLike, axis?: number | readonly number[], keepDims = false): Tensor {
  const op = 'reduceLogSumExp';
  if (typeof keepDims !== 'boolean') invalidArgument(op, 'keepDims', 'a boolean', describeValue(keepDims));
  const tx = convertToTensor(x, op, 'x');
  try {
    if (tx.dtype !== 'float32') invalidArgument(op, 'x', 'a float32 tensor', `a ${tx.dtype} tensor`);
    const axes = normalizeAxes(op, axis, tx.rank);
    return getEngine().tidy(() => {
      const rawMax = reduceMax(tx, axes, true);
      // |m| < Infinity is false for ±Infinity and NaN: TensorFlow's is_finite.
      const shift = where(less(abs(rawMax), Infinity), rawMax, 0);
      const sum = reduceSum(exp(sub(tx, shift)), axes, keepDims);
      return add(log(sum), keepDims ? shift : reshape(shift, reducedShape(tx.shape, axes, false)));
    });
  } finally {
    if (tx !== x) tx.dispose();
  }
}
