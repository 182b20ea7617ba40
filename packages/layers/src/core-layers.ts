/**
 * @file The weightless Keras layers: Flatten, Dropout (seeded, active only when `training` is true),
 * and activations as layers (ReLU, Softmax, Activation). Each is a thin wrapper over tensor-core ops,
 * so tapes differentiate them like any other op.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import * as activations from './activations.js';
import { Layer } from './layer.js';
import type { ApplyOptions, LayerConfig, LayerOptions } from './layer.js';
import { ACTIVATION_RULE } from './name-rules.js';
import { INTEGER, LAYER_RULES } from './option-rules.js';

/**
 * Flattens every dimension after the batch one: [batch, d1, d2, ...] → [batch, d1·d2·...] (Keras'
 * `Flatten`). A rank-1 input becomes [batch, 1], as in Keras.
 * @example new tf.layers.Flatten().apply(tf.ones([2, 28, 28])).shape // [2, 784]
 */
export class Flatten extends Layer {
  /** The class name `model.save` writes. */
  static readonly className = 'Flatten';

  constructor(options: LayerOptions = {}) {
    tf.checkOptions('Flatten', options, LAYER_RULES);
    super(options, 'flatten');
  }

  call(inputs: tf.Tensor): tf.Tensor {
    if (inputs.rank < 1)
      tf.invalidArgument(`${this.name}.apply`, 'inputs', 'a tensor of rank >= 1 ([batch, ...])', 'a scalar');
    const features = inputs.shape.slice(1).reduce((a, b) => a * b, 1);
    return tf.reshape(inputs, [inputs.shape[0]!, features]);
  }
}

/**
 * Options of `Dropout`.
 * @example new tf.layers.Dropout(0.2, { seed: 7 })
 */
export interface DropoutOptions extends LayerOptions {
  /**
   * Seed of the masks. Each training call draws a new mask, and the sequence of masks is the same for
   * the same seed (Keras 3's SeedGenerator). Without it, masks follow `tf.random.setSeed`.
   */
  readonly seed?: number;
}

const DROPOUT_RULES: tf.OptionSchema<DropoutOptions> = { ...LAYER_RULES, seed: INTEGER };

/**
 * Sets a fraction `rate` of the inputs to 0 during training and scales the rest by 1 / (1 - rate), so
 * the expected sum is unchanged (Keras' inverted dropout). At inference (`training` false, the
 * default, as in `predict` and `evaluate`) it passes its input through.
 * @example
 * const drop = new tf.layers.Dropout(0.5, { seed: 1 });
 * drop.apply(tf.ones([2, 4]), { training: true }); // about half 0, the rest 2
 */
export class Dropout extends Layer {
  /** The class name `model.save` writes. */
  static readonly className = 'Dropout';
  /** The fraction of inputs dropped, in [0, 1). */
  readonly rate: number;
  /** The seed given, if any. */
  readonly seed: number | undefined;
  private calls = 0;

  constructor(rate: number, options: DropoutOptions = {}) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1))
      tf.invalidArgument('Dropout', 'rate', 'a number in [0, 1)', tf.describeValue(rate));
    tf.checkOptions('Dropout', options, DROPOUT_RULES);
    super(options, 'dropout');
    this.supportsMasking = true;
    this.rate = rate;
    this.seed = options.seed;
  }

  call(inputs: tf.Tensor, options: ApplyOptions = {}): tf.Tensor {
    // A new handle rather than `inputs` itself, so disposing the output never frees the caller's input.
    if (options.training !== true || this.rate === 0) return tf.reshape(inputs, inputs.shape);
    const call = this.calls++;
    const seed = this.seed;
    return tf.tidy(() => {
      const input = inputs.dtype === 'float32' ? inputs : tf.cast(inputs, 'float32');
      // Seeded: the mask of call k depends on (seed, k) alone, so the same seed replays the same masks.
      const noise =
        seed === undefined ? tf.random.uniform(inputs.shape) : tf.random.statelessUniform(inputs.shape, [seed, call]);
      const keep = tf.cast(tf.greaterEqual(noise, this.rate), 'float32');
      return tf.mul(input, tf.mul(keep, 1 / (1 - this.rate)));
    });
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), rate: this.rate, ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}

/**
 * Options of `ReLU` (Keras' `ReLU(max_value, negative_slope)`).
 * @example new tf.layers.ReLU({ maxValue: 6 }) // ReLU6
 */
export interface ReLUOptions extends LayerOptions {
  /** Caps the output; default none. */
  readonly maxValue?: number;
  /** Slope below 0 (a leaky relu); default 0. */
  readonly negativeSlope?: number;
}

const RELU_RULES: tf.OptionSchema<ReLUOptions> = {
  ...LAYER_RULES,
  maxValue: { kind: 'number', min: 0 },
  negativeSlope: { kind: 'number', min: 0 },
};

/**
 * The rectified linear unit as a layer: `max(x, 0)`, optionally capped and leaky.
 * @example new tf.layers.ReLU().apply(tf.tensor([[-1, 2]])) // [[0, 2]]
 */
export class ReLU extends Layer {
  /** The class name `model.save` writes. */
  static readonly className = 'ReLU';
  /** The cap, if any. */
  readonly maxValue: number | undefined;
  /** The slope below 0. */
  readonly negativeSlope: number;

  constructor(options: ReLUOptions = {}) {
    tf.checkOptions('ReLU', options, RELU_RULES);
    super(options, 're_lu');
    this.supportsMasking = true;
    this.maxValue = options.maxValue;
    this.negativeSlope = options.negativeSlope ?? 0;
  }

  call(inputs: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = inputs.dtype === 'float32' ? inputs : tf.cast(inputs, 'float32');
      const positive =
        this.negativeSlope === 0 ? tf.relu(x) : tf.where(tf.greaterEqual(x, 0), x, tf.mul(x, this.negativeSlope));
      return this.maxValue === undefined ? positive : tf.minimum(positive, this.maxValue);
    });
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      negativeSlope: this.negativeSlope,
      ...(this.maxValue === undefined ? {} : { maxValue: this.maxValue }),
    };
  }
}

/**
 * Options of `Softmax`.
 * @example new tf.layers.Softmax({ axis: -1 })
 */
export interface SoftmaxOptions extends LayerOptions {
  /** The axis normalised; default -1 (the last). */
  readonly axis?: number;
}

const SOFTMAX_RULES: tf.OptionSchema<SoftmaxOptions> = { ...LAYER_RULES, axis: INTEGER };

/**
 * Softmax as a layer (Keras' `Softmax`): turns logits into probabilities along `axis`.
 * @example new tf.layers.Softmax().apply(tf.tensor([[0, 0]])) // [[0.5, 0.5]]
 */
export class Softmax extends Layer {
  /** The class name `model.save` writes. */
  static readonly className = 'Softmax';
  /** The axis normalised. */
  readonly axis: number;

  constructor(options: SoftmaxOptions = {}) {
    tf.checkOptions('Softmax', options, SOFTMAX_RULES);
    super(options, 'softmax');
    this.supportsMasking = true;
    this.axis = options.axis ?? -1;
  }

  call(inputs: tf.Tensor): tf.Tensor {
    return tf.softmax(inputs.dtype === 'float32' ? inputs : tf.tidy(() => tf.cast(inputs, 'float32')), this.axis);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/**
 * Options of `Activation`.
 * @example new tf.layers.Activation({ activation: 'tanh' })
 */
export interface ActivationLayerOptions extends LayerOptions {
  /** The activation, by Keras name or as a function. */
  readonly activation: activations.ActivationIdentifier;
}

const ACTIVATION_LAYER_RULES: tf.OptionSchema<ActivationLayerOptions> = { ...LAYER_RULES, activation: ACTIVATION_RULE };

/**
 * The options object of `Activation`, from Keras' positional form (`'relu'`, options) or the object
 * form; the activation must be given one way, once.
 */
function activationLayerOptions(
  first: activations.ActivationIdentifier | ActivationLayerOptions,
  second: LayerOptions | undefined,
): ActivationLayerOptions {
  if (typeof first === 'string' || typeof first === 'function') {
    tf.checkOptions('Activation', second, LAYER_RULES);
    return { ...second, activation: first };
  }
  if (second !== undefined)
    tf.invalidArgument(
      'Activation',
      'options',
      "no second argument after an options object (use new Activation('relu', options))",
      tf.describeValue(second),
    );
  tf.checkOptions('Activation', first, ACTIVATION_LAYER_RULES);
  if (first?.activation === undefined)
    tf.invalidArgument('Activation', 'activation', "an activation name ('relu', ...) or a function", 'undefined');
  return first;
}

/**
 * Any activation as a layer: Keras' `Activation('relu')`, or with an options object.
 * @example new tf.layers.Activation('sigmoid').apply(tf.tensor([[0]])) // [[0.5]]
 */
export class Activation extends Layer {
  /** The class name `model.save` writes. */
  static readonly className = 'Activation';
  /** The function applied. */
  readonly activation: activations.Activation;

  constructor(activation: activations.ActivationIdentifier, options?: LayerOptions);
  constructor(options: ActivationLayerOptions);
  constructor(first: activations.ActivationIdentifier | ActivationLayerOptions, second?: LayerOptions) {
    const options = activationLayerOptions(first, second);
    super(options, 'activation');
    this.supportsMasking = true;
    this.activation = activations.get(options.activation, 'activation', 'Activation');
  }

  call(inputs: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = inputs.dtype === 'float32' ? inputs : tf.cast(inputs, 'float32');
      const y = this.activation(x);
      // `linear` returns its input: give back a new handle so the caller may dispose the output.
      return y === inputs ? tf.reshape(y, y.shape) : y;
    });
  }

  override getConfig(): LayerConfig {
    const name = activations.serialize(this.activation);
    if (name === null)
      tf.invalidArgument(
        `${this.name}.getConfig`,
        'activation',
        'a built-in activation to be saved as JSON',
        'a user function',
      );
    return { ...super.getConfig(), activation: name };
  }
}
