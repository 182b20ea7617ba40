/**
 * @file Keras' convolution layers (Conv1D, Conv2D, DepthwiseConv2D, Conv2DTranspose) over tensor-core's
 * convolution ops, with kernels in Keras' layout (HWIO; Conv2DTranspose HW·filters·in; depthwise
 * HW·in·multiplier) made lazily from the input's channels. Each layer computes its output shape from an
 * input shape without running anything (`computeOutputShape`), so `loadModel` can plan a saved model
 * before allocating. channelsLast only: `dataFormat: 'channelsFirst'` is refused with a typed error.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import * as activations from './activations.js';
import { regularizerConfig } from './dense.js';
import * as initializers from './initializers.js';
import { Layer } from './layer.js';
import type { LayerConfig, LayerOptions } from './layer.js';
import { ACTIVATION_RULE, INITIALIZER_RULE, REGULARIZER_RULE } from './name-rules.js';
import { INTEGER, LAYER_RULES, POSITIVE_INTEGER } from './option-rules.js';
import * as regularizers from './regularizers.js';

/** A dimension of a planned shape: a size, or null where unknown (the batch). */
export type ShapeDim = number | null;

/** Keras' `padding` of the convolutions and poolings. */
export type ConvolutionPaddingName = 'valid' | 'same';

/** Only `'channelsLast'` ([batch, ..., channels]) is supported; `'channelsFirst'` is refused. */
export type DataFormat = 'channelsLast' | 'channelsFirst';

const PADDING_RULE: tf.OptionRule = { kind: 'oneOf', values: ['valid', 'same'] };
const DATA_FORMAT_RULE: tf.OptionRule = { kind: 'oneOf', values: ['channelsLast', 'channelsFirst'] };

/** A positive integer or a list of `rank` of them (Keras' `int or tuple`). */
function tupleRule(rank: number): tf.OptionRule {
  return {
    kind: 'custom',
    check: (value) => (isTuple(value, rank) ? undefined : `a positive integer or ${rank} positive integers`),
  };
}

function isTuple(value: unknown, rank: number): boolean {
  const positive = (d: unknown): boolean => typeof d === 'number' && Number.isInteger(d) && d > 0;
  return positive(value) || (Array.isArray(value) && value.length === rank && value.every(positive));
}

/**
 * A positive integer or a list of `rank` positive integers as a list; anything else is an
 * InvalidArgumentError naming `op` and `argument`.
 * @example normalizeTuple('Conv2D', 'kernelSize', 3, 2) // [3, 3]
 */
export function normalizeTuple(op: string, argument: string, value: unknown, rank: number): number[] {
  if (!isTuple(value, rank)) {
    const given = Array.isArray(value)
      ? `[${value.map((v) => tf.describeValue(v)).join(', ')}]`
      : tf.describeValue(value);
    tf.invalidArgument(op, argument, `a positive integer or ${rank} positive integers`, given);
  }
  return typeof value === 'number' ? Array.from({ length: rank }, () => value) : [...(value as number[])];
}

/**
 * The length of one spatial output axis of a convolution or pooling, Keras' rule: `'same'` gives
 * ceil(n / stride), `'valid'` ceil((n - dilatedKernel + 1) / stride), at least 0. Null stays null.
 * @example convOutputLength(28, 3, 'valid', 1, 1) // 26
 */
export function convOutputLength(
  length: ShapeDim,
  kernel: number,
  padding: ConvolutionPaddingName,
  stride: number,
  dilation: number,
): ShapeDim {
  if (length === null) return null;
  const dilated = (kernel - 1) * dilation + 1;
  const valid = padding === 'same' ? length : length - dilated + 1;
  return Math.max(0, Math.ceil(valid / stride));
}

/**
 * The length of one spatial output axis of a transposed convolution (Keras' `deconv_output_length`
 * without output padding): `'valid'` gives n·stride + max(kernel - stride, 0), `'same'` n·stride.
 * @example deconvOutputLength(7, 3, 'same', 2) // 14
 */
export function deconvOutputLength(
  length: ShapeDim,
  kernel: number,
  padding: ConvolutionPaddingName,
  stride: number,
): ShapeDim {
  if (length === null) return null;
  return padding === 'same' ? length * stride : length * stride + Math.max(kernel - stride, 0);
}

/** Checks `inputs` has the rank a layer needs, naming the layer; casts to float32. */
function checkRank(layer: Layer, inputs: tf.Tensor, rank: number, layout: string): tf.Tensor {
  if (inputs.rank !== rank)
    tf.invalidArgument(
      `${layer.name}.apply`,
      'inputs',
      `a tensor of rank ${rank} ${layout}`,
      `shape ${tf.formatShape(inputs.shape)}`,
    );
  return inputs;
}

/** Checks a planned or given input shape's rank in `build`/planning. */
function checkShapeRank(where: string, shape: readonly ShapeDim[], rank: number, layout: string): void {
  if (shape.length !== rank)
    tf.invalidArgument(
      where,
      'inputShape',
      `a shape of rank ${rank} ${layout}`,
      `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`,
    );
}

function refuseChannelsFirst(op: string, dataFormat: DataFormat | undefined): void {
  if (dataFormat === 'channelsFirst')
    tf.invalidArgument(
      op,
      'options.dataFormat',
      "'channelsLast' (channelsFirst layouts are not supported; transpose the input with Permute)",
      "'channelsFirst'",
    );
}

/** A planned weight: its name (without the layer's) and shape. */
export interface WeightShape {
  readonly name: string;
  readonly shape: readonly ShapeDim[];
}

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

/**
 * Options of `DepthwiseConv2D`: the depthwise kernel's own initializer and regularizer as Keras names them.
 * @example new DepthwiseConv2D(3, { depthMultiplier: 2 })
 */
export interface DepthwiseConv2DOptions extends Omit<
  ConvolutionLayerOptions,
  'kernelInitializer' | 'kernelRegularizer'
> {
  /** Output channels per input channel; default 1. */
  readonly depthMultiplier?: number;
  /** Default `'glorotUniform'`. */
  readonly depthwiseInitializer?: initializers.InitializerIdentifier;
  /** A penalty on the depthwise kernel; default none. */
  readonly depthwiseRegularizer?: regularizers.RegularizerIdentifier;
}

/**
 * Options of `Conv2DTranspose` (no `dilationRate`: tensor-core's conv2dTranspose has none).
 * @example new Conv2DTranspose(16, 3, { strides: 2, padding: 'same' })
 */
export type Conv2DTransposeOptions = Omit<ConvolutionLayerOptions, 'dilationRate'>;

function convolutionRules(rank: number): tf.OptionSchema<ConvolutionLayerOptions> {
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

const DEPTHWISE_RULES: tf.OptionSchema<DepthwiseConv2DOptions> = {
  ...LAYER_RULES,
  strides: tupleRule(2),
  padding: PADDING_RULE,
  dilationRate: tupleRule(2),
  activation: ACTIVATION_RULE,
  useBias: { kind: 'boolean' },
  depthMultiplier: POSITIVE_INTEGER,
  depthwiseInitializer: INITIALIZER_RULE,
  biasInitializer: INITIALIZER_RULE,
  depthwiseRegularizer: REGULARIZER_RULE,
  biasRegularizer: REGULARIZER_RULE,
  seed: INTEGER,
  dataFormat: DATA_FORMAT_RULE,
};

const TRANSPOSE_RULES: tf.OptionSchema<Conv2DTransposeOptions> = (() => {
  const { dilationRate: _unused, ...rest } = convolutionRules(2);
  void _unused;
  return rest;
})();

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

function checkFilters(op: string, filters: unknown): number {
  if (typeof filters !== 'number' || !Number.isInteger(filters) || filters <= 0)
    tf.invalidArgument(op, 'filters', 'a positive integer', tf.describeValue(filters));
  return filters;
}

/**
 * A 2-D convolution layer, as `tf.keras.layers.Conv2D`: kernel [kh, kw, inChannels, filters].
 * @example new tf.layers.Conv2D(32, 3, { activation: 'relu' }).apply(tf.ones([1, 28, 28, 1])).shape // [1, 26, 26, 32]
 */
export class Conv2D extends Convolution {
  /** The class name `model.save` writes. */
  static readonly className = 'Conv2D';
  /** Output channels. */
  readonly filters: number;

  constructor(filters: number, kernelSize: number | readonly number[], options: ConvolutionLayerOptions = {}) {
    const count = checkFilters('Conv2D', filters);
    tf.checkOptions('Conv2D', options, convolutionRules(2));
    super(
      'Conv2D',
      'conv2d',
      2,
      kernelSize,
      options,
      { initializer: 'kernelInitializer', regularizer: 'kernelRegularizer' },
      options.kernelInitializer,
      options.kernelRegularizer,
    );
    this.filters = count;
  }

  /** The kernel's penalty, or null. */
  get kernelRegularizer(): regularizers.Regularizer | null {
    return this.kernelRegularizerOf;
  }

  protected kernelShape(channels: ShapeDim): ShapeDim[] {
    return [...this.kernelSize, channels, this.filters];
  }

  protected outputChannels(): ShapeDim {
    return this.filters;
  }

  protected convolve(inputs: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    return tf.conv2d(inputs, kernel, this.strides, this.padding, { dilations: this.dilationRate });
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelInitializer: this.kernelInitializerOf.name,
      ...regularizerConfig('kernelRegularizer', this.kernelRegularizerOf),
    };
  }
}

/**
 * A 1-D convolution layer over [batch, steps, channels], as `tf.keras.layers.Conv1D`: kernel
 * [k, inChannels, filters]. Padding `'valid'` or `'same'` (`'causal'` is not supported).
 * @example new tf.layers.Conv1D(8, 3).apply(tf.ones([2, 10, 4])).shape // [2, 8, 8]
 */
export class Conv1D extends Convolution {
  /** The class name `model.save` writes. */
  static readonly className = 'Conv1D';
  /** Output channels. */
  readonly filters: number;

  constructor(filters: number, kernelSize: number | readonly number[], options: ConvolutionLayerOptions = {}) {
    const count = checkFilters('Conv1D', filters);
    tf.checkOptions('Conv1D', options, convolutionRules(1));
    super(
      'Conv1D',
      'conv1d',
      1,
      kernelSize,
      options,
      { initializer: 'kernelInitializer', regularizer: 'kernelRegularizer' },
      options.kernelInitializer,
      options.kernelRegularizer,
    );
    this.filters = count;
  }

  /** The kernel's penalty, or null. */
  get kernelRegularizer(): regularizers.Regularizer | null {
    return this.kernelRegularizerOf;
  }

  protected kernelShape(channels: ShapeDim): ShapeDim[] {
    return [...this.kernelSize, channels, this.filters];
  }

  protected outputChannels(): ShapeDim {
    return this.filters;
  }

  protected convolve(inputs: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    return tf.conv1d(inputs, kernel, this.strides[0]!, this.padding, { dilations: this.dilationRate[0]! });
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelInitializer: this.kernelInitializerOf.name,
      ...regularizerConfig('kernelRegularizer', this.kernelRegularizerOf),
    };
  }
}

/**
 * A depthwise 2-D convolution layer, as `tf.keras.layers.DepthwiseConv2D`: each input channel is
 * convolved with its own `depthMultiplier` filters; kernel [kh, kw, inChannels, depthMultiplier].
 * @example new tf.layers.DepthwiseConv2D(3, { depthMultiplier: 2 }).apply(tf.ones([1, 8, 8, 4])).shape // [1, 6, 6, 8]
 */
export class DepthwiseConv2D extends Convolution {
  /** The class name `model.save` writes. */
  static readonly className = 'DepthwiseConv2D';
  /** Output channels per input channel. */
  readonly depthMultiplier: number;

  constructor(kernelSize: number | readonly number[], options: DepthwiseConv2DOptions = {}) {
    tf.checkOptions('DepthwiseConv2D', options, DEPTHWISE_RULES);
    super(
      'DepthwiseConv2D',
      'depthwise_conv2d',
      2,
      kernelSize,
      options,
      { initializer: 'depthwiseInitializer', regularizer: 'depthwiseRegularizer' },
      options.depthwiseInitializer,
      options.depthwiseRegularizer,
    );
    this.depthMultiplier = options.depthMultiplier ?? 1;
  }

  /** The depthwise kernel's penalty, or null. */
  get depthwiseRegularizer(): regularizers.Regularizer | null {
    return this.kernelRegularizerOf;
  }

  protected override get kernelName(): string {
    return 'depthwise_kernel';
  }

  protected kernelShape(channels: ShapeDim): ShapeDim[] {
    return [...this.kernelSize, channels, this.depthMultiplier];
  }

  protected outputChannels(channels: ShapeDim): ShapeDim {
    return channels === null ? null : channels * this.depthMultiplier;
  }

  protected convolve(inputs: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    return tf.depthwiseConv2d(inputs, kernel, this.strides, this.padding, { dilations: this.dilationRate });
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      depthMultiplier: this.depthMultiplier,
      depthwiseInitializer: this.kernelInitializerOf.name,
      ...regularizerConfig('depthwiseRegularizer', this.kernelRegularizerOf),
    };
  }
}

/**
 * A transposed 2-D convolution layer, as `tf.keras.layers.Conv2DTranspose`: kernel
 * [kh, kw, filters, inChannels]; output size per axis n·stride (`'same'`) or
 * n·stride + max(kernel - stride, 0) (`'valid'`), Keras' rule.
 * @example
 * const up = new tf.layers.Conv2DTranspose(16, 3, { strides: 2, padding: 'same' });
 * up.apply(tf.ones([1, 7, 7, 8])).shape // [1, 14, 14, 16]
 */
export class Conv2DTranspose extends Convolution {
  /** The class name `model.save` writes. */
  static readonly className = 'Conv2DTranspose';
  /** Output channels. */
  readonly filters: number;

  constructor(filters: number, kernelSize: number | readonly number[], options: Conv2DTransposeOptions = {}) {
    const count = checkFilters('Conv2DTranspose', filters);
    tf.checkOptions('Conv2DTranspose', options, TRANSPOSE_RULES);
    super(
      'Conv2DTranspose',
      'conv2d_transpose',
      2,
      kernelSize,
      options,
      { initializer: 'kernelInitializer', regularizer: 'kernelRegularizer' },
      options.kernelInitializer,
      options.kernelRegularizer,
    );
    this.filters = count;
  }

  /** The kernel's penalty, or null. */
  get kernelRegularizer(): regularizers.Regularizer | null {
    return this.kernelRegularizerOf;
  }

  protected kernelShape(channels: ShapeDim): ShapeDim[] {
    return [...this.kernelSize, this.filters, channels];
  }

  protected outputChannels(): ShapeDim {
    return this.filters;
  }

  protected override spatialOutput(length: ShapeDim, axis: number): ShapeDim {
    return deconvOutputLength(length, this.kernelSize[axis]!, this.padding, this.strides[axis]!);
  }

  protected convolve(inputs: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    const output = this.computeOutputShape(inputs.shape) as number[];
    return tf.conv2dTranspose(inputs, kernel, output, this.strides, this.padding);
  }

  override getConfig(): LayerConfig {
    const { dilationRate: _unused, ...config } = super.getConfig();
    void _unused;
    return {
      ...config,
      filters: this.filters,
      kernelInitializer: this.kernelInitializerOf.name,
      ...regularizerConfig('kernelRegularizer', this.kernelRegularizerOf),
    };
  }
}
