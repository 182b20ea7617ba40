/**
 * @file BatchNormalization and LayerNormalization, Keras 3's rules, written with today's ops (mean,
 * variance and rsqrt as op chains, so tapes differentiate them). Both normalise as Keras'
 * `batch_normalization` does: `x · inv + (β - μ · inv)` with `inv = γ / √(σ² + ε)` and the biased
 * variance. BatchNormalization keeps its moving mean and variance as non-trainable Variables, updated
 * only in a training call of a trainable layer (`fit`, or `apply(x, { training: true })`), outside
 * every tape: an update is state, not part of a loss.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import * as initializers from './initializers.js';
import { Layer } from './layer.js';
import type { ApplyOptions, LayerConfig, LayerOptions } from './layer.js';
import { INITIALIZER_RULE, REGULARIZER_RULE } from './name-rules.js';
import { LAYER_RULES, halfOpenRule } from './option-rules.js';
import * as regularizers from './regularizers.js';
import { regularizerConfig } from './dense.js';

/**
 * The options both normalizations share (Keras' names).
 * @example const options: tf.layers.NormalizationOptions = { epsilon: 1e-5, center: false };
 */
export interface NormalizationOptions extends LayerOptions {
  /** Added to the variance; default 1e-3 (Keras). */
  readonly epsilon?: number;
  /** Whether to add the learned offset β; default true. */
  readonly center?: boolean;
  /** Whether to multiply by the learned scale γ; default true. */
  readonly scale?: boolean;
  /** Default `'zeros'`. */
  readonly betaInitializer?: initializers.InitializerIdentifier;
  /** Default `'ones'`. */
  readonly gammaInitializer?: initializers.InitializerIdentifier;
  /** A penalty on β; default none. */
  readonly betaRegularizer?: regularizers.RegularizerIdentifier;
  /** A penalty on γ; default none. */
  readonly gammaRegularizer?: regularizers.RegularizerIdentifier;
}

/**
 * Options of `BatchNormalization` (Keras' keyword arguments in camelCase).
 * @example new tf.layers.BatchNormalization({ momentum: 0.9, epsilon: 1e-5 })
 */
export interface BatchNormalizationOptions extends NormalizationOptions {
  /** The features axis (normalised per entry of it); default -1. */
  readonly axis?: number;
  /** Decay of the moving statistics: `moving = moving · momentum + batch · (1 - momentum)`; default 0.99. */
  readonly momentum?: number;
  /** Default `'zeros'`. */
  readonly movingMeanInitializer?: initializers.InitializerIdentifier;
  /** Default `'ones'`. */
  readonly movingVarianceInitializer?: initializers.InitializerIdentifier;
}

/**
 * Options of `LayerNormalization`.
 * @example new tf.layers.LayerNormalization({ axis: [1, 2], epsilon: 1e-6 })
 */
export interface LayerNormalizationOptions extends NormalizationOptions {
  /** The axis or axes normalised over (each sample on its own); default -1. */
  readonly axis?: number | readonly number[];
}

const INTEGER_AXIS: tf.OptionRule = {
  kind: 'custom',
  check: (value) => (Number.isInteger(value) ? undefined : 'an integer axis'),
};
const AXES: tf.OptionRule = {
  kind: 'custom',
  check: (value) =>
    Number.isInteger(value) || (Array.isArray(value) && value.length > 0 && value.every((a) => Number.isInteger(a)))
      ? undefined
      : 'an integer axis or a non-empty array of them',
};
const EPSILON: tf.OptionRule = {
  kind: 'custom',
  check: (value) =>
    typeof value === 'number' && Number.isFinite(value) && value > 0 ? undefined : 'a finite number > 0',
};

const NORMALIZATION_RULES: tf.OptionSchema<NormalizationOptions> = {
  ...LAYER_RULES,
  epsilon: EPSILON,
  center: { kind: 'boolean' },
  scale: { kind: 'boolean' },
  betaInitializer: INITIALIZER_RULE,
  gammaInitializer: INITIALIZER_RULE,
  betaRegularizer: REGULARIZER_RULE,
  gammaRegularizer: REGULARIZER_RULE,
};
const BATCH_NORMALIZATION_RULES: tf.OptionSchema<BatchNormalizationOptions> = {
  ...NORMALIZATION_RULES,
  axis: INTEGER_AXIS,
  momentum: halfOpenRule(0, 1),
  movingMeanInitializer: INITIALIZER_RULE,
  movingVarianceInitializer: INITIALIZER_RULE,
};
const LAYER_NORMALIZATION_RULES: tf.OptionSchema<LayerNormalizationOptions> = { ...NORMALIZATION_RULES, axis: AXES };

/** `axes` made non-negative for a rank, checked in range and without repeats. */
function resolveAxes(op: string, axes: readonly number[], rank: number, shape: readonly number[]): number[] {
  const resolved = axes.map((a) => (a < 0 ? a + rank : a));
  resolved.forEach((a, i) => {
    if (a < 0 || a >= rank)
      tf.invalidArgument(
        op,
        'axis',
        `an axis in [${-rank}, ${rank}) for inputs of shape ${tf.formatShape(shape)}`,
        String(axes[i]),
      );
  });
  if (new Set(resolved).size !== resolved.length)
    tf.invalidArgument(op, 'axis', 'distinct axes', `[${axes.join(', ')}]`);
  return resolved;
}

/**
 * The learned γ and β and the epsilon every normalization shares; the subclasses add their statistics.
 * @example const norm: tf.layers.Normalization = new tf.layers.LayerNormalization(); norm.gamma // after apply
 */
export abstract class Normalization extends Layer {
  /** Added to the variance. */
  readonly epsilon: number;
  /** Whether β is added. */
  readonly center: boolean;
  /** Whether γ multiplies. */
  readonly scale: boolean;
  protected readonly betaInitializer: initializers.Initializer;
  protected readonly gammaInitializer: initializers.Initializer;
  /** β's penalty, or null. */
  readonly betaRegularizer: regularizers.Regularizer | null;
  /** γ's penalty, or null. */
  readonly gammaRegularizer: regularizers.Regularizer | null;
  /** The learned scale, or null (before build, or when `scale` is false). */
  gamma: tf.Variable | null = null;
  /** The learned offset, or null. */
  beta: tf.Variable | null = null;
  /** The normalised axes (non-negative), once built. */
  protected axes: number[] = [];
  /** The input shape the layer was built for (batch dimension included). */
  protected builtShape: readonly number[] = [];

  constructor(options: NormalizationOptions, kind: string, op: string) {
    super(options, kind);
    this.supportsMasking = true;
    this.epsilon = options.epsilon ?? 1e-3;
    this.center = options.center ?? true;
    this.scale = options.scale ?? true;
    this.betaInitializer = initializers.get(options.betaInitializer ?? 'zeros', undefined, 'betaInitializer', op);
    this.gammaInitializer = initializers.get(options.gammaInitializer ?? 'ones', undefined, 'gammaInitializer', op);
    this.betaRegularizer = regularizers.get(options.betaRegularizer, 'betaRegularizer', op);
    this.gammaRegularizer = regularizers.get(options.gammaRegularizer, 'gammaRegularizer', op);
  }

  /** γ then β (Keras' order), of `shape`. */
  protected addScaleAndOffset(shape: readonly number[]): void {
    if (this.scale)
      this.gamma = this.addWeight('gamma', shape, this.gammaInitializer, true, 'float32', this.gammaRegularizer);
    if (this.center)
      this.beta = this.addWeight('beta', shape, this.betaInitializer, true, 'float32', this.betaRegularizer);
  }

  /** The shape a [C...] parameter broadcasts as against the input: its dims on the axes, 1 elsewhere. */
  protected broadcastShape(rank: number): number[] {
    return Array.from({ length: rank }, (_, i) => (this.axes.includes(i) ? this.builtShape[i]! : 1));
  }

  /** Checks that `inputs` have the rank and the axis dimensions the layer was built for. */
  protected checkInputs(inputs: tf.Tensor): void {
    const fits =
      inputs.rank === this.builtShape.length && this.axes.every((a) => inputs.shape[a] === this.builtShape[a]);
    if (!fits) {
      const dims = this.axes.map((a) => `axis ${a} of size ${this.builtShape[a]!}`).join(', ');
      tf.invalidArgument(
        `${this.name}.apply`,
        'inputs',
        `a tensor of rank ${this.builtShape.length} with ${dims} (the layer was built for ${tf.formatShape(this.builtShape.map((d, i) => (i === 0 ? -1 : d)))})`,
        `shape ${tf.formatShape(inputs.shape)}`,
      );
    }
  }

  /** `x · inv + (β - mean · inv)` with `inv = γ / √(variance + ε)`, as Keras' `batch_normalization`. */
  protected normalize(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const shape = this.broadcastShape(x.rank);
      const asBroadcast = (v: tf.Tensor): tf.Tensor => tf.reshape(v, shape);
      let inv = tf.div(1, tf.sqrt(tf.add(variance, this.epsilon)));
      if (this.gamma !== null) inv = tf.mul(inv, asBroadcast(this.gamma));
      let offset = tf.neg(tf.mul(mean, inv));
      if (this.beta !== null) offset = tf.add(offset, asBroadcast(this.beta));
      return tf.add(tf.mul(x, inv), offset);
    });
  }

  protected normalizationConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: this.betaInitializer.name,
      gammaInitializer: this.gammaInitializer.name,
      ...regularizerConfig('betaRegularizer', this.betaRegularizer),
      ...regularizerConfig('gammaRegularizer', this.gammaRegularizer),
    };
  }

  override dispose(): void {
    super.dispose();
    this.gamma = null;
    this.beta = null;
  }
}

/** The input as float32 (Keras autocasts integer inputs). */
function asFloat(x: tf.Tensor): tf.Tensor {
  return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}

/** Mean and biased variance over `axes`, kept as size-1 dims (TensorFlow's `moments`). */
function moments(x: tf.Tensor, axes: readonly number[]): { mean: tf.Tensor; variance: tf.Tensor } {
  const mean = tf.reduceMean(x, axes, true);
  const variance = tf.reduceMean(tf.square(tf.sub(x, mean)), axes, true);
  return { mean, variance };
}

/**
 * Batch normalization (`tf.keras.layers.BatchNormalization`): in training, normalises each feature
 * with the batch's mean and variance and moves the moving statistics towards them; at inference (and
 * when the layer is frozen, as Keras), normalises with the moving statistics. Weights: γ, β
 * (trainable), moving mean and moving variance (non-trainable): 4·C parameters, 2·C of them trainable.
 * @example
 * const bn = new tf.layers.BatchNormalization();
 * bn.apply(x, { training: true }); // batch statistics; moving ones updated
 * bn.apply(x);                     // moving statistics
 */
export class BatchNormalization extends Normalization {
  /** The class name `model.save` writes. */
  static readonly className = 'BatchNormalization';
  /** The features axis as given (negative counts from the end). */
  readonly axis: number;
  /** Decay of the moving statistics. */
  readonly momentum: number;
  private readonly movingMeanInitializer: initializers.Initializer;
  private readonly movingVarianceInitializer: initializers.Initializer;
  /** The moving mean (non-trainable), once built. */
  movingMean: tf.Variable | null = null;
  /** The moving variance (non-trainable), once built. */
  movingVariance: tf.Variable | null = null;

  constructor(options: BatchNormalizationOptions = {}) {
    tf.checkOptions('BatchNormalization', options, BATCH_NORMALIZATION_RULES);
    super(options, 'batch_normalization', 'BatchNormalization');
    this.axis = options.axis ?? -1;
    this.momentum = options.momentum ?? 0.99;
    this.movingMeanInitializer = initializers.get(
      options.movingMeanInitializer ?? 'zeros',
      undefined,
      'movingMeanInitializer',
      'BatchNormalization',
    );
    this.movingVarianceInitializer = initializers.get(
      options.movingVarianceInitializer ?? 'ones',
      undefined,
      'movingVarianceInitializer',
      'BatchNormalization',
    );
  }

  override build(inputShape: readonly number[]): void {
    const op = `${this.name}.build`;
    if (inputShape.length < 2)
      tf.invalidArgument(op, 'inputShape', 'a shape of rank >= 2 ([batch, ..., features])', tf.formatShape(inputShape));
    this.axes = resolveAxes(op, [this.axis], inputShape.length, inputShape);
    if (this.axes[0] === 0) tf.invalidArgument(op, 'axis', 'a features axis, not the batch axis 0', String(this.axis));
    this.builtShape = inputShape.slice();
    const shape = [inputShape[this.axes[0]!]!];
    this.addScaleAndOffset(shape);
    this.movingMean = this.addWeight('moving_mean', shape, this.movingMeanInitializer, false);
    this.movingVariance = this.addWeight('moving_variance', shape, this.movingVarianceInitializer, false);
    super.build(inputShape);
  }

  call(inputs: tf.Tensor, options: ApplyOptions = {}): tf.Tensor {
    this.checkInputs(inputs);
    const movingMean = this.movingMean!;
    const movingVariance = this.movingVariance!;
    return tf.tidy(() => {
      const x = asFloat(inputs);
      const shape = this.broadcastShape(x.rank);
      // Keras: a frozen BatchNormalization runs in inference mode even inside fit.
      if (options.training !== true || !this.trainable)
        return this.normalize(x, tf.reshape(movingMean, shape), tf.reshape(movingVariance, shape));
      const reduction = Array.from({ length: x.rank }, (_, i) => i).filter((i) => !this.axes.includes(i));
      const { mean, variance } = moments(x, reduction);
      const momentum = this.momentum;
      tf.getEngine().withoutRecording(() =>
        tf.tidy(() => {
          const update = (moving: tf.Variable, batch: tf.Tensor): void => {
            moving.assign(tf.add(tf.mul(moving, momentum), tf.mul(tf.reshape(batch, moving.shape), 1 - momentum)));
          };
          update(movingMean, mean);
          update(movingVariance, variance);
        }),
      );
      return this.normalize(x, mean, variance);
    });
  }

  override getConfig(): LayerConfig {
    return {
      ...this.normalizationConfig(),
      axis: this.axis,
      momentum: this.momentum,
      movingMeanInitializer: this.movingMeanInitializer.name,
      movingVarianceInitializer: this.movingVarianceInitializer.name,
    };
  }

  override dispose(): void {
    super.dispose();
    this.movingMean = null;
    this.movingVariance = null;
  }
}

/**
 * Layer normalization (`tf.keras.layers.LayerNormalization`): each sample normalised over `axis` by
 * its own mean and variance (the same in training and inference), then scaled by γ and offset by β,
 * which have the shape of the normalised axes.
 * @example new tf.layers.LayerNormalization().apply(tf.tensor([[1, 2, 3]])) // mean 0, variance ≈ 1
 */
export class LayerNormalization extends Normalization {
  /** The class name `model.save` writes. */
  static readonly className = 'LayerNormalization';
  /** The axis or axes as given. */
  readonly axis: number | readonly number[];

  constructor(options: LayerNormalizationOptions = {}) {
    tf.checkOptions('LayerNormalization', options, LAYER_NORMALIZATION_RULES);
    super(options, 'layer_normalization', 'LayerNormalization');
    const axis = options.axis ?? -1;
    this.axis = typeof axis === 'number' ? axis : axis.slice();
  }

  override build(inputShape: readonly number[]): void {
    const op = `${this.name}.build`;
    if (inputShape.length < 1) tf.invalidArgument(op, 'inputShape', 'a shape of rank >= 1', tf.formatShape(inputShape));
    const given = typeof this.axis === 'number' ? [this.axis] : this.axis;
    // Sorted, so γ and β (shaped by the axes' sizes in input order) broadcast by a plain reshape.
    this.axes = resolveAxes(op, given, inputShape.length, inputShape).sort((a, b) => a - b);
    this.builtShape = inputShape.slice();
    this.addScaleAndOffset(this.axes.map((a) => inputShape[a]!));
    super.build(inputShape);
  }

  call(inputs: tf.Tensor): tf.Tensor {
    this.checkInputs(inputs);
    return tf.tidy(() => {
      const x = asFloat(inputs);
      const { mean, variance } = moments(x, this.axes);
      return this.normalize(x, mean, variance);
    });
  }

  override getConfig(): LayerConfig {
    return { ...this.normalizationConfig(), axis: typeof this.axis === 'number' ? this.axis : [...this.axis] };
  }
}
