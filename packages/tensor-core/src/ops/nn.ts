/**
 * @file The `tf.nn` namespace (TensorFlow's `tf.nn`): the activations and pooling ops re-exported under
 * their TensorFlow names, plus the composites that only live here (batch normalization, moments, L2
 * normalization, dropout, embedding lookup, the three cross-entropies with logits). Each composite is
 * built from recorded ops, so its gradient is the composite's, on every backend. Adding a name to the
 * namespace is one export line below (other groups add theirs at merge time).
 */

import { getEngine } from '../engine.js';
import { formatShape, invalidArgument } from '../errors.js';
import { checkInputDtype } from '../op-specs.js';
import { checkOptions } from '../options.js';
import type { OptionSchema } from '../options.js';
import { uniform } from '../random.js';
import { normalizeAxes, normalizeAxis, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { TensorLike } from '../tensor.js';
import { logSoftmax } from './activations.js';
import { assertLiveTensor, convertToTensor, describeValue } from './convert.js';
import {
  abs,
  add,
  cast,
  div,
  greaterEqual,
  maximum,
  mul,
  neg,
  relu,
  softplus,
  sqrt,
  square,
  sub,
} from './elementwise.js';
import { reduceMean, reduceSum } from './reduction.js';
import { gather, oneHot, squeeze } from './shape-ops.js';
import type { IndexValues } from './shape-ops.js';
import { valuesToHost } from './values.js';

// ---- the names tf.nn shares with the top level (one line per name) ----------------------------------
export { relu, sigmoid, softplus, tanh } from './elementwise.js';
export { logSoftmax, softmax } from './activations.js';
export { avgPool2d, maxPool2d } from './pooling.js';
export { elu, gelu, leakyRelu, relu6, selu, silu, softsign } from './elementwise-math.js';
export { conv1d, conv2d, conv2dTranspose, depthwiseConv2d } from './convolution.js';

// ---- the composites -----------------------------------------------------------------------------------

/** `value` as a float32 tensor for composite `op`, or refuses it naming `argument`. */
function floatOperand(value: TensorLike, op: string, argument: string): Tensor {
  const t = convertToTensor(value, op, argument);
  if (t.dtype !== 'float32') {
    if (t !== value) t.dispose();
    invalidArgument(op, argument, 'a float32 tensor', `a ${t.dtype} tensor`);
  }
  return t;
}

/** Runs `body` on converted float32 operands inside one tidy, disposing what was converted. */
function withFloats<T>(op: string, operands: Readonly<Record<string, TensorLike>>, body: (t: Tensor[]) => T): T {
  const converted: Tensor[] = [];
  try {
    for (const [argument, value] of Object.entries(operands)) converted.push(floatOperand(value, op, argument));
    return body(converted);
  } finally {
    converted.forEach((t, i) => {
      if (t !== Object.values(operands)[i]) t.dispose();
    });
  }
}

/**
 * `scale * (x - mean) / sqrt(variance + varianceEpsilon) + offset`, every operand broadcasting against
 * `x`; `offset` and `scale` may be null (TensorFlow's `tf.nn.batch_normalization`: `None`).
 * @example tf.nn.batchNormalization(tf.tensor([1, 3]), 2, 1, null, null, 0) // [-1, 1]
 */
export function batchNormalization(
  x: TensorLike,
  mean: TensorLike,
  variance: TensorLike,
  offset: TensorLike | null,
  scale: TensorLike | null,
  varianceEpsilon: number,
): Tensor {
  const op = 'batchNormalization';
  if (typeof varianceEpsilon !== 'number' || !(varianceEpsilon >= 0))
    invalidArgument(op, 'varianceEpsilon', 'a non-negative number', describeValue(varianceEpsilon));
  const operands: Record<string, TensorLike> = { x, mean, variance };
  if (offset !== null && offset !== undefined) operands.offset = offset;
  if (scale !== null && scale !== undefined) operands.scale = scale;
  return withFloats(op, operands, ([tx, tMean, tVariance, ...rest]) => {
    const tOffset = offset !== null && offset !== undefined ? rest.shift() : undefined;
    const tScale = rest.shift();
    return getEngine().tidy(() => {
      let inverse = div(1, sqrt(add(tVariance!, varianceEpsilon)));
      if (tScale !== undefined) inverse = mul(inverse, tScale);
      const shift = tOffset !== undefined ? sub(tOffset, mul(tMean!, inverse)) : neg(mul(tMean!, inverse));
      return add(mul(tx!, inverse), shift);
    });
  });
}

/** Options of `moments`. */
export interface MomentsOptions {
  /** Keep the reduced axes with size 1; default false. */
  readonly keepDims?: boolean;
}

const MOMENTS_OPTIONS: OptionSchema<MomentsOptions> = { keepDims: { kind: 'boolean' } };

/**
 * The mean and (population) variance of `x` over `axes` (TensorFlow's `tf.nn.moments`).
 * @example tf.nn.moments(tf.tensor([1, 2, 3, 4]), [0]) // { mean: 2.5, variance: 1.25 }
 */
export function moments(
  x: TensorLike,
  axes: number | readonly number[],
  options: MomentsOptions = {},
): { mean: Tensor; variance: Tensor } {
  const op = 'moments';
  checkOptions(op, options, MOMENTS_OPTIONS);
  const keepDims = options.keepDims ?? false;
  return withFloats(op, { x }, ([tx]) => {
    const normalized = normalizeAxes(op, axes, tx!.rank);
    return getEngine().tidy(() => {
      const mean = reduceMean(tx!, normalized, true);
      const variance = reduceMean(square(sub(tx!, mean)), normalized, true);
      if (keepDims) return { mean, variance };
      return { mean: squeeze(mean, normalized), variance: squeeze(variance, normalized) };
    });
  });
}

/**
 * `x / sqrt(max(sum(x²), 1e-12))` over `axis` (default: every axis), TensorFlow's
 * `tf.math.l2_normalize` with its epsilon on the squared sum.
 * @example tf.nn.l2Normalize(tf.tensor([3, 4])) // [0.6, 0.8]
 */
export function l2Normalize(x: TensorLike, axis?: number | readonly number[]): Tensor {
  const op = 'l2Normalize';
  return withFloats(op, { x }, ([tx]) => {
    const normalized = axis === undefined ? undefined : normalizeAxes(op, axis, tx!.rank);
    return getEngine().tidy(() => {
      const squaredSum = reduceSum(square(tx!), normalized, true);
      return div(tx!, sqrt(maximum(squaredSum, 1e-12)));
    });
  });
}

/** Options of `dropout`. */
export interface DropoutOptions {
  /** An op seed: the same seed gives the same mask on every backend (TensorFlow's seed rules). */
  readonly seed?: number;
}

const DROPOUT_OPTIONS: OptionSchema<DropoutOptions> = { seed: { kind: 'number', integer: true } };

/**
 * Zeroes each element of `x` with probability `rate` and scales the others by `1 / (1 - rate)`, so the
 * expected sum is unchanged (TensorFlow's `tf.nn.dropout`). `rate` in [0, 1). The mask comes from
 * tensor-core's seeded random (drawn on the host), so a seed gives the same mask on every backend.
 * @example tf.nn.dropout(tf.ones([4]), 0.5, { seed: 1 }) // e.g. [2, 0, 2, 0]
 */
export function dropout(x: TensorLike, rate: number, options: DropoutOptions = {}): Tensor {
  const op = 'dropout';
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1))
    invalidArgument(op, 'rate', 'a number in [0, 1)', describeValue(rate));
  checkOptions(op, options, DROPOUT_OPTIONS);
  return withFloats(op, { x }, ([tx]) =>
    getEngine().tidy(() => {
      const draw = uniform(tx!.shape, options.seed === undefined ? {} : { seed: options.seed });
      const keep = cast(greaterEqual(draw, rate), 'float32');
      return mul(tx!, mul(keep, 1 / (1 - rate)));
    }),
  );
}

/**
 * The rows of `params` at `ids` (TensorFlow's `tf.nn.embedding_lookup` with one params tensor): a
 * gather on axis 0, whose gradient is accumulated with `unsortedSegmentSum`.
 * @example tf.nn.embeddingLookup(tf.tensor([[1, 2], [3, 4]]), [1, 1]) // [[3, 4], [3, 4]]
 */
export function embeddingLookup(params: Tensor, ids: Tensor | IndexValues): Tensor {
  assertLiveTensor(params, 'embeddingLookup', 'params');
  if (params.rank < 1)
    invalidArgument('embeddingLookup', 'params', 'a tensor of rank >= 1', `shape ${formatShape(params.shape)}`);
  return gather(params, ids, 0);
}

function checkSameShape(op: string, labels: Tensor, logits: Tensor): void {
  if (!shapesEqual(labels.shape, logits.shape))
    invalidArgument(
      op,
      'labels',
      `the shape of logits ${formatShape(logits.shape)}`,
      `shape ${formatShape(labels.shape)}`,
    );
}

/**
 * Per-example `-sum(labels * logSoftmax(logits))` along `axis` (default last): the axis is removed
 * (TensorFlow's `tf.nn.softmax_cross_entropy_with_logits`; differentiable in both arguments).
 * @example tf.nn.softmaxCrossEntropyWithLogits(tf.tensor([[0, 1]]), tf.tensor([[0, 0]])) // [0.6931472]
 */
export function softmaxCrossEntropyWithLogits(labels: TensorLike, logits: TensorLike, axis = -1): Tensor {
  const op = 'softmaxCrossEntropyWithLogits';
  return withFloats(op, { labels, logits }, ([tLabels, tLogits]) => {
    checkSameShape(op, tLabels!, tLogits!);
    const normalized = normalizeAxis(op, axis, tLogits!.rank);
    return getEngine().tidy(() => neg(reduceSum(mul(tLabels!, logSoftmax(tLogits!, normalized)), normalized)));
  });
}

/** Checks class ids against `[0, classes)` wherever they can be read synchronously (TF's CPU check). */
function checkClassIds(op: string, ids: Tensor, classes: number): void {
  const { backend, dataId } = ids.storage;
  if (backend.readSync === undefined) return;
  const values = backend.readSync(dataId);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= classes)
      invalidArgument(op, 'labels', `class ids in [0, ${classes}) (the last dim of logits)`, `labels[${i}] = ${v}`);
  }
}

/**
 * Per-example `-logSoftmax(logits)[label]`: `labels` int32 class ids of shape `logits.shape[:-1]`, each
 * in [0, classes) (TensorFlow's `tf.nn.sparse_softmax_cross_entropy_with_logits`; no gradient for the
 * labels).
 * @example tf.nn.sparseSoftmaxCrossEntropyWithLogits([1], tf.tensor([[0, 0]])) // [0.6931472]
 */
export function sparseSoftmaxCrossEntropyWithLogits(labels: Tensor | IndexValues, logits: TensorLike): Tensor {
  const op = 'sparseSoftmaxCrossEntropyWithLogits';
  const ids = labels instanceof Tensor ? labels : toIds(op, labels);
  try {
    assertLiveTensor(ids, op, 'labels');
    checkInputDtype(op, 'OneHot', 'indices', ids.dtype, 'labels');
    return withFloats(op, { logits }, ([tLogits]) => {
      const classes = tLogits!.shape[tLogits!.rank - 1];
      if (classes === undefined || !shapesEqual(ids.shape, tLogits!.shape.slice(0, -1)))
        invalidArgument(
          op,
          'labels',
          `shape ${tLogits!.rank === 0 ? 'of logits without its last dim (logits of rank >= 1)' : formatShape(tLogits!.shape.slice(0, -1))} (logits' shape ${formatShape(tLogits!.shape)} without its last dim)`,
          `shape ${formatShape(ids.shape)}`,
        );
      checkClassIds(op, ids, classes);
      return getEngine().tidy(() => neg(reduceSum(mul(oneHot(ids, classes), logSoftmax(tLogits!)), -1)));
    });
  } finally {
    if (ids !== labels) ids.dispose();
  }
}

function toIds(op: string, labels: IndexValues): Tensor {
  if (typeof labels !== 'number' && !Array.isArray(labels))
    invalidArgument(op, 'labels', 'an int32 Tensor, an integer, or (nested) arrays of integers', describeValue(labels));
  // Every element checked to be an integer in int32's range, as gather's indices are.
  const host = valuesToHost(labels, undefined, 'int32', op, 'labels', false);
  return getEngine().makeTensor(host.values, host.shape, 'int32');
}

/**
 * Per-element `max(x, 0) - x * z + log(1 + exp(-|x|))` for logits x and labels z of the same shape:
 * the logistic loss without overflow (TensorFlow's `tf.nn.sigmoid_cross_entropy_with_logits`).
 * @example tf.nn.sigmoidCrossEntropyWithLogits(tf.tensor([1]), tf.tensor([0])) // [0.6931472]
 */
export function sigmoidCrossEntropyWithLogits(labels: TensorLike, logits: TensorLike): Tensor {
  const op = 'sigmoidCrossEntropyWithLogits';
  return withFloats(op, { labels, logits }, ([tLabels, tLogits]) => {
    checkSameShape(op, tLabels!, tLogits!);
    return getEngine().tidy(() => add(sub(relu(tLogits!), mul(tLogits!, tLabels!)), softplus(neg(abs(tLogits!)))));
  });
}
