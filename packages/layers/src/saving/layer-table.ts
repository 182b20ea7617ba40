/**
 * @file The layer classes `loadModel` knows, one table: for each class, how to plan it from its saved
 * config (the weights it will make and the shape it outputs, computed without allocating anything)
 * and how to make it. Planning comes first, so a `model.json` asking for absurd sizes is refused in
 * milliseconds by comparing the plan with the weights file's header, before any layer exists. Class
 * names resolve through own properties only (`__proto__`, `constructor`, `toString` are unknown
 * classes), and every value read from the config is checked here, with messages that quote no raw
 * bytes of the file.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { ACTIVATION_NAMES } from '../activations.js';
import type { ActivationName } from '../activations.js';
import { Activation, Dropout, Flatten, ReLU, Softmax } from '../core-layers.js';
import { Dense } from '../dense.js';
import { INITIALIZER_NAMES } from '../initializers.js';
import type { InitializerName } from '../initializers.js';
import type { Layer, LayerConfig } from '../layer.js';
import { BatchNormalization, LayerNormalization } from '../normalization.js';
import * as regularizers from '../regularizers.js';
import { GlobalAveragePooling2D, GlobalMaxPooling2D, Permute, Reshape } from '../reshaping.js';
import { Sequential } from '../sequential.js';
import { describeFromFile } from './files.js';

/**
 * Makes a layer from its saved config (a class's `fromConfig`), for layers of your own.
 * @example const customLayers = { Scale: (config) => new Scale(config) };
 */
export type LayerFactory = (config: LayerConfig) => Layer;

/** A dimension in a plan: null where it is not known before building (the batch, or after a custom layer). */
export type PlannedDim = number | null;

/** A weight a layer will make, by its full name (`<layer>/<weight>`), before it exists. */
export interface PlannedWeight {
  readonly name: string;
  readonly shape: readonly PlannedDim[];
  readonly trainable: boolean;
}

/** What a layer will be once built: its weights (null for a custom layer: unknown) and its output. */
export interface LayerPlan {
  readonly className: string;
  readonly name: string | undefined;
  readonly weights: readonly PlannedWeight[] | null;
  /** Output shape with the batch dimension first (null: unknown). */
  readonly output: readonly PlannedDim[] | null;
  /** Scalars held while the model is built on one sample: this layer's output (and its sublayers'). */
  readonly buildScalars: number;
  /** For a Sequential: its layers' plans. */
  readonly layers?: readonly LayerPlan[];
}

/**
 * Scalars a model may hold while it is built (the one-sample input and every layer's output), 2^26:
 * 256 MB of float32. A saved config asking for more is refused before anything is allocated.
 */
export const MAX_BUILD_SCALARS = 2 ** 26;
// eslint-disable-next-line no-control-regex -- a name may hold no control character
const NAME = /^[^\u0000-\u001f\u007f]{1,128}$/;

/** Reads typed values from one layer's config, failing with the layer's place in `model.json`. */
export class ConfigReader {
  constructor(
    readonly config: LayerConfig,
    readonly where: string,
  ) {}

  private typed<T>(key: string, test: (v: unknown) => boolean, expected: string): T | undefined {
    const value = Object.hasOwn(this.config, key) ? this.config[key] : undefined;
    if (value === undefined) return undefined;
    if (!test(value)) tf.invalidArgument(this.where, key, expected, describeFromFile(value));
    return value as T;
  }

  number(key: string): number | undefined {
    return this.typed<number>(key, (v) => typeof v === 'number', 'a number');
  }

  integer(key: string, min: number): number | undefined {
    return this.typed<number>(
      key,
      (v) => Number.isSafeInteger(v) && (v as number) >= min,
      min === 1 ? 'a positive integer' : `an integer >= ${min}`,
    );
  }

  boolean(key: string): boolean | undefined {
    return this.typed<boolean>(key, (v) => typeof v === 'boolean', 'a boolean');
  }

  oneOf<T extends string>(key: string, names: readonly T[]): T | undefined {
    return this.typed<T>(
      key,
      (v) => typeof v === 'string' && (names as readonly string[]).includes(v),
      `one of ${names.map((n) => `'${n}'`).join(', ')}`,
    );
  }

  /** A string of names Tapeflow does not know: read, checked to be a string, then left out. */
  string(key: string): string | undefined {
    return this.typed<string>(key, (v) => typeof v === 'string', 'a string');
  }

  shape(key: string): number[] | undefined {
    return this.typed<number[]>(
      key,
      (v) => Array.isArray(v) && v.length >= 1 && v.length <= 32 && v.every((d) => Number.isSafeInteger(d) && d > 0),
      'a list of 1 to 32 positive integers',
    );
  }

  /** A list of 1 to 32 integers each accepted by `test` (Reshape's target, Permute's dims, axes). */
  integers(key: string, test: (d: number) => boolean, expected: string): number[] | undefined {
    return this.typed<number[]>(
      key,
      (v) => Array.isArray(v) && v.length >= 1 && v.length <= 32 && v.every((d) => Number.isSafeInteger(d) && test(d)),
      expected,
    );
  }

  /** A saved regularizer (`{ className, config }`), or undefined when the key is absent or null. */
  regularizer(key: string): regularizers.Regularizer | undefined {
    const value = Object.hasOwn(this.config, key) ? this.config[key] : undefined;
    if (value === undefined || value === null) return undefined;
    return regularizers.deserialize(value, this.where, key);
  }

  /** name, trainable and inputShape, which every layer takes. */
  common(): { name?: string; trainable?: boolean; inputShape?: readonly number[] } {
    const name = this.typed<string>(
      'name',
      (v) => typeof v === 'string' && NAME.test(v),
      'a name of 1 to 128 printable characters',
    );
    const trainable = this.boolean('trainable');
    const inputShape = this.shape('inputShape');
    return {
      ...(name === undefined ? {} : { name }),
      ...(trainable === undefined ? {} : { trainable }),
      ...(inputShape === undefined ? {} : { inputShape }),
    };
  }
}

interface Context {
  readonly customLayers: Readonly<Record<string, LayerFactory>>;
}

interface LayerClass {
  /** The plan for an input of shape `input` (batch first; null when not known). */
  plan(r: ConfigReader, config: LayerConfig, input: readonly PlannedDim[] | null, context: Context): LayerPlan;
  make(r: ConfigReader, config: LayerConfig, context: Context): Layer;
}

function product(dims: readonly PlannedDim[]): number {
  return dims.reduce<number>((a, d) => a * (d ?? 1), 1);
}

/** A weightless layer whose output has its input's shape. */
function sameShape(className: string, make: (r: ConfigReader) => Layer): LayerClass {
  return {
    plan: (r, _config, input) => ({
      className,
      name: r.common().name,
      weights: [],
      output: input,
      buildScalars: input === null ? 0 : product(input.slice(1)),
    }),
    make: (r) => make(r),
  };
}

const known = (name: string | undefined): InitializerName | undefined =>
  INITIALIZER_NAMES.includes(name as InitializerName) ? (name as InitializerName) : undefined;

const CLASSES: Readonly<Record<string, LayerClass>> = {
  Dense: {
    plan(r, _config, input) {
      const { name, trainable } = r.common();
      const units = r.integer('units', 1);
      if (units === undefined) tf.invalidArgument(r.where, 'units', 'a positive integer', 'nothing');
      const useBias = r.boolean('useBias') ?? true;
      if (input !== null && input.length < 2)
        tf.invalidArgument(
          r.where,
          'inputShape',
          'a shape of rank >= 2 ([batch, ..., features])',
          `[${input.map((d) => d ?? 'null').join(',')}]`,
        );
      const inputDim = input === null ? null : input[input.length - 1]!;
      const stem = name === undefined ? '' : `${name}/`;
      const weights = [{ name: `${stem}kernel`, shape: [inputDim, units], trainable: trainable ?? true }];
      if (useBias) weights.push({ name: `${stem}bias`, shape: [units], trainable: trainable ?? true });
      const output = input === null ? null : [...input.slice(0, -1), units];
      return {
        className: 'Dense',
        name,
        weights,
        output,
        buildScalars: output === null ? units : product(output.slice(1)),
      };
    },
    make(r) {
      const units = r.integer('units', 1);
      if (units === undefined) tf.invalidArgument(r.where, 'units', 'a positive integer', 'nothing');
      const activation = r.oneOf<ActivationName>('activation', ACTIVATION_NAMES);
      const useBias = r.boolean('useBias');
      // The saved weights replace the initial values; an initializer of the user's own (not a Keras
      // name) is only recorded by name, so it is left out rather than refused.
      const kernelInitializer = known(r.string('kernelInitializer'));
      const biasInitializer = known(r.string('biasInitializer'));
      const kernelRegularizer = r.regularizer('kernelRegularizer');
      const biasRegularizer = r.regularizer('biasRegularizer');
      return new Dense(units, {
        ...r.common(),
        ...(kernelRegularizer === undefined ? {} : { kernelRegularizer }),
        ...(biasRegularizer === undefined ? {} : { biasRegularizer }),
        ...(activation === undefined ? {} : { activation }),
        ...(useBias === undefined ? {} : { useBias }),
        ...(kernelInitializer === undefined ? {} : { kernelInitializer }),
        ...(biasInitializer === undefined ? {} : { biasInitializer }),
      });
    },
  },
  Flatten: {
    plan(r, _config, input) {
      const output = input === null ? null : [input[0] ?? null, input.length <= 1 ? 1 : product(input.slice(1))];
      return {
        className: 'Flatten',
        name: r.common().name,
        weights: [],
        output,
        buildScalars: output === null ? 0 : product(output.slice(1)),
      };
    },
    make: (r) => new Flatten(r.common()),
  },
  Dropout: sameShape('Dropout', (r) => {
    const seed = r.integer('seed', -(2 ** 31));
    return new Dropout(r.number('rate') ?? 0, { ...r.common(), ...(seed === undefined ? {} : { seed }) });
  }),
  ReLU: sameShape('ReLU', (r) => {
    const maxValue = r.number('maxValue');
    const negativeSlope = r.number('negativeSlope');
    return new ReLU({
      ...r.common(),
      ...(maxValue === undefined ? {} : { maxValue }),
      ...(negativeSlope === undefined ? {} : { negativeSlope }),
    });
  }),
  Softmax: sameShape('Softmax', (r) => {
    const axis = r.integer('axis', -32);
    return new Softmax({ ...r.common(), ...(axis === undefined ? {} : { axis }) });
  }),
  Activation: sameShape(
    'Activation',
    (r) =>
      new Activation({
        ...r.common(),
        activation: r.oneOf<ActivationName>('activation', ACTIVATION_NAMES) ?? 'linear',
      }),
  ),
  // Issue 12 (real models I): normalization, reshaping and global pooling.
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
      const output = input === null ? null : [input[0] ?? null, ...layer.outputSampleShape(input.slice(1).map((d) => d ?? 1))];
      layer.dispose();
      return { className: 'Reshape', name: r.common().name, weights: [], output, buildScalars: sampleScalars(output) };
    },
    make: (r) => makeReshape(r),
  },
  Permute: {
    plan(r, _config, input) {
      const dims = permuteDims(r);
      if (input !== null && input.length !== dims.length + 1)
        tf.invalidArgument(r.where, 'dims', `${input.length - 1} dims for inputs of rank ${input.length}`, `${dims.length}`);
      const output = input === null ? null : [input[0] ?? null, ...dims.map((d) => input[d]!)];
      return { className: 'Permute', name: r.common().name, weights: [], output, buildScalars: sampleScalars(output) };
    },
    make: (r) => new Permute(permuteDims(r), r.common()),
  },
  GlobalAveragePooling2D: globalPooling('GlobalAveragePooling2D', (options) => new GlobalAveragePooling2D(options)),
  GlobalMaxPooling2D: globalPooling('GlobalMaxPooling2D', (options) => new GlobalMaxPooling2D(options)),
  Sequential: {
    plan: (r, config, input, context) => planSequential(r, config, input, context),
    make: (r, config, context) => makeSequential(r, config, context),
  },
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

/** The class names `loadModel` knows without `customLayers`. */
export const BUILT_IN_CLASSES: readonly string[] = Object.keys(CLASSES);

type Resolved =
  | { readonly kind: 'custom'; readonly factory: LayerFactory }
  | { readonly kind: 'built-in'; readonly layerClass: LayerClass };

function entryParts(entry: unknown, where: string): { className: string; config: LayerConfig } {
  const e = entry as { className?: unknown; config?: unknown };
  if (
    typeof e !== 'object' ||
    e === null ||
    Array.isArray(e) ||
    typeof e.className !== 'string' ||
    typeof e.config !== 'object' ||
    e.config === null ||
    Array.isArray(e.config)
  ) {
    tf.invalidArgument(where, 'layer', '{ className, config }', describeFromFile(entry));
  }
  return { className: e.className, config: e.config as LayerConfig };
}

function resolve(className: string, where: string, context: Context): Resolved {
  if (Object.hasOwn(context.customLayers, className)) {
    const factory = context.customLayers[className];
    if (typeof factory !== 'function')
      tf.invalidArgument(
        'loadModel',
        `options.customLayers.${className}`,
        'a function (config) => Layer',
        tf.describeValue(factory),
      );
    return { kind: 'custom', factory: factory };
  }
  if (Object.hasOwn(CLASSES, className)) return { kind: 'built-in', layerClass: CLASSES[className]! };
  return tf.invalidArgument(
    where,
    'className',
    `a layer class loadModel knows (${BUILT_IN_CLASSES.join(', ')}) or one given in options.customLayers`,
    describeFromFile(className).replace(/^string /, ''),
  );
}

/** The plan of one `{ className, config }` entry of `model.json`. */
export function planEntry(
  entry: unknown,
  where: string,
  input: readonly PlannedDim[] | null,
  context: Context,
): LayerPlan {
  const { className, config } = entryParts(entry, where);
  const resolved = resolve(className, where, context);
  const at = `${where} (${className})`;
  if (resolved.kind === 'custom') {
    const name = Object.hasOwn(config, 'name') && typeof config.name === 'string' ? config.name : undefined;
    return { className, name, weights: null, output: null, buildScalars: 0 };
  }
  return resolved.layerClass.plan(new ConfigReader(config, at), config, input, context);
}

/** Makes the layer of one entry (planned and checked already). */
export function makeEntry(entry: unknown, where: string, context: Context): Layer {
  const { className, config } = entryParts(entry, where);
  const resolved = resolve(className, where, context);
  if (resolved.kind === 'custom') return resolved.factory(config);
  return resolved.layerClass.make(new ConfigReader(config, `${where} (${className})`), config, context);
}

function layerList(r: ConfigReader, config: LayerConfig): unknown[] {
  const list = Object.hasOwn(config, 'layers') ? config.layers : undefined;
  if (!Array.isArray(list)) tf.invalidArgument(r.where, 'layers', 'a list of layer configs', describeFromFile(list));
  return list as unknown[];
}

/** A Sequential's build shape: its first layer's inputShape, else its saved buildInputShape. */
function buildShape(r: ConfigReader, config: LayerConfig): PlannedDim[] | undefined {
  const list = layerList(r, config);
  const first = list[0] as { config?: { inputShape?: unknown } } | undefined;
  const firstShape =
    typeof first === 'object' && first !== null && typeof first.config === 'object' && first.config !== null
      ? first.config.inputShape
      : undefined;
  if (Array.isArray(firstShape)) return [null, ...(firstShape as number[])];
  const saved = Object.hasOwn(config, 'buildInputShape') ? config.buildInputShape : undefined;
  if (saved === undefined) return undefined;
  const ok =
    Array.isArray(saved) &&
    saved.length >= 1 &&
    saved.length <= 33 &&
    (saved[0] === null || Number.isSafeInteger(saved[0])) &&
    saved.slice(1).every((d) => Number.isSafeInteger(d) && (d as number) > 0);
  if (!ok)
    tf.invalidArgument(
      r.where,
      'buildInputShape',
      'a shape [batch, ...] of positive integers (batch may be null)',
      describeFromFile(saved),
    );
  return [null, ...(saved as number[]).slice(1)];
}

function planSequential(
  r: ConfigReader,
  config: LayerConfig,
  inherited: readonly PlannedDim[] | null,
  context: Context,
): LayerPlan {
  const { name, trainable } = r.common();
  const list = layerList(r, config);
  const own = buildShape(r, config);
  let shape: readonly PlannedDim[] | null = own ?? inherited;
  let scalars = shape === null ? 0 : product(shape.slice(1));
  const check = (): void => {
    if (scalars > MAX_BUILD_SCALARS) {
      throw new tf.ResourceExhaustedError(
        `${r.where}: building this model on one sample would hold ${scalars} scalars (input and layer outputs), more than the ${MAX_BUILD_SCALARS} loadModel allows.`,
        'loadModel',
      );
    }
  };
  check();
  const layers: LayerPlan[] = [];
  list.forEach((entry, i) => {
    const plan = planEntry(entry, `${r.where}.layers[${i}]`, shape, context);
    layers.push(plan);
    shape = plan.output;
    scalars += plan.buildScalars;
    check();
  });
  // Keras' order: trainable weights first, then the rest, each in layer order; a frozen model freezes all.
  const all = layers.some((l) => l.weights === null)
    ? null
    : layers.flatMap((l) => l.weights!.map((w) => ({ ...w, trainable: (trainable ?? true) && w.trainable })));
  const weights = all === null ? null : [...all.filter((w) => w.trainable), ...all.filter((w) => !w.trainable)];
  return { className: 'Sequential', name, weights, output: shape, buildScalars: scalars, layers };
}

function makeSequential(r: ConfigReader, config: LayerConfig, context: Context): Sequential {
  const list = layerList(r, config);
  const made: Layer[] = [];
  try {
    list.forEach((entry, i) => made.push(makeEntry(entry, `${r.where}.layers[${i}]`, context)));
    const { name, trainable } = r.common();
    const model = new Sequential(made, {
      ...(name === undefined ? {} : { name }),
      ...(trainable === undefined ? {} : { trainable }),
    });
    const shape = buildShape(r, config);
    if (!model.built && shape !== undefined) {
      try {
        model.build(shape);
      } catch (error) {
        model.dispose();
        throw error;
      }
    }
    return model;
  } catch (error) {
    for (const layer of made) layer.dispose();
    throw error;
  }
}
