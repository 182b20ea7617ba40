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
import type { Layer, LayerConfig, LayerOutput } from '../layer.js';
import { Sequential } from '../sequential.js';
import { ConfigReader, MAX_BUILD_SCALARS, known, product, sameShape } from './config-reader.js';
import type { Context, LayerClass, LayerFactory, LayerPlan, PlannedDim } from './config-reader.js';
import { describeFromFile } from './files.js';
import { MORE_CLASSES } from './more-layer-classes.js';
import { CONV_CLASSES } from './conv-layer-classes.js';
import { SEQ_CLASSES } from './seq-layer-classes.js';
// Issue 14 (real models II): recurrent layers (group w-rnn).
import { RECURRENT_CLASSES } from './recurrent-layer-classes.js';
import { ATTENTION_CLASSES } from './attention-layer-classes.js';
import { FUNCTIONAL_CLASSES } from './functional-classes.js';

export { ConfigReader, MAX_BUILD_SCALARS } from './config-reader.js';
export type { LayerFactory, LayerPlan, PlannedDim, PlannedWeight } from './config-reader.js';

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
  // Issue 12 (real models I): normalization, reshaping and global pooling (more-layer-classes.ts).
  ...MORE_CLASSES,
  // Issue 12 (real models I): convolution, pooling, padding and up-sampling (conv-layer-classes.ts, group w-cnn).
  ...CONV_CLASSES,
  // Issue 14 (real models II): Embedding and Bidirectional (seq-layer-classes.ts, group w-seq).
  ...SEQ_CLASSES,
  // Issue 14 (real models II): SimpleRNN, LSTM, GRU (recurrent-layer-classes.ts, group w-rnn).
  ...RECURRENT_CLASSES,
  // Issue 14 (real models II): merge layers and MultiHeadAttention (attention-layer-classes.ts, group w-attn).
  ...ATTENTION_CLASSES,
  Sequential: {
    plan: (r, config, input, context) => planSequential(r, config, input, context),
    make: (r, config, context) => makeSequential(r, config, context),
  },
  // Issue 14 (real models II): functional models and their InputLayers (functional-classes.ts, group w-func).
  ...FUNCTIONAL_CLASSES,
};
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
export function makeEntry(entry: unknown, where: string, context: Context): Layer<LayerOutput> {
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
    // A Sequential's layers each give one tensor (a multi-output layer fails when the stack runs).
    list.forEach((entry, i) => made.push(makeEntry(entry, `${r.where}.layers[${i}]`, context) as Layer));
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
