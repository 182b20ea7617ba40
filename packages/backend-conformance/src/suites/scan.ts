/**
 * @file Checks of the scans and selection of issue 12: Cumsum and Cumprod on every axis of a rank-3
 * input with each combination of `exclusive` and `reverse`, int32, a long axis and size 0; TopKV2
 * (through `topK`, so its values' Gather runs too) with ties that must keep index order, NaN, every
 * k from 0 to the row length, and a batch of rows.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { ConformanceCase, ConformanceGroup, OutputCheck } from '../case.js';
import { checkOutputs, toTensor } from '../case.js';
import { randomReference } from '../reference/data.js';
import { gather } from '../reference/indexing.js';
import { cumulative, topKIndices } from '../reference/scan.js';
import type { ReferenceTensor } from '../reference/tensor.js';
import { referenceTensor } from '../reference/tensor.js';
import { seedFor, uniformInput } from './inputs.js';
import { formatShape } from './shapes.js';

const FLAGS: readonly { exclusive: boolean; reverse: boolean }[] = [
  { exclusive: false, reverse: false },
  { exclusive: true, reverse: false },
  { exclusive: false, reverse: true },
  { exclusive: true, reverse: true },
];

function cumulativeCase(op: 'Cumsum' | 'Cumprod'): ConformanceCase {
  const front = op === 'Cumsum' ? tf.cumsum : tf.cumprod;
  // Products of entries in (-e, e) keep their magnitude along the axis (E[log|x|] = 0).
  const bound = op === 'Cumsum' ? 2 : Math.E;
  const x = uniformInput(`${op}/rank3`, [3, 5, 7], -bound, bound);
  const ints = uniformInput(`${op}/rank3-int`, [3, 4, 5], -50, 50, 'int32');
  const long = uniformInput(`${op}/300`, [300], -bound, bound);
  const check = (t: ReferenceTensor, axis: number, flags: { exclusive: boolean; reverse: boolean }): OutputCheck => {
    const normalized = axis < 0 ? axis + t.shape.length : axis;
    const expected = cumulative(op, t, normalized, flags);
    return {
      label: `${op} ${t.dtype} ${formatShape(t.shape)} axis ${axis}${flags.exclusive ? ' exclusive' : ''}${flags.reverse ? ' reverse' : ''}`,
      build: () => front(toTensor(t), axis, flags),
      expected,
      // A running sum's rounding error scales with the running sum of |x|, not with the (cancelling) value.
      ...(op === 'Cumsum' && t.dtype === 'float32'
        ? { scale: cumulative(op, { ...t, values: t.values.map(Math.abs) }, normalized, flags).values }
        : {}),
    };
  };
  return {
    name: `${op}: every axis of a rank-3 input with each exclusive/reverse, int32, a 300-long axis, size 0`,
    kernels: [op],
    run: (env) =>
      checkOutputs(env, [
        ...[0, 1, 2, -1].flatMap((axis) => FLAGS.map((flags) => check(x, axis, flags))),
        ...[0, 2].flatMap((axis) => FLAGS.map((flags) => check(ints, axis, flags))),
        ...FLAGS.map((flags) => check(long, 0, flags)),
        check(referenceTensor([], [2, 0, 3]), 1, FLAGS[3]!),
        check(referenceTensor([], [2, 0, 3]), 2, FLAGS[0]!),
      ]),
  };
}

function topKCheck(x: ReferenceTensor, k: number): OutputCheck[] {
  const indices = topKIndices(x, k);
  const n = x.shape[x.shape.length - 1]!;
  const flat = referenceTensor(x.values, [x.values.length], x.dtype);
  const flatIndices = indices.values.map((v, i) => v + Math.floor(i / Math.max(k, 1)) * n);
  const values = gather(flat, referenceTensor(flatIndices, indices.shape, 'int32'), 0);
  const label = `TopKV2 ${x.dtype} ${formatShape(x.shape)} k ${k}`;
  return [
    { label: `${label} indices`, build: () => tf.topK(toTensor(x), k).indices, expected: indices },
    { label: `${label} values`, build: () => tf.topK(toTensor(x), k).values, expected: values },
  ];
}

const topKCase: ConformanceCase = {
  name: 'TopKV2: ties in index order, NaN first, every k of a row, int32, a batch of rows, size 0',
  kernels: ['TopKV2', 'Gather', 'Range', 'Mul', 'Add'],
  run: (env) => {
    // Values from a small set, so ties (which must keep index order) are frequent.
    const tied = randomReference([4, 3, 9], { seed: seedFor('TopKV2/tied'), min: -2, max: 2, dtype: 'int32' });
    const floats: ReferenceTensor = { ...tied, dtype: 'float32', values: tied.values.map((v) => v * 0.5) };
    const distinct = uniformInput('TopKV2/300', [2, 300], -2, 2);
    const special = referenceTensor([1, NaN, -Infinity, Infinity, NaN, 0, -0, 2], [8]);
    return checkOutputs(env, [
      ...[0, 1, 4, 9].flatMap((k) => topKCheck(floats, k)),
      ...topKCheck(tied, 3),
      ...topKCheck(distinct, 7),
      ...topKCheck(special, 8),
      ...topKCheck(referenceTensor([], [3, 0]), 0),
      ...topKCheck(referenceTensor([5], [1]), 1),
    ]);
  },
};

/** The scan and selection checks. */
export const scanGroup: ConformanceGroup = {
  name: 'scan and selection kernels',
  cases: [cumulativeCase('Cumsum'), cumulativeCase('Cumprod'), topKCase],
};
