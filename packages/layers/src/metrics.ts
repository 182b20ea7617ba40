/**
 * @file Metrics by Keras' names (`tf.metrics.sparseCategoricalAccuracy`, ...): each returns the mean
 * over the batch as a scalar, which `fit` and `evaluate` average over an epoch weighted by batch size
 * (as Keras' MeanMetricWrapper does). `'accuracy'` in `compile` resolves to one of the three
 * accuracies by the shapes of targets and predictions, as Keras does.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { sparseLabels } from './labels.js';
import * as losses from './losses.js';
import { assertMessageNames, unknownName } from './option-rules.js';

/**
 * A metric: `(yTrue, yPred)` → a scalar, the batch mean.
 * @example const metric: MetricFunction = tf.metrics.categoricalAccuracy;
 */
export type MetricFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * The fraction of predictions on the right side of `threshold` (default 0.5) for 0/1 targets.
 * @example tf.metrics.binaryAccuracy(tf.tensor([[1], [0]]), tf.tensor([[0.9], [0.8]])) // 0.5
 */
export function binaryAccuracy(yTrue: tf.Tensor, yPred: tf.Tensor, threshold = 0.5): tf.Tensor {
  tf.assertLiveTensor(yTrue, 'binaryAccuracy', 'yTrue');
  tf.assertLiveTensor(yPred, 'binaryAccuracy', 'yPred');
  if (typeof threshold !== 'number' || Number.isNaN(threshold))
    tf.invalidArgument('binaryAccuracy', 'threshold', 'a number', tf.describeValue(threshold));
  return tf.tidy(() => {
    const predicted = tf.cast(tf.greater(yPred, threshold), 'float32');
    const target = tf.reshape(tf.cast(yTrue, 'float32'), yTrue.size === yPred.size ? yPred.shape : yTrue.shape);
    return tf.reduceMean(tf.cast(tf.equal(target, predicted), 'float32'));
  });
}

/**
 * The fraction of rows whose largest prediction is at the target's largest entry (one-hot targets).
 * @example tf.metrics.categoricalAccuracy(tf.tensor([[0, 1]]), tf.tensor([[0.3, 0.7]])) // 1
 */
export function categoricalAccuracy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  tf.assertLiveTensor(yTrue, 'categoricalAccuracy', 'yTrue');
  tf.assertLiveTensor(yPred, 'categoricalAccuracy', 'yPred');
  if (!tf.shapesEqual(yTrue.shape, yPred.shape)) {
    tf.invalidArgument(
      'categoricalAccuracy',
      'yTrue',
      `shape ${tf.formatShape(yPred.shape)} (the shape of yPred)`,
      `shape ${tf.formatShape(yTrue.shape)}`,
    );
  }
  return tf.tidy(() => tf.reduceMean(tf.cast(tf.equal(tf.argMax(yTrue, -1), tf.argMax(yPred, -1)), 'float32')));
}

/**
 * The fraction of rows whose largest prediction is at the integer label.
 * @example tf.metrics.sparseCategoricalAccuracy(tf.tensor([1], [1], 'int32'), tf.tensor([[0.3, 0.7]])) // 1
 */
export function sparseCategoricalAccuracy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  tf.assertLiveTensor(yTrue, 'sparseCategoricalAccuracy', 'yTrue');
  tf.assertLiveTensor(yPred, 'sparseCategoricalAccuracy', 'yPred');
  return tf.tidy(() => {
    const labels = sparseLabels('sparseCategoricalAccuracy', yTrue, yPred);
    return tf.reduceMean(tf.cast(tf.equal(labels, tf.argMax(yPred, -1)), 'float32'));
  });
}

/**
 * Mean squared error as a metric.
 * @example tf.metrics.meanSquaredError(yTrue, yPred)
 */
export function meanSquaredError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return losses.meanSquaredError(yTrue, yPred);
}

/**
 * Mean absolute error as a metric.
 * @example tf.metrics.meanAbsoluteError(yTrue, yPred)
 */
export function meanAbsoluteError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return losses.meanAbsoluteError(yTrue, yPred);
}

/**
 * The metrics `compile` takes by name. `'accuracy'` (or `'acc'`) picks binary, categorical or sparse
 * categorical accuracy from the shapes, as Keras does; the others are explicit.
 * @example model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] })
 */
export type MetricName =
  | 'accuracy'
  | 'acc'
  | 'binaryAccuracy'
  | 'categoricalAccuracy'
  | 'sparseCategoricalAccuracy'
  | 'meanSquaredError'
  | 'mse'
  | 'meanAbsoluteError'
  | 'mae';

const BY_NAME: Readonly<Record<Exclude<MetricName, 'accuracy' | 'acc'>, MetricFunction>> = {
  binaryAccuracy: (yTrue, yPred) => binaryAccuracy(yTrue, yPred),
  categoricalAccuracy,
  sparseCategoricalAccuracy,
  meanSquaredError,
  mse: meanSquaredError,
  meanAbsoluteError,
  mae: meanAbsoluteError,
};

/**
 * The names `get` accepts, in the order messages list them.
 * @example METRIC_NAMES.includes('accuracy') // true
 */
export const METRIC_NAMES: readonly MetricName[] = ['accuracy', 'acc', ...(Object.keys(BY_NAME) as MetricName[])];

/**
 * Keras' choice for `'accuracy'`: binary when predictions have one column, sparse categorical when
 * targets have one dimension fewer than predictions (or a last dimension of 1 against several
 * classes), categorical otherwise. `binaryThreshold` is 0 for a loss on logits (Keras keeps 0.5
 * there, which misreads logits; a logit of 0 is the probability 0.5).
 * @example tf.metrics.accuracyFor([32], [32, 10]) // sparseCategoricalAccuracy
 */
export function accuracyFor(
  targetShape: readonly number[],
  predictionShape: readonly number[],
  binaryThreshold = 0.5,
): MetricFunction {
  tf.assertValidShape('metrics.accuracyFor', targetShape, 'targetShape');
  tf.assertValidShape('metrics.accuracyFor', predictionShape, 'predictionShape');
  if (typeof binaryThreshold !== 'number' || !(binaryThreshold >= 0 && binaryThreshold <= 1)) {
    tf.invalidArgument(
      'metrics.accuracyFor',
      'binaryThreshold',
      'a number in [0, 1]',
      tf.describeValue(binaryThreshold),
    );
  }
  const predictionLast = predictionShape[predictionShape.length - 1];
  const targetLast = targetShape[targetShape.length - 1];
  if (predictionLast === 1) return (yTrue, yPred) => binaryAccuracy(yTrue, yPred, binaryThreshold);
  const sparse = targetShape.length < predictionShape.length || (targetLast === 1 && (predictionLast ?? 0) > 1);
  return sparse ? sparseCategoricalAccuracy : categoricalAccuracy;
}

/**
 * The metric for a name other than `'accuracy'` (which needs shapes: see `accuracyFor`). An unknown
 * name is an `InvalidArgumentError` naming `op`'s `argument` and the nearest name.
 * @example tf.metrics.get('mae')
 */
export function get(
  name: Exclude<MetricName, 'accuracy' | 'acc'>,
  op = 'metrics.get',
  argument = 'metric',
): MetricFunction {
  assertMessageNames(op, argument, 'metrics.get');
  if (typeof name === 'string' && Object.hasOwn(BY_NAME, name)) return BY_NAME[name];
  return unknownName(op, argument, METRIC_NAMES, name, 'a function');
}
