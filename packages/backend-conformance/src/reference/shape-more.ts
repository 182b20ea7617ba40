/**
 * @file Reference implementations of the shape kernels of issue 12: Tile, PadV2, MirrorPad, ReverseV2,
 * GatherNd, ScatterNd and StridedSlice. Each walks the output one multi-index at a time and reads the
 * definition literally (MirrorPad builds each dimension's index list as TensorFlow's documentation
 * lays it out: the mirrored run, the input, the mirrored run), in float64.
 */

import type { DataType } from '@tapeflow/tensor-core/internal';
import type { ReferenceTensor } from './tensor.js';
import { indicesOf, offsetOf, sizeOf, storeAs } from './tensor.js';

/** Output of `shape` whose element at each multi-index is `read(index)`. */
function build(shape: readonly number[], dtype: DataType, read: (index: readonly number[]) => number): ReferenceTensor {
  const values: number[] = [];
  for (const index of indicesOf(shape)) values.push(read(index));
  return { shape: shape.slice(), dtype, values };
}

/**
 * `multiples[d]` copies of x along each dim d.
 * @example tile(referenceTensor([1, 2], [2]), [2]).values // [1, 2, 1, 2]
 */
export function tile(x: ReferenceTensor, multiples: readonly number[]): ReferenceTensor {
  const shape = x.shape.map((d, i) => d * multiples[i]!);
  return build(
    shape,
    x.dtype,
    (index) =>
      x.values[
        offsetOf(
          index.map((c, d) => c % x.shape[d]!),
          x.shape,
        )
      ]!,
  );
}

/**
 * x with `paddings` (flat [before0, after0, ...]) of `value` around it.
 * @example padV2(referenceTensor([1, 2], [2]), [1, 2], 9).values // [9, 1, 2, 9, 9]
 */
export function padV2(x: ReferenceTensor, paddings: readonly number[], value: number): ReferenceTensor {
  const shape = x.shape.map((d, i) => d + paddings[2 * i]! + paddings[2 * i + 1]!);
  const fill = storeAs(value, x.dtype);
  return build(shape, x.dtype, (index) => {
    const source = index.map((c, d) => c - paddings[2 * d]!);
    const inside = source.every((s, d) => s >= 0 && s < x.shape[d]!);
    return inside ? x.values[offsetOf(source, x.shape)]! : fill;
  });
}

/**
 * The index list of one mirrored dimension: REFLECT `[b, ..., 1] 0..n-1 [n-2, ...]` (the edge once),
 * SYMMETRIC `[b-1, ..., 0] 0..n-1 [n-1, ...]` (the edge twice).
 * @example mirrorIndices(3, 2, 2, false) // [2, 1, 0, 1, 2, 1, 0]
 */
export function mirrorIndices(n: number, before: number, after: number, symmetric: boolean): number[] {
  const skip = symmetric ? 0 : 1;
  const left: number[] = [];
  for (let k = before - 1; k >= 0; k--) left.push(k + skip);
  const middle = Array.from({ length: n }, (_, i) => i);
  const right: number[] = [];
  for (let k = 0; k < after; k++) right.push(n - 1 - skip - k);
  return [...left, ...middle, ...right];
}

/**
 * TensorFlow's MirrorPad (REFLECT, or SYMMETRIC when `symmetric`).
 * @example mirrorPad(referenceTensor([1, 2, 3], [3]), [2, 1], false).values // [3, 2, 1, 2, 3, 2]
 */
export function mirrorPad(x: ReferenceTensor, paddings: readonly number[], symmetric: boolean): ReferenceTensor {
  const lists = x.shape.map((n, d) => mirrorIndices(n, paddings[2 * d]!, paddings[2 * d + 1]!, symmetric));
  return build(
    lists.map((l) => l.length),
    x.dtype,
    (index) =>
      x.values[
        offsetOf(
          index.map((c, d) => lists[d]![c]!),
          x.shape,
        )
      ]!,
  );
}

/**
 * x read back to front along `axes`.
 * @example reverse(referenceTensor([1, 2, 3], [3]), [0]).values // [3, 2, 1]
 */
export function reverse(x: ReferenceTensor, axes: readonly number[]): ReferenceTensor {
  return build(
    x.shape,
    x.dtype,
    (index) =>
      x.values[
        offsetOf(
          index.map((c, d) => (axes.includes(d) ? x.shape[d]! - 1 - c : c)),
          x.shape,
        )
      ]!,
  );
}

/**
 * Slices of x at the index rows of `indices` (last dim K); a row outside x reads zeros.
 * @example gatherNd(referenceTensor([1, 2, 3, 4], [2, 2]), referenceTensor([1, 0], [1, 2], 'int32')).values // [3]
 */
export function gatherNd(x: ReferenceTensor, indices: ReferenceTensor): ReferenceTensor {
  const depth = indices.shape[indices.shape.length - 1]!;
  const rowsShape = indices.shape.slice(0, -1);
  const shape = [...rowsShape, ...x.shape.slice(depth)];
  return build(shape, x.dtype, (index) => {
    const row = index.slice(0, rowsShape.length);
    const at = Array.from({ length: depth }, (_, k) => indices.values[offsetOf([...row, k], indices.shape)]!);
    if (at.some((v, k) => v < 0 || v >= x.shape[k]!)) return 0;
    return x.values[offsetOf([...at, ...index.slice(rowsShape.length)], x.shape)]!;
  });
}

/**
 * Zeros of `shape` plus each row of `updates` at its index row; repeated rows add up, rows outside
 * are dropped.
 * @example scatterNd(referenceTensor([1, 1], [2, 1], 'int32'), referenceTensor([2, 3], [2]), [3]).values // [0, 5, 0]
 */
export function scatterNd(
  indices: ReferenceTensor,
  updates: ReferenceTensor,
  shape: readonly number[],
): ReferenceTensor {
  const depth = indices.shape[indices.shape.length - 1]!;
  const rowsShape = indices.shape.slice(0, -1);
  const values = new Array<number>(sizeOf(shape)).fill(0);
  for (const index of indicesOf(updates.shape)) {
    const row = index.slice(0, rowsShape.length);
    const at = Array.from({ length: depth }, (_, k) => indices.values[offsetOf([...row, k], indices.shape)]!);
    if (at.some((v, k) => v < 0 || v >= shape[k]!)) continue;
    const target = offsetOf([...at, ...index.slice(rowsShape.length)], shape);
    values[target] = values[target]! + updates.values[offsetOf(index, updates.shape)]!;
  }
  return { shape: shape.slice(), dtype: updates.dtype, values: values.map((v) => storeAs(v, updates.dtype)) };
}

/**
 * The box of `outShape` whose element c is x[begin + c * strides].
 * @example stridedSlice(referenceTensor([0, 1, 2, 3, 4], [5]), [4], [-2], [2]).values // [4, 2]
 */
export function stridedSlice(
  x: ReferenceTensor,
  begin: readonly number[],
  strides: readonly number[],
  outShape: readonly number[],
): ReferenceTensor {
  return build(
    outShape,
    x.dtype,
    (index) =>
      x.values[
        offsetOf(
          index.map((c, d) => begin[d]! + c * strides[d]!),
          x.shape,
        )
      ]!,
  );
}
