/**
 * @file Comparison kernels with broadcasting: Equal, NotEqual, Greater, GreaterEqual, Less, LessEqual.
 * Inputs share any dtype; the output is bool (0 or 1 in a Uint8Array). NaN compares as IEEE says:
 * unequal to everything, itself included, so only NotEqual is true for it.
 */

import type { ComparisonKernel, TypedArray } from '@tapeflow/tensor-core/backend';
import { sizeFromShape } from '@tapeflow/tensor-core/backend';
import { type CpuKernel, missingKernelCase } from '../cpu-kernel.js';
import { forEachBroadcastRow } from '../strided.js';

/** Compares `a` with `b` elementwise under `op`, both broadcast to `outShape`. */
export function comparisonImpl(
  op: ComparisonKernel,
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  outShape: readonly number[],
): Uint8Array {
  const out = new Uint8Array(sizeFromShape(outShape));
  const n = out.length;
  if (n === 0) return out;
  if (a.length === n && b.length === n) compareRow(op, a, 0, 1, b, 0, 1, out, 0, n);
  else if (a.length === 1 && b.length === n) compareRow(op, a, 0, 0, b, 0, 1, out, 0, n);
  else if (b.length === 1 && a.length === n) compareRow(op, a, 0, 1, b, 0, 0, out, 0, n);
  else {
    forEachBroadcastRow(outShape, [aShape, bShape], (offsets, length, strides) => {
      compareRow(op, a, offsets[1]!, strides[1]!, b, offsets[2]!, strides[2]!, out, offsets[0]!, length);
    });
  }
  return out;
}

function compareRow(
  op: ComparisonKernel,
  a: TypedArray,
  ai: number,
  as: number,
  b: TypedArray,
  bi: number,
  bs: number,
  out: Uint8Array,
  oi: number,
  n: number,
): void {
  const end = oi + n;
  switch (op) {
    case 'Equal':
      for (; oi < end; oi++, ai += as, bi += bs) out[oi] = a[ai]! === b[bi]! ? 1 : 0;
      return;
    case 'NotEqual':
      for (; oi < end; oi++, ai += as, bi += bs) out[oi] = a[ai]! !== b[bi]! ? 1 : 0;
      return;
    case 'Greater':
      for (; oi < end; oi++, ai += as, bi += bs) out[oi] = a[ai]! > b[bi]! ? 1 : 0;
      return;
    case 'GreaterEqual':
      for (; oi < end; oi++, ai += as, bi += bs) out[oi] = a[ai]! >= b[bi]! ? 1 : 0;
      return;
    case 'Less':
      for (; oi < end; oi++, ai += as, bi += bs) out[oi] = a[ai]! < b[bi]! ? 1 : 0;
      return;
    case 'LessEqual':
      for (; oi < end; oi++, ai += as, bi += bs) out[oi] = a[ai]! <= b[bi]! ? 1 : 0;
      return;
    default:
      missingKernelCase(op);
  }
}

/** The kernel glue shared by every comparison kernel. */
export function comparisonKernel<K extends ComparisonKernel>(op: K): CpuKernel<K> {
  return (buffers, { inputs: { a, b }, output }) =>
    buffers.adopt(comparisonImpl(op, buffers.values(a), a.shape, buffers.values(b), b.shape, output.shape));
}
