/**
 * @file The geometry the convolution and pooling layers share: Keras' output-length rules for
 * convolutions and transposed convolutions, `int or tuple` arguments normalised to lists, and the
 * option rules and checks (padding, dataFormat, ranks) with their typed errors.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { Layer } from './layer.js';

/** A dimension of a planned shape: a size, or null where unknown (the batch). */
export type ShapeDim = number | null;

/** Keras' `padding` of the convolutions and poolings. */
export type ConvolutionPaddingName = 'valid' | 'same';

/** Only `'channelsLast'` ([batch, ..., channels]) is supported; `'channelsFirst'` is refused. */
export type DataFormat = 'channelsLast' | 'channelsFirst';

export const PADDING_RULE: tf.OptionRule = { kind: 'oneOf', values: ['valid', 'same'] };
export const DATA_FORMAT_RULE: tf.OptionRule = { kind: 'oneOf', values: ['channelsLast', 'channelsFirst'] };

/** A positive integer or a list of `rank` of them (Keras' `int or tuple`). */
export function tupleRule(rank: number): tf.OptionRule {
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
export function checkRank(layer: Layer, inputs: tf.Tensor, rank: number, layout: string): tf.Tensor {
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
export function checkShapeRank(where: string, shape: readonly ShapeDim[], rank: number, layout: string): void {
  if (shape.length !== rank)
    tf.invalidArgument(
      where,
      'inputShape',
      `a shape of rank ${rank} ${layout}`,
      `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`,
    );
}

export function refuseChannelsFirst(op: string, dataFormat: DataFormat | undefined): void {
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
