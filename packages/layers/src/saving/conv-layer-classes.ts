/**
 * @file The convolution, pooling, padding and up-sampling layers in `loadModel`'s table. Each is made
 * from its checked config first (a layer without weights allocates nothing until built), then planned
 * from the layer's own `computeOutputShape` and `weightShapes`, so the saved geometry is checked by the
 * same code that runs it. layer-table.ts spreads CONV_CLASSES into its one table.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { ACTIVATION_NAMES } from '../activations.js';
import type { ActivationName } from '../activations.js';
import { Conv1D, Conv2D, Conv2DTranspose, Convolution, DepthwiseConv2D } from '../convolutional.js';
import type { ConvolutionPaddingName, ShapeDim } from '../convolutional.js';
import type { Layer } from '../layer.js';
import { AveragePooling2D, MaxPooling2D, UpSampling2D, ZeroPadding2D } from '../pooling-layers.js';
import { known, product } from './config-reader.js';
import type { ConfigReader, LayerClass, LayerPlan, PlannedDim } from './config-reader.js';

/** A layer that can say its output shape for a planned input shape. */
type Shaped = Layer & { computeOutputShape(inputShape: readonly ShapeDim[]): ShapeDim[] };

const positive = (d: number): boolean => d > 0;

function geometry(r: ConfigReader, rank: number, withDilation: boolean): Record<string, unknown> {
  const tuple = (key: string): number[] | undefined => {
    const list = r.integers(key, positive, `${rank} positive integers`);
    if (list !== undefined && list.length !== rank)
      tf.invalidArgument(r.where, key, `${rank} positive integers`, `${list.length} integers`);
    return list;
  };
  const strides = tuple('strides');
  const dilationRate = withDilation ? tuple('dilationRate') : undefined;
  const padding = r.oneOf<ConvolutionPaddingName>('padding', ['valid', 'same']);
  r.oneOf('dataFormat', ['channelsLast']);
  return {
    ...(strides === undefined ? {} : { strides }),
    ...(dilationRate === undefined ? {} : { dilationRate }),
    ...(padding === undefined ? {} : { padding }),
  };
}

function kernelSize(r: ConfigReader, rank: number): number[] {
  const size = r.integers('kernelSize', positive, `${rank} positive integers`);
  if (size === undefined || size.length !== rank)
    tf.invalidArgument(
      r.where,
      'kernelSize',
      `${rank} positive integers`,
      size === undefined ? 'nothing' : `${size.length} integers`,
    );
  return size;
}

function filters(r: ConfigReader): number {
  const count = r.integer('filters', 1);
  if (count === undefined) tf.invalidArgument(r.where, 'filters', 'a positive integer', 'nothing');
  return count;
}

/** activation, useBias, bias initializer and regularizer, and the kernel's under Keras' key names. */
function convolutionOptions(r: ConfigReader, kernelKey: 'kernel' | 'depthwise'): Record<string, unknown> {
  const activation = r.oneOf<ActivationName>('activation', ACTIVATION_NAMES);
  const useBias = r.boolean('useBias');
  const kernelInitializer = known(r.string(`${kernelKey}Initializer`));
  const biasInitializer = known(r.string('biasInitializer'));
  const kernelRegularizer = r.regularizer(`${kernelKey}Regularizer`);
  const biasRegularizer = r.regularizer('biasRegularizer');
  return {
    ...r.common(),
    ...(activation === undefined ? {} : { activation }),
    ...(useBias === undefined ? {} : { useBias }),
    ...(kernelInitializer === undefined ? {} : { [`${kernelKey}Initializer`]: kernelInitializer }),
    ...(biasInitializer === undefined ? {} : { biasInitializer }),
    ...(kernelRegularizer === undefined ? {} : { [`${kernelKey}Regularizer`]: kernelRegularizer }),
    ...(biasRegularizer === undefined ? {} : { biasRegularizer }),
  };
}

/** The plan of a made layer: its weights (for convolutions) and its output for `input`. */
function planOf(
  className: string,
  layer: Shaped,
  rank: number,
  input: readonly PlannedDim[] | null,
  r: ConfigReader,
): LayerPlan {
  const { name, trainable } = r.common();
  const stem = name === undefined ? '' : `${name}/`;
  try {
    const shape = input ?? Array.from({ length: rank }, () => null);
    const output = layer.computeOutputShape(shape);
    const convolution = layer instanceof Convolution ? layer : null;
    const weights =
      convolution === null
        ? []
        : convolution
            .weightShapes(shape)
            .map((w) => ({ name: `${stem}${w.name}`, shape: [...w.shape], trainable: trainable ?? true }));
    return {
      className,
      name,
      weights,
      output: input === null ? null : output,
      buildScalars: input === null ? 0 : product(output.slice(1)),
    };
  } finally {
    layer.dispose();
  }
}

function convolutionClass(className: string, rank: number, make: (r: ConfigReader) => Shaped): LayerClass {
  return {
    plan: (r, _config, input) => planOf(className, make(r), rank + 2, input, r),
    make: (r) => make(r),
  };
}

function spatialClass(className: string, make: (r: ConfigReader) => Shaped): LayerClass {
  return {
    plan: (r, _config, input) => planOf(className, make(r), 4, input, r),
    make: (r) => make(r),
  };
}

function pooling(r: ConfigReader): Record<string, unknown> {
  const poolSize = r.integers('poolSize', positive, '2 positive integers');
  if (poolSize !== undefined && poolSize.length !== 2)
    tf.invalidArgument(r.where, 'poolSize', '2 positive integers', `${poolSize.length} integers`);
  return { ...r.common(), ...geometry(r, 2, false), ...(poolSize === undefined ? {} : { poolSize }) };
}

/** Convolution, pooling, padding and up-sampling layers, by class name. */
export const CONV_CLASSES: Readonly<Record<string, LayerClass>> = {
  Conv1D: convolutionClass(
    'Conv1D',
    1,
    (r) => new Conv1D(filters(r), kernelSize(r, 1), { ...convolutionOptions(r, 'kernel'), ...geometry(r, 1, true) }),
  ),
  Conv2D: convolutionClass(
    'Conv2D',
    2,
    (r) => new Conv2D(filters(r), kernelSize(r, 2), { ...convolutionOptions(r, 'kernel'), ...geometry(r, 2, true) }),
  ),
  DepthwiseConv2D: convolutionClass('DepthwiseConv2D', 2, (r) => {
    const depthMultiplier = r.integer('depthMultiplier', 1);
    return new DepthwiseConv2D(kernelSize(r, 2), {
      ...convolutionOptions(r, 'depthwise'),
      ...geometry(r, 2, true),
      ...(depthMultiplier === undefined ? {} : { depthMultiplier }),
    });
  }),
  Conv2DTranspose: convolutionClass(
    'Conv2DTranspose',
    2,
    (r) =>
      new Conv2DTranspose(filters(r), kernelSize(r, 2), {
        ...convolutionOptions(r, 'kernel'),
        ...geometry(r, 2, false),
      }),
  ),
  MaxPooling2D: spatialClass('MaxPooling2D', (r) => new MaxPooling2D(pooling(r))),
  AveragePooling2D: spatialClass('AveragePooling2D', (r) => new AveragePooling2D(pooling(r))),
  ZeroPadding2D: spatialClass('ZeroPadding2D', (r) => {
    r.oneOf('dataFormat', ['channelsLast']);
    const padding = Object.hasOwn(r.config, 'padding') ? r.config.padding : undefined;
    if (padding === undefined) tf.invalidArgument(r.where, 'padding', '[[top, bottom], [left, right]]', 'nothing');
    try {
      return new ZeroPadding2D(padding as never, r.common());
    } catch (error) {
      if (error instanceof tf.InvalidArgumentError)
        tf.invalidArgument(
          r.where,
          'padding',
          '[[top, bottom], [left, right]] of non-negative integers',
          'another value',
        );
      throw error;
    }
  }),
  UpSampling2D: spatialClass('UpSampling2D', (r) => {
    r.oneOf('dataFormat', ['channelsLast']);
    r.oneOf('interpolation', ['nearest']);
    const size = r.integers('size', positive, '2 positive integers');
    if (size === undefined || size.length !== 2)
      tf.invalidArgument(
        r.where,
        'size',
        '2 positive integers',
        size === undefined ? 'nothing' : `${size.length} integers`,
      );
    return new UpSampling2D(size, r.common());
  }),
};
