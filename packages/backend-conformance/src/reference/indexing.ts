/**
 * @file Reference implementations of the kernels that move or make values: Slice, Concat, Gather,
 * UnsortedSegmentSum, OneHot, Fill, Range and BroadcastTo.
 */

import type { DataType } from '@tapeflow/tensor-core/internal';
import type { ReferenceTensor } from './tensor.js';
import { broadcastOffset, indicesOf, offsetOf, sizeOf, storeAs } from './tensor.js';

/**
 * The box of `size` starting at `begin`.
 * @example slice(referenceTensor([1, 2, 3, 4], [4]), [1], [2]).values // [2, 3]
 */
export function slice(x: ReferenceTensor, begin: readonly number[], size: readonly number[]): ReferenceTensor {
  const values: number[] = [];
  for (const index of indicesOf(size))
    values.push(
      x.values[
        offsetOf(
          index.map((v, d) => v + begin[d]!),
          x.shape,
        )
      ]!,
    );
  return { shape: size.slice(), dtype: x.dtype, values };
}

/**
 * Joins `tensors` along `axis`.
 * @example concat([referenceTensor([1], [1]), referenceTensor([2, 3], [2])], 0).values // [1, 2, 3]
 */
export function concat(tensors: readonly ReferenceTensor[], axis: number): ReferenceTensor {
  const first = tensors[0]!;
  const shape = first.shape.slice();
  shape[axis] = tensors.reduce((total, t) => total + t.shape[axis]!, 0);
  const values: number[] = [];
  for (const index of indicesOf(shape)) {
    let position = index[axis]!;
    let part = 0;
    while (position >= tensors[part]!.shape[axis]!) position -= tensors[part++]!.shape[axis]!;
    const source = tensors[part]!;
    const at = index.slice();
    at[axis] = position;
    values.push(source.values[offsetOf(at, source.shape)]!);
  }
  return { shape, dtype: first.dtype, values };
}

/**
 * Slices of `x` along `axis` at `indices`: shape x.shape[:axis] + indices.shape + x.shape[axis+1:].
 * @example
 * gather(referenceTensor([10, 20, 30], [3]), referenceTensor([2, 0, 2], [3], 'int32'), 0).values // [30, 10, 30]
 */
export function gather(x: ReferenceTensor, indices: ReferenceTensor, axis: number): ReferenceTensor {
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const values: number[] = [];
  const r = indices.shape.length;
  for (const index of indicesOf(shape)) {
    const picked = indices.values[offsetOf(index.slice(axis, axis + r), indices.shape)]!;
    const source = [...index.slice(0, axis), picked, ...index.slice(axis + r)];
    values.push(x.values[offsetOf(source, x.shape)]!);
  }
  return { shape, dtype: x.dtype, values };
}

/**
 * Adds the rows of `data` into `numSegments` rows by `segmentIds` (shape data.shape[:ids.rank]);
 * ids outside [0, numSegments) are dropped.
 * @example
 * unsortedSegmentSum(referenceTensor([1, 2, 3], [3]), referenceTensor([1, 1, 0], [3], 'int32'), 2).values // [3, 3]
 */
export function unsortedSegmentSum(
  data: ReferenceTensor,
  segmentIds: ReferenceTensor,
  numSegments: number,
): ReferenceTensor {
  const inner = data.shape.slice(segmentIds.shape.length);
  const rowSize = sizeOf(inner);
  const shape = [numSegments, ...inner];
  const sums = new Array<number>(sizeOf(shape)).fill(0);
  segmentIds.values.forEach((segment, row) => {
    if (segment < 0 || segment >= numSegments) return;
    for (let j = 0; j < rowSize; j++) {
      const sum = sums[segment * rowSize + j]! + data.values[row * rowSize + j]!;
      sums[segment * rowSize + j] = data.dtype === 'int32' ? sum | 0 : sum;
    }
  });
  return { shape, dtype: data.dtype, values: sums.map((v) => storeAs(v, data.dtype)) };
}

/**
 * One-hot rows of `depth` along a new last axis; an index outside [0, depth) gives a row of `offValue`.
 * @example oneHot(referenceTensor([0, 2], [2], 'int32'), 3).values // [1, 0, 0, 0, 0, 1]
 */
export function oneHot(
  indices: ReferenceTensor,
  depth: number,
  onValue = 1,
  offValue = 0,
  dtype: DataType = 'float32',
): ReferenceTensor {
  const values: number[] = [];
  for (const index of indices.values) {
    for (let j = 0; j < depth; j++) values.push(storeAs(j === index ? onValue : offValue, dtype));
  }
  return { shape: [...indices.shape, depth], dtype, values };
}

/**
 * A tensor of `shape` holding `value`, stored as `dtype` stores it.
 * @example fill([2], 7, 'int32').values // [7, 7]
 */
export function fill(shape: readonly number[], value: number, dtype: DataType = 'float32'): ReferenceTensor {
  return { shape: shape.slice(), dtype, values: new Array<number>(sizeOf(shape)).fill(storeAs(value, dtype)) };
}

/**
 * `size` values `start + i * step`, each computed from i (no accumulated error).
 * @example range(1, 0.5, 3).values // [1, 1.5, 2]
 */
export function range(start: number, step: number, size: number, dtype: DataType = 'float32'): ReferenceTensor {
  return { shape: [size], dtype, values: Array.from({ length: size }, (_, i) => storeAs(start + i * step, dtype)) };
}

/**
 * `x` repeated to `shape`, NumPy broadcasting rules.
 * @example broadcastTo(referenceTensor([1, 2], [2, 1]), [2, 3]).values // [1, 1, 1, 2, 2, 2]
 */
export function broadcastTo(x: ReferenceTensor, shape: readonly number[]): ReferenceTensor {
  const values: number[] = [];
  for (const index of indicesOf(shape)) values.push(x.values[broadcastOffset(index, x.shape)]!);
  return { shape: shape.slice(), dtype: x.dtype, values };
}
