/**
 * @file The layer classes issue 12 adds to `loadModel`'s table (normalization, reshaping, global
 * pooling): each planned from its saved config without allocating (weights, including
 * BatchNormalization's non-trainable moving statistics, and output shape) and made. layer-table.ts
 * spreads MORE_CLASSES into its one table.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { Layer } from '../layer.js';
import { BatchNormalization, LayerNormalization } from '../normalization.js';
import { GlobalAveragePooling2D, GlobalMaxPooling2D, Permute, Reshape } from '../reshaping.js';
import { known, product } from './config-reader.js';
import type { ConfigReader, LayerClass, PlannedDim, PlannedWeight } from './config-reader.js';

/** Normalization, reshaping and global pooling, by class name. */
export const MORE_CLASSES: Readonly<Record<string, LayerClass>> = {
  BatchNormalization: {
    plan(r, _config, input) {
      const { name, trainable } = r.common();
      const axis = r.integer('axis', -32) ?? -1;
      const features = input === null ? null : planAxis(r, input, axis);
      const shape = [features];
      const train = trainable ?? true;
      const weights = [
        ...normalizationWeights(r, name, shape, train),
        { name: weightName(name, 'moving_mean'), shape, trainable: false },
        { name: weightName(name, 'moving_variance'), shape, trainable: false },
      ];
      return { className: 'BatchNormalization', name, weights, output: input, buildScalars: sampleScalars(input) };
    },
    make(r) {
      const axis = r.integer('axis', -32);
      const momentum = r.number('momentum');
      const movingMeanInitializer = known(r.string('movingMeanInitializer'));
      const movingVarianceInitializer = known(r.string('movingVarianceInitializer'));
      return new BatchNormalization({
        ...normalizationOptions(r),
        ...(axis === undefined ? {} : { axis }),
        ...(momentum === undefined ? {} : { momentum }),
        ...(movingMeanInitializer === undefined ? {} : { movingMeanInitializer }),
        ...(movingVarianceInitializer === undefined ? {} : { movingVarianceInitializer }),
      });
    },
  },
  LayerNormalization: {
    plan(r, _config, input) {
      const { name, trainable } = r.common();
      const axes = layerNormalizationAxes(r);
      const list = typeof axes === 'number' ? [axes] : axes;
      const shape =
        input === null
          ? list.map(() => null)
          : list
              .map((a) => (a < 0 ? a + input.length : a))
              .sort((a, b) => a - b)
              .map((a) => planAxis(r, input, a));
      return {
        className: 'LayerNormalization',
        name,
        weights: normalizationWeights(r, name, shape, trainable ?? true),
        output: input,
        buildScalars: sampleScalars(input),
      };
    },
    make: (r) => new LayerNormalization({ ...normalizationOptions(r), axis: layerNormalizationAxes(r) }),
  },
  Reshape: {
    plan(r, _config, input) {
      const layer = makeReshape(r);
      const output =
        input === null ? null : [input[0] ?? null, ...layer.outputSampleShape(input.slice(1).map((d) => d ?? 1))];
      layer.dispose();
      return { className: 'Reshape', name: r.common().name, weights: [], output, buildScalars: sampleScalars(output) };
    },
    make: (r) => makeReshape(r),
  },
  Permute: {
    plan(r, _config, input) {
      const dims = permuteDims(r);
      if (input !== null && input.length !== dims.length + 1)
        tf.invalidArgument(
          r.where,
          'dims',
          `${input.length - 1} dims for inputs of rank ${input.length}`,
          `${dims.length}`,
        );
      const output = input === null ? null : [input[0] ?? null, ...dims.map((d) => input[d]!)];
      return { className: 'Permute', name: r.common().name, weights: [], output, buildScalars: sampleScalars(output) };
    },
    make: (r) => new Permute(permuteDims(r), r.common()),
  },
  GlobalAveragePooling2D: globalPooling('GlobalAveragePooling2D', (options) => new GlobalAveragePooling2D(options)),
  GlobalMaxPooling2D: globalPooling('GlobalMaxPooling2D', (options) => new GlobalMaxPooling2D(options)),
};

function weightName(layer: string | undefined, weight: string): string {
  return layer === undefined ? weight : `${layer}/${weight}`;
}

function sampleScalars(shape: readonly PlannedDim[] | null): number {
  return shape === null ? 0 : product(shape.slice(1));
}

/** The size of `axis` of a planned input (checked in range, not the batch axis). */
function planAxis(r: ConfigReader, input: readonly PlannedDim[], axis: number): PlannedDim {
  const resolved = axis < 0 ? axis + input.length : axis;
  if (resolved < 1 || resolved >= input.length)
    tf.invalidArgument(r.where, 'axis', `a features axis of inputs of rank ${input.length}`, String(axis));
  return input[resolved]!;
}

/** γ then β, as the normalizations make them (each only when enabled). */
function normalizationWeights(
  r: ConfigReader,
  name: string | undefined,
  shape: readonly PlannedDim[],
  trainable: boolean,
): PlannedWeight[] {
  const weights: PlannedWeight[] = [];
  if (r.boolean('scale') ?? true) weights.push({ name: weightName(name, 'gamma'), shape, trainable });
  if (r.boolean('center') ?? true) weights.push({ name: weightName(name, 'beta'), shape, trainable });
  return weights;
}

function normalizationOptions(r: ConfigReader): Record<string, unknown> & { readonly name?: string } {
  const epsilon = r.number('epsilon');
  const center = r.boolean('center');
  const scale = r.boolean('scale');
  const betaInitializer = known(r.string('betaInitializer'));
  const gammaInitializer = known(r.string('gammaInitializer'));
  const betaRegularizer = r.regularizer('betaRegularizer');
  const gammaRegularizer = r.regularizer('gammaRegularizer');
  return {
    ...r.common(),
    ...(epsilon === undefined ? {} : { epsilon }),
    ...(center === undefined ? {} : { center }),
    ...(scale === undefined ? {} : { scale }),
    ...(betaInitializer === undefined ? {} : { betaInitializer }),
    ...(gammaInitializer === undefined ? {} : { gammaInitializer }),
    ...(betaRegularizer === undefined ? {} : { betaRegularizer }),
    ...(gammaRegularizer === undefined ? {} : { gammaRegularizer }),
  };
}

function layerNormalizationAxes(r: ConfigReader): number | number[] {
  const value = Object.hasOwn(r.config, 'axis') ? r.config.axis : undefined;
  if (Array.isArray(value)) return r.integers('axis', (d) => d >= -32 && d < 32, 'an axis or a list of axes')!;
  return r.integer('axis', -32) ?? -1;
}

function makeReshape(r: ConfigReader): Reshape {
  const target = r.integers('targetShape', (d) => d > 0 || d === -1, 'a list of positive integers (one may be -1)');
  if (target === undefined) tf.invalidArgument(r.where, 'targetShape', 'a list of positive integers', 'nothing');
  return new Reshape(target, r.common());
}

function permuteDims(r: ConfigReader): number[] {
  const dims = r.integers('dims', (d) => d >= 1, 'a permutation of 1..n');
  if (dims === undefined) tf.invalidArgument(r.where, 'dims', 'a permutation of 1..n', 'nothing');
  return dims;
}

function globalPooling(
  className: string,
  make: (options: { readonly dataFormat?: 'channelsLast' | 'channelsFirst'; readonly keepdims?: boolean }) => Layer,
): LayerClass {
  const options = (r: ConfigReader): { dataFormat?: 'channelsLast' | 'channelsFirst'; keepdims?: boolean } => {
    const dataFormat = r.oneOf<'channelsLast' | 'channelsFirst'>('dataFormat', ['channelsLast', 'channelsFirst']);
    const keepdims = r.boolean('keepdims');
    return {
      ...r.common(),
      ...(dataFormat === undefined ? {} : { dataFormat }),
      ...(keepdims === undefined ? {} : { keepdims }),
    };
  };
  return {
    plan(r, _config, input) {
      const { dataFormat = 'channelsLast', keepdims = false } = options(r);
      if (input !== null && input.length !== 4)
        tf.invalidArgument(r.where, 'inputShape', 'inputs of rank 4', `rank ${input.length}`);
      const channels = input === null ? null : input[dataFormat === 'channelsLast' ? 3 : 1]!;
      const batch = input === null ? null : (input[0] ?? null);
      const output = keepdims
        ? dataFormat === 'channelsLast'
          ? [batch, 1, 1, channels]
          : [batch, channels, 1, 1]
        : [batch, channels];
      return { className, name: r.common().name, weights: [], output, buildScalars: sampleScalars(output) };
    },
    make: (r) => make(options(r)),
  };
}
