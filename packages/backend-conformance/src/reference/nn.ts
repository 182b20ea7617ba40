/**
 * @file Reference softmax and log-softmax along one axis, computed in float64 with the max shift
 * (the definition the fused `Softmax` kernel and tensor-core's composite must both agree with).
 */

import type { ReferenceTensor } from './tensor.js';
import { indicesOf, offsetOf, storeAs } from './tensor.js';

function alongAxis(x: ReferenceTensor, axis: number, f: (row: number[]) => number[]): ReferenceTensor {
  const values = new Array<number>(x.values.length).fill(0);
  const length = x.shape[axis]!;
  const outer = x.shape.map((d, i) => (i === axis ? 1 : d));
  for (const index of indicesOf(outer)) {
    const offsets: number[] = [];
    for (let k = 0; k < length; k++) {
      index[axis] = k;
      offsets.push(offsetOf(index, x.shape));
    }
    const result = f(offsets.map((o) => x.values[o]!));
    offsets.forEach((o, k) => (values[o] = storeAs(result[k]!, 'float32')));
  }
  return { shape: x.shape.slice(), dtype: 'float32', values };
}

/**
 * `exp(x - max) / sum(exp(x - max))` along `axis`.
 * @example softmax(referenceTensor([1, 2, 3], [3]), 0).values // [0.0900306, 0.2447285, 0.6652409]
 */
export function softmax(x: ReferenceTensor, axis: number): ReferenceTensor {
  return alongAxis(x, axis, (row) => {
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  });
}

/**
 * `x - max - log(sum(exp(x - max)))` along `axis`.
 * @example logSoftmax(referenceTensor([0, 0], [2]), 0).values // [-0.6931472, -0.6931472]
 */
export function logSoftmax(x: ReferenceTensor, axis: number): ReferenceTensor {
  return alongAxis(x, axis, (row) => {
    const max = Math.max(...row);
    const logSum = Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
    return row.map((v) => v - max - logSum);
  });
}
