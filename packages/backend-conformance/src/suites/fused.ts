/**
 * @file Checks of softmax: the fused `Softmax` kernel when the backend has one (an optional kernel: its
 * absence is a skip), and `softmax` / `logSoftmax` through tensor-core's composite of primitives on
 * any backend. Both must match the float64 reference, large logits included (the max shift).
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { ConformanceCase, ConformanceGroup, OutputCheck } from '../case.js';
import { checkOutputs, toTensor } from '../case.js';
import { logSoftmax, softmax } from '../reference/nn.js';
import type { ReferenceTensor } from '../reference/tensor.js';
import { referenceTensor } from '../reference/tensor.js';
import { uniformInput } from './inputs.js';
import { formatShape } from './shapes.js';

const INPUTS: readonly (readonly [ReferenceTensor, number])[] = [
  [uniformInput('softmax/2x5', [2, 5], -3, 3), -1],
  [uniformInput('softmax/4x3 axis 0', [4, 3], -3, 3), 0],
  [uniformInput('softmax/2x7x3 axis 1', [2, 7, 3], -3, 3), 1],
  [uniformInput('softmax/257', [257], -5, 5), 0],
  [uniformInput('softmax/3x1', [3, 1], -3, 3), 1],
  // Logits far from 0 overflow exp without the max shift.
  [referenceTensor([100, 101, 102, -100, -101, -102], [2, 3]), 1],
  [referenceTensor([], [0, 4]), 1],
];

function checks(name: 'softmax' | 'logSoftmax'): OutputCheck[] {
  return INPUTS.map(([x, axis]) => ({
    label: `${name} ${formatShape(x.shape)} axis ${axis}`,
    build: () => (name === 'softmax' ? tf.softmax(toTensor(x), axis) : tf.logSoftmax(toTensor(x), axis)),
    expected: (name === 'softmax' ? softmax : logSoftmax)(x, axis < 0 ? axis + x.shape.length : axis),
  }));
}

const cases: ConformanceCase[] = [
  {
    name: 'Softmax (fused, optional): last, first and middle axes, odd sizes, large logits, size 0',
    kernels: ['Softmax'],
    optional: true,
    run: (env) => checkOutputs(env, checks('softmax')),
  },
  {
    name: 'softmax composed of primitives, and logSoftmax (always a composite in tensor-core)',
    kernels: ['Max', 'Sub', 'Exp', 'Sum', 'RealDiv', 'Log'],
    run: (env) => {
      // What tensor-core computes when a backend has no fused Softmax: exp(x - max) / sum.
      const composite = (x: tf.Tensor, axis: number): tf.Tensor => {
        const e = tf.exp(tf.sub(x, tf.reduceMax(x, axis, true)));
        return tf.div(e, tf.reduceSum(e, axis, true));
      };
      const composed = INPUTS.map(([x, axis]): OutputCheck => ({
        label: `softmax composite ${formatShape(x.shape)} axis ${axis}`,
        build: () => composite(toTensor(x), axis),
        expected: softmax(x, axis < 0 ? axis + x.shape.length : axis),
      }));
      return checkOutputs(env, [...composed, ...checks('logSoftmax')]);
    },
  },
];

/** The softmax checks. */
export const fusedGroup: ConformanceGroup = { name: 'fused kernels and their composites', cases };
