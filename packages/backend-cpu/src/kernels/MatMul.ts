/**
 * @file MatMul: batched matrix product with optional transposes; batch dims broadcast to the output's.
 *
 * One i-k-j inner kernel serves every case: it streams rows of B into a row of accumulators, so its
 * innermost loop is contiguous in both B and the accumulators. A transposed A only changes how the
 * middle loop picks A's element (one read per k), which costs nothing; a transposed B would make the
 * inner loop stride, so B is first packed into a contiguous [k, n] scratch (O(kn) against O(mkn)
 * work, and redone only when the batch's B changes). float32 accumulates in double and rounds once
 * per output element; int32 wraps.
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { invalidArgument, makeTypedArray, matMulGeometry, sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';
import { broadcastIndexMap } from '../strided.js';

/** Where a batch's m×k matrix A lives: A(i, p) = a[offset + i * rowStride + p * colStride]. */
interface MatrixView {
  readonly values: TypedArray;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/**
 * The product of `a` and `b` (each of rank ≥ 2), read as [..., m, k] and [..., k, n] or, when
 * transposed, as [..., k, m] and [..., n, k]; the result has `outShape` = [...batch, m, n].
 */
export function matMulImpl(
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
  outShape: readonly number[],
  dtype: DataType,
): TypedArray {
  if (dtype === 'bool') invalidArgument('MatMul', 'a', 'a float32 or int32 tensor', 'a bool tensor');
  const { m, n, k, batchShape, a: aLayout } = matMulGeometry(aShape, outShape, transposeA, transposeB);
  const out = makeTypedArray(sizeFromShape(outShape), dtype);
  if (out.length === 0) return out;
  const aBatches = broadcastIndexMap(aShape.slice(0, -2), batchShape);
  const bBatches = broadcastIndexMap(bShape.slice(0, -2), batchShape);
  const int = dtype === 'int32';
  const accumulators = int ? new Int32Array(n) : new Float64Array(n);
  const packed = transposeB ? makeTypedArray(k * n, dtype) : undefined;
  let packedFrom = -1;
  for (let t = 0; t < aBatches.length; t++) {
    const A: MatrixView = {
      values: a,
      offset: aBatches[t]! * m * k,
      rowStride: aLayout.rowStride,
      colStride: aLayout.colStride,
    };
    let bValues = b;
    let bOffset = bBatches[t]! * k * n;
    if (packed !== undefined) {
      if (bOffset !== packedFrom) packTransposed(b, bOffset, n, k, packed);
      packedFrom = bOffset;
      bValues = packed;
      bOffset = 0;
    }
    if (int) intKernel(A, bValues, bOffset, out, t * m * n, m, n, k, accumulators);
    else floatKernel(A, bValues, bOffset, out, t * m * n, m, n, k, accumulators);
  }
  return out;
}

/** Writes the transpose of the rows×cols matrix at `src[offset]` into `dst` as cols×rows. */
function packTransposed(src: TypedArray, offset: number, rows: number, cols: number, dst: TypedArray): void {
  for (let r = 0; r < rows; r++) {
    const from = offset + r * cols;
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[from + c]!;
  }
}

// The float and int kernels are separate functions so each loop sees one array type and stays
// monomorphic in V8. Both take four steps of k per pass over the accumulator row, which cuts its loads
// and stores fourfold (about 3x faster than one step at a time); the sum of four float32 products in
// double is still exact to well below float32 rounding, and four int32 products plus an int32 stay
// under 2^53, so `| 0` still wraps exactly.
function floatKernel(
  A: MatrixView,
  b: TypedArray,
  bOffset: number,
  out: TypedArray,
  outOffset: number,
  m: number,
  n: number,
  k: number,
  sums: Float64Array | Int32Array,
): void {
  const { values: a, offset, rowStride, colStride } = A;
  for (let i = 0; i < m; i++) {
    sums.fill(0);
    const aRow = offset + i * rowStride;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const a0 = a[aRow + p * colStride]!;
      const a1 = a[aRow + (p + 1) * colStride]!;
      const a2 = a[aRow + (p + 2) * colStride]!;
      const a3 = a[aRow + (p + 3) * colStride]!;
      const b0 = bOffset + p * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      for (let j = 0; j < n; j++) {
        sums[j] = sums[j]! + a0 * b[b0 + j]! + a1 * b[b1 + j]! + a2 * b[b2 + j]! + a3 * b[b3 + j]!;
      }
    }
    for (; p < k; p++) {
      const av = a[aRow + p * colStride]!;
      const bRow = bOffset + p * n;
      for (let j = 0; j < n; j++) sums[j] = sums[j]! + av * b[bRow + j]!;
    }
    out.set(sums, outOffset + i * n);
  }
}

function intKernel(
  A: MatrixView,
  b: TypedArray,
  bOffset: number,
  out: TypedArray,
  outOffset: number,
  m: number,
  n: number,
  k: number,
  sums: Float64Array | Int32Array,
): void {
  const { values: a, offset, rowStride, colStride } = A;
  for (let i = 0; i < m; i++) {
    sums.fill(0);
    const aRow = offset + i * rowStride;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const a0 = a[aRow + p * colStride]!;
      const a1 = a[aRow + (p + 1) * colStride]!;
      const a2 = a[aRow + (p + 2) * colStride]!;
      const a3 = a[aRow + (p + 3) * colStride]!;
      const b0 = bOffset + p * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      for (let j = 0; j < n; j++) {
        sums[j] =
          (sums[j]! +
            Math.imul(a0, b[b0 + j]!) +
            Math.imul(a1, b[b1 + j]!) +
            Math.imul(a2, b[b2 + j]!) +
            Math.imul(a3, b[b3 + j]!)) |
          0;
      }
    }
    for (; p < k; p++) {
      const av = a[aRow + p * colStride]!;
      const bRow = bOffset + p * n;
      for (let j = 0; j < n; j++) sums[j] = (sums[j]! + Math.imul(av, b[bRow + j]!)) | 0;
    }
    out.set(sums, outOffset + i * n);
  }
}

/** MatMul's kernel glue. */
export const matMulKernel: CpuKernel<'MatMul'> = (buffers, { inputs: { a, b }, attrs, output }) =>
  buffers.adopt(
    matMulImpl(
      buffers.values(a),
      a.shape,
      buffers.values(b),
      b.shape,
      attrs.transposeA,
      attrs.transposeB,
      output.shape,
      output.dtype,
    ),
  );
