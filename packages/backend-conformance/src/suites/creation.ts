/**
 * @file Checks of the kernels that make values: OneHot (custom on/off values, out-of-range indices,
 * every output dtype), Fill and Range (every dtype, odd and size-0 lengths, fractional and negative
 * steps) and BroadcastTo (across ranks, size-1 dims in the middle, every dtype, size-0 targets).
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { DataType } from '@tapeflow/tensor-core/internal';
import type { ConformanceCase, ConformanceGroup, OutputCheck } from '../case.js';
import { checkOutputs, toTensor } from '../case.js';
import { randomReference } from '../reference/data.js';
import { broadcastTo, fill, oneHot, range } from '../reference/indexing.js';
import { referenceTensor } from '../reference/tensor.js';
import { seedFor } from './inputs.js';
import { formatShape } from './shapes.js';

function oneHotCheck(
  values: number[],
  shape: number[],
  depth: number,
  onValue = 1,
  offValue = 0,
  dtype: DataType = 'float32',
): OutputCheck {
  const indices = referenceTensor(values, shape, 'int32');
  return {
    label: `OneHot ${formatShape(shape)} depth ${depth} on ${onValue} off ${offValue} as ${dtype}`,
    build: () => tf.oneHot(toTensor(indices), depth, { onValue, offValue, dtype }),
    expected: oneHot(indices, depth, onValue, offValue, dtype),
  };
}

function fillCheck(shape: readonly number[], value: number, dtype: DataType): OutputCheck {
  return {
    label: `Fill ${dtype} ${formatShape(shape)} with ${value}`,
    build: () => tf.fill(shape, value, dtype),
    expected: fill(shape, value, dtype),
  };
}

function rangeCheck(start: number, stop: number, step: number, dtype: DataType = 'float32'): OutputCheck {
  const size = Math.max(0, Math.ceil((stop - start) / step));
  return {
    label: `Range ${dtype} from ${start} to ${stop} step ${step}`,
    build: () => tf.range(start, stop, step, dtype),
    expected: range(start, step, size, dtype),
  };
}

function broadcastCheck(from: readonly number[], to: readonly number[], dtype: DataType = 'float32'): OutputCheck {
  const label = `BroadcastTo ${dtype} ${formatShape(from)} to ${formatShape(to)}`;
  const x = randomReference(from, { seed: seedFor(label), dtype });
  return { label, build: () => tf.broadcastTo(toTensor(x), to), expected: broadcastTo(x, to) };
}

const cases: ConformanceCase[] = [
  {
    name: 'OneHot: custom on and off values, out-of-range indices give off rows, 2-D indices, every output dtype',
    kernels: ['OneHot'],
    run: (env) =>
      checkOutputs(env, [
        oneHotCheck([0, 2, 1, 2], [4], 3),
        oneHotCheck([1, -1, 3, 0], [4], 3, 5, -2),
        oneHotCheck([0, 1, 2, 3, 4, 6], [2, 3], 7),
        oneHotCheck([6], [], 7, 2, 0, 'int32'),
        oneHotCheck([0, 2], [2], 3, 1, 0, 'bool'),
        oneHotCheck([1, 0, 0, 1], [2, 2], 2, 7, 0, 'int32'),
        oneHotCheck([1, 0, 0, 1], [2, 2], 2, 1, 0, 'bool'),
        oneHotCheck([-1, 3, 1], [3], 3, 1, 0.5),
        oneHotCheck([64, 0, 3], [3], 65),
        oneHotCheck([], [0], 4),
        oneHotCheck([0, 1], [2], 0),
      ]),
  },
  {
    name: 'Fill: every dtype, a scalar, odd sizes and size-0 shapes',
    kernels: ['Fill'],
    run: (env) =>
      checkOutputs(env, [
        fillCheck([], 2.5, 'float32'),
        fillCheck([3, 7], -1.25, 'float32'),
        fillCheck([257], 0, 'float32'),
        fillCheck([65], -7, 'int32'),
        fillCheck([2, 3], 1, 'bool'),
        fillCheck([2, 0], 4, 'float32'),
      ]),
  },
  {
    name: 'Range: fractional and negative steps, int32, odd lengths, one and zero elements',
    kernels: ['Range'],
    run: (env) =>
      checkOutputs(env, [
        rangeCheck(0, 7, 1),
        rangeCheck(1, 2, 0.25),
        rangeCheck(3, -4, -0.5),
        rangeCheck(-1, 64, 1),
        rangeCheck(0, 257, 1),
        rangeCheck(5, 6, 1),
        rangeCheck(5, 5, 1),
        rangeCheck(-3, 10, 3, 'int32'),
        rangeCheck(10, 0, -2, 'int32'),
      ]),
  },
  {
    name: 'BroadcastTo: across ranks, size-1 dims in the middle, a scalar, every dtype, size-0 targets',
    kernels: ['BroadcastTo'],
    run: (env) =>
      checkOutputs(env, [
        broadcastCheck([3], [2, 3]),
        broadcastCheck([2, 1], [2, 5]),
        broadcastCheck([], [7]),
        broadcastCheck([1, 3, 1], [2, 3, 4]),
        broadcastCheck([65, 1], [65, 3]),
        broadcastCheck([1, 3], [2, 2, 3], 'int32'),
        broadcastCheck([3, 1], [3, 4], 'bool'),
        broadcastCheck([3], [0, 3]),
      ]),
  },
];

/** The OneHot, Fill, Range and BroadcastTo checks. */
export const creationGroup: ConformanceGroup = { name: 'OneHot, Fill, Range and BroadcastTo kernels', cases };
