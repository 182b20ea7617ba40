/**
 * @file Checks of the shape kernels of issue 12: Tile (each dim, zero multiples), PadV2 (every edge, a
 * constant), MirrorPad (REFLECT and SYMMETRIC at their limits, rank 3), ReverseV2 (each axis and
 * several), GatherNd (full and partial index rows, repeated rows), ScatterNd (repeated rows add up,
 * slices) and StridedSlice (negative strides, steps past the end, shrunk and new axes), on every dtype
 * each takes, including size-0 shapes.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { DataType, Tensor } from '@tapeflow/tensor-core/internal';
import type { ConformanceCase, ConformanceGroup, OutputCheck } from '../case.js';
import { checkOutputs, toTensor } from '../case.js';
import { randomReference } from '../reference/data.js';
import { gatherNd, mirrorPad, padV2, reverse, scatterNd, stridedSlice, tile } from '../reference/shape-more.js';
import type { ReferenceTensor } from '../reference/tensor.js';
import { referenceTensor } from '../reference/tensor.js';
import { seedFor } from './inputs.js';
import { formatShape } from './shapes.js';

function input(label: string, shape: readonly number[], dtype: DataType = 'float32'): ReferenceTensor {
  return randomReference(shape, {
    seed: seedFor(label),
    dtype,
    ...(dtype === 'int32' ? { min: -1000, max: 1000 } : {}),
  });
}

const ids = (values: number[], shape: number[]): ReferenceTensor => referenceTensor(values, shape, 'int32');
const pairs = (flat: readonly number[]): [number, number][] =>
  Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i]!, flat[2 * i + 1]!]);

function tileCheck(shape: number[], multiples: number[], dtype: DataType = 'float32'): OutputCheck {
  const label = `Tile ${dtype} ${formatShape(shape)} multiples ${formatShape(multiples)}`;
  const x = input(label, shape, dtype);
  return { label, build: () => tf.tile(toTensor(x), multiples), expected: tile(x, multiples) };
}

function padCheck(shape: number[], paddings: number[], value: number, dtype: DataType = 'float32'): OutputCheck {
  const label = `PadV2 ${dtype} ${formatShape(shape)} paddings ${formatShape(paddings)} value ${value}`;
  const x = input(label, shape, dtype);
  return { label, build: () => tf.pad(toTensor(x), pairs(paddings), value), expected: padV2(x, paddings, value) };
}

function mirrorCheck(
  shape: number[],
  paddings: number[],
  symmetric: boolean,
  dtype: DataType = 'float32',
): OutputCheck {
  const mode = symmetric ? 'symmetric' : 'reflect';
  const label = `MirrorPad ${mode} ${dtype} ${formatShape(shape)} paddings ${formatShape(paddings)}`;
  const x = input(label, shape, dtype);
  return {
    label,
    build: () => tf.pad(toTensor(x), pairs(paddings), { mode }),
    expected: mirrorPad(x, paddings, symmetric),
  };
}

function reverseCheck(shape: number[], axes: number[], dtype: DataType = 'float32'): OutputCheck {
  const label = `ReverseV2 ${dtype} ${formatShape(shape)} axes ${formatShape(axes)}`;
  const x = input(label, shape, dtype);
  return { label, build: () => tf.reverse(toTensor(x), axes), expected: reverse(x, axes) };
}

function gatherNdCheck(shape: number[], indices: ReferenceTensor, dtype: DataType = 'float32'): OutputCheck {
  const label = `GatherNd ${dtype} ${formatShape(shape)} indices ${formatShape(indices.shape)}`;
  const x = input(label, shape, dtype);
  return { label, build: () => tf.gatherNd(toTensor(x), toTensor(indices)), expected: gatherNd(x, indices) };
}

function scatterNdCheck(indices: ReferenceTensor, shape: number[], dtype: DataType = 'float32'): OutputCheck {
  const depth = indices.shape[indices.shape.length - 1]!;
  const updatesShape = [...indices.shape.slice(0, -1), ...shape.slice(depth)];
  const label = `ScatterNd ${dtype} indices ${formatShape(indices.shape)} into ${formatShape(shape)}`;
  const updates = input(label, updatesShape, dtype);
  return {
    label,
    build: () => tf.scatterNd(toTensor(indices), toTensor(updates), shape),
    expected: scatterNd(indices, updates, shape),
  };
}

/**
 * A stridedSlice call and, worked out by hand from TensorFlow's rules, the dense box it reads
 * (`box`: begin, strides, shape) and the final shape (masks drop or add dims).
 */
function stridedCheck(
  shape: number[],
  call: (x: Tensor) => Tensor,
  describe: string,
  box: { begin: number[]; strides: number[]; shape: number[] },
  finalShape: number[],
  dtype: DataType = 'float32',
): OutputCheck {
  const label = `StridedSlice ${dtype} ${formatShape(shape)} ${describe}`;
  const x = input(label, shape, dtype);
  const dense = stridedSlice(x, box.begin, box.strides, box.shape);
  return { label, build: () => call(toTensor(x)), expected: { ...dense, shape: finalShape } };
}

const cases: ConformanceCase[] = [
  {
    name: 'Tile: each dim of rank 1 to 3, a zero multiple, a size-0 input, every dtype',
    kernels: ['Tile'],
    run: (env) =>
      checkOutputs(env, [
        tileCheck([3], [4]),
        tileCheck([2, 3], [2, 1]),
        tileCheck([2, 3], [1, 3]),
        tileCheck([2, 1, 3], [2, 5, 2]),
        tileCheck([2, 3], [0, 2]),
        tileCheck([0, 3], [2, 2]),
        tileCheck([65], [3]),
        tileCheck([2, 3], [3, 2], 'int32'),
        tileCheck([3, 2], [2, 2], 'bool'),
      ]),
  },
  {
    name: 'PadV2: every edge, one side only, rank 3, a constant, size-0 inputs, every dtype',
    kernels: ['PadV2'],
    run: (env) =>
      checkOutputs(env, [
        padCheck([3], [2, 1], 0),
        padCheck([2, 3], [1, 2, 0, 1], -1.5),
        padCheck([2, 3], [0, 0, 3, 0], 7),
        padCheck([2, 3, 4], [1, 0, 0, 2, 1, 1], 0.25),
        padCheck([0, 3], [1, 1, 0, 0], 2),
        padCheck([65], [64, 1], 3),
        padCheck([2, 2], [1, 1, 1, 1], -4, 'int32'),
        padCheck([2, 2], [0, 1, 2, 0], 1, 'bool'),
      ]),
  },
  {
    name: 'MirrorPad: REFLECT and SYMMETRIC at their limits, one side, rank 3, every dtype',
    kernels: ['MirrorPad'],
    run: (env) =>
      checkOutputs(env, [
        mirrorCheck([3], [2, 2], false),
        mirrorCheck([3], [3, 3], true),
        mirrorCheck([4, 3], [1, 3, 2, 0], false),
        mirrorCheck([4, 3], [4, 0, 1, 3], true),
        mirrorCheck([2, 3, 4], [1, 1, 0, 2, 3, 1], false),
        mirrorCheck([2, 3, 4], [2, 0, 3, 1, 0, 4], true),
        mirrorCheck([1, 5], [1, 1, 0, 0], true),
        mirrorCheck([65], [64, 63], false),
        mirrorCheck([3, 3], [2, 1, 1, 2], false, 'int32'),
        mirrorCheck([3, 3], [1, 3, 3, 0], true, 'bool'),
      ]),
  },
  {
    name: 'ReverseV2: each axis of rank 3, several axes, rank 1, size 0, every dtype',
    kernels: ['ReverseV2'],
    run: (env) =>
      checkOutputs(env, [
        reverseCheck([7], [0]),
        reverseCheck([2, 3, 4], [0]),
        reverseCheck([2, 3, 4], [1]),
        reverseCheck([2, 3, 4], [2]),
        reverseCheck([2, 3, 4], [0, 2]),
        reverseCheck([2, 3, 4], [0, 1, 2]),
        reverseCheck([0, 3], [1]),
        reverseCheck([65, 3], [0]),
        reverseCheck([3, 4], [1], 'int32'),
        reverseCheck([3, 4], [0, 1], 'bool'),
      ]),
  },
  {
    name: 'GatherNd: full and partial index rows, repeated rows, 2-D rows, empty rows, every dtype',
    kernels: ['GatherNd'],
    run: (env) =>
      checkOutputs(env, [
        gatherNdCheck([3, 4], ids([2, 1, 0, 3, 2, 1], [3, 2])),
        gatherNdCheck([3, 4], ids([2, 0, 2], [3, 1])),
        gatherNdCheck([2, 3, 4], ids([1, 2, 0, 0, 1, 1, 0, 2], [2, 2, 2])),
        gatherNdCheck([2, 3, 4], ids([1, 2, 3, 0, 0, 0], [2, 3])),
        gatherNdCheck([4, 3], ids([], [0, 1])),
        gatherNdCheck([257], ids([256, 0, 128], [3, 1])),
        gatherNdCheck([3, 4], ids([2, 3, 0, 0], [2, 2]), 'int32'),
        gatherNdCheck([3, 4], ids([1, 0], [2, 1]), 'bool'),
      ]),
  },
  {
    name: 'ScatterNd: repeated rows add up, slices, 2-D rows, no rows, int32',
    kernels: ['ScatterNd'],
    run: (env) =>
      checkOutputs(env, [
        scatterNdCheck(ids([1, 3, 1, 0], [4, 1]), [5]),
        scatterNdCheck(ids([1, 0, 1], [3, 1]), [3, 4]),
        scatterNdCheck(ids([0, 1, 2, 3, 0, 1], [3, 2]), [3, 4]),
        scatterNdCheck(ids([1, 2, 0, 1, 1, 2, 1, 2], [2, 2, 2]), [2, 3, 5]),
        scatterNdCheck(ids([], [0, 2]), [3, 4]),
        scatterNdCheck(
          ids(
            Array.from({ length: 65 }, (_, i) => i % 7),
            [65, 1],
          ),
          [7, 2],
        ),
        scatterNdCheck(ids([2, 0, 2], [3, 1]), [4, 2], 'int32'),
      ]),
  },
  {
    name: 'StridedSlice: positive and negative strides, steps past the end, masks, shrunk and new axes, every dtype',
    kernels: ['StridedSlice'],
    run: (env) =>
      checkOutputs(env, [
        stridedCheck(
          [7],
          (x) => tf.stridedSlice(x, [1], [7], [2]),
          '[1:7:2]',
          { begin: [1], strides: [2], shape: [3] },
          [3],
        ),
        stridedCheck(
          [7],
          (x) => tf.stridedSlice(x, [5], [0], [-2]),
          '[5:0:-2]',
          { begin: [5], strides: [-2], shape: [3] },
          [3],
        ),
        stridedCheck(
          [7],
          (x) => tf.stridedSlice(x, [-1], [-8], [-1]),
          '[-1:-8:-1]',
          { begin: [6], strides: [-1], shape: [7] },
          [7],
        ),
        stridedCheck(
          [4, 5],
          (x) => tf.stridedSlice(x, [0, 4], [0, 0], [1, -3], { beginMask: 1, endMask: 1 }),
          '[:, 4:0:-3]',
          { begin: [0, 4], strides: [1, -3], shape: [4, 2] },
          [4, 2],
        ),
        stridedCheck(
          [4, 5],
          (x) => tf.stridedSlice(x, [2, 1], [3, 5], [1, 3], { shrinkAxisMask: 1 }),
          '[2, 1:5:3]',
          { begin: [2, 1], strides: [1, 3], shape: [1, 2] },
          [2],
        ),
        stridedCheck(
          [2, 3, 4],
          (x) => tf.stridedSlice(x, [0, -1], [0, 0], [1, -2], { ellipsisMask: 1, endMask: 2 }),
          '[..., -1::-2]',
          { begin: [0, 0, 3], strides: [1, 1, -2], shape: [2, 3, 2] },
          [2, 3, 2],
        ),
        stridedCheck(
          [3, 4],
          (x) => tf.stridedSlice(x, [0, 0], [0, 3], [1, 2], { newAxisMask: 1 }),
          '[None, 0:3:2]',
          { begin: [0, 0], strides: [2, 1], shape: [2, 4] },
          [1, 2, 4],
        ),
        stridedCheck(
          [5, 3],
          (x) => tf.stridedSlice(x, [3], [1]),
          '[3:1]',
          { begin: [0, 0], strides: [1, 1], shape: [0, 3] },
          [0, 3],
        ),
        stridedCheck(
          [65],
          (x) => tf.stridedSlice(x, [64], [0], [-16]),
          '[64:0:-16]',
          { begin: [64], strides: [-16], shape: [4] },
          [4],
        ),
        stridedCheck(
          [3, 4],
          (x) => tf.stridedSlice(x, [2, 0], [0, 4], [-1, 3]),
          '[2:0:-1, 0:4:3] int32',
          { begin: [2, 0], strides: [-1, 3], shape: [2, 2] },
          [2, 2],
          'int32',
        ),
        stridedCheck(
          [3, 4],
          (x) => tf.stridedSlice(x, [0, 3], [3, 0], [2, -2]),
          '[0:3:2, 3:0:-2] bool',
          { begin: [0, 3], strides: [2, -2], shape: [2, 2] },
          [2, 2],
          'bool',
        ),
      ]),
  },
];

/** The Tile, PadV2, MirrorPad, ReverseV2, GatherNd, ScatterNd and StridedSlice checks. */
export const shapeMoreGroup: ConformanceGroup = {
  name: 'Tile, PadV2, MirrorPad, ReverseV2, GatherNd, ScatterNd and StridedSlice kernels',
  cases,
};
