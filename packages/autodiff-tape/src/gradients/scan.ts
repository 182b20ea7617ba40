/**
 * @file Gradients of the product reduction and the scans (issue 12): Prod, Cumsum and Cumprod, each
 * following the TensorFlow function named on it. Any, All and TopKV2 (whose int32 indices are its
 * output; topK's values are a Gather of them) are non-differentiable: `null` in gradients/index.ts.
 */

import * as tf from '@tapeflow/tensor-core';
import { defineGradient } from './definition.js';

// TF: _ProdGrad. The product of all other entries is the exclusive running product from the left
// times the one from the right along the reduced entries (packed into one leading axis), which holds
// where x has zeros, unlike output / x.
export const Prod = defineGradient('Prod', {
  saves: { inputs: ['x'], output: false },
  rule: (dy, { inputs: { x }, attrs: { axes } }, batch) => ({
    x: () =>
      tf.tidy(() => {
        const other = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
        const perm = [...axes, ...other];
        const reducedCount = axes.reduce((n, d) => n * x.shape[d]!, 1);
        const permuted = tf.transpose(x, perm);
        const packed = tf.reshape(permuted, [reducedCount, x.size / Math.max(reducedCount, 1)]);
        const left = tf.cumprod(packed, 0, { exclusive: true });
        const right = tf.cumprod(packed, 0, { exclusive: true, reverse: true });
        const inverse = perm.map((_, i) => perm.indexOf(i));
        const others = tf.transpose(tf.reshape(tf.mul(left, right), permuted.shape), inverse);
        const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
        return tf.mul(tf.reshape(dy, batch.shape(kept)), others);
      }),
  }),
});

// TF: _CumsumGrad: the running sum of the upstream in the other direction.
export const Cumsum = defineGradient('Cumsum', {
  saves: { inputs: [], output: false },
  rule: (dy, { attrs: { axis, exclusive, reverse } }, batch) => ({
    x: () => tf.cumsum(dy, batch.axis(axis), { exclusive, reverse: !reverse }),
  }),
});

// TF: _CumprodGrad: cumsum(cumprod(x) · dy) in the other direction, divided by x (so, as in TensorFlow,
// not defined where x is 0). cumprod(x) with the op's own flags is its output, kept rather than redone.
export const Cumprod = defineGradient('Cumprod', {
  saves: { inputs: ['x'], output: true },
  rule: (dy, { inputs: { x }, attrs: { axis, exclusive, reverse }, output }, batch) => ({
    x: () =>
      tf.tidy(() => tf.div(tf.cumsum(tf.mul(output, dy), batch.axis(axis), { exclusive, reverse: !reverse }), x)),
  }),
});
