/**
 * @file Losses by Keras' names (`tf.losses.meanSquaredError`, ...), each returning the mean over the
 * batch as a scalar. Cross-entropies follow Keras 3's formulas: probabilities are clipped to
 * [1e-7, 1 - 1e-7] before the log (Keras' `epsilon()`), and `fromLogits` uses the stable forms
 * (log-softmax with the max shifted out; `max(x, 0) - x·z + log(1 + e^-|x|)` for sigmoids), so a large
 * logit gives a finite loss and gradient instead of `log(0)`. A target of 0 against a probability of
 * 0 (a logit of -Infinity: a masked class) contributes 0, not `0·(-Infinity)` = NaN. Options are checked
 * as Keras checks keyword arguments; integer labels are checked against the number of classes.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { checkLabelRange, sparseLabels } from './labels.js';
import { assertMessageNames, unknownName } from './option-rules.js';

/**
 * Keras' `backend.epsilon()`: the clip applied to probabilities before a log.
 * @example tf.losses.binaryCrossentropy(tf.tensor([[1]]), tf.tensor([[0]])) // -log(EPSILON) ≈ 16.12
 */
export const EPSILON = 1e-7;

/**
 * A loss: `(yTrue, yPred)` → a scalar, the mean over the batch.
 * @example const loss: LossFunction = (yTrue, yPred) => tf.losses.meanSquaredError(yTrue, yPred);
 */
export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * Options of `binaryCrossentropy` and `categoricalCrossentropy`.
 * @example tf.losses.categoricalCrossentropy(yTrue, logits, { fromLogits: true, labelSmoothing: 0.1 })
 */
export interface CrossentropyOptions {
  /** Whether `yPred` holds logits rather than probabilities; default false. */
  readonly fromLogits?: boolean;
  /** Moves targets toward uniform: `y·(1 - s) + s / classes` (binary: `+ s / 2`); default 0. */
  readonly labelSmoothing?: number;
}

/**
 * Options of `sparseCategoricalCrossentropy`.
 * @example tf.losses.sparseCategoricalCrossentropy(labels, logits, { fromLogits: true })
 */
export interface SparseCrossentropyOptions {
  /** Whether `yPred` holds logits rather than probabilities; default false. */
  readonly fromLogits?: boolean;
}

/**
 * Options of the losses that take none (mean squared and absolute error): Keras' `reduction` and
 * `name` are not supported, so any key is refused.
 * @example new tf.losses.MeanSquaredError()
 */
export type RegressionLossOptions = { readonly [key: string]: never };

const CROSSENTROPY_RULES: tf.OptionSchema<CrossentropyOptions> = {
  fromLogits: { kind: 'boolean' },
  labelSmoothing: { kind: 'number', min: 0, max: 1 },
};
const SPARSE_RULES: tf.OptionSchema<SparseCrossentropyOptions> = { fromLogits: { kind: 'boolean' } };
const NO_RULES: tf.OptionSchema<RegressionLossOptions> = {};

/**
 * `a·b`, but 0 where `a` is 0 and `b` infinite (where IEEE 754 gives NaN). The infinite factor is
 * replaced before the product rather than the product after it: a select after would still send the
 * backward pass through `0·Infinity`. Elsewhere both derivatives are the product's own.
 */
function mulNoNan(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const infiniteTimesZero = tf.where(tf.equal(a, 0), tf.equal(tf.abs(b), Infinity), tf.fill(b.shape, false));
  return tf.mul(a, tf.where(infiniteTimesZero, 0, b));
}

function checkPrediction(op: string, yPred: tf.Tensor): void {
  tf.assertLiveTensor(yPred, op, 'yPred');
  if (yPred.dtype !== 'float32') tf.invalidArgument(op, 'yPred', 'a float32 tensor', `a ${yPred.dtype} tensor`);
}

/**
 * `yTrue` as float32 with `yPred`'s shape. A trailing dimension of 1 on either side is matched as Keras
 * squeezes it ([N] against [N, 1]); any other difference is an error naming both shapes (Keras would
 * broadcast some of them silently, which hides a label mix-up).
 */
function alignTargets(op: string, yTrue: tf.Tensor, yPred: tf.Tensor, hint = ''): tf.Tensor {
  tf.assertLiveTensor(yTrue, op, 'yTrue');
  checkPrediction(op, yPred);
  const t = yTrue.shape;
  const p = yPred.shape;
  const squeezable =
    (t.length === p.length - 1 && p[p.length - 1] === 1 && tf.shapesEqual(t, p.slice(0, -1))) ||
    (t.length === p.length + 1 && t[t.length - 1] === 1 && tf.shapesEqual(t.slice(0, -1), p));
  if (!tf.shapesEqual(t, p) && !squeezable) {
    tf.invalidArgument(
      op,
      'yTrue',
      `shape ${tf.formatShape(p)} (the shape of yPred)${hint}`,
      `shape ${tf.formatShape(t)}`,
    );
  }
  return tf.tidy(() => tf.reshape(yTrue.dtype === 'float32' ? yTrue : tf.cast(yTrue, 'float32'), p));
}

/**
 * Mean of `(yTrue - yPred)²` (Keras' `mean_squared_error`, averaged over the batch too).
 * @example tf.losses.meanSquaredError(tf.tensor([[0, 1]]), tf.tensor([[1, 1]])) // 0.5
 */
export function meanSquaredError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.reduceMean(tf.square(tf.sub(alignTargets('meanSquaredError', yTrue, yPred), yPred))));
}

/**
 * Mean of `|yTrue - yPred|`.
 * @example tf.losses.meanAbsoluteError(tf.tensor([[0, 1]]), tf.tensor([[1, 1]])) // 0.5
 */
export function meanAbsoluteError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.reduceMean(tf.abs(tf.sub(alignTargets('meanAbsoluteError', yTrue, yPred), yPred))));
}

/**
 * Binary cross-entropy, averaged over every element: `-(y·log p + (1 - y)·log(1 - p))` with p clipped
 * to [ε, 1 - ε]; with `fromLogits`, TensorFlow's `sigmoid_cross_entropy_with_logits`
 * `max(x, 0) - x·y + log(1 + e^-|x|)`, exact for any logit.
 * @example tf.losses.binaryCrossentropy(tf.tensor([[1]]), tf.tensor([[0.8]])) // -log(0.8) ≈ 0.2231
 */
export function binaryCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor, options: CrossentropyOptions = {}): tf.Tensor {
  const op = 'binaryCrossentropy';
  tf.checkOptions(op, options, CROSSENTROPY_RULES);
  const smoothing = options.labelSmoothing ?? 0;
  return tf.tidy(() => {
    let y = alignTargets(op, yTrue, yPred);
    if (smoothing > 0) y = tf.add(tf.mul(y, 1 - smoothing), 0.5 * smoothing);
    if (options.fromLogits === true) {
      // TensorFlow's selects: max(x, 0) - x·y is x·(1 - y) for x >= 0 and -x·y below, each product
      // 0 when its factor from y is 0, so a logit of ±Infinity with the matching target gives 0, not
      // Infinity - Infinity or 0·Infinity (NaN). The select also gives the exact gradient σ(x) - y at 0.
      const x = yPred;
      const nonNegative = tf.greaterEqual(x, 0);
      const linear = tf.where(nonNegative, mulNoNan(tf.sub(1, y), x), mulNoNan(y, tf.neg(x)));
      const softplusOfNegAbs = tf.log(tf.add(tf.exp(tf.where(nonNegative, tf.neg(x), x)), 1));
      return tf.reduceMean(tf.add(linear, softplusOfNegAbs));
    }
    const p = tf.clipByValue(yPred, EPSILON, 1 - EPSILON);
    const terms = tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p))));
    return tf.neg(tf.reduceMean(terms));
  });
}

/** -Σ y·log p over the last axis, from probabilities (renormalised, clipped) or logits (log-softmax). */
function crossentropyRows(y: tf.Tensor, yPred: tf.Tensor, fromLogits: boolean): tf.Tensor {
  // A logit of -Infinity (a masked class) has log-probability -Infinity; its target is 0, and 0·log 0
  // counts as 0 (mulNoNan), with finite gradients with respect to both.
  if (fromLogits) return tf.neg(tf.reduceSum(mulNoNan(y, tf.logSoftmax(yPred, -1)), -1));
  // Keras 3 renormalises so rows that do not sum to 1 (an un-softmaxed output) still give a distribution.
  const normalised = tf.div(yPred, tf.reduceSum(yPred, -1, true));
  const p = tf.clipByValue(normalised, EPSILON, 1 - EPSILON);
  return tf.neg(tf.reduceSum(tf.mul(y, tf.log(p)), -1));
}

/**
 * Categorical cross-entropy with one-hot (or soft) targets of yPred's shape, averaged over the batch:
 * `-Σ y·log p` over the last axis.
 * @example tf.losses.categoricalCrossentropy(tf.tensor([[0, 1]]), tf.tensor([[0.25, 0.75]])) // -log(0.75)
 */
export function categoricalCrossentropy(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: CrossentropyOptions = {},
): tf.Tensor {
  const op = 'categoricalCrossentropy';
  tf.checkOptions(op, options, CROSSENTROPY_RULES);
  const smoothing = options.labelSmoothing ?? 0;
  checkPrediction(op, yPred);
  if (yPred.rank < 1) tf.invalidArgument(op, 'yPred', 'a tensor of rank >= 1 ([batch, classes])', 'a scalar');
  const hint =
    yTrue instanceof tf.Tensor && yTrue.rank === yPred.rank - 1
      ? '; integer class labels need sparseCategoricalCrossentropy'
      : '';
  return tf.tidy(() => {
    let y = alignTargets(op, yTrue, yPred, hint);
    const classes = yPred.shape[yPred.rank - 1]!;
    if (smoothing > 0) y = tf.add(tf.mul(y, 1 - smoothing), smoothing / classes);
    return tf.reduceMean(crossentropyRows(y, yPred, options.fromLogits === true));
  });
}

/**
 * Categorical cross-entropy with integer class labels: `yTrue` of shape yPred.shape[:-1] (or with a
 * trailing 1), int32 or float32 holding whole numbers. Averaged over the batch. A label outside
 * [0, classes), or not a whole number, is an `InvalidArgumentError` naming it, as TensorFlow's CPU
 * kernel raises, wherever the labels can be read synchronously (cpu); on a backend that reads only
 * asynchronously (WebGPU) such a row's loss is NaN instead, as TensorFlow's GPU kernel gives (and
 * `fit` / `evaluate` read the labels first and raise the same error).
 * @example
 * tf.losses.sparseCategoricalCrossentropy(tf.tensor([1], [1], 'int32'), tf.tensor([[0.25, 0.75]])) // -log(0.75)
 */
export function sparseCategoricalCrossentropy(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: SparseCrossentropyOptions = {},
): tf.Tensor {
  const op = 'sparseCategoricalCrossentropy';
  tf.checkOptions(op, options, SPARSE_RULES);
  tf.assertLiveTensor(yTrue, op, 'yTrue');
  checkPrediction(op, yPred);
  if (yPred.rank < 1) tf.invalidArgument(op, 'yPred', 'a tensor of rank >= 1 ([batch, classes])', 'a scalar');
  const classes = yPred.shape[yPred.rank - 1]!;
  return tf.tidy(() => {
    const labels = sparseLabels(op, yTrue, yPred);
    const valid = checkLabelRange(op, yTrue, labels, classes);
    const rows = crossentropyRows(tf.oneHot(labels, classes), yPred, options.fromLogits === true);
    return tf.reduceMean(valid === null ? rows : tf.where(valid, rows, NaN));
  });
}

/**
 * The losses `compile` takes by name (Keras' camelCase names; `'mse'` and `'mae'` are aliases).
 * @example model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' })
 */
export type LossName =
  | 'meanSquaredError'
  | 'meanAbsoluteError'
  | 'binaryCrossentropy'
  | 'categoricalCrossentropy'
  | 'sparseCategoricalCrossentropy';

/**
 * A loss with its options bound, as Keras' loss classes (`SparseCategoricalCrossentropy(from_logits=True)`).
 * `compile` takes one where a name cannot carry the options; `model.save` writes its config.
 * @example
 * model.compile({ optimizer: 'adam', loss: new tf.losses.SparseCategoricalCrossentropy({ fromLogits: true }) })
 */
export abstract class Loss {
  /** The function's name, as the `compile` string. */
  abstract readonly name: LossName;
  /** Whether predictions are logits (false for the regression losses). */
  readonly fromLogits: boolean;
  /** The options as given. */
  readonly options: CrossentropyOptions;

  /** Checks `options` against the subclass's `rules`; `op` (its class name) names it in errors. */
  protected constructor(
    op: string,
    options: CrossentropyOptions | RegressionLossOptions,
    rules: tf.OptionSchema<Readonly<Record<string, unknown>>>,
  ) {
    tf.checkOptions(op, options, rules);
    this.options = { ...options };
    this.fromLogits = this.options.fromLogits === true;
  }

  /** The loss of a batch: a scalar. */
  abstract call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor;
}

/** `meanSquaredError` as an object. @example new tf.losses.MeanSquaredError().call(yTrue, yPred) */
export class MeanSquaredError extends Loss {
  readonly name = 'meanSquaredError';
  constructor(options: RegressionLossOptions = {}) {
    super('MeanSquaredError', options, NO_RULES);
  }
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return meanSquaredError(yTrue, yPred);
  }
}

/** `meanAbsoluteError` as an object. @example new tf.losses.MeanAbsoluteError() */
export class MeanAbsoluteError extends Loss {
  readonly name = 'meanAbsoluteError';
  constructor(options: RegressionLossOptions = {}) {
    super('MeanAbsoluteError', options, NO_RULES);
  }
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return meanAbsoluteError(yTrue, yPred);
  }
}

/** `binaryCrossentropy` with options bound. @example new tf.losses.BinaryCrossentropy({ fromLogits: true }) */
export class BinaryCrossentropy extends Loss {
  readonly name = 'binaryCrossentropy';
  constructor(options: CrossentropyOptions = {}) {
    super('BinaryCrossentropy', options, CROSSENTROPY_RULES);
  }
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return binaryCrossentropy(yTrue, yPred, this.options);
  }
}

/**
 * `categoricalCrossentropy` with options bound.
 * @example new tf.losses.CategoricalCrossentropy({ labelSmoothing: 0.1 })
 */
export class CategoricalCrossentropy extends Loss {
  readonly name = 'categoricalCrossentropy';
  constructor(options: CrossentropyOptions = {}) {
    super('CategoricalCrossentropy', options, CROSSENTROPY_RULES);
  }
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return categoricalCrossentropy(yTrue, yPred, this.options);
  }
}

/**
 * `sparseCategoricalCrossentropy` with options bound.
 * @example new tf.losses.SparseCategoricalCrossentropy({ fromLogits: true })
 */
export class SparseCategoricalCrossentropy extends Loss {
  readonly name = 'sparseCategoricalCrossentropy';
  constructor(options: SparseCrossentropyOptions = {}) {
    super('SparseCategoricalCrossentropy', options, SPARSE_RULES);
  }
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return sparseCategoricalCrossentropy(yTrue, yPred, this.options);
  }
}

// `get` passes whatever options it was given; each constructor checks them at run time and refuses
// those its loss does not take (MeanSquaredError refuses `fromLogits`), hence the casts.
const CLASSES: Readonly<Record<LossName, (options: CrossentropyOptions) => Loss>> = {
  meanSquaredError: (options) => new MeanSquaredError(options as RegressionLossOptions),
  meanAbsoluteError: (options) => new MeanAbsoluteError(options as RegressionLossOptions),
  binaryCrossentropy: (options) => new BinaryCrossentropy(options),
  categoricalCrossentropy: (options) => new CategoricalCrossentropy(options),
  sparseCategoricalCrossentropy: (options) => new SparseCategoricalCrossentropy(options),
};

const ALIASES: Readonly<Record<string, LossName>> = { mse: 'meanSquaredError', mae: 'meanAbsoluteError' };

/**
 * The names `get` accepts, in the order messages list them.
 * @example LOSS_NAMES.includes('mse') // true
 */
export const LOSS_NAMES: readonly string[] = [...Object.keys(CLASSES), ...Object.keys(ALIASES)];

/**
 * The loss object for a Keras name (with `options`), or a Loss returned as is. An unknown name is an
 * `InvalidArgumentError` naming `op`'s `argument` and the nearest name.
 * @example tf.losses.get('sparseCategoricalCrossentropy', { fromLogits: true })
 */
export function get(
  identifier: LossName | 'mse' | 'mae' | Loss,
  options: CrossentropyOptions = {},
  op = 'losses.get',
  argument = 'loss',
): Loss {
  assertMessageNames(op, argument, 'losses.get');
  if (identifier instanceof Loss) return identifier;
  const name =
    typeof identifier === 'string'
      ? Object.hasOwn(ALIASES, identifier)
        ? ALIASES[identifier]
        : identifier
      : undefined;
  if (name !== undefined && Object.hasOwn(CLASSES, name)) return CLASSES[name as LossName](options);
  return unknownName(op, argument, LOSS_NAMES, identifier, 'a Loss or a function');
}
