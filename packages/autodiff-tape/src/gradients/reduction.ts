/**
 * @file Gradients of reductions and the fused softmax.
 */

import * as tf from '@tapeflow/tensor-core';
import { defineGradient } from './definition.js';
import type { ForwardRule, GradientRule } from './definition.js';

/** The reduced output's shape with the reduced axes kept as 1 (so it broadcasts against the input). */
function keptShape(inputShape: readonly number[], axes: readonly number[]): number[] {
  return inputShape.map((d, i) => (axes.includes(i) ? 1 : d));
}

// TF: _SumGrad
export const Sum = defineGradient('Sum', {
  saves: { inputs: [], output: false },
  rule: (dy, { inputs: { x }, attrs: { axes } }, batch) => ({
    x: () => tf.tidy(() => tf.broadcastTo(tf.reshape(dy, batch.shape(keptShape(x.shape, axes))), batch.shape(x.shape))),
  }),
  jvp: ({ x }, { attrs: { axes } }) => x && tf.reduceSum(x, axes),
});

const MIN_OR_MAX_SAVES = { inputs: ['x'], output: true } as const;

// TF: _MinOrMaxGrad: the gradient is shared equally among the positions that hold the extreme value.
type MinOrMaxRule = GradientRule<'Max' | 'Min', typeof MIN_OR_MAX_SAVES>;
const minOrMax: MinOrMaxRule = (dy, { inputs: { x }, attrs: { axes }, output }, batch) => ({
  x: () =>
    tf.tidy(() => {
      const shape = keptShape(x.shape, axes);
      const indicators = tf.cast(tf.equal(x, tf.reshape(output, shape)), x.dtype);
      const count = tf.reduceSum(indicators, axes, true);
      return tf.mul(tf.div(indicators, count), tf.reshape(dy, batch.shape(shape)));
    }),
});
// Forward: the tangent averaged over the positions holding the extreme value (the vjp's transpose).
const minOrMaxForward: ForwardRule<'Max' | 'Min'> = ({ x: t }, { inputs: { x }, attrs: { axes }, output }) => {
  if (t === null) return null;
  const indicators = tf.cast(tf.equal(x, tf.reshape(output, keptShape(x.shape, axes))), 'float32');
  return tf.div(tf.reduceSum(tf.mul(indicators, t), axes), tf.reduceSum(indicators, axes));
};
export const Max = defineGradient('Max', { saves: MIN_OR_MAX_SAVES, rule: minOrMax, jvp: minOrMaxForward });
export const Min = defineGradient('Min', { saves: MIN_OR_MAX_SAVES, rule: minOrMax, jvp: minOrMaxForward });

// TF: _SoftmaxGrad: y * (dy - sum(dy * y))
export const Softmax = defineGradient('Softmax', {
  saves: { inputs: [], output: true },
  rule: (dy, { attrs: { axis }, output }, batch) => ({
    x: () => tf.tidy(() => tf.mul(output, tf.sub(dy, tf.reduceSum(tf.mul(dy, output), batch.axis(axis), true)))),
  }),
  // y * (t - sum(t * y)): the same formula, the Jacobian being symmetric.
  jvp: ({ x }, { attrs: { axis }, output }) =>
    x && tf.mul(output, tf.sub(x, tf.reduceSum(tf.mul(x, output), axis, true))),
});
