/**
 * @file Reference implementations of the elementwise kernels: unary math, binary arithmetic and
 * comparisons with NumPy broadcasting, `Select` and `Cast`. float32 is computed in float64 (a backend
 * computing in float32 is compared within tolerance); int32 wraps modulo 2^32 as TensorFlow's int32.
 */

import type { BinaryKernel, ComparisonKernel, DataType, UnaryKernel } from '@tapeflow/tensor-core/internal';
import { binaryDefinition, unaryDefinition } from '@tapeflow/tensor-core/internal';
import type { ReferenceTensor } from './tensor.js';
import { broadcastOffset, broadcastShape, indicesOf, sizeOf, storeAs } from './tensor.js';

/**
 * Unary kernel `op` on every element of `x`, keeping its dtype. The float64 and int32 definitions are
 * the spec's (`definition` in tensor-core's op-specs.ts), written there once beside the kernel's dtypes.
 * @example unary('Square', referenceTensor([-3, 2], [2], 'int32')).values // [9, 4]
 */
export function unary(op: UnaryKernel, x: ReferenceTensor): ReferenceTensor {
  const definition = unaryDefinition(op);
  const f = x.dtype === 'float32' ? definition.float : x.dtype === 'int32' ? definition.int : undefined;
  if (f === undefined) throw new RangeError(`unary: ${op} has no ${x.dtype} definition.`);
  return { shape: x.shape.slice(), dtype: x.dtype, values: x.values.map((v) => storeAs(f(v), x.dtype)) };
}

/** Integer power by squaring, wrapping like int32 (the spec's Pow definition for int32). */
export { referenceIntPow as intPow } from '@tapeflow/tensor-core/internal';

/** The scalar definition of binary kernel `op` in `dtype` (the spec's). */
function binaryScalar(op: BinaryKernel, dtype: DataType): (a: number, b: number) => number {
  const definition = binaryDefinition(op);
  // RealDiv has no int32 definition: a direct int32 call divides in float and stores truncated.
  return dtype === 'int32' ? (definition.int ?? definition.float) : definition.float;
}

/** Applies `f` to `a` and `b` broadcast together; the result has `dtype`. */
function broadcastMap(
  a: ReferenceTensor,
  b: ReferenceTensor,
  dtype: DataType,
  f: (x: number, y: number) => number,
): ReferenceTensor {
  const shape = broadcastShape(a.shape, b.shape);
  const values: number[] = [];
  const size = sizeOf(shape);
  // Same-size and scalar operands need no index arithmetic (and keep the large-input checks fast).
  if ((a.values.length === size || a.values.length === 1) && (b.values.length === size || b.values.length === 1)) {
    const as = a.values.length === 1 ? 0 : 1;
    const bs = b.values.length === 1 ? 0 : 1;
    for (let i = 0; i < size; i++) values.push(storeAs(f(a.values[i * as]!, b.values[i * bs]!), dtype));
    return { shape, dtype, values };
  }
  for (const index of indicesOf(shape)) {
    values.push(
      storeAs(f(a.values[broadcastOffset(index, a.shape)]!, b.values[broadcastOffset(index, b.shape)]!), dtype),
    );
  }
  return { shape, dtype, values };
}

/**
 * Binary kernel `op` on `a` and `b` (same dtype) with NumPy broadcasting.
 * @example binary('Sub', referenceTensor([1, 2, 3], [3]), referenceTensor([10], [])).values // [-9, -8, -7]
 */
export function binary(op: BinaryKernel, a: ReferenceTensor, b: ReferenceTensor): ReferenceTensor {
  return broadcastMap(a, b, a.dtype, binaryScalar(op, a.dtype));
}

const COMPARE: Readonly<Record<ComparisonKernel, (a: number, b: number) => boolean>> = {
  Equal: (a, b) => a === b,
  NotEqual: (a, b) => a !== b,
  Greater: (a, b) => a > b,
  GreaterEqual: (a, b) => a >= b,
  Less: (a, b) => a < b,
  LessEqual: (a, b) => a <= b,
};

/**
 * Comparison kernel `op` on `a` and `b` with broadcasting; a bool result (bools compare as 0 and 1).
 * @example compare('Less', referenceTensor([1, 5], [2]), referenceTensor([3], [])).values // [1, 0]
 */
export function compare(op: ComparisonKernel, a: ReferenceTensor, b: ReferenceTensor): ReferenceTensor {
  const f = COMPARE[op];
  return broadcastMap(a, b, 'bool', (x, y) => (f(x, y) ? 1 : 0));
}

/**
 * `condition ? a : b` elementwise, all three broadcast together.
 * @example
 * select(referenceTensor([1, 0], [2], 'bool'), referenceTensor([1, 2], [2]), referenceTensor([9], [])).values // [1, 9]
 */
export function select(condition: ReferenceTensor, a: ReferenceTensor, b: ReferenceTensor): ReferenceTensor {
  const shape = broadcastShape(condition.shape, broadcastShape(a.shape, b.shape));
  const values: number[] = [];
  const size = sizeOf(shape);
  if (condition.values.length === size && a.values.length === size && b.values.length === size) {
    for (let i = 0; i < size; i++) values.push(condition.values[i] !== 0 ? a.values[i]! : b.values[i]!);
    return { shape, dtype: a.dtype, values };
  }
  for (const index of indicesOf(shape)) {
    const chosen = condition.values[broadcastOffset(index, condition.shape)]! !== 0 ? a : b;
    values.push(chosen.values[broadcastOffset(index, chosen.shape)]!);
  }
  return { shape, dtype: a.dtype, values };
}

/**
 * `x` converted to `dtype`: float→int32 truncates toward zero, anything→bool is `!= 0`.
 * @example cast(referenceTensor([1.7, -1.7, 0], [3]), 'int32').values // [1, -1, 0]
 */
export function cast(x: ReferenceTensor, dtype: DataType): ReferenceTensor {
  return { shape: x.shape.slice(), dtype, values: x.values.map((v) => storeAs(v, dtype)) };
}
