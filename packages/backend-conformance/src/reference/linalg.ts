/**
 * @file Reference matrix product (batched, batch dims broadcasting, optional transposes) and
 * transpose. MatMul also gives the error scale `|A|·|B|` that float32 tolerances are relative to.
 */

import type { ReferenceTensor } from './tensor.js';
import { broadcastOffset, broadcastShape, indicesOf, offsetOf, sizeOf, storeAs } from './tensor.js';

/** Options of `matMul`. */
export interface MatMulReferenceOptions {
  /** Read `a`'s last two dims as [k, m]. */
  readonly transposeA?: boolean;
  /** Read `b`'s last two dims as [n, k]. */
  readonly transposeB?: boolean;
  /** Multiply absolute values (the rounding-error scale of the product). */
  readonly magnitude?: boolean;
}

/**
 * `a · b` over the last two dims, batched over the leading dims (which broadcast).
 * @example matMul(referenceTensor([1, 2], [1, 2]), referenceTensor([3, 4], [2, 1])).values // [11]
 */
export function matMul(a: ReferenceTensor, b: ReferenceTensor, options: MatMulReferenceOptions = {}): ReferenceTensor {
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  const [a0, a1] = a.shape.slice(-2) as [number, number];
  const [b0, b1] = b.shape.slice(-2) as [number, number];
  const m = transposeA ? a1 : a0;
  const k = transposeA ? a0 : a1;
  const n = transposeB ? b0 : b1;
  if ((transposeB ? b1 : b0) !== k)
    throw new RangeError(`matMul: inner dimensions ${k} and ${transposeB ? b1 : b0} differ.`);
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batch = broadcastShape(aBatch, bBatch);
  const shape = [...batch, m, n];
  const values: number[] = [];
  const f = options.magnitude === true ? Math.abs : (v: number) => v;
  const int = a.dtype === 'int32';
  for (const index of indicesOf(batch)) {
    const aBase = broadcastOffset(index, aBatch) * m * k;
    const bBase = broadcastOffset(index, bBatch) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          const av = f(a.values[aBase + (transposeA ? p * m + i : i * k + p)]!);
          const bv = f(b.values[bBase + (transposeB ? j * k + p : p * n + j)]!);
          sum = int ? (sum + Math.imul(av, bv)) | 0 : sum + av * bv;
        }
        values.push(storeAs(sum, a.dtype));
      }
    }
  }
  return { shape, dtype: a.dtype, values };
}

/**
 * Permutes dimensions: output dim i is input dim `perm[i]`.
 * @example transpose(referenceTensor([1, 2, 3, 4, 5, 6], [2, 3]), [1, 0]).values // [1, 4, 2, 5, 3, 6]
 */
export function transpose(x: ReferenceTensor, perm: readonly number[]): ReferenceTensor {
  const shape = perm.map((p) => x.shape[p]!);
  const values: number[] = [];
  for (const index of indicesOf(shape)) {
    const source = new Array<number>(x.shape.length);
    perm.forEach((p, i) => (source[p] = index[i]!));
    values.push(x.values[offsetOf(source, x.shape)]!);
  }
  if (values.length !== sizeOf(shape)) throw new RangeError('transpose: perm is not a permutation.');
  return { shape, dtype: x.dtype, values };
}
