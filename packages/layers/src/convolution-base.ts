/**
 * @file The base of Keras' convolution layers: the options they share and their checker, and the
 * abstract Convolution layer (geometry, activation and bias, the kernel made lazily from the input's
 * channels, the output shape computed without running anything, config). convolutional.ts holds the
 * concrete layers.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import * as activations from './activations.js';
import {
  checkRank,
  checkShapeRank,
  convOutputLength,
  DATA_FORMAT_RULE,
  normalizeTuple,
  PADDING_RULE,
  refuseChannelsFirst,
  tupleRule,
} from './conv-geometry.js';
import type { ConvolutionPaddingName, DataFormat, ShapeDim, WeightShape } from './conv-geometry.js';
import { regularizerConfig } from './dense.js';
import * as initializers from './initializers.js';
import { Layer } from './layer.js';
import type { LayerConfig, LayerOptions } from './layer.js';
import { ACTIVATION_RULE, INITIALIZER_RULE, REGULARIZER_RULE } from './name-rules.js';
import { INTEGER, LAYER_RULES } from './option-rules.js';
import * as regularizers from './regularizers.js';

/**
 * Options every convolution layer takes (Keras' keyword arguments in camelCase).
 * @example new Conv2D(32, 3, { strides: 2, padding: 'same', activation: 'relu' })
 */
export interface ConvolutionLayerOptions extends LayerOptions {
  /** The step between windows (a number for every axis); default 1. */
  readonly strides?: number | readonly number[];
  /** `'valid'` (default: no padding) or `'same'` (TensorFlow's SAME, the extra row at the bottom/right). */
  readonly padding?: ConvolutionPaddingName;
  /** The spacing of kernel taps (a number for every axis); default 1. Strides must then be 1. */
  readonly dilationRate?: number | readonly number[];
  /** Applied to the output; default `'linear'`. */
  readonly activation?: activations.ActivationIdentifier;
  /** Whether to add a bias; default true. */
  readonly useBias?: boolean;
  /** Default `'glorotUniform'`. */
  readonly kernelInitializer?: initializers.InitializerIdentifier;
  /** Default `'zeros'`. */
  readonly biasInitializer?: initializers.InitializerIdentifier;
  /** A penalty on the kernel added to the training loss; default none. */
  readonly kernelRegularizer?: regularizers.RegularizerIdentifier;
  /** A penalty on the bias; default none. */
  readonly biasRegularizer?: regularizers.RegularizerIdentifier;
  /** Seed for initializers given by name (the bias gets `seed + 1`). */
  readonly seed?: number;
  /** `'channelsLast'` only; `'channelsFirst'` is refused. */
  readonly dataFormat?: DataFormat;
}

/** The option rules of a convolution of spatial rank `rank`. */
export function convolutionRules(rank: number): tf.OptionSchema<ConvolutionLayerOptions> {
  return {
    ...LAYER_RULES,
    strides: tupleRule(rank),
    padding: PADDING_RULE,
    dilationRate: tupleRule(rank),
    activation: ACTIVATION_RULE,
    useBias: { kind: 'boolean' },
    kernelInitializer: INITIALIZER_RULE,
    biasInitializer: INITIALIZER_RULE,
    kernelRegularizer: REGULARIZER_RULE,
    biasRegularizer: REGULARIZER_RULE,
    seed: INTEGER,
    dataFormat: DATA_FORMAT_RULE,
  };
}

/**
 * What the convolution layers share: the geometry (kernel size, strides, padding, dilation), the
 * activation and bias, the lazily made kernel, config and output shape.
 * @example const conv: Convolution = new Conv2D(8, 3); conv.kernelSize // [3, 3]
 */
export abstract class Convolution extends Layer {
  /** Spatial rank: 1 for Conv1D, 2 for the 2-D layers. */
  readonly rank: number;
  /** Kernel size per spatial axis. */
  readonly kernelSize: readonly number[];
  /** Strides per spatial axis. */
  readonly strides: readonly number[];
  /** `'valid'` or `'same'`. */
  readonly padding: ConvolutionPaddingName;
  /** Dilation per spatial axis. */
  readonly dilationRate: readonly number[];
  /** The activation applied to the output. */
  readonly activation: activations.Activation;
  /** Whether there is a bias. */
  readonly useBias: boolean;
  /** The bias' penalty, or null. */
  readonly biasRegularizer: regularizers.Regularizer | null;
  protected readonly kernelRegularizerOf: regularizers.Regularizer | null;
  protected readonly kernelInitializerOf: initializers.Initializer;
  protected readonly biasInitializer: initializers.Initializer;
  protected kernelVariable: tf.Variable | null = null;
  protected biasVariable: tf.Variable | null = null;

  protected constructor(
    op: string,
    kind: string,
    rank: number,
    kernelSize: unknown,
    options: ConvolutionLayerOptions & { readonly dilationRate?: number | readonly number[] },
    kernelOption: { readonly initializer: string; readonly regularizer: string },
    kernelInitializer: initializers.InitializerIdentifier | undefined,
    kernelRegularizer: regularizers.RegularizerIdentifier | undefined,
  ) {
    const size = normalizeTuple(op, 'kernelSize', kernelSize, rank);
    refuseChannelsFirst(op, options.dataFormat);
    super(options, kind);
    this.rank = rank;
    this.kernelSize = size;
    this.strides = normalizeTuple(op, 'options.strides', options.strides ?? 1, rank);
    this.padding = options.padding ?? 'valid';
    this.dilationRate = normalizeTuple(op, 'options.dilationRate', options.dilationRate ?? 1, rank);
    if (this.strides.some((s) => s !== 1) && this.dilationRate.some((d) => d !== 1))
      tf.invalidArgument(
        op,
        'options.dilationRate',
        'a dilation rate of 1 when strides are not 1 (Keras refuses both)',
        `[${this.dilationRate.join(', ')}] with strides [${this.strides.join(', ')}]`,
      );
    this.activation = activations.get(options.activation, 'activation', op);
    this.useBias = options.useBias ?? true;
    const seed = options.seed;
    this.kernelInitializerOf = initializers.get(kernelInitializer ?? 'glorotUniform', seed, kernelOption.initializer);
    this.biasInitializer = initializers.get(
      options.biasInitializer ?? 'zeros',
      seed === undefined ? undefined : seed + 1,
      'biasInitializer',
    );
    this.kernelRegularizerOf = regularizers.get(kernelRegularizer, kernelOption.regularizer, op);
    this.biasRegularizer = regularizers.get(options.biasRegularizer, 'biasRegularizer', op);
  }

  /** The layout messages show for this layer's inputs. */
  protected get layout(): string {
    return this.rank === 1 ? '[batch, steps, channels]' : '[batch, height, width, channels]';
  }

  /** The kernel's shape for inputs with `channels` channels (Keras' layout). */
  protected abstract kernelShape(channels: ShapeDim): ShapeDim[];

  /** The number of output channels for inputs with `channels` channels. */
  protected abstract outputChannels(channels: ShapeDim): ShapeDim;

  /** The output length of spatial axis `axis` for an input length. */
  protected spatialOutput(length: ShapeDim, axis: number): ShapeDim {
    return convOutputLength(
      length,
      this.kernelSize[axis]!,
      this.padding,
      this.strides[axis]!,
      this.dilationRate[axis]!,
    );
  }

  /**
   * The output shape for an input shape (batch first; null dimensions stay null), without running
   * anything; refuses a wrong rank.
   * @example new Conv2D(32, 3).computeOutputShape([null, 28, 28, 1]) // [null, 26, 26, 32]
   */
  computeOutputShape(inputShape: readonly ShapeDim[]): ShapeDim[] {
    checkShapeRank(`${this.name}.computeOutputShape`, inputShape, this.rank + 2, this.layout);
    const spatial = inputShape.slice(1, -1).map((d, i) => this.spatialOutput(d, i));
    return [inputShape[0]!, ...spatial, this.outputChannels(inputShape[inputShape.length - 1]!)];
  }

  /**
   * The weights `build` makes for an input shape: the kernel, then the bias when `useBias`.
   * @example new Conv2D(32, 3).weightShapes([null, 28, 28, 1]) // kernel [3, 3, 1, 32], bias [32]
   */
  weightShapes(inputShape: readonly ShapeDim[]): WeightShape[] {
    checkShapeRank(`${this.name}.build`, inputShape, this.rank + 2, this.layout);
    const kernel = this.kernelShape(inputShape[inputShape.length - 1]!);
    const weights: WeightShape[] = [{ name: this.kernelName, shape: kernel }];
    if (this.useBias) weights.push({ name: 'bias', shape: [this.outputChannels(inputShape[inputShape.length - 1]!)] });
    return weights;
  }

  /** The kernel's weight name (Keras': `kernel`, `depthwise_kernel`). */
  protected get kernelName(): string {
    return 'kernel';
  }

  /**
   * The kernel; the layer must be built (applied once).
   * @example conv.apply(tf.ones([1, 28, 28, 1])); conv.kernel.shape // [3, 3, 1, 32]
   */
  get kernel(): tf.Variable {
    if (this.kernelVariable === null) throw this.notBuilt('kernel');
    return this.kernelVariable;
  }

  /**
   * The bias, or null when `useBias` is false; the layer must be built.
   * @example conv.bias?.shape // [32]
   */
  get bias(): tf.Variable | null {
    if (!this.built || this.isDisposed) throw this.notBuilt('bias');
    return this.biasVariable;
  }

  override build(inputShape: readonly number[]): void {
    const channels = inputShape[inputShape.length - 1];
    const shapes = this.weightShapes(inputShape);
    if (channels === undefined || channels <= 0)
      tf.invalidArgument(`${this.name}.build`, 'inputShape', 'a positive number of channels', String(channels));
    const [kernel, bias] = shapes;
    this.kernelVariable = this.addWeight(
      kernel!.name,
      kernel!.shape as number[],
      this.kernelInitializerOf,
      true,
      'float32',
      this.kernelRegularizerOf,
    );
    if (bias !== undefined)
      this.biasVariable = this.addWeight(
        'bias',
        bias.shape as number[],
        this.biasInitializer,
        true,
        'float32',
        this.biasRegularizer,
      );
    super.build(inputShape);
  }

  /** The convolution itself on float32 inputs of the checked rank and channels. */
  protected abstract convolve(inputs: tf.Tensor, kernel: tf.Tensor): tf.Tensor;

  call(inputs: tf.Tensor): tf.Tensor {
    const kernel = this.kernel;
    checkRank(this, inputs, this.rank + 2, this.layout);
    const channels = this.weightShapes(inputs.shape)[0]!.shape;
    const expected = kernel.shape.every((d, i) => d === channels[i]);
    if (!expected)
      tf.invalidArgument(
        `${this.name}.apply`,
        'inputs',
        `inputs whose last dimension fits the kernel ${tf.formatShape(kernel.shape)} (the layer was built for it)`,
        `shape ${tf.formatShape(inputs.shape)}`,
      );
    return tf.tidy(() => {
      const input = inputs.dtype === 'float32' ? inputs : tf.cast(inputs, 'float32');
      const convolved = this.convolve(input, kernel);
      const biased = this.biasVariable === null ? convolved : tf.add(convolved, this.biasVariable);
      return this.activation(biased);
    });
  }

  /** The activation's Keras name; a user function cannot be saved. */
  protected activationName(): activations.ActivationName {
    const activation = activations.serialize(this.activation);
    if (activation === null)
      tf.invalidArgument(
        `${this.name}.getConfig`,
        'activation',
        "a built-in activation ('relu', ...) to be saved as JSON",
        'a user function',
      );
    return activation;
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: 'channelsLast',
      dilationRate: [...this.dilationRate],
      activation: this.activationName(),
      useBias: this.useBias,
      biasInitializer: this.biasInitializer.name,
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
      : "is not built yet: apply it to an input first (the kernel is made from the input's channels)";
    return new tf.FailedPreconditionError(`${this.name}.${weight}: layer '${this.name}' ${why}.`, weight);
  }
}
