/**
 * @file Reference scans and selection: Cumsum and Cumprod along one axis (with `exclusive` and
 * `reverse`), and TopKV2's indices (largest first, equal values lowest index first, NaN above every
 * number), each written from its definition, one multi-index at a time, in float64.
 */

import type { ReferenceTensor } from './tensor.js';
import { indicesOf, offsetOf, storeAs } from './tensor.js';

/** Options of `cumulative`: TensorFlow's flags. */
export interface CumulativeReferenceOptions {
  readonly exclusive: boolean;
  readonly reverse: boolean;
}

/**
 * The running sum (`Cumsum`) or product (`Cumprod`) of `x` along `axis`; element i combines the
 * elements before it (after it with `reverse`), itself included unless `exclusive`.
 * @example
 * cumulative('Cumsum', referenceTensor([1, 2, 3], [3]), 0, { exclusive: true, reverse: false }).values // [0, 1, 3]
 */
export function cumulative(
  op: 'Cumsum' | 'Cumprod',
  x: ReferenceTensor,
  axis: number,
  { exclusive, reverse }: CumulativeReferenceOptions,
): ReferenceTensor {
  const length = x.shape[axis]!;
  const int = x.dtype === 'int32';
  const values: number[] = [];
  for (const index of indicesOf(x.shape)) {
    const at = index[axis]!;
    let value = op === 'Cumsum' ? 0 : 1;
    for (let k = 0; k < length; k++) {
      const included = reverse ? (exclusive ? k > at : k >= at) : exclusive ? k < at : k <= at;
      if (!included) continue;
      const v = x.values[offsetOf([...index.slice(0, axis), k, ...index.slice(axis + 1)], x.shape)]!;
      if (op === 'Cumsum') value = int ? (value + v) | 0 : value + v;
      else value = int ? Math.imul(value, v) : value * v;
    }
    values.push(storeAs(value, x.dtype));
  }
  return { shape: x.shape.slice(), dtype: x.dtype, values };
}

/** Whether `a` (at index i) comes before `b` (at index j) in top-k order. */
function ranksBefore(a: number, i: number, b: number, j: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && (!Number.isNaN(b) || i < j);
  return a > b || (a === b && i < j);
}

/**
 * The indices of the `k` largest entries of each last-axis row of `x`, largest first: entry i's
 * place is the number of entries that rank before it.
 * @example topKIndices(referenceTensor([1, 3, 2, 3], [4]), 2).values // [1, 3]
 */
export function topKIndices(x: ReferenceTensor, k: number): ReferenceTensor {
  const n = x.shape[x.shape.length - 1]!;
  const rows = n === 0 ? 0 : x.values.length / n;
  const shape = [...x.shape.slice(0, -1), k];
  const values = new Array<number>(rows * k).fill(0);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < n; i++) {
      const v = x.values[r * n + i]!;
      let place = 0;
      for (let j = 0; j < n; j++) if (j !== i && ranksBefore(x.values[r * n + j]!, j, v, i)) place++;
      if (place < k) values[r * k + place] = i;
    }
  }
  return { shape, dtype: 'int32', values };
}
