/**
 * @file The gradients of the six convolution kernels, as TensorFlow registers them: Conv2D's through
 * its two backprop kernels, and each backprop kernel's through the other two (so second order works).
 * Every kernel takes the recorded op's attributes unchanged: the windows are the same in all three.
 *
 * A batched upstream (a vectorised jacobian) folds its batch dims into the examples where the kernel
 * maps examples one to one (the batched operand is the kernel's first and the output keeps its batch
 * axis); otherwise each cotangent runs on its own and the results are stacked.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { ConvolutionAttrs, ConvolutionKernel, Tensor } from '@tapeflow/tensor-core/internal';
import type { Batch } from './definition.js';
import { defineGradient } from './definition.js';

/**
 * Runs `kernel` with `batched` (the upstream, which carries `batch`'s dims in front) as its first or
 * second operand and `other` (per example) as the remaining one, giving `batch.shape(shape)`.
 */
function run(
  kernel: ConvolutionKernel,
  batched: Tensor,
  other: Tensor,
  batchedIsFirst: boolean,
  attrs: ConvolutionAttrs,
  shape: readonly number[],
  batch: Batch,
): Tensor {
  const call = (operand: Tensor): Tensor =>
    batchedIsFirst
      ? tf.convolutionKernel(kernel, operand, other, attrs, shape)
      : tf.convolutionKernel(kernel, other, operand, attrs, shape);
  if (batch.rank === 0) return call(batched);
  return tf.tidy(() => {
    const count = batch.dims.reduce((a, b) => a * b, 1);
    const example = batch.exampleShape(batched.shape);
    const foldsIntoExamples = batchedIsFirst && !kernel.endsWith('Filter');
    if (foldsIntoExamples) {
      const folded = tf.reshape(batched, [count * example[0]!, ...example.slice(1)]);
      const out = tf.convolutionKernel(kernel, folded, other, attrs, [count * shape[0]!, ...shape.slice(1)]);
      return tf.reshape(out, batch.shape(shape));
    }
    const flat = tf.reshape(batched, [count, ...example]);
    const results: Tensor[] = [];
    for (let i = 0; i < count; i++) {
      const one = tf.reshape(tf.slice(flat, [i, ...example.map(() => 0)], [1, ...example]), example);
      results.push(tf.reshape(call(one), [1, ...shape]));
    }
    return tf.reshape(tf.concat(results, 0), batch.shape(shape));
  });
}

// TF: _Conv2DGrad (Conv2DBackpropInput for the input, Conv2DBackpropFilter for the filter)
export const Conv2D = defineGradient('Conv2D', {
  saves: { inputs: ['x', 'filter'], output: false },
  rule: (dy, { inputs: { x, filter }, attrs }, batch) => ({
    x: () => run('Conv2DBackpropInput', dy, filter, true, attrs, x.shape, batch),
    filter: () => run('Conv2DBackpropFilter', dy, x, false, attrs, filter.shape, batch),
  }),
});

// TF: _Conv2DBackpropInputGrad (Conv2D of the upstream for dy, Conv2DBackpropFilter for the filter)
export const Conv2DBackpropInput = defineGradient('Conv2DBackpropInput', {
  saves: { inputs: ['dy', 'filter'], output: false },
  rule: (upstream, { inputs: { dy, filter }, attrs }, batch) => ({
    dy: () => run('Conv2D', upstream, filter, true, attrs, dy.shape, batch),
    filter: () => run('Conv2DBackpropFilter', upstream, dy, true, attrs, filter.shape, batch),
  }),
});

// TF: _Conv2DBackpropFilterGrad (Conv2DBackpropInput of the upstream for x, Conv2D for dy)
export const Conv2DBackpropFilter = defineGradient('Conv2DBackpropFilter', {
  saves: { inputs: ['x', 'dy'], output: false },
  rule: (upstream, { inputs: { x, dy }, attrs }, batch) => ({
    x: () => run('Conv2DBackpropInput', upstream, dy, false, attrs, x.shape, batch),
    dy: () => run('Conv2D', upstream, x, false, attrs, dy.shape, batch),
  }),
});

// TF: _DepthwiseConv2dNativeGrad
export const DepthwiseConv2dNative = defineGradient('DepthwiseConv2dNative', {
  saves: { inputs: ['x', 'filter'], output: false },
  rule: (dy, { inputs: { x, filter }, attrs }, batch) => ({
    x: () => run('DepthwiseConv2dNativeBackpropInput', dy, filter, true, attrs, x.shape, batch),
    filter: () => run('DepthwiseConv2dNativeBackpropFilter', dy, x, false, attrs, filter.shape, batch),
  }),
});

// TF: _DepthwiseConv2dNativeBackpropInputGrad
export const DepthwiseConv2dNativeBackpropInput = defineGradient('DepthwiseConv2dNativeBackpropInput', {
  saves: { inputs: ['dy', 'filter'], output: false },
  rule: (upstream, { inputs: { dy, filter }, attrs }, batch) => ({
    dy: () => run('DepthwiseConv2dNative', upstream, filter, true, attrs, dy.shape, batch),
    filter: () => run('DepthwiseConv2dNativeBackpropFilter', upstream, dy, true, attrs, filter.shape, batch),
  }),
});

// TF: _DepthwiseConv2dNativeBackpropFilterGrad
export const DepthwiseConv2dNativeBackpropFilter = defineGradient('DepthwiseConv2dNativeBackpropFilter', {
  saves: { inputs: ['x', 'dy'], output: false },
  rule: (upstream, { inputs: { x, dy }, attrs }, batch) => ({
    x: () => run('DepthwiseConv2dNativeBackpropInput', upstream, dy, false, attrs, x.shape, batch),
    dy: () => run('DepthwiseConv2dNative', upstream, x, false, attrs, dy.shape, batch),
  }),
});
