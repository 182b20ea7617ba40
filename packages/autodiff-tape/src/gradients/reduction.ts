/**
 * @file Gradients of reductions and the fused softmax.
 */

import * as tf from '@tapeflow/tensor-core';
import type { GradientRule } from './types.js';

/** The reduced output's shape with the reduced axes kept as 1 (so it broadcasts against the input). */
function keptShape(inputShape: readonly number[], axes: readonly number[]): number[] {
  return inputShape.map((d, i) => (axes.includes(i) ? 1 : d));
}

// TF: _SumGrad
export const Sum: GradientRule<'Sum'> = (dy, { inputs: { x }, attrs: { axes } }, batchRank) => ({
  x: () =>
    tf.tidy(() => {
      const batch = dy.shape.slice(0, batchRank);
      return tf.broadcastTo(tf.reshape(dy, [...batch, ...keptShape(x.shape, axes)]), [...batch, ...x.shape]);
    }),
});

// TF: _MinOrMaxGrad: the gradient is shared equally among the positions that hold the extreme value.
const minOrMax: GradientRule<'Max' | 'Min'> = (dy, { inputs: { x }, attrs: { axes }, output }, batchRank) => ({
  x: () =>
    tf.tidy(() => {
      const shape = keptShape(x.shape, axes);
      const indicators = tf.cast(tf.equal(x, tf.reshape(output, shape)), x.dtype);
      const count = tf.reduceSum(indicators, axes, true);
      return tf.mul(tf.div(indicators, count), tf.reshape(dy, [...dy.shape.slice(0, batchRank), ...shape]));
    }),
});
export const Max: GradientRule<'Max'> = minOrMax;
export const Min: GradientRule<'Min'> = minOrMax;

// TF: _SoftmaxGrad: y * (dy - sum(dy * y))
export const Softmax: GradientRule<'Softmax'> = (dy, { attrs: { axis }, output }, batchRank) => ({
  x: () => tf.tidy(() => tf.mul(output, tf.sub(dy, tf.reduceSum(tf.mul(dy, output), axis + batchRank, true)))),
});
