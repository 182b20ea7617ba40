/**
 * @file `compile`'s arguments resolved into what `fit` / `evaluate` run: an optimizer (a Keras string
 * makes one the model owns and disposes), a loss (a name, a Loss object or a function) and metrics
 * (`'accuracy'` resolved per batch from the shapes, as Keras does).
 */

import * as tf from '@tapeflow/tensor-core/internal';
import * as losses from '../losses.js';
import * as metrics from '../metrics.js';
import * as optimizers from '../optimizers/index.js';
import { unknownName } from '../option-rules.js';

const isFunction = (value: unknown): boolean => typeof value === 'function';

const COMPILE_RULES: tf.OptionSchema<CompileArgs> = {
  optimizer: {
    kind: 'custom',
    check: (value) =>
      value instanceof optimizers.Optimizer || typeof value === 'string'
        ? undefined
        : "an optimizer name ('adam', ...) or an Optimizer",
  },
  loss: {
    kind: 'custom',
    check: (value) =>
      value instanceof losses.Loss || typeof value === 'string' || isFunction(value)
        ? undefined
        : "a loss name ('mse', ...), a Loss or a function",
  },
  metrics: {
    kind: 'custom',
    check: (value) => (Array.isArray(value) ? undefined : "an array of metric names ('accuracy', ...) or functions"),
  },
};

/**
 * What `compile`'s `loss` takes: a Keras name, a Loss object (to bind options such as `fromLogits`)
 * or a function `(yTrue, yPred) => scalar`.
 * @example
 * model.compile({ optimizer: 'adam', loss: new tf.losses.SparseCategoricalCrossentropy({ fromLogits: true }) })
 */
export type LossIdentifier = losses.LossName | 'mse' | 'mae' | losses.Loss | losses.LossFunction;

/**
 * What `compile`'s `metrics` list takes: Keras names or functions `(yTrue, yPred) => scalar`.
 * @example model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] })
 */
export type MetricIdentifier = metrics.MetricName | metrics.MetricFunction;

/**
 * The arguments of `model.compile` (Keras' `compile`).
 * @example model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] })
 */
export interface CompileArgs {
  /** An Optimizer (yours to dispose) or a Keras name (the model's, disposed with it); default `'rmsprop'` as Keras. */
  readonly optimizer?: optimizers.Optimizer | optimizers.OptimizerName;
  /** The loss minimised. */
  readonly loss: LossIdentifier;
  /** Reported in the progress bar, the history and `evaluate`; default none. */
  readonly metrics?: readonly MetricIdentifier[];
}

/** One metric as `fit` runs it: its history key and the function for a batch's shapes. */
export interface CompiledMetric {
  /** The history key: the name given (`'accuracy'`), or a function's name. */
  readonly name: string;
  /** The metric for targets and predictions of these shapes. */
  readonly resolve: (targetShape: readonly number[], predictionShape: readonly number[]) => metrics.MetricFunction;
  /** The identifier given, when it is a name (saved in `model.json`). */
  readonly identifier: string | null;
}

/** `compile`'s arguments, resolved. */
export interface Compiled {
  readonly optimizer: optimizers.Optimizer;
  /** Whether the model made the optimizer from a string (and so disposes it). */
  readonly ownsOptimizer: boolean;
  readonly loss: losses.LossFunction;
  /** The loss's Keras name, or null for a user function. */
  readonly lossName: losses.LossName | null;
  /** The Loss object's options (fromLogits, labelSmoothing), for saving. */
  readonly lossOptions: losses.CrossentropyOptions;
  readonly metrics: readonly CompiledMetric[];
}

function resolveLoss(identifier: LossIdentifier): Pick<Compiled, 'loss' | 'lossName' | 'lossOptions'> {
  if (typeof identifier === 'function') return { loss: identifier, lossName: null, lossOptions: {} };
  const loss = losses.get(identifier, {}, 'compile', 'args.loss');
  return { loss: (yTrue, yPred) => loss.call(yTrue, yPred), lossName: loss.name, lossOptions: loss.options };
}

function resolveMetric(
  identifier: MetricIdentifier,
  index: number,
  lossName: losses.LossName | null,
  fromLogits: boolean,
): CompiledMetric {
  if (typeof identifier === 'function') {
    const name = identifier.name === '' ? `metric_${index}` : identifier.name;
    return { name, resolve: () => identifier, identifier: null };
  }
  if (identifier === 'accuracy' || identifier === 'acc') {
    // A logit of 0 is the probability 0.5: threshold logits at 0 (Keras keeps 0.5, misreading them).
    const threshold = lossName === 'binaryCrossentropy' && fromLogits ? 0 : 0.5;
    return { name: identifier, resolve: (t, p) => metrics.accuracyFor(t, p, threshold), identifier };
  }
  if (typeof identifier !== 'string')
    unknownName('compile', `args.metrics[${index}]`, metrics.METRIC_NAMES, identifier, 'a function');
  const fn = metrics.get(identifier, 'compile', `args.metrics[${index}]`);
  return { name: identifier, resolve: () => fn, identifier };
}

/**
 * Resolves `compile`'s arguments, checking them all before anything is made.
 * @example const compiled = resolveCompileArgs({ optimizer: 'adam', loss: 'mse' });
 */
export function resolveCompileArgs(args: CompileArgs): Compiled {
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    tf.invalidArgument('compile', 'args', '{ optimizer, loss, metrics }', tf.describeValue(args));
  tf.checkOptions('compile', args, COMPILE_RULES, 'args');
  if (args.loss === undefined)
    tf.invalidArgument('compile', 'args.loss', `a loss name, a Loss or a function`, 'undefined');
  const loss = resolveLoss(args.loss);
  const fromLogits = args.loss instanceof losses.Loss && args.loss.fromLogits;
  const list = args.metrics ?? [];
  const compiledMetrics = list.map((m, i) => resolveMetric(m, i, loss.lossName, fromLogits));
  const names = compiledMetrics.map((m) => m.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined)
    tf.invalidArgument(
      'compile',
      'args.metrics',
      'distinct metric names (they are history keys)',
      `'${duplicate}' twice`,
    );
  if (names.includes('loss'))
    tf.invalidArgument(
      'compile',
      'args.metrics',
      "names other than 'loss' (the history's loss key)",
      "a metric named 'loss'",
    );
  const identifier = args.optimizer ?? 'rmsprop';
  const ownsOptimizer = !(identifier instanceof optimizers.Optimizer);
  const optimizer = optimizers.get(identifier, {}, 'compile', 'args.optimizer');
  return { optimizer, ownsOptimizer, ...loss, metrics: compiledMetrics };
}
