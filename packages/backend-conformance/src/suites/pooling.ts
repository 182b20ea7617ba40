/**
 * @file Checks of the pooling kernels (MaxPool, AvgPool) and of their gradients' kernels (MaxPoolGrad,
 * MaxPoolGradGrad, AvgPoolGrad) against the float64 references: VALID and SAME padding (TensorFlow's
 * extra row and column at the bottom and right, odd sizes), unequal windows and strides, strides
 * larger than the window, several images and channels, an empty batch, and ties in the max (the first
 * max of a window takes its gradient).
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { ConformanceCase, ConformanceGroup, OutputCheck } from '../case.js';
import { checkOutputs, toTensor } from '../case.js';
import { randomReference } from '../reference/data.js';
import { avgPool, avgPoolGrad, maxPool, maxPoolGrad, maxPoolGradGrad } from '../reference/pooling.js';
import type { ReferenceTensor } from '../reference/tensor.js';
import { seedFor } from './inputs.js';
import { formatShape } from './shapes.js';

/** One pooling configuration: input shape, window, strides, padding. */
type PoolCase = readonly [
  shape: readonly number[],
  ksize: readonly number[],
  strides: readonly number[],
  padding: string,
];

const POOL_CASES: readonly PoolCase[] = [
  [[1, 4, 4, 1], [2, 2], [2, 2], 'VALID'],
  [[2, 5, 7, 3], [3, 3], [2, 2], 'SAME'],
  [[1, 6, 5, 2], [3, 2], [2, 1], 'SAME'],
  [[1, 7, 6, 2], [2, 3], [1, 2], 'valid'],
  [[2, 5, 5, 1], [2, 2], [3, 3], 'SAME'],
  [[1, 3, 3, 4], [3, 3], [1, 1], 'SAME'],
  [[1, 1, 1, 3], [1, 1], [1, 1], 'VALID'],
  [[0, 4, 4, 2], [2, 2], [2, 2], 'SAME'],
];

function label(kernel: string, [shape, ksize, strides, padding]: PoolCase, suffix = ''): string {
  return `${kernel} ${formatShape(shape)} ksize ${formatShape(ksize)} strides ${formatShape(strides)} ${padding}${suffix}`;
}

/** Random floats, or small integers (many ties in each window) when `ties`. */
function input(name: string, shape: readonly number[], ties = false): ReferenceTensor {
  const x = randomReference(shape, { seed: seedFor(name), ...(ties ? { min: 0, max: 3 } : {}) });
  return ties ? { ...x, values: x.values.map((v) => Math.floor(v)) } : x;
}

/** The kernels' attributes and output shape of a case (tensor-core's own resolution of the padding). */
function geometry([shape, ksize, strides, padding]: PoolCase): tf.PoolGeometry {
  return tf.poolGeometry('conformance', shape, ksize, strides, padding);
}

function forwardChecks(c: PoolCase, ties = false): OutputCheck[] {
  const g = geometry(c);
  const [shape, ksize, strides, padding] = c;
  const x = input(label('pool', c, ties ? ' ties' : ''), shape, ties);
  return [
    {
      label: label('MaxPool', c, ties ? ' (ties)' : ''),
      build: () => tf.maxPool2d(toTensor(x), ksize, strides, padding),
      expected: maxPool(x, g.outputShape, g),
    },
    {
      label: label('AvgPool', c, ties ? ' (ties)' : ''),
      build: () => tf.avgPool2d(toTensor(x), ksize, strides, padding),
      expected: avgPool(x, g.outputShape, g),
    },
  ];
}

function gradientChecks(c: PoolCase, ties = false): OutputCheck[] {
  const g = geometry(c);
  const [shape] = c;
  const name = label('pool gradient', c, ties ? ' ties' : '');
  const x = input(name, shape, ties);
  const dy = input(`${name}/dy`, g.outputShape);
  const grad = input(`${name}/grad`, shape);
  return [
    {
      label: label('MaxPoolGrad', c, ties ? ' (ties)' : ''),
      build: () => tf.maxPoolGrad(toTensor(x), toTensor(dy), g),
      expected: maxPoolGrad(x, dy, g),
    },
    {
      label: label('MaxPoolGradGrad', c, ties ? ' (ties)' : ''),
      build: () => tf.maxPoolGradGrad(toTensor(x), toTensor(grad), g.outputShape, g),
      expected: maxPoolGradGrad(x, grad, g.outputShape, g),
    },
    {
      label: label('AvgPoolGrad', c, ties ? ' (ties)' : ''),
      build: () => tf.avgPoolGrad(shape, toTensor(dy), g),
      expected: avgPoolGrad(dy, shape, g),
    },
  ];
}

/** The checks of `kernel` (its label's first word) among `checks`. */
const only = (kernel: string, checks: readonly OutputCheck[]): OutputCheck[] =>
  checks.filter((check) => check.label.split(' ')[0] === kernel);

const TIES: PoolCase = [[2, 6, 6, 3], [3, 3], [2, 2], 'SAME'];
const TIES_VALID: PoolCase = [[1, 5, 5, 2], [3, 3], [1, 1], 'VALID'];
const forward = (): OutputCheck[] => [...POOL_CASES.flatMap((c) => forwardChecks(c)), ...forwardChecks(TIES, true)];
const gradients = (): OutputCheck[] => [
  ...POOL_CASES.flatMap((c) => gradientChecks(c)),
  ...gradientChecks(TIES, true),
  ...gradientChecks(TIES_VALID, true),
];

const cases: ConformanceCase[] = [
  {
    name: 'MaxPool: VALID and SAME (extra padding at the bottom/right), unequal windows and strides, ties, empty batch',
    kernels: ['MaxPool'],
    run: (env) => checkOutputs(env, only('MaxPool', forward())),
  },
  {
    name: 'AvgPool: the same windows; padding is not counted',
    kernels: ['AvgPool'],
    run: (env) => checkOutputs(env, only('AvgPool', forward())),
  },
  {
    name: 'MaxPoolGrad: the same windows; ties route to the first max',
    kernels: ['MaxPoolGrad'],
    run: (env) => checkOutputs(env, only('MaxPoolGrad', gradients())),
  },
  {
    name: 'MaxPoolGradGrad: the same windows; ties read the first max',
    kernels: ['MaxPoolGradGrad'],
    run: (env) => checkOutputs(env, only('MaxPoolGradGrad', gradients())),
  },
  {
    name: 'AvgPoolGrad: the same windows, shared over the in-input elements',
    kernels: ['AvgPoolGrad'],
    run: (env) => checkOutputs(env, only('AvgPoolGrad', gradients())),
  },
];

/** The pooling checks (group w-poolnn). */
export const poolingGroup: ConformanceGroup = {
  name: 'MaxPool, AvgPool and their gradient kernels',
  cases,
};
