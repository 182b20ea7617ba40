/**
 * @file Checks of the kernels that move values: Transpose (every permutation of rank 3, rank 2 and 4,
 * odd sizes), Slice (at every edge, size-0 boxes), Concat (each axis, several inputs, empty parts),
 * Gather (each axis, repeated and 2-D indices) and UnsortedSegmentSum (repeated and dropped ids), on
 * every dtype each takes.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { DataType } from '@tapeflow/tensor-core/internal';
import type { ConformanceCase, ConformanceGroup, OutputCheck } from '../case.js';
import { checkOutputs, toTensor } from '../case.js';
import { randomReference } from '../reference/data.js';
import { concat, gather, slice, unsortedSegmentSum } from '../reference/indexing.js';
import { transpose } from '../reference/linalg.js';
import type { ReferenceTensor } from '../reference/tensor.js';
import { referenceTensor } from '../reference/tensor.js';
import { seedFor } from './inputs.js';
import { formatShape } from './shapes.js';

const DTYPES: readonly DataType[] = ['float32', 'int32', 'bool'];

function input(label: string, shape: readonly number[], dtype: DataType = 'float32'): ReferenceTensor {
  return randomReference(shape, {
    seed: seedFor(label),
    dtype,
    ...(dtype === 'int32' ? { min: -1000, max: 1000 } : {}),
  });
}

function transposeCheck(shape: readonly number[], perm: readonly number[], dtype: DataType = 'float32'): OutputCheck {
  const label = `Transpose ${dtype} ${formatShape(shape)} perm ${formatShape(perm)}`;
  const x = input(label, shape, dtype);
  return { label, build: () => tf.transpose(toTensor(x), perm), expected: transpose(x, perm) };
}

const RANK3_PERMS = [
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

function sliceCheck(
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  dtype: DataType = 'float32',
): OutputCheck {
  const label = `Slice ${dtype} ${formatShape(shape)} begin ${formatShape(begin)} size ${formatShape(size)}`;
  const x = input(label, shape, dtype);
  return { label, build: () => tf.slice(toTensor(x), begin, size), expected: slice(x, begin, size) };
}

function concatCheck(shapes: readonly (readonly number[])[], axis: number, dtype: DataType = 'float32'): OutputCheck {
  const label = `Concat ${dtype} ${shapes.map(formatShape).join(' + ')} axis ${axis}`;
  const parts = shapes.map((shape, i) => input(`${label}/${i}`, shape, dtype));
  const normalized = axis < 0 ? axis + shapes[0]!.length : axis;
  return { label, build: () => tf.concat(parts.map(toTensor), axis), expected: concat(parts, normalized) };
}

function gatherCheck(
  shape: readonly number[],
  indices: ReferenceTensor,
  axis: number,
  dtype: DataType = 'float32',
): OutputCheck {
  const label = `Gather ${dtype} ${formatShape(shape)} indices ${formatShape(indices.shape)} axis ${axis}`;
  const x = input(label, shape, dtype);
  return { label, build: () => tf.gather(toTensor(x), toTensor(indices), axis), expected: gather(x, indices, axis) };
}

function segmentCheck(
  dataShape: readonly number[],
  ids: ReferenceTensor,
  numSegments: number,
  dtype: DataType = 'float32',
): OutputCheck {
  const label = `UnsortedSegmentSum ${dtype} ${formatShape(dataShape)} ids ${formatShape(ids.shape)} into ${numSegments}`;
  const data = input(label, dataShape, dtype);
  return {
    label,
    build: () => tf.unsortedSegmentSum(toTensor(data), toTensor(ids), numSegments),
    expected: unsortedSegmentSum(data, ids, numSegments),
  };
}

const ids = (values: number[], shape: number[]): ReferenceTensor => referenceTensor(values, shape, 'int32');

const cases: ConformanceCase[] = [
  {
    name: 'Transpose: every permutation of a rank-3 input, rank 2 and 4, odd sizes, every dtype, size 0',
    kernels: ['Transpose'],
    run: (env) =>
      checkOutputs(env, [
        ...RANK3_PERMS.map((perm) => transposeCheck([2, 3, 5], perm)),
        transposeCheck([7, 65], [1, 0]),
        transposeCheck([1, 257], [1, 0]),
        transposeCheck([2, 3, 1, 5], [3, 1, 0, 2]),
        ...DTYPES.slice(1).map((dtype) => transposeCheck([3, 7], [1, 0], dtype)),
        transposeCheck([2, 3, 5], [2, 0, 1], 'int32'),
        transposeCheck([0, 3], [1, 0]),
        transposeCheck([2, 0, 3], [2, 1, 0], 'bool'),
      ]),
  },
  {
    name: 'Slice: boxes at every edge, single elements, size-0 boxes, ranks 1 to 3, every dtype',
    kernels: ['Slice'],
    run: (env) =>
      checkOutputs(env, [
        sliceCheck([7], [0], [3]),
        sliceCheck([7], [4], [3]),
        sliceCheck([7], [6], [1]),
        sliceCheck([7], [7], [0]),
        sliceCheck([5, 7], [0, 0], [1, 7]),
        sliceCheck([5, 7], [4, 6], [1, 1]),
        sliceCheck([5, 7], [1, 2], [3, 4]),
        sliceCheck([5, 7], [0, 3], [5, 0]),
        sliceCheck([3, 4, 5], [1, 0, 2], [2, 4, 3]),
        sliceCheck([3, 4, 5], [2, 3, 4], [1, 1, 1]),
        sliceCheck([65, 3], [64, 0], [1, 3]),
        sliceCheck([3, 4, 5], [0, 1, 0], [3, 2, 5], 'int32'),
        sliceCheck([3, 4, 5], [1, 1, 1], [2, 3, 4], 'bool'),
      ]),
  },
  {
    name: 'Concat: along each axis of rank 3, several inputs, empty parts, rank 1, every dtype',
    kernels: ['Concat'],
    run: (env) =>
      checkOutputs(env, [
        concatCheck(
          [
            [2, 3, 4],
            [1, 3, 4],
          ],
          0,
        ),
        concatCheck(
          [
            [2, 3, 4],
            [2, 1, 4],
            [2, 5, 4],
          ],
          1,
        ),
        concatCheck(
          [
            [2, 3, 4],
            [2, 3, 7],
          ],
          2,
        ),
        concatCheck(
          [
            [2, 3, 4],
            [2, 3, 1],
          ],
          -1,
        ),
        concatCheck([[3], [7], [1], [65]], 0),
        concatCheck(
          [
            [2, 0],
            [2, 3],
            [2, 0],
          ],
          1,
        ),
        concatCheck(
          [
            [0, 3],
            [0, 3],
          ],
          0,
        ),
        concatCheck(
          [
            [2, 3],
            [2, 2],
          ],
          1,
          'int32',
        ),
        concatCheck(
          [
            [2, 3],
            [1, 3],
          ],
          0,
          'bool',
        ),
      ]),
  },
  {
    name: 'Gather: each axis of rank 3, repeated indices, scalar, 2-D and empty indices, empty inputs, every dtype',
    kernels: ['Gather'],
    run: (env) =>
      checkOutputs(env, [
        gatherCheck([5, 3], ids([4, 0, 4, 4, 2], [5]), 0),
        gatherCheck([3, 5, 2], ids([1, 1, 4, 0], [4]), 1),
        gatherCheck([3, 5, 2], ids([1, 0, 1], [3]), 2),
        gatherCheck([3, 5, 2], ids([4, 3, 3, 0, 1, 4], [2, 3]), 1),
        gatherCheck([7], ids([6], []), 0),
        gatherCheck([4, 3], ids([], [0]), 0),
        gatherCheck([0, 3], ids([2, 0], [2]), 1),
        gatherCheck([257], ids([256, 0, 128, 256], [4]), 0),
        gatherCheck([4, 3], ids([3, 3, 0], [3]), 0, 'int32'),
        gatherCheck([4, 3], ids([2, 0], [2]), 1, 'bool'),
      ]),
  },
  {
    name: 'UnsortedSegmentSum: repeated ids add up, out-of-range ids are dropped, 2-D ids, empty and zero segments, int32',
    kernels: ['UnsortedSegmentSum'],
    run: (env) =>
      checkOutputs(env, [
        segmentCheck([6, 3], ids([0, 2, 0, 0, 1, 2], [6]), 3),
        segmentCheck([5], ids([3, -1, 0, 7, 3], [5]), 5),
        segmentCheck([2, 3, 4], ids([1, 0, 1, 1, 2, 1], [2, 3]), 4),
        segmentCheck([0, 3], ids([], [0]), 2),
        segmentCheck(
          [65],
          ids(
            Array.from({ length: 65 }, (_, i) => i % 7),
            [65],
          ),
          7,
        ),
        segmentCheck([3], ids([0, 1, 0], [3]), 0),
        segmentCheck([2, 2, 3], ids([1, 0, 1, 1], [2, 2]), 2, 'int32'),
      ]),
  },
];

/** The Transpose, Slice, Concat, Gather and UnsortedSegmentSum checks. */
export const movementGroup: ConformanceGroup = {
  name: 'Transpose, Slice, Concat, Gather and UnsortedSegmentSum kernels',
  cases,
};
