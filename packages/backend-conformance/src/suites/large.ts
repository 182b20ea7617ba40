/**
 * @file One input above 2^20 elements per elementwise family and per reduction: what overflows a
 * single dispatch dimension (65535 workgroups), a storage-buffer binding or a naive index. Few on
 * purpose (each is ~20 ms on a software Vulkan driver). The reduction inputs are multiples of 1/8
 * whose partial sums stay below 2^24 steps, so any summation order gives the exact float32 result.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { ConformanceCase, ConformanceGroup } from '../case.js';
import { checkOutputs, toTensor } from '../case.js';
import { randomReference } from '../reference/data.js';
import { binary, cast, compare, select, unary } from '../reference/elementwise.js';
import { argReduce, reduce } from '../reference/reduction.js';
import type { ReferenceTensor } from '../reference/tensor.js';
import { seedFor } from './inputs.js';

/** 2^20 + 1 elements: above 2^20, and odd. */
const LARGE = 2 ** 20 + 1;

function floats(label: string, shape: readonly number[], min = -4, max = 4): ReferenceTensor {
  return randomReference(shape, { seed: seedFor(label), min, max });
}

function eighths(label: string, shape: readonly number[]): ReferenceTensor {
  return randomReference(shape, { seed: seedFor(label), min: -2, max: 2, step: 0.125 });
}

/** Max and Min of the rows of a [rows, cols] tensor along axis 1, in one flat loop (a fast reference). */
function rowExtremes(op: 'Max' | 'Min', x: ReferenceTensor): ReferenceTensor {
  const [rows, cols] = x.shape as [number, number];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    let best = x.values[r * cols]!;
    for (let c = 1; c < cols; c++) {
      const v = x.values[r * cols + c]!;
      best = op === 'Max' ? Math.max(best, v) : Math.min(best, v);
    }
    values.push(best);
  }
  return { shape: [rows], dtype: x.dtype, values };
}

const cases: ConformanceCase[] = [
  {
    name: `unary (Sigmoid) on ${LARGE} elements`,
    kernels: ['Sigmoid'],
    large: true,
    run: (env) => {
      const x = floats('large/sigmoid', [LARGE]);
      return checkOutputs(env, [
        { label: 'Sigmoid large', build: () => tf.sigmoid(toTensor(x)), expected: unary('Sigmoid', x) },
      ]);
    },
  },
  {
    name: 'binary (Mul) broadcasting [1025, 1024] with [1024]',
    kernels: ['Mul'],
    large: true,
    run: (env) => {
      const a = floats('large/mul/a', [1025, 1024]);
      const b = floats('large/mul/b', [1024]);
      return checkOutputs(env, [
        { label: 'Mul large broadcast', build: () => tf.mul(toTensor(a), toTensor(b)), expected: binary('Mul', a, b) },
      ]);
    },
  },
  {
    name: `comparison (Greater) and Select on ${LARGE} elements`,
    kernels: ['Greater', 'Select'],
    large: true,
    run: (env) => {
      const a = floats('large/greater/a', [LARGE]);
      const b = floats('large/greater/b', [LARGE]);
      const condition = compare('Greater', a, b);
      return checkOutputs(env, [
        { label: 'Greater large', build: () => tf.greater(toTensor(a), toTensor(b)), expected: condition },
        {
          label: 'Select large',
          build: () => tf.where(toTensor(condition), toTensor(a), toTensor(b)),
          expected: select(condition, a, b),
        },
      ]);
    },
  },
  {
    name: `Cast float32 to int32 on ${LARGE} elements`,
    kernels: ['Cast'],
    large: true,
    run: (env) => {
      const x = floats('large/cast', [LARGE], -1000, 1000);
      return checkOutputs(env, [
        { label: 'Cast large', build: () => tf.cast(toTensor(x), 'int32'), expected: cast(x, 'int32') },
      ]);
    },
  },
  {
    name: `Sum of all ${LARGE} elements (exact in any summation order)`,
    kernels: ['Sum'],
    large: true,
    run: (env) => {
      const x = eighths('large/sum', [LARGE]);
      return checkOutputs(env, [
        { label: 'Sum large', build: () => tf.reduceSum(toTensor(x)), expected: reduce('Sum', x, [0]) },
      ]);
    },
  },
  {
    name: 'Max along axis 1 and Min along axis 0 of [1025, 1024]',
    kernels: ['Max', 'Min'],
    large: true,
    run: (env) => {
      const x = floats('large/extremes', [1025, 1024]);
      // Min along axis 0 of x is Min along axis 1 of its transpose, computed here by a flat loop.
      const columns: number[] = [];
      for (let c = 0; c < 1024; c++) for (let r = 0; r < 1025; r++) columns.push(x.values[r * 1024 + c]!);
      const transposed: ReferenceTensor = { shape: [1024, 1025], dtype: 'float32', values: columns };
      return checkOutputs(env, [
        { label: 'Max large axis 1', build: () => tf.reduceMax(toTensor(x), 1), expected: rowExtremes('Max', x) },
        {
          label: 'Min large axis 0',
          build: () => tf.reduceMin(toTensor(x), 0),
          expected: rowExtremes('Min', transposed),
        },
      ]);
    },
  },
  {
    name: 'ArgMax along the last axis of [1024, 1025]',
    kernels: ['ArgMax'],
    large: true,
    run: (env) => {
      const x = floats('large/argmax', [1024, 1025]);
      return checkOutputs(env, [
        { label: 'ArgMax large', build: () => tf.argMax(toTensor(x), 1), expected: argReduce('ArgMax', x, 1) },
      ]);
    },
  },
];

/** The large-input checks. */
export const largeGroup: ConformanceGroup = { name: 'large inputs (above 2^20 elements)', cases };
