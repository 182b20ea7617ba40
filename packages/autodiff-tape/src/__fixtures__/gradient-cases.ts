/**
 * @file The numeric-gradient cases of gradients.test.ts: small seeded random inputs, including
 * broadcasting in both directions, every reduction axis, and transposes. Every op of the gradient
 * table with a rule must be differentiated by at least one case (gradients.test.ts asserts it).
 */
import * as tf from '@tapeflow/tensor-core';
import * as internal from '@tapeflow/tensor-core/internal';
import { convolutionKernel } from '@tapeflow/tensor-core/internal';

let seed = 100;
/** Uniform in [lo, hi). */
const rand = (shape: number[], lo = -1, hi = 1): tf.Tensor =>
  tf.random.uniform(shape, { minval: lo, maxval: hi, seed: seed++ });
/** Values away from 0 (kinks of abs, relu, sign), with random signs. */
const awayFromZero = (shape: number[]): tf.Tensor => tf.tidy(() => tf.mul(rand(shape, 0.2, 1), tf.sign(rand(shape))));

/**
 * Distinct values in [-2, 2), at least 4 / size apart, in a scrambled order: no window max moves when
 * one element is nudged by checkGradients' step (1e-2).
 */
const spaced = (shape: number[]): tf.Tensor => {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: size }, (_, i) => -2 + (4 * ((i * 7919 + 13) % size) + 2) / size);
  return tf.tensor(values, shape);
};
/** The windows of a 3×3, stride 2, SAME pool over a 5×5 image (one row and column of padding first). */
const POOL_WINDOWS = { ksize: [3, 3], strides: [2, 2], pads: [1, 1] } as const;

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
  // Reductions and scans (issue 12).
  ['reduceProd axes [0, 2]', (a) => tf.reduceProd(a, [0, 2]), () => [rand([2, 3, 2], 0.5, 1.5)]],
  [
    'reduceProd axis 1 keepDims through a zero',
    (a) => tf.reduceProd(a, 1, true),
    () => [
      tf.tidy(() =>
        tf.mul(
          rand([2, 3]),
          tf.tensor([
            [1, 0, 1],
            [1, 1, 1],
          ]),
        ),
      ),
    ],
  ],
  ['reduceLogSumExp axis -1', (a) => tf.reduceLogSumExp(a, -1), () => [rand([3, 4], -3, 3)]],
  ['reduceLogSumExp all keepDims', (a) => tf.reduceLogSumExp(a, undefined, true), () => [rand([2, 3], -3, 3)]],
  ['cumsum axis 1', (a) => tf.cumsum(a, 1), () => [rand([2, 4, 2])]],
  ['cumsum exclusive reverse', (a) => tf.cumsum(a, 0, { exclusive: true, reverse: true }), () => [rand([4, 2])]],
  ['cumprod axis -1', (a) => tf.cumprod(a, -1), () => [awayFromZero([3, 4])]],
  ['cumprod exclusive', (a) => tf.cumprod(a, 0, { exclusive: true }), () => [awayFromZero([4, 2])]],
  ['topK values', (a) => tf.topK(a, 2).values, () => [rand([3, 5])]],
  // Linear algebra (issue 12): composites of transposes, reshapes, matmul and reductions.
  ['tensordot axes 2', (a, b) => tf.tensordot(a, b, 2), () => [rand([2, 3, 2]), rand([3, 2, 2])]],
  [
    'tensordot axis pairs',
    (a, b) =>
      tf.tensordot(a, b, [
        [0, 2],
        [2, 0],
      ]),
    () => [rand([2, 3, 4]), rand([4, 2, 2])],
  ],
  ['dot vector and matrix', (a, b) => tf.dot(a, b), () => [rand([3]), rand([3, 2])]],
  ['outerProduct', (a, b) => tf.outerProduct(a, b), () => [rand([3]), rand([2])]],
  ['norm euclidean axis 1', (a) => tf.norm(a, { axis: 1 }), () => [awayFromZero([2, 3])]],
  ['norm ord 3 all', (a) => tf.norm(a, { ord: 3 }), () => [awayFromZero([2, 2])]],
  ['norm fro over a pair of axes', (a) => tf.norm(a, { ord: 'fro', axis: [0, 2] }), () => [rand([2, 2, 3])]],
  ['einsum matmul', (a, b) => tf.einsum('ij,jk->ik', a, b), () => [rand([2, 3]), rand([3, 2])]],
  ['einsum diagonal with a vector', (a, b) => tf.einsum('ii,i->i', a, b), () => [rand([3, 3]), rand([3])]],
  ['einsum broadcast ellipsis', (a, b) => tf.einsum('...ij,...jk', a, b), () => [rand([2, 1, 2, 3]), rand([2, 3, 2])]],
  [
    'einsum three operands',
    (a, b, c) => tf.einsum('ij,jk,ki->', a, b, c),
    () => [rand([2, 3]), rand([3, 2]), rand([2, 2])],
  ],
  // Pooling (group w-poolnn).
  ['maxPool2d SAME 3x3 stride 2', (a) => tf.maxPool2d(a, 3, 2, 'SAME'), () => [spaced([2, 5, 4, 2])]],
  [
    'maxPool2d VALID [2, 3] strides [1, 2]',
    (a) => tf.maxPool2d(a, [2, 3], [1, 2], 'valid'),
    () => [spaced([1, 4, 7, 1])],
  ],
  [
    'avgPool2d SAME 3x3 stride 2 (padding not counted)',
    (a) => tf.avgPool2d(a, 3, 2, 'SAME'),
    () => [rand([2, 5, 4, 2])],
  ],
  ['avgPool2d VALID 2x2 stride 1', (a) => tf.avgPool2d(a, [2, 2], [1, 1], 'VALID'), () => [rand([1, 3, 4, 2])]],
  [
    'maxPoolGrad (its upstream through MaxPoolGradGrad)',
    (x, dy) => internal.maxPoolGrad(x, dy, POOL_WINDOWS),
    () => [spaced([1, 5, 5, 2]), rand([1, 3, 3, 2])],
  ],
  [
    'maxPoolGradGrad (its gradient through MaxPoolGrad)',
    (x, grad) => internal.maxPoolGradGrad(x, grad, [1, 3, 3, 2], POOL_WINDOWS),
    () => [spaced([1, 5, 5, 2]), rand([1, 5, 5, 2])],
  ],
  [
    'avgPoolGrad (its gradient is AvgPool)',
    (dy) => internal.avgPoolGrad([1, 5, 5, 2], dy, POOL_WINDOWS),
    () => [rand([1, 3, 3, 2])],
  ],
  // Shape ops of issue 12
  ['stack axis 1', (a, b) => tf.stack([a, b, a], 1), () => [rand([2, 3]), rand([2, 3])]],
  [
    'unstack axis 1, weighted',
    (a) => tf.add(tf.unstack(a, 1)[0]!, tf.mul(tf.unstack(a, 1)[2]!, 3)),
    () => [rand([2, 3])],
  ],
  ['split with -1, weighted', (a) => tf.concat(tf.split(a, [1, -1], 1).reverse(), 1), () => [rand([2, 4])]],
  ['tile', (a) => tf.tile(a, [2, 3]), () => [rand([2, 2])]],
  [
    'pad constant',
    (a) =>
      tf.pad(
        a,
        [
          [1, 2],
          [0, 1],
        ],
        5,
      ),
    () => [rand([2, 3])],
  ],
  [
    'pad reflect',
    (a) =>
      tf.pad(
        a,
        [
          [2, 1],
          [1, 2],
        ],
        { mode: 'reflect' },
      ),
    () => [rand([3, 3])],
  ],
  [
    'pad symmetric',
    (a) =>
      tf.pad(
        a,
        [
          [3, 1],
          [0, 2],
        ],
        { mode: 'symmetric' },
      ),
    () => [rand([3, 2])],
  ],
  ['reverse axes [0, 2]', (a) => tf.reverse(a, [0, 2]), () => [rand([2, 2, 3])]],
  [
    'gatherNd repeated rows',
    (a) =>
      tf.gatherNd(a, [
        [1, 0],
        [2, 1],
        [1, 0],
      ]),
    () => [rand([3, 2, 2])],
  ],
  ['scatterNd repeated rows', (u) => tf.scatterNd([[1], [3], [1]], u, [4, 2]), () => [rand([3, 2])]],
  [
    'gather batchDims 1',
    (a) =>
      tf.gather(
        a,
        [
          [2, 0],
          [1, 1],
        ],
        1,
        { batchDims: 1 },
      ),
    () => [rand([2, 3, 2])],
  ],
  [
    'stridedSlice negative stride, shrink',
    (a) => tf.stridedSlice(a, [0, 4, 1], [0, 0, 2], [1, -2, 1], { beginMask: 1, endMask: 1, shrinkAxisMask: 4 }),
    () => [rand([2, 5, 3])],
  ],
  ['stridedSlice stride 3', (a) => tf.stridedSlice(a, [1], [7], [3]), () => [rand([7])]],
  ['identity and clone', (a) => tf.mul(tf.identity(a), tf.clone(a)), () => [rand([3])]],
  // ---- elementwise math and activations (issue 12) ----
  ['sin', (a) => tf.sin(a), () => [rand([5], -3, 3)]],
  ['cos', (a) => tf.cos(a), () => [rand([5], -3, 3)]],
  ['tan', (a) => tf.tan(a), () => [rand([5], -1.2, 1.2)]],
  ['asin', (a) => tf.asin(a), () => [rand([5], -0.8, 0.8)]],
  ['acos', (a) => tf.acos(a), () => [rand([5], -0.8, 0.8)]],
  ['atan', (a) => tf.atan(a), () => [rand([5], -3, 3)]],
  ['sinh', (a) => tf.sinh(a), () => [rand([5], -2, 2)]],
  ['cosh', (a) => tf.cosh(a), () => [rand([5], -2, 2)]],
  ['asinh', (a) => tf.asinh(a), () => [rand([5], -3, 3)]],
  ['acosh', (a) => tf.acosh(a), () => [rand([5], 1.2, 3)]],
  ['atanh', (a) => tf.atanh(a), () => [rand([5], -0.8, 0.8)]],
  ['reciprocal', (a) => tf.reciprocal(a), () => [rand([5], 0.5, 2)]],
  ['rsqrt', (a) => tf.rsqrt(a), () => [rand([5], 0.5, 2)]],
  ['log1p', (a) => tf.log1p(a), () => [rand([5], -0.5, 2)]],
  ['expm1', (a) => tf.expm1(a), () => [rand([5], -2, 2)]],
  ['erf', (a) => tf.erf(a), () => [rand([5], -2, 2)]],
  ['softsign', (a) => tf.softsign(a), () => [awayFromZero([6])]],
  ['elu', (a) => tf.elu(a), () => [awayFromZero([6])]],
  ['selu', (a) => tf.selu(a), () => [awayFromZero([6])]],
  ['relu6', (a) => tf.relu6(tf.mul(a, 4)), () => [tf.tensor([-0.9, -0.2, 0.3, 0.9, 1.3, 1.9])]],
  ['silu', (a) => tf.silu(a), () => [rand([5], -3, 3)]],
  ['gelu', (a) => tf.gelu(a), () => [rand([5], -3, 3)]],
  ['gelu approximate', (a) => tf.gelu(a, { approximate: true }), () => [rand([5], -3, 3)]],
  ['leakyRelu', (a) => tf.leakyRelu(a), () => [awayFromZero([6])]],
  ['prelu (alpha broadcast)', (a, b) => tf.prelu(a, b), () => [awayFromZero([2, 3]), rand([3], 0.1, 0.5)]],
  ['atan2 (broadcast)', (a, b) => tf.atan2(a, b), () => [rand([2, 3]), awayFromZero([3])]],
  // Fixed inputs, each at least 0.1 from a jump of floorMod (a multiple of b): random ones move with the seeds.
  [
    'floorMod (broadcast)',
    (a, b) => tf.floorMod(a, b),
    () => [
      tf.tensor([
        [0.3, 2.0, -2.2],
        [-1.9, 0.5, 2.9],
      ]),
      tf.tensor([0.7, -1.1, 1.3]),
    ],
  ],
  ['squaredDifference (broadcast)', (a, b) => tf.squaredDifference(a, b), () => [rand([2, 3]), rand([3])]],
  ['divNoNan', (a, b) => tf.divNoNan(a, b), () => [rand([2, 3]), rand([3], 0.5, 2)]],
  [
    'round, floor, ceil and floorDiv have no gradient',
    (a) => tf.add(tf.mul(a, 2), tf.add(tf.round(a), tf.add(tf.floor(a), tf.add(tf.ceil(a), tf.floorDiv(a, 0.3))))),
    () => [tf.tensor([-0.83, -0.4, 0.13, 0.74])],
  ],
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
