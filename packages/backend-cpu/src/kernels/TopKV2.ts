/**
 * @file TopKV2's indices: per last-axis row, the positions of the `k` largest values, largest first,
 * equal values in index order (TensorFlow's stable order), NaN above every number. tensor-core gathers
 * the values from them. A row is sorted through an index array with that order, so equal keys never
 * depend on the sort's stability.
 */

import type { TypedArray } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';

/** The indices of the `k` largest entries of each `n`-long row of `x`, largest first. */
export function topKIndicesImpl(x: TypedArray, n: number, k: number): Int32Array {
  const rows = n === 0 ? 0 : x.length / n;
  const out = new Int32Array(rows * k);
  if (k === 0) return out;
  const order = new Array<number>(n);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((i, j) => {
      const a = x[base + i]!;
      const b = x[base + j]!;
      const aNaN = a !== a;
      const bNaN = b !== b;
      if (aNaN !== bNaN) return aNaN ? -1 : 1;
      if (!aNaN && a !== b) return a > b ? -1 : 1;
      return i - j;
    });
    for (let i = 0; i < k; i++) out[r * k + i] = order[i]!;
  }
  return out;
}

/** The TopKV2 kernel. */
export const topKV2Kernel: CpuKernel<'TopKV2'> = (buffers, { inputs: { x }, attrs: { k } }) =>
  buffers.adopt(topKIndicesImpl(buffers.values(x), x.shape[x.shape.length - 1] ?? 1, k));
