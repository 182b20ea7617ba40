/**
 * @file Dense: Keras' densely-connected layer, `activation(matmul(x, kernel) + bias)`, with a kernel of
 * shape [inputDim, units] made on the first `apply` from the input's last dimension.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import * as activations from './activations.js';
import * as initializers from './initializers.js';
import { Layer } from './layer.js';
import type { LayerConfig, LayerOptions } from './layer.js';
import { ACTIVATION_RULE, INITIALIZER_RULE, REGULARIZER_RULE } from './name-rules.js';
import * as regularizers from './regularizers.js';
import { INTEGER, LAYER_RULES } from './option-rules.js';

/**
 * Options of `Dense` (Keras' keyword arguments in camelCase).
 * @example new Dense(8, { activation: 'relu', useBias: false, kernelInitializer: 'heNormal', seed: 1 })
 */
export interface DenseOptions extends LayerOptions {
  /** Applied to the output; default `'linear'` (none). */
  readonly activation?: activations.ActivationIdentifier;
  /** Whether to add a bias vector; default true. */
  readonly useBias?: boolean;
  /** Default `'glorotUniform'`. */
  readonly kernelInitializer?: initializers.InitializerIdentifier;
  /** Default `'zeros'`. */
  readonly biasInitializer?: initializers.InitializerIdentifier;
  /** Seed for initializers given by name (the bias gets `seed + 1`, so the two draws differ). */
  readonly seed?: number;
  /** A penalty on the kernel added to the training loss (`'l1'`, `'l2'`, `'l1l2'` or a Regularizer); default none. */
  readonly kernelRegularizer?: regularizers.RegularizerIdentifier;
  /** A penalty on the bias; default none. */
  readonly biasRegularizer?: regularizers.RegularizerIdentifier;
}

const DENSE_RULES: tf.OptionSchema<DenseOptions> = {
  ...LAYER_RULES,
  activation: ACTIVATION_RULE,
  useBias: { kind: 'boolean' },
  kernelInitializer: INITIALIZER_RULE,
  biasInitializer: INITIALIZER_RULE,
  seed: INTEGER,
  kernelRegularizer: REGULARIZER_RULE,
  biasRegularizer: REGULARIZER_RULE,
};

/**
 * The computation of a Dense layer on explicit weights: `activation(x · kernel + bias)` over the last
 * axis of `x` (rank ≥ 2; leading axes are flattened into one batch axis and restored). Exported from
 * this module (not the package entry) so gradient checks can perturb the weights as ordinary inputs.
 * @example denseForward(tf.ones([1, 4]), tf.ones([4, 2]), tf.zeros([2]), activations.relu) // [[4, 4]]
 */
export function denseForward(
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor | null,
  activation: activations.Activation,
): tf.Tensor {
  return tf.tidy(() => {
    const units = kernel.shape[1]!;
    const input = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
    const flat = x.rank > 2 ? tf.reshape(input, [-1, x.shape[x.rank - 1]!]) : input;
    const product = tf.matmul(flat, kernel);
    const biased = bias === null ? product : tf.add(product, bias);
    const activated = activation(biased);
    return x.rank > 2 ? tf.reshape(activated, [...x.shape.slice(0, -1), units]) : activated;
  });
}

/** `{ [key]: { className, config } }` for a regularizer, `{}` for none (so configs stay as before). */
export function regularizerConfig(key: string, regularizer: regularizers.Regularizer | null): LayerConfig {
  const serialized = regularizers.serialize(regularizer);
  return serialized === null ? {} : { [key]: serialized };
}

/**
 * A densely-connected layer, as `tf.keras.layers.Dense`.
 * @example
 * const layer = new tf.layers.Dense(2, { activation: 'relu', seed: 1 });
 * const y = layer.apply(tf.constant([[10, 20, 30, 40]])); // shape [1, 2]
 * layer.kernel.shape; // [4, 2]
 */
export class Dense extends Layer {
  /** The class name `model.save` writes. */
  static readonly className = 'Dense';
  /** Output dimension. */
  readonly units: number;
  /** Whether there is a bias vector. */
  readonly useBias: boolean;
  /** The activation function applied to the output. */
  readonly activation: activations.Activation;
  private readonly kernelInitializer: initializers.Initializer;
  private readonly biasInitializer: initializers.Initializer;
  /** The kernel's penalty, or null. */
  readonly kernelRegularizer: regularizers.Regularizer | null;
  /** The bias' penalty, or null. */
  readonly biasRegularizer: regularizers.Regularizer | null;
  private kernelVariable: tf.Variable | null = null;
  private biasVariable: tf.Variable | null = null;

  constructor(units: number, options: DenseOptions = {}) {
    if (!Number.isInteger(units) || units <= 0)
      tf.invalidArgument('Dense', 'units', 'a positive integer', tf.describeValue(units));
    tf.checkOptions('Dense', options, DENSE_RULES);
    super(options, 'dense');
    this.supportsMasking = true;
    this.units = units;
    this.useBias = options.useBias ?? true;
    this.activation = activations.get(options.activation, 'activation');
    const seed = options.seed;
    this.kernelInitializer = initializers.get(options.kernelInitializer ?? 'glorotUniform', seed, 'kernelInitializer');
    this.biasInitializer = initializers.get(
      options.biasInitializer ?? 'zeros',
      seed === undefined ? undefined : seed + 1,
      'biasInitializer',
    );
    this.kernelRegularizer = regularizers.get(options.kernelRegularizer, 'kernelRegularizer', 'Dense');
    this.biasRegularizer = regularizers.get(options.biasRegularizer, 'biasRegularizer', 'Dense');
  }

  /**
   * The [inputDim, units] weight matrix; the layer must be built (applied once).
   * @example layer.apply(tf.ones([1, 4])); layer.kernel.shape // [4, 2]
   */
  get kernel(): tf.Variable {
    if (this.kernelVariable === null) throw this.notBuilt('kernel');
    return this.kernelVariable;
  }

  /**
   * The [units] bias, or null when `useBias` is false; the layer must be built.
   * @example layer.bias?.shape // [2]
   */
  get bias(): tf.Variable | null {
    if (!this.built || this.isDisposed) throw this.notBuilt('bias');
    return this.biasVariable;
  }

  override build(inputShape: readonly number[]): void {
    if (inputShape.length < 2) {
      tf.invalidArgument(
        `${this.name}.build`,
        'inputShape',
        'a shape of rank >= 2 ([batch, ..., features])',
        tf.formatShape(inputShape),
      );
    }
    const inputDim = inputShape[inputShape.length - 1]!;
    this.kernelVariable = this.addWeight(
      'kernel',
      [inputDim, this.units],
      this.kernelInitializer,
      true,
      'float32',
      this.kernelRegularizer,
    );
    if (this.useBias)
      this.biasVariable = this.addWeight(
        'bias',
        [this.units],
        this.biasInitializer,
        true,
        'float32',
        this.biasRegularizer,
      );
    super.build(inputShape);
  }

  /** `activation(matmul(x, kernel) + bias)` over the last axis of `inputs`. */
  call(inputs: tf.Tensor): tf.Tensor {
    const kernel = this.kernel;
    const inputDim = kernel.shape[0]!;
    if (inputs.rank < 2 || inputs.shape[inputs.rank - 1] !== inputDim) {
      const expected =
        inputs.rank < 2
          ? 'a tensor of rank >= 2 ([batch, ..., features])'
          : `a last dimension of ${inputDim} (the layer was built for [..., ${inputDim}])`;
      tf.invalidArgument(`${this.name}.apply`, 'inputs', expected, `shape ${tf.formatShape(inputs.shape)}`);
    }
    return denseForward(inputs, kernel, this.biasVariable, this.activation);
  }

  /**
   * Keras' Dense config: units, activation, useBias and the initializers by name. A user activation
   * function cannot be written as JSON: saving a model holding one throws, naming the layer.
   * @example new Dense(2, { activation: 'relu' }).getConfig().activation // 'relu'
   */
  override getConfig(): LayerConfig {
    const activation = activations.serialize(this.activation);
    if (activation === null) {
      tf.invalidArgument(
        `${this.name}.getConfig`,
        'activation',
        "a built-in activation ('relu', ...) to be saved as JSON",
        'a user function',
      );
    }
    return {
      ...super.getConfig(),
      units: this.units,
      activation,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer.name,
      biasInitializer: this.biasInitializer.name,
      ...regularizerConfig('kernelRegularizer', this.kernelRegularizer),
      ...regularizerConfig('biasRegularizer', this.biasRegularizer),
    };
  }

  override dispose(): void {
    super.dispose();
    this.kernelVariable = null;
    this.biasVariable = null;
  }

  private notBuilt(weight: string): tf.FailedPreconditionError {
    const why = this.isDisposed
      ? 'was disposed'
      : 'is not built yet: apply it to an input first (weights are made from its last dimension)';
    return new tf.FailedPreconditionError(`${this.name}.${weight}: layer '${this.name}' ${why}.`, weight);
  }
}
