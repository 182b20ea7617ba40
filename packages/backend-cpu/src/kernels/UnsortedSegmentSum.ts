/**
 * @file UnsortedSegmentSum: adds rows of `data` into `numSegments` rows picked by int32 segment ids,
 * dropping ids outside [0, numSegments) as TensorFlow does. It is Gather's gradient, so repeated ids
 * must add up; float32 sums accumulate in double and round once.
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { invalidArgument, sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';

/**
 * Sums the rows of `data` (each `inner` = size of outShape[1:] long, one per id in `segmentIds`) into
 * the rows of a new array of `outShape` = [numSegments, ...rest].
 */
export function unsortedSegmentSumImpl(
  data: TypedArray,
  segmentIds: TypedArray,
  numSegments: number,
  outShape: readonly number[],
  dtype: DataType,
): TypedArray {
  if (dtype === 'bool') invalidArgument('UnsortedSegmentSum', 'data', 'a float32 or int32 tensor', 'a bool tensor');
  const size = sizeFromShape(outShape);
  const inner = sizeFromShape(outShape.slice(1));
  if (dtype === 'int32') {
    const out = new Int32Array(size);
    forEachSegmentRow(segmentIds, numSegments, inner, (from, to) => {
      for (let j = 0; j < inner; j++) out[to + j] = (out[to + j]! + data[from + j]!) | 0;
    });
    return out;
  }
  const sums = new Float64Array(size);
  forEachSegmentRow(segmentIds, numSegments, inner, (from, to) => {
    for (let j = 0; j < inner; j++) sums[to + j] = sums[to + j]! + data[from + j]!;
  });
  return Float32Array.from(sums);
}

/** Calls `add(from, to)` with the offsets of each data row and of the segment row it goes into. */
function forEachSegmentRow(
  segmentIds: TypedArray,
  numSegments: number,
  inner: number,
  add: (from: number, to: number) => void,
): void {
  for (let i = 0; i < segmentIds.length; i++) {
    const segment = segmentIds[i]!;
    if (segment >= 0 && segment < numSegments) add(i * inner, segment * inner);
  }
}

/** UnsortedSegmentSum's kernel glue. */
export const unsortedSegmentSumKernel: CpuKernel<'UnsortedSegmentSum'> = (
  buffers,
  { inputs: { data, segmentIds }, attrs, output },
) =>
  buffers.adopt(
    unsortedSegmentSumImpl(
      buffers.values(data),
      buffers.values(segmentIds),
      attrs.numSegments,
      output.shape,
      output.dtype,
    ),
  );
