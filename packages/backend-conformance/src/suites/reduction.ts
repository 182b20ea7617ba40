/**
 * @file Checks of the reductions (Sum, Max, Min, Prod; Any and All on bools) over every axis set of
 * a rank-3 input with and without keepDims, negative and omitted axes, int32, odd sizes, empty reductions (TensorFlow's
 * identities) and size-0 outputs; reduceMean through the front-end; ArgMax and ArgMin on every axis
 * with ties. Sum tolerances are relative to Σ|x|, the scale of any summation order's rounding error.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { ReductionKernel, Tensor } from '@tapeflow/tensor-core/internal';
import { REDUCTION_KERNELS } from '@tapeflow/tensor-core/internal';
import type { ConformanceCase, ConformanceGroup, OutputCheck } from '../case.js';
import { checkOutputs, toTensor } from '../case.js';
import { randomReference } from '../reference/data.js';
import { argReduce, reduce, sumMagnitude } from '../reference/reduction.js';
import type { ReferenceTensor } from '../reference/tensor.js';
import { referenceTensor } from '../reference/tensor.js';
import { seedFor, uniformInput } from './inputs.js';
import { formatShape } from './shapes.js';

/** The front-end that runs each reduction kernel. */
export const REDUCTION_OPS: Readonly<
  Record<ReductionKernel, (x: Tensor, axis?: number | number[], keepDims?: boolean) => Tensor>
> = {
  Sum: tf.reduceSum,
  Max: tf.reduceMax,
  Min: tf.reduceMin,
  Prod: tf.reduceProd,
  Any: tf.reduceAny,
  All: tf.reduceAll,
};

/** Every non-empty axis set of a rank-3 tensor, then a negative axis and "all axes" (undefined). */
const RANK3_AXES: readonly (number[] | undefined)[] = [
  [0],
  [1],
  [2],
  [0, 1],
  [0, 2],
  [1, 2],
  [0, 1, 2],
  [-1],
  undefined,
];

function normalize(axis: number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  return axis.map((a) => (a < 0 ? a + rank : a));
}

function reductionCheck(
  op: ReductionKernel,
  x: ReferenceTensor,
  axis: number[] | undefined,
  keepDims: boolean,
): OutputCheck {
  const axes = normalize(axis, x.shape.length);
  const label = `${op} ${x.dtype} ${formatShape(x.shape)} axis ${axis === undefined ? 'all' : formatShape(axis)}${keepDims ? ' keepDims' : ''}`;
  return {
    label,
    build: () => REDUCTION_OPS[op](toTensor(x), axis, keepDims),
    expected: reduce(op, x, axes, keepDims),
    ...(op === 'Sum' && x.dtype === 'float32' ? { scale: sumMagnitude(x, axes, keepDims) } : {}),
  };
}

/** Seeded bools, true with probability `density` (Any on mostly false, All on mostly true inputs). */
function boolInput(label: string, shape: readonly number[], density: number): ReferenceTensor {
  const u = uniformInput(label, shape, 0, 1);
  return { shape: u.shape, dtype: 'bool', values: u.values.map((v) => (v < density ? 1 : 0)) };
}

/** Any and All: every axis set of rank-3 bools (mostly false for Any, mostly true for All), empty ones. */
function logicalReductionCases(op: 'Any' | 'All'): ConformanceCase[] {
  const density = op === 'Any' ? 0.05 : 0.95;
  const x = boolInput(`${op}/rank3`, [3, 5, 7], density);
  const odd = boolInput(`${op}/257`, [257], density);
  return [
    {
      name: `${op} bool: every axis set of a rank-3 input, with and without keepDims, an odd size`,
      kernels: [op],
      run: (env) =>
        checkOutputs(env, [
          ...RANK3_AXES.flatMap((axis) => [false, true].map((keep) => reductionCheck(op, x, axis, keep))),
          reductionCheck(op, odd, [0], false),
        ]),
    },
    {
      name: `${op}: empty reductions give TensorFlow's identity, and size-0 outputs`,
      kernels: [op],
      run: (env) =>
        checkOutputs(env, [
          reductionCheck(op, referenceTensor([], [0, 3], 'bool'), [0], false),
          reductionCheck(op, referenceTensor([], [0, 3], 'bool'), [1], false),
          reductionCheck(op, referenceTensor([], [0], 'bool'), undefined, true),
        ]),
    },
  ];
}

function reductionCases(op: ReductionKernel): ConformanceCase[] {
  if (op === 'Any' || op === 'All') return logicalReductionCases(op);
  // Products of entries in (-e, e) neither blow up nor vanish with length (E[log|x|] = 0).
  const bound = op === 'Prod' ? Math.E : 2;
  const x = uniformInput(`${op}/rank3`, [3, 5, 7], -bound, bound);
  const ints = uniformInput(`${op}/rank3-int`, [3, 5, 7], -1000, 1000, 'int32');
  const odd: ReferenceTensor[] = [
    uniformInput(`${op}/257`, [257], -bound, bound),
    uniformInput(`${op}/65x3`, [65, 3], -bound, bound),
    uniformInput(`${op}/1x7`, [1, 7], -bound, bound),
    uniformInput(`${op}/scalar`, [], -bound, bound),
  ];
  return [
    {
      name: `${op} float32: every axis set of a rank-3 input, with and without keepDims`,
      kernels: [op],
      run: (env) =>
        checkOutputs(
          env,
          RANK3_AXES.flatMap((axis) => [false, true].map((keep) => reductionCheck(op, x, axis, keep))),
        ),
    },
    {
      name: `${op} int32: every axis set of a rank-3 input`,
      kernels: [op],
      run: (env) =>
        checkOutputs(
          env,
          RANK3_AXES.map((axis) => reductionCheck(op, ints, axis, false)),
        ),
    },
    {
      name: `${op} float32: odd sizes (257, 65×3, 1×7) and a scalar`,
      kernels: [op],
      run: (env) =>
        checkOutputs(env, [
          reductionCheck(op, odd[0]!, [0], false),
          reductionCheck(op, odd[1]!, [0], false),
          reductionCheck(op, odd[1]!, [1], true),
          reductionCheck(op, odd[2]!, [1], false),
          reductionCheck(op, odd[3]!, undefined, false),
        ]),
    },
    {
      name: `${op}: empty reductions give TensorFlow's identity, and size-0 outputs`,
      kernels: [op],
      run: (env) =>
        checkOutputs(env, [
          reductionCheck(op, referenceTensor([], [0, 3]), [0], false),
          reductionCheck(op, referenceTensor([], [2, 0], 'int32'), [1], false),
          reductionCheck(op, referenceTensor([], [0, 3]), [1], false),
          reductionCheck(op, referenceTensor([], [0]), undefined, true),
        ]),
    },
  ];
}

const meanCase: ConformanceCase = {
  name: 'reduceMean (Sum, then RealDiv): float32 every axis, int32 truncated',
  kernels: ['Sum', 'RealDiv', 'Cast'],
  run: (env) => {
    const x = uniformInput('Mean/rank3', [3, 5, 7], -2, 2);
    const ints = referenceTensor([7, -7, 2, 3, 4, -9], [2, 3], 'int32');
    const mean = (t: ReferenceTensor, axes: number[], keepDims: boolean): ReferenceTensor => {
      const sum = reduce('Sum', t, axes, keepDims);
      const count = axes.reduce((n, a) => n * t.shape[a]!, 1);
      return {
        ...sum,
        values: sum.values.map((v) => (t.dtype === 'int32' ? Math.trunc(v / count) : Math.fround(v / count))),
      };
    };
    const checks: OutputCheck[] = RANK3_AXES.map((axis) => {
      const axes = normalize(axis, 3);
      const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
      return {
        label: `reduceMean float32 axis ${axis === undefined ? 'all' : formatShape(axis)}`,
        build: () => tf.reduceMean(toTensor(x), axis),
        expected: mean(x, axes, false),
        scale: sumMagnitude(x, axes).map((s) => s / count),
      };
    });
    checks.push({
      label: 'reduceMean int32 axis 1 keepDims',
      build: () => tf.reduceMean(toTensor(ints), 1, true),
      expected: mean(ints, [1], true),
    });
    return checkOutputs(env, checks);
  },
};

function argCase(op: 'ArgMax' | 'ArgMin'): ConformanceCase {
  // Values from a small set, so ties (which must pick the first index) are frequent.
  const tied = randomReference([3, 5, 7], { seed: seedFor(`${op}/tied`), min: -2, max: 2, dtype: 'int32' });
  const floats: ReferenceTensor = { ...tied, dtype: 'float32', values: tied.values.map((v) => v * 0.75) };
  const distinct = uniformInput(`${op}/257`, [257], -2, 2);
  const front = op === 'ArgMax' ? tf.argMax : tf.argMin;
  const check = (x: ReferenceTensor, axis: number): OutputCheck => ({
    label: `${op} ${x.dtype} ${formatShape(x.shape)} axis ${axis}`,
    build: () => front(toTensor(x), axis),
    expected: argReduce(op, x, axis < 0 ? axis + x.shape.length : axis),
  });
  return {
    name: `${op}: every axis of a rank-3 input with ties (first index wins), int32, odd size`,
    kernels: [op],
    run: (env) =>
      checkOutputs(env, [
        ...[0, 1, 2, -1].map((axis) => check(floats, axis)),
        ...[0, 2].map((axis) => check(tied, axis)),
        check(distinct, 0),
        check(referenceTensor([4], [1]), 0),
        check(referenceTensor([], [0, 3]), 1),
      ]),
  };
}

/** The reduction checks. */
export const reductionGroup: ConformanceGroup = {
  name: 'reduction kernels',
  cases: [...REDUCTION_KERNELS.flatMap(reductionCases), meanCase, argCase('ArgMax'), argCase('ArgMin')],
};
