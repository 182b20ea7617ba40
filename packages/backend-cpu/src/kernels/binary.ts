/**
 * @file Elementwise binary kernels with NumPy broadcasting: Add, Sub, Mul, RealDiv, Pow, Maximum,
 * Minimum. Equal shapes and scalar operands take a single flat loop; anything else walks coalesced
 * rows (see strided.ts). Each row runs one tight loop picked by a switch outside it.
 *
 * float32 is computed in double and rounded once on store; int32 wraps like TensorFlow's int32.
 */

import type { BinaryKernel, DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { invalidArgument, makeTypedArray, sizeFromShape } from '@tapeflow/tensor-core/backend';
import { type CpuKernel, missingKernelCase } from '../cpu-kernel.js';
import { forEachBroadcastRow } from '../strided.js';

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
    default:
      missingKernelCase(op);
  }
}

/**
 * C's pow, which TensorFlow uses, gives 1 for pow(1, y) with any y (NaN included) and for
 * pow(-1, ±Infinity); JavaScript's Math.pow gives NaN for those.
 */
export function floatPow(x: number, y: number): number {
  if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
  return Math.pow(x, y);
}

/**
 * Integer power by squaring, wrapping like int32. TensorFlow rejects negative exponents at run time;
 * here they give the truncated real result (1 or -1 for bases ±1, otherwise 0) instead of throwing
 * on values, which tensor-core never inspects.
 */
export function intPow(base: number, exponent: number): number {
  if (exponent < 0) {
    if (base === 1) return 1;
    if (base === -1) return exponent & 1 ? -1 : 1;
    return 0;
  }
  let result = 1;
  let square = base;
  for (let e = exponent; e > 0; e >>>= 1) {
    if (e & 1) result = Math.imul(result, square);
    square = Math.imul(square, square);
  }
  return result;
}

/** The kernel glue shared by every binary kernel. */
export function binaryKernel<K extends BinaryKernel>(op: K): CpuKernel<K> {
  return (buffers, { inputs: { a, b }, output }) =>
    buffers.adopt(binaryImpl(op, buffers.values(a), a.shape, buffers.values(b), b.shape, output.shape, output.dtype));
}
