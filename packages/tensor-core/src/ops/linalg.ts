/**
 * @file Linear algebra built from transposes, reshapes, `matmul` and reductions, so each gradient falls
 * out of theirs: `tensordot` (TensorFlow's), `dot` and `outerProduct` (TensorFlow.js'), and `norm`
 * (TensorFlow's `tf.norm`: vector p-norms, and the Frobenius, 1- and ∞-norms of matrices over a pair of
 * axes; `-Infinity` as TensorFlow.js has it). `einsum` is in einsum.ts.
 */

import { getEngine } from '../engine.js';
import { UnimplementedError, formatShape, invalidArgument } from '../errors.js';
import { checkOptions, describeValue } from '../options.js';
import type { OptionSchema } from '../options.js';
import { normalizeAxis, sizeFromShape } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { convertToTensor } from './convert.js';
import { abs, mul, pow, sqrt } from './elementwise.js';
import { matmul } from './matmul.js';
import { reduceMax, reduceMin, reduceSum } from './reduction.js';
import { reshape, squeeze, transpose } from './shape-ops.js';

/** Converts both operands (numbers as float32 scalars), runs `body`, and disposes what it converted. */
function withOperands<T>(op: string, a: TensorLike, b: TensorLike, body: (ta: Tensor, tb: Tensor) => T): T {
  const ta = convertToTensor(a, op, 'a');
  try {
    const tb = convertToTensor(b, op, 'b');
    try {
      if (ta.dtype !== tb.dtype) invalidArgument(op, 'b', `dtype ${ta.dtype} (the dtype of 'a')`, `dtype ${tb.dtype}`);
      if (ta.dtype === 'bool') invalidArgument(op, 'a', 'a float32 or int32 tensor', 'a bool tensor');
      return body(ta, tb);
    } finally {
      if (tb !== b) tb.dispose();
    }
  } finally {
    if (ta !== a) ta.dispose();
  }
}

/** The axes of `tensordot`: a count, or a pair of axis lists (or single axes) of equal length. */
export type TensordotAxes = number | readonly [number | readonly number[], number | readonly number[]];

/** `axes` as two lists of non-negative axes, checked against both ranks and shapes. */
function contractionAxes(a: Tensor, b: Tensor, axes: unknown): [number[], number[]] {
  const op = 'tensordot';
  if (typeof axes === 'number') {
    if (!Number.isInteger(axes) || axes < 0 || axes > a.rank || axes > b.rank) {
      invalidArgument(
        op,
        'axes',
        `an integer in [0, ${Math.min(a.rank, b.rank)}] (the smaller rank of a ${formatShape(a.shape)} and b ${formatShape(b.shape)})`,
        String(axes),
      );
    }
    const count = axes;
    return matchingDims(
      a,
      b,
      Array.from({ length: count }, (_, i) => a.rank - count + i),
      Array.from({ length: count }, (_, i) => i),
    );
  }
  if (!Array.isArray(axes) || axes.length !== 2) {
    invalidArgument(op, 'axes', 'a number or a pair of axis lists [axesOfA, axesOfB]', describeValue(axes));
  }
  const asList = (value: unknown, name: string, rank: number): number[] => {
    const list: unknown[] = typeof value === 'number' ? [value] : Array.isArray(value) ? value : [];
    if (typeof value !== 'number' && !Array.isArray(value))
      invalidArgument(op, name, 'an axis or a list of axes', describeValue(value));
    const normalized = list.map((axis, i) =>
      typeof axis === 'number'
        ? normalizeAxis(op, axis, rank, `${name}[${i}]`)
        : invalidArgument(op, `${name}[${i}]`, 'an integer', describeValue(axis)),
    );
    const repeated = normalized.find((axis, i) => normalized.indexOf(axis) !== i);
    if (repeated !== undefined) invalidArgument(op, name, 'distinct axes', `axis ${repeated} twice`);
    return normalized;
  };
  const axesA = asList(axes[0], 'axes[0]', a.rank);
  const axesB = asList(axes[1], 'axes[1]', b.rank);
  if (axesA.length !== axesB.length) {
    invalidArgument(op, 'axes', 'two lists of the same length', `${axesA.length} axes of a and ${axesB.length} of b`);
  }
  return matchingDims(a, b, axesA, axesB);
}

/** `[axesA, axesB]`, once each pair of contracted dims is checked to agree. */
function matchingDims(a: Tensor, b: Tensor, axesA: number[], axesB: number[]): [number[], number[]] {
  axesA.forEach((axisA, i) => {
    const axisB = axesB[i]!;
    if (a.shape[axisA] !== b.shape[axisB]) {
      invalidArgument(
        'tensordot',
        'b',
        `dimension ${axisB} to match dimension ${axisA} of a (a: ${formatShape(a.shape)}, b: ${formatShape(b.shape)})`,
        `${a.shape[axisA]!} vs. ${b.shape[axisB]!}`,
      );
    }
  });
  return [axesA, axesB];
}

/**
 * Sums the products of `a` and `b` over `axes` (TensorFlow's `tf.tensordot`): a number N contracts the
 * last N axes of `a` with the first N of `b`; a pair `[axesOfA, axesOfB]` contracts those axes in
 * order. The result has `a`'s free axes, then `b`'s.
 * @example tf.tensordot(a23, b34, 1) // the matrix product, shape [2, 4]
 * @example tf.tensordot(a234, b43, [[1, 2], [1, 0]]) // shape [2]
 */
export function tensordot(a: TensorLike, b: TensorLike, axes: TensordotAxes): Tensor {
  return withOperands('tensordot', a, b, (ta, tb) => {
    const [axesA, axesB] = contractionAxes(ta, tb, axes);
    const freeA = ta.shape.map((_, d) => d).filter((d) => !axesA.includes(d));
    const freeB = tb.shape.map((_, d) => d).filter((d) => !axesB.includes(d));
    const contracted = sizeFromShape(axesA.map((d) => ta.shape[d]!));
    const freeShapeA = freeA.map((d) => ta.shape[d]!);
    const freeShapeB = freeB.map((d) => tb.shape[d]!);
    return getEngine().tidy(() => {
      const left = reshape(transpose(ta, [...freeA, ...axesA]), [sizeFromShape(freeShapeA), contracted]);
      const right = reshape(transpose(tb, [...axesB, ...freeB]), [contracted, sizeFromShape(freeShapeB)]);
      return reshape(matmul(left, right), [...freeShapeA, ...freeShapeB]);
    });
  });
}

/**
 * The dot product of vectors and matrices (TensorFlow.js' `tf.dot`): each operand of rank 1 or 2;
 * vector · vector is a scalar, matrix · vector and vector · matrix are vectors, matrix · matrix is
 * their product.
 * @example tf.dot(tf.tensor([1, 2]), tf.tensor([3, 4])) // 11
 */
export function dot(a: TensorLike, b: TensorLike): Tensor {
  return withOperands('dot', a, b, (ta, tb) => {
    for (const [name, t] of [
      ['a', ta],
      ['b', tb],
    ] as const) {
      if (t.rank !== 1 && t.rank !== 2)
        invalidArgument('dot', name, 'a tensor of rank 1 or 2', `shape ${formatShape(t.shape)}`);
    }
    const inner = ta.shape[ta.rank - 1]!;
    const innerB = tb.shape[0]!;
    if (inner !== innerB) {
      invalidArgument(
        'dot',
        'b',
        `inner dimensions to match (a: ${formatShape(ta.shape)}, b: ${formatShape(tb.shape)})`,
        `${inner} vs. ${innerB}`,
      );
    }
    return getEngine().tidy(() => {
      const left = ta.rank === 1 ? reshape(ta, [1, inner]) : ta;
      const right = tb.rank === 1 ? reshape(tb, [innerB, 1]) : tb;
      const product = matmul(left, right);
      const shape = [...(ta.rank === 2 ? [ta.shape[0]!] : []), ...(tb.rank === 2 ? [tb.shape[1]!] : [])];
      return reshape(product, shape);
    });
  });
}

/**
 * The outer product of two vectors (TensorFlow.js' `tf.outerProduct`): `[m]` and `[n]` give `[m, n]`.
 * @example tf.outerProduct(tf.tensor([1, 2]), tf.tensor([3, 4, 5])) // [[3, 4, 5], [6, 8, 10]]
 */
export function outerProduct(a: TensorLike, b: TensorLike): Tensor {
  return withOperands('outerProduct', a, b, (ta, tb) => {
    for (const [name, t] of [
      ['a', ta],
      ['b', tb],
    ] as const) {
      if (t.rank !== 1) invalidArgument('outerProduct', name, 'a tensor of rank 1', `shape ${formatShape(t.shape)}`);
    }
    return getEngine().tidy(() => matmul(reshape(ta, [ta.size, 1]), reshape(tb, [1, tb.size])));
  });
}

/** The orders `norm` takes: TensorFlow's names and numbers. */
export type NormOrder = 'euclidean' | 'fro' | number;

/** Options of `norm` (TensorFlow's keyword arguments). */
export interface NormOptions {
  /** `'euclidean'` (default), `'fro'` (matrices), 1, 2, Infinity, -Infinity, or any p > 0 for vectors. */
  readonly ord?: NormOrder;
  /** An axis (a vector norm along it), a pair of axes (a matrix norm), or all axes as one vector. */
  readonly axis?: number | readonly [number, number];
  /** Keep the reduced axes as size 1. */
  readonly keepDims?: boolean;
}

const NORM_OPTIONS: OptionSchema<NormOptions> = {
  ord: {
    kind: 'custom',
    check: (value) =>
      value === 'euclidean' || value === 'fro' || (typeof value === 'number' && !Number.isNaN(value))
        ? undefined
        : "'euclidean', 'fro' or a number",
  },
  axis: { kind: 'any' },
  keepDims: { kind: 'boolean' },
};

/**
 * The norm of `x` (TensorFlow's `tf.norm`). Over one axis, or over all of `x` as one vector: the p-norm
 * for `ord` 'euclidean' (2), 1, Infinity (max |x|), -Infinity (min |x|, TensorFlow.js') or any p > 0.
 * Over a pair of axes, a matrix norm: 'fro' / 'euclidean' (Frobenius), 1 (largest column sum of |x|),
 * Infinity (largest row sum) and -Infinity (smallest row sum, TensorFlow.js'); the spectral norm
 * (`ord` 2 over two axes) needs an SVD and is an UnimplementedError. float32 only.
 * @example tf.norm(tf.tensor([3, 4])) // 5
 * @example tf.norm(tf.tensor([[1, -2], [3, 4]]), { ord: 1, axis: [0, 1] }) // 6
 */
export function norm(x: TensorLike, options: NormOptions = {}): Tensor {
  const op = 'norm';
  checkOptions(op, options, NORM_OPTIONS);
  const ord = options.ord ?? 'euclidean';
  const keepDims = options.keepDims ?? false;
  const tx = convertToTensor(x, op, 'x');
  try {
    if (tx.dtype !== 'float32') invalidArgument(op, 'x', 'a float32 tensor', `a ${tx.dtype} tensor`);
    const axis = options.axis;
    let axes: number[];
    if (axis === undefined) axes = tx.shape.map((_, d) => d);
    else if (typeof axis === 'number') axes = [normalizeAxis(op, axis, tx.rank, 'options.axis')];
    else if (Array.isArray(axis) && axis.length === 2 && axis.every((a) => typeof a === 'number')) {
      axes = axis.map((a: number, i) => normalizeAxis(op, a, tx.rank, `options.axis[${i}]`));
      if (axes[0] === axes[1]) invalidArgument(op, 'options.axis', 'two distinct axes', formatShape(axis));
    } else {
      invalidArgument(op, 'options.axis', 'an integer, a pair of distinct integers, or undefined', describeValue(axis));
    }
    const matrix = axis !== undefined && typeof axis !== 'number';
    if (matrix) {
      if (ord === 2) {
        throw new UnimplementedError(
          "norm: argument 'options.ord' 2 over two axes (the spectral norm) needs a singular value decomposition, which Tapeflow lacks; use 'fro', 1, Infinity or -Infinity.",
          op,
        );
      }
      if (ord !== 'fro' && ord !== 'euclidean' && ord !== 1 && ord !== Infinity && ord !== -Infinity)
        invalidArgument(
          op,
          'options.ord',
          "'fro', 'euclidean', 1, Infinity or -Infinity for a matrix norm",
          describeValue(ord),
        );
    } else if (ord === 'fro') {
      invalidArgument(
        op,
        'options.ord',
        "a vector norm ('euclidean', 1, 2, Infinity, -Infinity or p > 0) with one axis or none",
        "'fro' (a matrix norm: give a pair of axes)",
      );
    } else if (typeof ord === 'number' && !(ord > 0) && ord !== -Infinity) {
      invalidArgument(op, 'options.ord', "'euclidean', Infinity, -Infinity or a number > 0", String(ord));
    }
    return getEngine().tidy(() => {
      let result: Tensor;
      if (ord === 'euclidean' || ord === 'fro' || ord === 2) {
        result = sqrt(reduceSum(mul(tx, tx), axes, true));
      } else if (!matrix) {
        const magnitude = abs(tx);
        if (ord === 1) result = reduceSum(magnitude, axes, true);
        else if (ord === Infinity) result = reduceMax(magnitude, axes, true);
        else if (ord === -Infinity) result = reduceMin(magnitude, axes, true);
        else result = pow(reduceSum(pow(magnitude, ord), axes, true), 1 / ord);
      } else {
        const [rows, columns] = axes as [number, number];
        const magnitude = abs(tx);
        // 1: the largest column sum (sum over the row axis); ±Infinity: the largest/smallest row sum.
        if (ord === 1) result = reduceMax(reduceSum(magnitude, rows, true), columns, true);
        else if (ord === Infinity) result = reduceMax(reduceSum(magnitude, columns, true), rows, true);
        else result = reduceMin(reduceSum(magnitude, columns, true), rows, true);
      }
      return keepDims ? result : squeeze(result, axes);
    });
  } finally {
    if (tx !== x) tx.dispose();
  }
}
