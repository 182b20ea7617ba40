/**
 * @file Gradients of the pooling kernels, TensorFlow's registered ones: MaxPool → MaxPoolGrad (the
 * first max of each window takes the window's gradient), MaxPoolGrad → MaxPoolGradGrad (and zeros for
 * the pooled input), MaxPoolGradGrad → MaxPoolGrad, AvgPool → AvgPoolGrad, AvgPoolGrad → AvgPool. The
 * kernels are rank 4, so a batch of cotangents is folded into the image batch dim and back.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { Batch } from './definition.js';
import { defineGradient } from './definition.js';

/** `t` with the batch dims of the cotangents folded into its first dim (the kernels' rank 4). */
function folded(t: tf.Tensor, batch: Batch): tf.Tensor {
  if (batch.rank === 0) return t;
  const example = batch.exampleShape(t.shape);
  return tf.reshape(t, [-1, ...example.slice(1)]);
}

/** A kept per-example input repeated for every cotangent of the batch, folded like the cotangents. */
function repeated(x: tf.Tensor, batch: Batch): tf.Tensor {
  if (batch.rank === 0) return x;
  return tf.reshape(tf.broadcastTo(x, batch.shape(x.shape)), [-1, ...x.shape.slice(1)]);
}

/** A per-example shape with the cotangents' batch folded into its first dim. */
function foldedShape(shape: readonly number[], batch: Batch): number[] {
  const count = batch.dims.reduce((a, b) => a * b, 1);
  return [count * shape[0]!, ...shape.slice(1)];
}

/** `t` (folded) unfolded back to the batched form of the per-example `shape`. */
function unfolded(t: tf.Tensor, shape: readonly number[], batch: Batch): tf.Tensor {
  return batch.rank === 0 ? t : tf.reshape(t, batch.shape(shape));
}

// TF: _MaxPoolGrad (gen_nn_ops.max_pool_grad; the gradient goes to the first max of each window).
export const MaxPool = defineGradient('MaxPool', {
  saves: { inputs: ['x'], output: false },
  rule: (dy, { inputs: { x }, attrs }, batch) => ({
    x: () => tf.tidy(() => unfolded(tf.maxPoolGrad(repeated(x, batch), folded(dy, batch), attrs), x.shape, batch)),
  }),
});

// TF: _MaxPoolGradGrad (zeros for the pooled input; MaxPoolGradGrad for the upstream gradient).
export const MaxPoolGrad = defineGradient('MaxPoolGrad', {
  saves: { inputs: ['x'], output: false },
  rule: (ddx, { inputs: { x, dy }, attrs }, batch) => ({
    x: () => tf.zeros(batch.shape(x.shape)),
    dy: () =>
      tf.tidy(() =>
        unfolded(
          tf.maxPoolGradGrad(repeated(x, batch), folded(ddx, batch), foldedShape(dy.shape, batch), attrs),
          dy.shape,
          batch,
        ),
      ),
  }),
});

// TF: _MaxPoolGradGradGrad (zeros for the pooled input; MaxPoolGrad for the gradient it read).
export const MaxPoolGradGrad = defineGradient('MaxPoolGradGrad', {
  saves: { inputs: ['x'], output: false },
  rule: (d, { inputs: { x }, attrs }, batch) => ({
    x: () => tf.zeros(batch.shape(x.shape)),
    grad: () => tf.tidy(() => unfolded(tf.maxPoolGrad(repeated(x, batch), folded(d, batch), attrs), x.shape, batch)),
  }),
});

// TF: _AvgPoolGrad (gen_nn_ops.avg_pool_grad with the input's shape).
export const AvgPool = defineGradient('AvgPool', {
  saves: { inputs: [], output: false },
  rule: (dy, { inputs: { x }, attrs }, batch) => ({
    x: () =>
      tf.tidy(() => unfolded(tf.avgPoolGrad(foldedShape(x.shape, batch), folded(dy, batch), attrs), x.shape, batch)),
  }),
});

// TF: _AvgPoolGradGrad (an average pool of the upstream gradient, with the same windows).
export const AvgPoolGrad = defineGradient('AvgPoolGrad', {
  saves: { inputs: [], output: false },
  rule: (d, { inputs: { dy }, attrs }, batch) => ({
    dy: () =>
      tf.tidy(() =>
        unfolded(tf.avgPoolWindows(folded(d, batch), foldedShape(dy.shape, batch), attrs), dy.shape, batch),
      ),
  }),
});
