/**
 * @file Keras' convolution layers (Conv1D, Conv2D, DepthwiseConv2D, Conv2DTranspose) over tensor-core's
 * convolution ops, with kernels in Keras' layout (HWIO; Conv2DTranspose HW·filters·in; depthwise
 * HW·in·multiplier) made lazily from the input's channels. Each layer computes its output shape from an
 * input shape without running anything (`computeOutputShape`), so `loadModel` can plan a saved model
 * before allocating. channelsLast only: `dataFormat: 'channelsFirst'` is refused with a typed error.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { convolutionRules, Convolution } from './convolution-base.js';
import type { ConvolutionLayerOptions } from './convolution-base.js';
import { DATA_FORMAT_RULE, deconvOutputLength, PADDING_RULE, tupleRule } from './conv-geometry.js';
import type { ShapeDim } from './conv-geometry.js';
import { regularizerConfig } from './dense.js';
import type * as initializers from './initializers.js';
import type { LayerConfig } from './layer.js';
import { ACTIVATION_RULE, INITIALIZER_RULE, REGULARIZER_RULE } from './name-rules.js';
import { INTEGER, LAYER_RULES, POSITIVE_INTEGER } from './option-rules.js';
import type * as regularizers from './regularizers.js';

export { Convolution, convolutionRules } from './convolution-base.js';
export type { ConvolutionLayerOptions } from './convolution-base.js';
export { convOutputLength, deconvOutputLength, normalizeTuple } from './conv-geometry.js';
export type { ConvolutionPaddingName, DataFormat, ShapeDim, WeightShape } from './conv-geometry.js';

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

function checkFilters(op: string, filters: unknown): number {
  if (typeof filters !== 'number' || !Number.isInteger(filters) || filters <= 0)
    tf.invalidArgument(op, 'filters', 'a positive integer', tf.describeValue(filters));
  return filters;
}

/**
 * What Conv1D and Conv2D share: `filters` output channels through a kernel
 * [...kernelSize, inChannels, filters] named `kernel`, with its initializer and regularizer in the config.
 * Each subclass says only which op convolves.
 */
export abstract class FilterConvolution extends Convolution {
  /** Output channels. */
  readonly filters: number;

  constructor(
    className: 'Conv1D' | 'Conv2D',
    layerName: string,
    rank: 1 | 2,
    filters: number,
    kernelSize: number | readonly number[],
    options: ConvolutionLayerOptions,
  ) {
    const count = checkFilters(className, filters);
    tf.checkOptions(className, options, convolutionRules(rank));
    super(
      className,
      layerName,
      rank,
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
 * A 2-D convolution layer, as `tf.keras.layers.Conv2D`: kernel [kh, kw, inChannels, filters].
 * @example new tf.layers.Conv2D(32, 3, { activation: 'relu' }).apply(tf.ones([1, 28, 28, 1])).shape // [1, 26, 26, 32]
 */
export class Conv2D extends FilterConvolution {
  /** The class name `model.save` writes. */
  static readonly className = 'Conv2D';

  constructor(filters: number, kernelSize: number | readonly number[], options: ConvolutionLayerOptions = {}) {
    super('Conv2D', 'conv2d', 2, filters, kernelSize, options);
  }

  protected convolve(inputs: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    return tf.conv2d(inputs, kernel, this.strides, this.padding, { dilations: this.dilationRate });
  }
}

/**
 * A 1-D convolution layer over [batch, steps, channels], as `tf.keras.layers.Conv1D`: kernel
 * [k, inChannels, filters]. Padding `'valid'` or `'same'` (`'causal'` is not supported).
 * @example new tf.layers.Conv1D(8, 3).apply(tf.ones([2, 10, 4])).shape // [2, 8, 8]
 */
export class Conv1D extends FilterConvolution {
  /** The class name `model.save` writes. */
  static readonly className = 'Conv1D';

  constructor(filters: number, kernelSize: number | readonly number[], options: ConvolutionLayerOptions = {}) {
    super('Conv1D', 'conv1d', 1, filters, kernelSize, options);
  }

  protected convolve(inputs: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    return tf.conv1d(inputs, kernel, this.strides[0]!, this.padding, { dilations: this.dilationRate[0]! });
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
