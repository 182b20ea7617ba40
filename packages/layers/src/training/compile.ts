/**
 * @file `compile`'s arguments resolved into what `fit` / `evaluate` run: an optimizer (a Keras string
 * makes one the model owns and disposes), a loss (a name, a Loss object or a function) and metrics
 * (`'accuracy'` resolved per batch from the shapes, as Keras does). A model with several outputs
 * takes one loss for all of them, an array (one per output) or a record keyed by output name, with
 * `lossWeights` and per-output metrics likewise (Keras); its history keys are `loss` (the weighted
 * sum), `<output>_loss` and `<output>_<metric>`.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import * as losses from '../losses.js';
import * as metrics from '../metrics.js';
import * as optimizers from '../optimizers/index.js';
import { unknownName } from '../option-rules.js';

const isFunction = (value: unknown): boolean => typeof value === 'function';

const isLossIdentifier = (value: unknown): boolean =>
  value instanceof losses.Loss || typeof value === 'string' || isFunction(value);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof losses.Loss);

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
      isLossIdentifier(value) ||
      (Array.isArray(value) && value.every(isLossIdentifier)) ||
      (isRecord(value) && Object.values(value).every(isLossIdentifier))
        ? undefined
        : "a loss name ('mse', ...), a Loss or a function (or an array / a record by output name of them)",
  },
  metrics: {
    kind: 'custom',
    check: (value) =>
      Array.isArray(value) || (isRecord(value) && Object.values(value).every(Array.isArray))
        ? undefined
        : "an array of metric names ('accuracy', ...) or functions (or one array per output, as an array or a record by output name)",
  },
  lossWeights: {
    kind: 'custom',
    check: (value) =>
      (Array.isArray(value) && value.every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0)) ||
      (isRecord(value) && Object.values(value).every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0))
        ? undefined
        : 'an array or a record by output name of finite numbers >= 0',
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
  /**
   * The loss minimised. A model with several outputs: one loss for every output, an array (one per
   * output, in order) or a record keyed by output name (every output named).
   */
  readonly loss: LossIdentifier | readonly LossIdentifier[] | Readonly<Record<string, LossIdentifier>>;
  /**
   * Reported in the progress bar, the history and `evaluate`; default none. A model with several
   * outputs: one list for every output, a list per output, or a record of lists by output name.
   */
  readonly metrics?:
    | readonly MetricIdentifier[]
    | readonly (readonly MetricIdentifier[])[]
    | Readonly<Record<string, readonly MetricIdentifier[]>>;
  /**
   * The weight of each output's loss in the loss minimised (Keras' `loss_weights`): an array in output
   * order or a record by output name (missing names weigh 1); default 1 each.
   */
  readonly lossWeights?: readonly number[] | Readonly<Record<string, number>>;
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

/** One output's loss, weight and metrics. */
export interface CompiledOutput {
  /** The output's name (the layer producing it); history keys use it when there are several outputs. */
  readonly name: string;
  readonly loss: losses.LossFunction;
  readonly lossName: losses.LossName | null;
  readonly lossOptions: losses.CrossentropyOptions;
  /** Its loss's weight in the total (`lossWeights`), default 1. */
  readonly weight: number;
  readonly metrics: readonly CompiledMetric[];
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
  /** One entry per model output (the first is `loss` / `metrics` above). */
  readonly outputs: readonly CompiledOutput[];
  /** The history keys of what each batch reports, in order: `loss`, then per-output losses, then metrics. */
  readonly valueNames: readonly string[];
}

function resolveLoss(
  identifier: LossIdentifier,
  argument = 'args.loss',
): Pick<Compiled, 'loss' | 'lossName' | 'lossOptions'> {
  if (typeof identifier === 'function') return { loss: identifier, lossName: null, lossOptions: {} };
  const loss = losses.get(identifier, {}, 'compile', argument);
  return { loss: (yTrue, yPred) => loss.call(yTrue, yPred), lossName: loss.name, lossOptions: loss.options };
}

function resolveMetric(
  identifier: MetricIdentifier,
  index: number,
  lossName: losses.LossName | null,
  fromLogits: boolean,
  argument = 'args.metrics',
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
    unknownName('compile', `${argument}[${index}]`, metrics.METRIC_NAMES, identifier, 'a function');
  const fn = metrics.get(identifier, 'compile', `${argument}[${index}]`);
  return { name: identifier, resolve: () => fn, identifier };
}

/**
 * One value per output from a compile argument given once for all, as an array in output order or as a
 * record keyed by output name; `fallback` fills outputs a record leaves out (undefined: all are needed).
 */
function perOutput<T>(
  argument: string,
  value: T | readonly T[] | Readonly<Record<string, T>>,
  names: readonly string[],
  isOne: (v: unknown) => boolean,
  fallback?: T,
): { value: T; argument: string }[] {
  if (isOne(value)) return names.map(() => ({ value: value as T, argument }));
  const list = names.map((n) => `'${n}'`).join(', ');
  if (Array.isArray(value)) {
    if (value.length !== names.length)
      tf.invalidArgument(
        'compile',
        argument,
        `one entry per model output (${names.length}: [${list}])`,
        `${value.length}`,
      );
    return (value as readonly T[]).map((v, i) => ({ value: v, argument: `${argument}[${i}]` }));
  }
  const record = value as Readonly<Record<string, T>>;
  const unknown = Object.keys(record).filter((k) => !names.includes(k));
  if (unknown.length > 0)
    tf.invalidArgument(
      'compile',
      argument,
      `keys among the output names [${list}]`,
      `the key(s) ${unknown.map((k) => `'${k}'`).join(', ')}`,
    );
  return names.map((name) => {
    if (Object.hasOwn(record, name)) return { value: record[name]!, argument: `${argument}.${name}` };
    if (fallback === undefined)
      tf.invalidArgument('compile', argument, `an entry for every output [${list}]`, `none for '${name}'`);
    return { value: fallback, argument: `${argument}.${name}` };
  });
}

function checkMetricNames(names: readonly string[], argument: string): void {
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined)
    tf.invalidArgument('compile', argument, 'distinct metric names (they are history keys)', `'${duplicate}' twice`);
  if (names.includes('loss'))
    tf.invalidArgument(
      'compile',
      argument,
      "names other than 'loss' (the history's loss key)",
      "a metric named 'loss'",
    );
}

/**
 * Resolves `compile`'s arguments for a model whose outputs are `outputNames` (one name for a
 * single-output model), checking them all before anything is made.
 * @example const compiled = resolveCompileArgs({ optimizer: 'adam', loss: 'mse' }, ['dense']);
 */
export function resolveCompileArgs(args: CompileArgs, outputNames: readonly string[] = ['output']): Compiled {
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    tf.invalidArgument('compile', 'args', '{ optimizer, loss, metrics }', tf.describeValue(args));
  tf.checkOptions('compile', args, COMPILE_RULES, 'args');
  if (args.loss === undefined)
    tf.invalidArgument('compile', 'args.loss', `a loss name, a Loss or a function`, 'undefined');
  const single = outputNames.length === 1;
  if (single && !isLossIdentifier(args.loss) && !Array.isArray(args.loss) && !isRecord(args.loss))
    tf.invalidArgument('compile', 'args.loss', 'a loss name, a Loss or a function', tf.describeValue(args.loss));
  const lossEntries = perOutput<LossIdentifier>('args.loss', args.loss, outputNames, isLossIdentifier);
  const weights = perOutput<number>(
    'args.lossWeights',
    args.lossWeights ?? 1,
    outputNames,
    (v) => typeof v === 'number',
    1,
  );
  const metricList = args.metrics ?? [];
  const perOutputMetrics =
    Array.isArray(metricList) && metricList.length > 0 && metricList.every(Array.isArray)
      ? perOutput<readonly MetricIdentifier[]>('args.metrics', metricList, outputNames, () => false)
      : isRecord(metricList)
        ? perOutput<readonly MetricIdentifier[]>('args.metrics', metricList, outputNames, () => false, [])
        : outputNames.map(() => ({ value: metricList as readonly MetricIdentifier[], argument: 'args.metrics' }));
  const outputs: CompiledOutput[] = outputNames.map((name, o) => {
    const identifier = lossEntries[o]!.value;
    const loss = resolveLoss(identifier, single ? 'args.loss' : lossEntries[o]!.argument);
    const fromLogits = identifier instanceof losses.Loss && identifier.fromLogits;
    const { value: list, argument } = perOutputMetrics[o]!;
    const compiledMetrics = list.map((m, i) => resolveMetric(m, i, loss.lossName, fromLogits, argument));
    checkMetricNames(
      compiledMetrics.map((m) => m.name),
      argument,
    );
    return { name, ...loss, weight: weights[o]!.value, metrics: compiledMetrics };
  });
  const first = outputs[0]!;
  const valueNames = single
    ? ['loss', ...first.metrics.map((m) => m.name)]
    : [
        'loss',
        ...outputs.map((o) => `${o.name}_loss`),
        ...outputs.flatMap((o) => o.metrics.map((m) => `${o.name}_${m.name}`)),
      ];
  const identifier = args.optimizer ?? 'rmsprop';
  const ownsOptimizer = !(identifier instanceof optimizers.Optimizer);
  const optimizer = optimizers.get(identifier, {}, 'compile', 'args.optimizer');
  return {
    optimizer,
    ownsOptimizer,
    loss: first.loss,
    lossName: first.lossName,
    lossOptions: first.lossOptions,
    metrics: first.metrics,
    outputs,
    valueNames,
  };
}
