/**
 * @file Reference reductions: Sum, Max, Min, Prod, Any and All over any set of axes (TensorFlow's
 * identities for an empty reduction: 0, the dtype's lowest, the dtype's highest, 1, false, true),
 * ArgMax and ArgMin along one axis (ties take the first index), and the error scale of a float sum
 * for tolerances.
 */

import type { DataType, ReductionKernel } from '@tapeflow/tensor-core/internal';
import type { ReferenceTensor } from './tensor.js';
import { indicesOf, offsetOf, sizeOf, storeAs } from './tensor.js';

/** The identity of reduction `op` in `dtype`: what reducing zero elements gives. */
export function reductionIdentity(op: ReductionKernel, dtype: DataType): number {
  switch (op) {
    case 'Sum':
      return 0;
    case 'Max':
      return dtype === 'float32' ? -Infinity : dtype === 'int32' ? -2147483648 : 0;
    case 'Min':
      return dtype === 'float32' ? Infinity : dtype === 'int32' ? 2147483647 : 1;
    case 'Prod':
    case 'All':
      return 1;
    case 'Any':
      return 0;
  }
}

function combine(op: ReductionKernel, dtype: DataType, accumulator: number, v: number): number {
  switch (op) {
    case 'Sum':
      return dtype === 'int32' ? (accumulator + v) | 0 : accumulator + v;
    case 'Max':
      return Number.isNaN(accumulator) || Number.isNaN(v) ? NaN : Math.max(accumulator, v);
    case 'Min':
      return Number.isNaN(accumulator) || Number.isNaN(v) ? NaN : Math.min(accumulator, v);
    case 'Prod':
      return dtype === 'int32' ? Math.imul(accumulator, v) : accumulator * v;
    case 'Any':
      return accumulator !== 0 || v !== 0 ? 1 : 0;
    case 'All':
      return accumulator !== 0 && v !== 0 ? 1 : 0;
  }
}

/** The shape left after reducing `shape` over `axes`, the axes dropped or kept as 1. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims = false): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/**
 * Reduction `op` of `x` over `axes` (non-negative; duplicates ignored); the axes are dropped unless
 * `keepDims`.
 * @example reduce('Sum', referenceTensor([1, 2, 3, 4], [2, 2]), [0]).values // [4, 6]
 */
export function reduce(
  op: ReductionKernel,
  x: ReferenceTensor,
  axes: readonly number[],
  keepDims = false,
): ReferenceTensor {
  const outShape = reducedShape(x.shape, axes, keepDims);
  const kept = reducedShape(x.shape, axes, true);
  const accumulators = new Array<number>(sizeOf(outShape)).fill(reductionIdentity(op, x.dtype));
  if (x.shape.every((_, d) => axes.includes(d))) {
    // Everything into one value: a flat loop (the large-input checks reduce a million elements).
    let accumulator = accumulators[0]!;
    for (const v of x.values) accumulator = combine(op, x.dtype, accumulator, v);
    return { shape: outShape, dtype: x.dtype, values: [storeAs(accumulator, x.dtype)] };
  }
  let n = 0;
  for (const index of indicesOf(x.shape)) {
    const target = offsetOf(
      index.map((v, d) => (axes.includes(d) ? 0 : v)),
      kept,
    );
    accumulators[target] = combine(op, x.dtype, accumulators[target]!, x.values[n++]!);
  }
  return { shape: outShape, dtype: x.dtype, values: accumulators.map((v) => storeAs(v, x.dtype)) };
}

/**
 * Index of the largest (`ArgMax`) or smallest (`ArgMin`) value along `axis`, first on ties; int32.
 * @example argReduce('ArgMax', referenceTensor([3, 9, 9], [3]), 0).values // [1]
 */
export function argReduce(op: 'ArgMax' | 'ArgMin', x: ReferenceTensor, axis: number): ReferenceTensor {
  const shape = reducedShape(x.shape, [axis]);
  const values: number[] = [];
  const length = x.shape[axis]!;
  for (const index of indicesOf(shape)) {
    const full = [...index.slice(0, axis), 0, ...index.slice(axis)];
    let best = 0;
    let bestValue = x.values[offsetOf(full, x.shape)]!;
    for (let k = 1; k < length; k++) {
      full[axis] = k;
      const v = x.values[offsetOf(full, x.shape)]!;
      if (op === 'ArgMax' ? v > bestValue : v < bestValue) {
        best = k;
        bestValue = v;
      }
    }
    values.push(best);
  }
  return { shape, dtype: 'int32', values };
}

/**
 * The sum of |x| over `axes`, the scale of the rounding error any summation order may make in
 * float32 (`|error| <= n·ε·Σ|x|`): the tolerance of a sum is relative to it, not to the sum itself,
 * which cancellation can make arbitrarily small.
 */
export function sumMagnitude(x: ReferenceTensor, axes: readonly number[], keepDims = false): number[] {
  const abs: ReferenceTensor = { shape: x.shape, dtype: 'float32', values: x.values.map(Math.abs) };
  return reduce('Sum', abs, axes, keepDims).values.slice();
}
