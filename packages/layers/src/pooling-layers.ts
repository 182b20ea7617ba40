/**
 * @file Keras' weightless spatial layers: MaxPooling2D and AveragePooling2D (over tensor-core's
 * maxPool2d / avgPool2d), ZeroPadding2D (tf.pad) and UpSampling2D (nearest neighbour, made of reshape,
 * broadcast and reshape so tapes differentiate it through ordinary ops). Each computes its output shape
 * from an input shape without running anything, for summaries and `loadModel`'s planning.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { convOutputLength, normalizeTuple } from './conv-geometry.js';
import type { ConvolutionPaddingName, DataFormat, ShapeDim } from './conv-geometry.js';
import { Layer } from './layer.js';
import type { LayerConfig, LayerOptions } from './layer.js';
import { LAYER_RULES } from './option-rules.js';

const LAYOUT = '[batch, height, width, channels]';

function checkShapeRank4(where: string, shape: readonly ShapeDim[]): void {
  if (shape.length !== 4)
    tf.invalidArgument(
      where,
      'inputShape',
      `a shape of rank 4 ${LAYOUT}`,
      `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`,
    );
}

function checkInputs(layer: Layer, inputs: tf.Tensor): tf.Tensor {
  if (inputs.rank !== 4)
    tf.invalidArgument(
      `${layer.name}.apply`,
      'inputs',
      `a tensor of rank 4 ${LAYOUT}`,
      `shape ${tf.formatShape(inputs.shape)}`,
    );
  return inputs.dtype === 'float32' ? inputs : tf.cast(inputs, 'float32');
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

const TUPLE2: tf.OptionRule = {
  kind: 'custom',
  check: (value) => {
    const positive = (d: unknown): boolean => typeof d === 'number' && Number.isInteger(d) && d > 0;
    return positive(value) || (Array.isArray(value) && value.length === 2 && value.every(positive))
      ? undefined
      : 'a positive integer or 2 positive integers';
  },
};

/**
 * Options of the 2-D poolings (Keras' keyword arguments in camelCase).
 * @example new MaxPooling2D({ poolSize: 3, strides: 2, padding: 'same' })
 */
export interface Pooling2DOptions extends LayerOptions {
  /** The window (a number for both axes); default [2, 2]. */
  readonly poolSize?: number | readonly number[];
  /** The step between windows; default `poolSize`. */
  readonly strides?: number | readonly number[];
  /** `'valid'` (default) or `'same'`. */
  readonly padding?: ConvolutionPaddingName;
  /** `'channelsLast'` only; `'channelsFirst'` is refused. */
  readonly dataFormat?: DataFormat;
}

const POOLING_RULES: tf.OptionSchema<Pooling2DOptions> = {
  ...LAYER_RULES,
  poolSize: TUPLE2,
  strides: TUPLE2,
  padding: { kind: 'oneOf', values: ['valid', 'same'] },
  dataFormat: { kind: 'oneOf', values: ['channelsLast', 'channelsFirst'] },
};

/**
 * A max or mean over windows of 4-D inputs (the base of MaxPooling2D and AveragePooling2D).
 * @example const pool: Pooling2D = new MaxPooling2D(); pool.poolSize // [2, 2]
 */
export abstract class Pooling2D extends Layer {
  /** The window. */
  readonly poolSize: readonly number[];
  /** The step between windows. */
  readonly strides: readonly number[];
  /** `'valid'` or `'same'`. */
  readonly padding: ConvolutionPaddingName;

  constructor(options: Pooling2DOptions, kind: string, op: string) {
    tf.checkOptions(op, options, POOLING_RULES);
    refuseChannelsFirst(op, options.dataFormat);
    super(options, kind);
    this.poolSize = normalizeTuple(op, 'options.poolSize', options.poolSize ?? 2, 2);
    this.strides = normalizeTuple(op, 'options.strides', options.strides ?? this.poolSize, 2);
    this.padding = options.padding ?? 'valid';
  }

  /**
   * The output shape for an input shape, without running anything.
   * @example new MaxPooling2D().computeOutputShape([null, 26, 26, 32]) // [null, 13, 13, 32]
   */
  computeOutputShape(inputShape: readonly ShapeDim[]): ShapeDim[] {
    checkShapeRank4(`${this.name}.computeOutputShape`, inputShape);
    const [batch, height, width, channels] = inputShape;
    return [
      batch!,
      convOutputLength(height!, this.poolSize[0]!, this.padding, this.strides[0]!, 1),
      convOutputLength(width!, this.poolSize[1]!, this.padding, this.strides[1]!, 1),
      channels!,
    ];
  }

  protected abstract pool(x: tf.Tensor): tf.Tensor;

  call(inputs: tf.Tensor): tf.Tensor {
    const output = this.computeOutputShape(inputs.shape);
    if (inputs.rank === 4 && output.some((d) => d === 0))
      tf.invalidArgument(
        `${this.name}.apply`,
        'inputs',
        `height and width of at least the pool size [${this.poolSize.join(', ')}] with 'valid' padding`,
        `shape ${tf.formatShape(inputs.shape)}`,
      );
    return tf.tidy(() => this.pool(checkInputs(this, inputs)));
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      poolSize: [...this.poolSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: 'channelsLast',
    };
  }
}

/**
 * The maximum of each window (Keras' `MaxPooling2D`).
 * @example new tf.layers.MaxPooling2D().apply(tf.ones([1, 26, 26, 32])).shape // [1, 13, 13, 32]
 */
export class MaxPooling2D extends Pooling2D {
  /** The class name `model.save` writes. */
  static readonly className = 'MaxPooling2D';

  constructor(options: Pooling2DOptions = {}) {
    super(options, 'max_pooling2d', 'MaxPooling2D');
  }

  protected pool(x: tf.Tensor): tf.Tensor {
    return tf.maxPool2d(x, this.poolSize, this.strides, this.padding);
  }
}

/**
 * The mean of each window, padding not counted (Keras' `AveragePooling2D`).
 * @example
 * const pool = new tf.layers.AveragePooling2D({ poolSize: 3, strides: 1, padding: 'same' });
 * pool.apply(tf.ones([1, 5, 5, 2])).shape // [1, 5, 5, 2]
 */
export class AveragePooling2D extends Pooling2D {
  /** The class name `model.save` writes. */
  static readonly className = 'AveragePooling2D';

  constructor(options: Pooling2DOptions = {}) {
    super(options, 'average_pooling2d', 'AveragePooling2D');
  }

  protected pool(x: tf.Tensor): tf.Tensor {
    return tf.avgPool2d(x, this.poolSize, this.strides, this.padding);
  }
}

/** `ZeroPadding2D`'s padding: one number for all sides, [rows, columns], or [[top, bottom], [left, right]]. */
export type ZeroPadding2DPadding =
  number | readonly [number, number] | readonly [readonly [number, number], readonly [number, number]];

/**
 * Normalizes ZeroPadding2D's padding to [[top, bottom], [left, right]], refusing anything else.
 * @example zeroPaddingPairs(1) // [[1, 1], [1, 1]]
 */
export function zeroPaddingPairs(op: string, padding: unknown): [[number, number], [number, number]] {
  const count = (d: unknown): d is number => typeof d === 'number' && Number.isInteger(d) && d >= 0;
  const pair = (p: unknown): p is [number, number] => Array.isArray(p) && p.length === 2 && p.every(count);
  if (count(padding))
    return [
      [padding, padding],
      [padding, padding],
    ];
  if (pair(padding))
    return [
      [padding[0], padding[0]],
      [padding[1], padding[1]],
    ];
  if (Array.isArray(padding) && padding.length === 2 && pair(padding[0]) && pair(padding[1]))
    return [
      [padding[0][0], padding[0][1]],
      [padding[1][0], padding[1][1]],
    ];
  const given = Array.isArray(padding) ? JSON.stringify(padding) : tf.describeValue(padding);
  return tf.invalidArgument(
    op,
    'padding',
    'a non-negative integer, [rows, columns] or [[top, bottom], [left, right]] of non-negative integers',
    given ?? String(padding),
  );
}

/**
 * Pads height and width with zeros (Keras' `ZeroPadding2D`).
 * @example new tf.layers.ZeroPadding2D([[1, 2], [0, 3]]).apply(tf.ones([1, 4, 4, 1])).shape // [1, 7, 7, 1]
 */
export class ZeroPadding2D extends Layer {
  /** The class name `model.save` writes. */
  static readonly className = 'ZeroPadding2D';
  /** [[top, bottom], [left, right]]. */
  readonly padding: readonly [readonly [number, number], readonly [number, number]];

  constructor(padding: ZeroPadding2DPadding = 1, options: LayerOptions & { readonly dataFormat?: DataFormat } = {}) {
    const pairs = zeroPaddingPairs('ZeroPadding2D', padding);
    tf.checkOptions('ZeroPadding2D', options, {
      ...LAYER_RULES,
      dataFormat: { kind: 'oneOf', values: ['channelsLast', 'channelsFirst'] },
    });
    refuseChannelsFirst('ZeroPadding2D', options.dataFormat);
    super(options, 'zero_padding2d');
    this.padding = pairs;
  }

  /**
   * The output shape for an input shape, without running anything.
   * @example new ZeroPadding2D(1).computeOutputShape([null, 4, 4, 1]) // [null, 6, 6, 1]
   */
  computeOutputShape(inputShape: readonly ShapeDim[]): ShapeDim[] {
    checkShapeRank4(`${this.name}.computeOutputShape`, inputShape);
    const [batch, height, width, channels] = inputShape;
    const [[top, bottom], [left, right]] = this.padding;
    return [
      batch!,
      height === null ? null : height! + top + bottom,
      width === null ? null : width! + left + right,
      channels!,
    ];
  }

  call(inputs: tf.Tensor): tf.Tensor {
    const input = checkInputs(this, inputs);
    const [rows, columns] = this.padding;
    return tf.tidy(() =>
      tf.pad(input, [
        [0, 0],
        [rows[0], rows[1]],
        [columns[0], columns[1]],
        [0, 0],
      ]),
    );
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      padding: this.padding.map((p) => [...p]),
      dataFormat: 'channelsLast',
    };
  }
}

/**
 * Repeats rows and columns (Keras' `UpSampling2D` with nearest interpolation).
 * @example new tf.layers.UpSampling2D(2).apply(tf.ones([1, 7, 7, 3])).shape // [1, 14, 14, 3]
 */
export class UpSampling2D extends Layer {
  /** The class name `model.save` writes. */
  static readonly className = 'UpSampling2D';
  /** The factor along height and width. */
  readonly size: readonly number[];

  constructor(
    size: number | readonly number[] = 2,
    options: LayerOptions & { readonly dataFormat?: DataFormat; readonly interpolation?: 'nearest' } = {},
  ) {
    const factors = normalizeTuple('UpSampling2D', 'size', size, 2);
    tf.checkOptions('UpSampling2D', options, {
      ...LAYER_RULES,
      dataFormat: { kind: 'oneOf', values: ['channelsLast', 'channelsFirst'] },
      interpolation: { kind: 'oneOf', values: ['nearest'] },
    });
    refuseChannelsFirst('UpSampling2D', options.dataFormat);
    super(options, 'up_sampling2d');
    this.size = factors;
  }

  /**
   * The output shape for an input shape, without running anything.
   * @example new UpSampling2D([2, 3]).computeOutputShape([null, 4, 4, 1]) // [null, 8, 12, 1]
   */
  computeOutputShape(inputShape: readonly ShapeDim[]): ShapeDim[] {
    checkShapeRank4(`${this.name}.computeOutputShape`, inputShape);
    const [batch, height, width, channels] = inputShape;
    return [
      batch!,
      height === null ? null : height! * this.size[0]!,
      width === null ? null : width! * this.size[1]!,
      channels!,
    ];
  }

  call(inputs: tf.Tensor): tf.Tensor {
    const input = checkInputs(this, inputs);
    const [batch, height, width, channels] = input.shape as [number, number, number, number];
    const [rows, columns] = this.size as [number, number];
    return tf.tidy(() => {
      const spread = tf.reshape(input, [batch, height, 1, width, 1, channels]);
      const repeated = tf.broadcastTo(spread, [batch, height, rows, width, columns, channels]);
      return tf.reshape(repeated, [batch, height * rows, width * columns, channels]);
    });
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), size: [...this.size], dataFormat: 'channelsLast', interpolation: 'nearest' };
  }
}
