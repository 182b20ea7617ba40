/**
 * @file Keras' reshaping layers that need no new op: Reshape (a view, one dimension may be -1) and
 * Permute (a transpose, dims counted from 1 as Keras counts them, the batch axis staying first), and
 * the global poolings (GlobalAveragePooling2D, GlobalMaxPooling2D: a mean or max over the spatial
 * axes). All weightless; tapes differentiate them through reshape, transpose and the reductions.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { Layer } from './layer.js';
import type { LayerConfig, LayerOptions } from './layer.js';
import { LAYER_RULES } from './option-rules.js';

/** Checks a Reshape target: positive integers, with at most one -1. */
function checkTargetShape(targetShape: unknown): readonly number[] {
  const ok =
    Array.isArray(targetShape) &&
    targetShape.every((d) => Number.isInteger(d) && ((d as number) > 0 || d === -1)) &&
    targetShape.filter((d) => d === -1).length <= 1;
  if (!ok)
    tf.invalidArgument(
      'Reshape',
      'targetShape',
      'an array of positive integers with at most one -1 (one sample, no batch dimension)',
      Array.isArray(targetShape) ? `[${targetShape.map(String).join(', ')}]` : tf.describeValue(targetShape),
    );
  return targetShape as readonly number[];
}

/**
 * Reshapes each sample to `targetShape` (Keras' `Reshape`; the batch dimension is kept, one target
 * dimension may be -1 and is inferred).
 * @example new tf.layers.Reshape([2, -1]).apply(tf.ones([5, 6])).shape // [5, 2, 3]
 */
export class Reshape extends Layer {
  /** The class name `model.save` writes. */
  static readonly className = 'Reshape';
  /** The shape of one output sample as given (-1 inferred). */
  readonly targetShape: readonly number[];

  constructor(targetShape: readonly number[], options: LayerOptions = {}) {
    const target = checkTargetShape(targetShape);
    tf.checkOptions('Reshape', options, LAYER_RULES);
    super(options, 'reshape');
    this.targetShape = target.slice();
  }

  /** The output sample shape for an input sample shape (-1 resolved), checked. */
  outputSampleShape(sample: readonly number[]): number[] {
    const size = sample.reduce((a, b) => a * b, 1);
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const inferred = this.targetShape.includes(-1);
    if (inferred ? known === 0 || size % known !== 0 : known !== size) {
      tf.invalidArgument(
        `${this.name}.apply`,
        'inputs',
        `samples of ${inferred ? `a multiple of ${known}` : known} elements (target shape [${this.targetShape.join(', ')}])`,
        `samples of shape ${tf.formatShape(sample)} (${size} elements)`,
      );
    }
    return this.targetShape.map((d) => (d === -1 ? size / known : d));
  }

  call(inputs: tf.Tensor): tf.Tensor {
    if (inputs.rank < 1)
      tf.invalidArgument(`${this.name}.apply`, 'inputs', 'a tensor of rank >= 1 ([batch, ...])', 'a scalar');
    return tf.reshape(inputs, [inputs.shape[0]!, ...this.outputSampleShape(inputs.shape.slice(1))]);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), targetShape: [...this.targetShape] };
  }
}

/** Checks Permute's dims: a permutation of 1..n. */
function checkDims(dims: unknown): readonly number[] {
  const ok =
    Array.isArray(dims) &&
    dims.length > 0 &&
    dims.every((d) => Number.isInteger(d)) &&
    [...(dims as number[])].sort((a, b) => a - b).every((d, i) => d === i + 1);
  if (!ok)
    tf.invalidArgument(
      'Permute',
      'dims',
      'a permutation of 1..n (Keras counts the axes after the batch from 1)',
      Array.isArray(dims) ? `[${dims.map(String).join(', ')}]` : tf.describeValue(dims),
    );
  return dims as readonly number[];
}

/**
 * Permutes the axes of each sample (Keras' `Permute`): `dims` is a permutation of 1..n, axis 0 being
 * the batch, which stays first.
 * @example new tf.layers.Permute([2, 1]).apply(tf.ones([4, 10, 64])).shape // [4, 64, 10]
 */
export class Permute extends Layer {
  /** The class name `model.save` writes. */
  static readonly className = 'Permute';
  /** The permutation, 1-based. */
  readonly dims: readonly number[];

  constructor(dims: readonly number[], options: LayerOptions = {}) {
    const checked = checkDims(dims);
    tf.checkOptions('Permute', options, LAYER_RULES);
    super(options, 'permute');
    this.dims = checked.slice();
  }

  call(inputs: tf.Tensor): tf.Tensor {
    if (inputs.rank !== this.dims.length + 1)
      tf.invalidArgument(
        `${this.name}.apply`,
        'inputs',
        `a tensor of rank ${this.dims.length + 1} (batch and the ${this.dims.length} permuted axes)`,
        `shape ${tf.formatShape(inputs.shape)}`,
      );
    return tf.transpose(inputs, [0, ...this.dims]);
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), dims: [...this.dims] };
  }
}

/**
 * Options of the global poolings (Keras' `data_format` and `keepdims`).
 * @example new tf.layers.GlobalAveragePooling2D({ keepdims: true })
 */
export interface GlobalPooling2DOptions extends LayerOptions {
  /** `'channelsLast'` ([batch, H, W, C], the default) or `'channelsFirst'` ([batch, C, H, W]). */
  readonly dataFormat?: 'channelsLast' | 'channelsFirst';
  /** Keep the pooled axes as size 1; default false. */
  readonly keepdims?: boolean;
}

const GLOBAL_POOLING_RULES: tf.OptionSchema<GlobalPooling2DOptions> = {
  ...LAYER_RULES,
  dataFormat: { kind: 'oneOf', values: ['channelsLast', 'channelsFirst'] },
  keepdims: { kind: 'boolean' },
};

/**
 * A mean or max over the spatial axes of 4-D inputs (the base of the global poolings).
 * @example const pool: tf.layers.GlobalPooling2D = new tf.layers.GlobalMaxPooling2D(); pool.keepdims // false
 */
export abstract class GlobalPooling2D extends Layer {
  /** Where the channels are. */
  readonly dataFormat: 'channelsLast' | 'channelsFirst';
  /** Whether the pooled axes stay as size 1. */
  readonly keepdims: boolean;

  constructor(options: GlobalPooling2DOptions, kind: string, op: string) {
    tf.checkOptions(op, options, GLOBAL_POOLING_RULES);
    super(options, kind);
    this.dataFormat = options.dataFormat ?? 'channelsLast';
    this.keepdims = options.keepdims ?? false;
  }

  protected abstract reduce(x: tf.Tensor, axes: readonly number[], keepDims: boolean): tf.Tensor;

  call(inputs: tf.Tensor): tf.Tensor {
    if (inputs.rank !== 4) {
      const layout =
        this.dataFormat === 'channelsLast' ? '[batch, height, width, channels]' : '[batch, channels, height, width]';
      tf.invalidArgument(
        `${this.name}.apply`,
        'inputs',
        `a tensor of rank 4 ${layout}`,
        `shape ${tf.formatShape(inputs.shape)}`,
      );
    }
    const axes = this.dataFormat === 'channelsLast' ? [1, 2] : [2, 3];
    return tf.tidy(() =>
      this.reduce(inputs.dtype === 'float32' ? inputs : tf.cast(inputs, 'float32'), axes, this.keepdims),
    );
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), dataFormat: this.dataFormat, keepdims: this.keepdims };
  }
}

/**
 * The mean over height and width (Keras' `GlobalAveragePooling2D`): [batch, H, W, C] → [batch, C].
 * @example new tf.layers.GlobalAveragePooling2D().apply(tf.ones([2, 7, 7, 64])).shape // [2, 64]
 */
export class GlobalAveragePooling2D extends GlobalPooling2D {
  /** The class name `model.save` writes. */
  static readonly className = 'GlobalAveragePooling2D';

  constructor(options: GlobalPooling2DOptions = {}) {
    super(options, 'global_average_pooling2d', 'GlobalAveragePooling2D');
  }

  protected reduce(x: tf.Tensor, axes: readonly number[], keepDims: boolean): tf.Tensor {
    return tf.reduceMean(x, axes, keepDims);
  }
}

/**
 * The maximum over height and width (Keras' `GlobalMaxPooling2D`): [batch, H, W, C] → [batch, C].
 * @example new tf.layers.GlobalMaxPooling2D({ keepdims: true }).apply(tf.ones([2, 7, 7, 64])).shape // [2, 1, 1, 64]
 */
export class GlobalMaxPooling2D extends GlobalPooling2D {
  /** The class name `model.save` writes. */
  static readonly className = 'GlobalMaxPooling2D';

  constructor(options: GlobalPooling2DOptions = {}) {
    super(options, 'global_max_pooling2d', 'GlobalMaxPooling2D');
  }

  protected reduce(x: tf.Tensor, axes: readonly number[], keepDims: boolean): tf.Tensor {
    return tf.reduceMax(x, axes, keepDims);
  }
}
