/**
 * @file The loops of the elementwise binary kernels, with NumPy broadcasting. Each kernel is defined
 * once, in elementwise-table.ts (`BINARY`). Equal shapes and scalar operands take a single flat loop;
 * anything else walks coalesced rows (see strided.ts). The hot kernels (Add ... Minimum) run one tight
 * loop per row, picked by a switch outside it; every other kernel runs its table form per element.
 *
 * float32 is computed in double and rounded once on store; int32 wraps like TensorFlow's int32.
 */

import type { BinaryKernel, DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { invalidArgument, makeTypedArray, sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';
import { forEachBroadcastRow } from '../strided.js';
import { BINARY, floatPow, intPow } from './elementwise-table.js';

type Binary = (a: number, b: number) => number;

/** Applies binary kernel `op` to `a` and `b`, broadcast to `outShape`; the result has `dtype`. */
export function binaryImpl(
  op: BinaryKernel,
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  outShape: readonly number[],
  dtype: DataType,
): TypedArray {
  if (dtype === 'bool') invalidArgument(op, 'a', 'a float32 or int32 tensor', 'a bool tensor');
  const out = makeTypedArray(sizeFromShape(outShape), dtype);
  const int = dtype === 'int32';
  const n = out.length;
  if (n === 0) return out;
  // An operand as large as the output that broadcasts to it has the output's exact layout.
  if (a.length === n && b.length === n) binaryRow(op, int, a, 0, 1, b, 0, 1, out, 0, n);
  else if (a.length === 1 && b.length === n) binaryRow(op, int, a, 0, 0, b, 0, 1, out, 0, n);
  else if (b.length === 1 && a.length === n) binaryRow(op, int, a, 0, 1, b, 0, 0, out, 0, n);
  else {
    forEachBroadcastRow(outShape, [aShape, bShape], (offsets, length, strides) => {
      binaryRow(op, int, a, offsets[1]!, strides[1]!, b, offsets[2]!, strides[2]!, out, offsets[0]!, length);
    });
  }
  return out;
}

/**
 * One row of a binary op: `out[oi + j] = a[ai + j * as] op b[bi + j * bs]` for j < n. Exported for the
 * WebAssembly path, which runs rows its SIMD forms do not cover through it.
 */
export function binaryRow(
  op: BinaryKernel,
  int: boolean,
  a: TypedArray,
  ai: number,
  as: number,
  b: TypedArray,
  bi: number,
  bs: number,
  out: TypedArray,
  oi: number,
  n: number,
): void {
  const end = oi + n;
  // The table form of `op`, for the default (the switch narrows `op` itself to never there).
  const table: BinaryKernel = op;
  switch (op) {
    case 'Add':
      if (int) for (; oi < end; oi++, ai += as, bi += bs) out[oi] = (a[ai]! + b[bi]!) | 0;
      else for (; oi < end; oi++, ai += as, bi += bs) out[oi] = a[ai]! + b[bi]!;
      return;
    case 'Sub':
      if (int) for (; oi < end; oi++, ai += as, bi += bs) out[oi] = (a[ai]! - b[bi]!) | 0;
      else for (; oi < end; oi++, ai += as, bi += bs) out[oi] = a[ai]! - b[bi]!;
      return;
    case 'Mul':
      // A product of two int32s can exceed 2^53, so only Math.imul wraps it exactly.
      if (int) for (; oi < end; oi++, ai += as, bi += bs) out[oi] = Math.imul(a[ai]!, b[bi]!);
      else for (; oi < end; oi++, ai += as, bi += bs) out[oi] = a[ai]! * b[bi]!;
      return;
    case 'RealDiv':
      // tensor-core's `div` casts integers to float32 first (RealDiv's spec takes float32 only); this
      // int32 form truncates, for a direct caller.
      if (int) for (; oi < end; oi++, ai += as, bi += bs) out[oi] = (a[ai]! / b[bi]!) | 0;
      else for (; oi < end; oi++, ai += as, bi += bs) out[oi] = a[ai]! / b[bi]!;
      return;
    case 'Pow':
      if (int) for (; oi < end; oi++, ai += as, bi += bs) out[oi] = intPow(a[ai]!, b[bi]!);
      else for (; oi < end; oi++, ai += as, bi += bs) out[oi] = floatPow(a[ai]!, b[bi]!);
      return;
    case 'Maximum':
      // Math.max propagates NaN (like NumPy's maximum), whichever side it is on.
      for (; oi < end; oi++, ai += as, bi += bs) out[oi] = Math.max(a[ai]!, b[bi]!);
      return;
    case 'Minimum':
      for (; oi < end; oi++, ai += as, bi += bs) out[oi] = Math.min(a[ai]!, b[bi]!);
      return;
    default: {
      const { float, int: intForm }: { float: Binary; int: Binary | null } = BINARY[table];
      if (int && intForm === null) invalidArgument(op, 'a', 'a float32 tensor', 'an int32 tensor');
      const f = int && intForm !== null ? intForm : float;
      for (; oi < end; oi++, ai += as, bi += bs) out[oi] = f(a[ai]!, b[bi]!);
    }
  }
}

/** The kernel glue shared by every binary kernel. */
export function binaryKernel<K extends BinaryKernel>(op: K): CpuKernel<K> {
  return (buffers, { inputs: { a, b }, output }) =>
    buffers.adopt(binaryImpl(op, buffers.values(a), a.shape, buffers.values(b), b.shape, output.shape, output.dtype));
}
