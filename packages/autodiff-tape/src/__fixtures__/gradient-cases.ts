/**
 * @file The numeric-gradient cases of gradients.test.ts: small seeded random inputs, including
 * broadcasting in both directions, every reduction axis, and transposes. Every op of the gradient
 * table with a rule must be differentiated by at least one case (gradients.test.ts asserts it).
 */
import * as tf from '@tapeflow/tensor-core';
import { convolutionKernel } from '@tapeflow/tensor-core/internal';

let seed = 100;
/** Uniform in [lo, hi). */
const rand = (shape: number[], lo = -1, hi = 1): tf.Tensor =>
  tf.random.uniform(shape, { minval: lo, maxval: hi, seed: seed++ });
/** Values away from 0 (kinks of abs, relu, sign), with random signs. */
const awayFromZero = (shape: number[]): tf.Tensor => tf.tidy(() => tf.mul(rand(shape, 0.2, 1), tf.sign(rand(shape))));

export type GradientCase = [name: string, f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: () => tf.Tensor[]];

/** Window attributes of the cases that call the backprop kernels directly. */
const CONV_ATTRS = { strides: [2, 2], dilations: [1, 1], pads: [1, 0] };

export const GRADIENT_CASES: GradientCase[] = [
  ['add (broadcast b)', (a, b) => tf.add(a, b), () => [rand([2, 3]), rand([3])]],
  ['add (broadcast a)', (a, b) => tf.add(a, b), () => [rand([2, 1]), rand([2, 3])]],
  ['sub (both broadcast)', (a, b) => tf.sub(a, b), () => [rand([3, 1]), rand([1, 4])]],
  ['mul', (a, b) => tf.mul(a, b), () => [rand([2, 3]), rand([2, 3])]],
  ['mul by scalar tensor', (a, b) => tf.mul(a, b), () => [rand([]), rand([2, 2])]],
  ['div', (a, b) => tf.div(a, b), () => [rand([2, 3]), rand([3], 0.5, 2)]],
  ['pow (both inputs)', (a, b) => tf.pow(a, b), () => [rand([2, 3], 0.5, 2), rand([2, 3], -1.5, 2)]],
  ['pow by a number', (a) => tf.pow(a, 3), () => [rand([4])]],
  ['neg', (a) => tf.neg(a), () => [rand([3])]],
  ['square', (a) => tf.square(a), () => [rand([2, 2])]],
  ['sqrt', (a) => tf.sqrt(a), () => [rand([3], 0.5, 2)]],
  ['exp', (a) => tf.exp(a), () => [rand([3])]],
  ['log', (a) => tf.log(a), () => [rand([3], 0.5, 2)]],
  ['abs', (a) => tf.abs(a), () => [awayFromZero([5])]],
  ['sign', (a) => tf.mul(tf.sign(a), a), () => [awayFromZero([4])]],
  ['maximum', (a, b) => tf.maximum(a, b), () => [rand([6]), rand([6])]],
  ['minimum (broadcast)', (a, b) => tf.minimum(a, b), () => [rand([2, 3]), rand([3])]],
  ['relu', (a) => tf.relu(a), () => [awayFromZero([6])]],
  ['sigmoid', (a) => tf.sigmoid(a), () => [rand([4], -3, 3)]],
  ['tanh', (a) => tf.tanh(a), () => [rand([4], -2, 2)]],
  ['softmax (last axis)', (a) => tf.softmax(a), () => [rand([2, 4], -2, 2)]],
  ['softmax (axis 0)', (a) => tf.softmax(a, 0), () => [rand([3, 2], -2, 2)]],
  ['logSoftmax', (a) => tf.logSoftmax(a), () => [rand([2, 3], -2, 2)]],
  ['matmul', (a, b) => tf.matmul(a, b), () => [rand([2, 3]), rand([3, 4])]],
  ['matmul transposeA', (a, b) => tf.matmul(a, b, { transposeA: true }), () => [rand([3, 2]), rand([3, 4])]],
  ['matmul transposeB', (a, b) => tf.matmul(a, b, { transposeB: true }), () => [rand([2, 3]), rand([4, 3])]],
  [
    'matmul both transposed',
    (a, b) => tf.matmul(a, b, { transposeA: true, transposeB: true }),
    () => [rand([3, 2]), rand([4, 3])],
  ],
  ['batched matmul with broadcast batch', (a, b) => tf.matmul(a, b), () => [rand([2, 2, 3]), rand([3, 2])]],
  ['reduceSum all', (a) => tf.reduceSum(a), () => [rand([2, 3])]],
  ['reduceSum axis 0', (a) => tf.reduceSum(a, 0), () => [rand([2, 3, 2])]],
  ['reduceSum axis 1 keepDims', (a) => tf.reduceSum(a, 1, true), () => [rand([2, 3, 2])]],
  ['reduceSum axes [0, 2]', (a) => tf.reduceSum(a, [0, 2]), () => [rand([2, 3, 2])]],
  ['reduceMean axis -1', (a) => tf.reduceMean(a, -1), () => [rand([2, 3])]],
  ['reduceMax axis 1', (a) => tf.reduceMax(a, 1), () => [rand([3, 4])]],
  ['reduceMin all keepDims', (a) => tf.reduceMin(a, undefined, true), () => [rand([3, 4])]],
  ['reshape', (a) => tf.reshape(a, [3, 2]), () => [rand([2, 3])]],
  ['transpose', (a) => tf.transpose(a, [2, 0, 1]), () => [rand([2, 3, 4])]],
  ['expandDims and squeeze', (a) => tf.squeeze(tf.expandDims(a, 1)), () => [rand([2, 3])]],
  ['concat axis 1', (a, b) => tf.concat([a, b, a], 1), () => [rand([2, 2]), rand([2, 3])]],
  ['slice', (a) => tf.slice(a, [1, 0], [1, 2]), () => [rand([3, 3])]],
  ['gather repeated indices', (a) => tf.gather(a, [2, 0, 2, 2]), () => [rand([3, 2])]],
  ['gather axis 1', (a) => tf.gather(a, [1, 1, 0], 1), () => [rand([2, 3, 2])]],
  [
    'unsortedSegmentSum (a segment twice, one empty)',
    (a) => tf.unsortedSegmentSum(a, tf.tensor([2, 0, 2], [3], 'int32'), 4),
    () => [rand([3, 2])],
  ],
  ['broadcastTo', (a) => tf.broadcastTo(a, [3, 2, 4]), () => [rand([2, 1])]],
  ['cast float to float (the Identity view)', (a) => tf.mul(tf.cast(a, 'float32'), a), () => [rand([3])]],
  ['where', (a, b) => tf.where(tf.greater(a, 0), a, tf.mul(b, 2)), () => [awayFromZero([5]), rand([5])]],
  ['clipByValue', (a) => tf.clipByValue(a, -0.5, 0.5), () => [tf.tensor([-0.9, -0.2, 0.1, 0.8])]],
  [
    'softmax cross-entropy',
    (logits) => tf.neg(tf.reduceSum(tf.mul(tf.oneHot(tf.tensor([1, 0], [2], 'int32'), 3), tf.logSoftmax(logits)))),
    () => [rand([2, 3], -2, 2)],
  ],
  [
    'two-layer MLP',
    (x, w1, w2) => tf.matmul(tf.tanh(tf.matmul(x, w1)), w2),
    () => [rand([2, 3]), rand([3, 4]), rand([4, 2])],
  ],
  // New cases go last: `rand` seeds are sequential, so a case inserted above shifts every later input.
  ['softplus', (a) => tf.softplus(a), () => [rand([5], -4, 4)]],
  // Convolutions (issue 12)
  [
    'conv2d SAME strides 2 (odd padding)',
    (x, f) => tf.conv2d(x, f, 2, 'SAME'),
    () => [rand([2, 6, 5, 2]), rand([3, 2, 2, 3])],
  ],
  [
    'conv2d VALID dilations 2',
    (x, f) => tf.conv2d(x, f, 1, 'valid', { dilations: 2 }),
    () => [rand([1, 6, 6, 2]), rand([2, 2, 2, 2])],
  ],
  ['conv1d SAME stride 2', (x, f) => tf.conv1d(x, f, 2, 'SAME'), () => [rand([2, 7, 2]), rand([3, 2, 3])]],
  [
    'depthwiseConv2d SAME multiplier 2',
    (x, f) => tf.depthwiseConv2d(x, f, [1, 2], 'SAME'),
    () => [rand([2, 5, 6, 2]), rand([3, 3, 2, 2])],
  ],
  [
    'conv2dTranspose SAME strides 2 (Conv2DBackpropInput)',
    (x, f) => tf.conv2dTranspose(x, f, [1, 6, 5, 2], 2, 'SAME'),
    () => [rand([1, 3, 3, 3]), rand([3, 3, 2, 3])],
  ],
  [
    'Conv2DBackpropFilter (strides 2, pads [1, 0])',
    (x, dy) => convolutionKernel('Conv2DBackpropFilter', x, dy, CONV_ATTRS, [3, 2, 2, 3]),
    () => [rand([1, 5, 4, 2]), rand([1, 3, 2, 3])],
  ],
  [
    'DepthwiseConv2dNativeBackpropInput (strides 2, pads [1, 0])',
    (dy, f) => convolutionKernel('DepthwiseConv2dNativeBackpropInput', dy, f, CONV_ATTRS, [1, 5, 4, 2]),
    () => [rand([1, 3, 2, 4]), rand([3, 2, 2, 2])],
  ],
  [
    'DepthwiseConv2dNativeBackpropFilter (strides 2, pads [1, 0])',
    (x, dy) => convolutionKernel('DepthwiseConv2dNativeBackpropFilter', x, dy, CONV_ATTRS, [3, 2, 2, 2]),
    () => [rand([1, 5, 4, 2]), rand([1, 3, 2, 4])],
  ],
];
