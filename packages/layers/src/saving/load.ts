/**
 * @file `loadModel(dir)`: reads and checks `model.json` and `weights.safetensors` completely, builds a
 * new model from the config, assigns the weights, recompiles when the file names its training
 * settings, and only then returns it; on any failure the half-made model is disposed and the error
 * names the file and what is wrong. Never a half-loaded model.
 */

import * as tf from '@tapeflow/tensor-core';
import { Activation, Dropout, Flatten, ReLU, Softmax } from '../core-layers.js';
import { Dense } from '../dense.js';
import type { Layer, LayerConfig } from '../layer.js';
import type * as losses from '../losses.js';
import { get as getLoss } from '../losses.js';
import type { MetricName } from '../metrics.js';
import { Model } from '../model.js';
import * as optimizers from '../optimizers/index.js';
import { Sequential } from '../sequential.js';
import type { ActivationName } from '../activations.js';
import { INITIALIZER_NAMES } from '../initializers.js';
import type { InitializerName } from '../initializers.js';
import { FORMAT, MODEL_FILE, WEIGHTS_FILE, assignWeights, matchWeights, readBytes } from './save.js';
import type { ModelJson } from './save.js';
import { decodeSafetensors } from './safetensors.js';

/**
 * Makes a layer from its saved config (a class's `fromConfig`), for layers of your own.
 * @example const customLayers = { Scale: (config) => new Scale(config) };
 */
export type LayerFactory = (config: LayerConfig) => Layer;

/**
 * Options of `loadModel`.
 * @example await tf.loadModel('./model', { customLayers: { Scale: (c) => new Scale(c) }, compile: false })
 */
export interface LoadModelOptions {
  /** Factories for layer classes other than the built-in ones, by class name. */
  readonly customLayers?: Readonly<Record<string, LayerFactory>>;
  /** Recompile with the saved loss, metrics and optimizer settings (fresh optimizer state); default true. */
  readonly compile?: boolean;
}

type Reader = {
  number(key: string): number | undefined;
  string(key: string): string | undefined;
  boolean(key: string): boolean | undefined;
  shape(key: string): number[] | undefined;
  common(): { name?: string; trainable?: boolean; inputShape?: readonly number[] };
};

function reader(config: LayerConfig, where: string): Reader {
  const typed = <T>(key: string, test: (v: unknown) => boolean, expected: string): T | undefined => {
    const value = config[key];
    if (value === undefined) return undefined;
    if (!test(value)) tf.invalidArgument(where, key, expected, tf.describeValue(value));
    return value as T;
  };
  const r: Reader = {
    number: (key) => typed<number>(key, (v) => typeof v === 'number', 'a number'),
    string: (key) => typed<string>(key, (v) => typeof v === 'string', 'a string'),
    boolean: (key) => typed<boolean>(key, (v) => typeof v === 'boolean', 'a boolean'),
    shape: (key) => typed<number[]>(key, (v) => Array.isArray(v) && v.every((d) => typeof d === 'number' || d === null), 'a list of dimensions'),
    common: () => {
      const name = r.string('name');
      const trainable = r.boolean('trainable');
      const inputShape = r.shape('inputShape');
      return { ...(name === undefined ? {} : { name }), ...(trainable === undefined ? {} : { trainable }), ...(inputShape === undefined ? {} : { inputShape }) };
    },
  };
  return r;
}

const BUILT_IN: Readonly<Record<string, (config: LayerConfig, where: string, options: LoadModelOptions) => Layer>> = {
  Dense: (config, where) => {
    const r = reader(config, where);
    const units = r.number('units');
    if (units === undefined) tf.invalidArgument(where, 'units', 'a positive integer', 'nothing');
    const activation = r.string('activation') as ActivationName | undefined;
    const useBias = r.boolean('useBias');
    // The saved weights replace the initial values; an initializer of the user's own (not a Keras
    // name) is only recorded by name, so it is left out rather than refused.
    const known = (name: string | undefined): InitializerName | undefined =>
      INITIALIZER_NAMES.includes(name as InitializerName) ? (name as InitializerName) : undefined;
    const kernelInitializer = known(r.string('kernelInitializer'));
    const biasInitializer = known(r.string('biasInitializer'));
    return new Dense(units, {
      ...r.common(),
      ...(activation === undefined ? {} : { activation }),
      ...(useBias === undefined ? {} : { useBias }),
      ...(kernelInitializer === undefined ? {} : { kernelInitializer }),
      ...(biasInitializer === undefined ? {} : { biasInitializer }),
    });
  },
  Flatten: (config, where) => new Flatten(reader(config, where).common()),
  Dropout: (config, where) => {
    const r = reader(config, where);
    const seed = r.number('seed');
    return new Dropout(r.number('rate') ?? 0, { ...r.common(), ...(seed === undefined ? {} : { seed }) });
  },
  ReLU: (config, where) => {
    const r = reader(config, where);
    const maxValue = r.number('maxValue');
    const negativeSlope = r.number('negativeSlope');
    return new ReLU({ ...r.common(), ...(maxValue === undefined ? {} : { maxValue }), ...(negativeSlope === undefined ? {} : { negativeSlope }) });
  },
  Softmax: (config, where) => {
    const r = reader(config, where);
    const axis = r.number('axis');
    return new Softmax({ ...r.common(), ...(axis === undefined ? {} : { axis }) });
  },
  Activation: (config, where) => {
    const r = reader(config, where);
    return new Activation({ ...r.common(), activation: (r.string('activation') ?? 'linear') as ActivationName });
  },
  Sequential: (config, where, options) => sequentialFromConfig(config, where, options),
};

function layerFromEntry(entry: unknown, where: string, options: LoadModelOptions): Layer {
  const e = entry as { className?: unknown; config?: unknown };
  if (typeof e !== 'object' || e === null || typeof e.className !== 'string' || typeof e.config !== 'object' || e.config === null) {
    tf.invalidArgument(where, 'layer', '{ className, config }', tf.describeValue(entry));
  }
  const className = e.className as string;
  const factory = options.customLayers?.[className];
  if (factory !== undefined) return factory(e.config as LayerConfig);
  const builtIn = BUILT_IN[className];
  if (builtIn === undefined) {
    tf.invalidArgument(where, 'className', `a layer class loadModel knows (${Object.keys(BUILT_IN).join(', ')}) or one given in options.customLayers`, `'${className}'`);
  }
  return builtIn!(e.config as LayerConfig, `${where} (${className})`, options);
}

function sequentialFromConfig(config: LayerConfig, where: string, options: LoadModelOptions): Sequential {
  const list = config.layers;
  if (!Array.isArray(list)) tf.invalidArgument(where, 'layers', 'a list of layer configs', tf.describeValue(list));
  const made: Layer[] = [];
  try {
    (list as unknown[]).forEach((entry, i) => made.push(layerFromEntry(entry, `${where}.layers[${i}]`, options)));
    const r = reader(config, where);
    const name = r.string('name');
    const trainable = r.boolean('trainable');
    const model = new Sequential(made, { ...(name === undefined ? {} : { name }), ...(trainable === undefined ? {} : { trainable }) });
    const shape = config.buildInputShape;
    if (!model.built && shape !== undefined) {
      try {
        model.build(shape as (number | null)[]);
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

function parseModelJson(text: string, path: string): ModelJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new tf.InvalidArgumentError(`loadModel: ${path} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`, 'loadModel');
  }
  const j = json as Partial<ModelJson> & { format?: unknown };
  if (typeof j !== 'object' || j === null || j.format !== FORMAT) {
    throw new tf.InvalidArgumentError(`loadModel: ${path} is not a Tapeflow model file (its "format" is not "${FORMAT}").`, 'loadModel');
  }
  const modelConfig = j.modelConfig;
  if (typeof modelConfig !== 'object' || modelConfig === null || typeof modelConfig.className !== 'string' || typeof modelConfig.config !== 'object') {
    throw new tf.InvalidArgumentError(`loadModel: ${path} has no valid "modelConfig" ({ className, config }).`, 'loadModel');
  }
  return j as ModelJson;
}

/**
 * Loads a model saved by `model.save(dir)`: a new model with the saved architecture and weights,
 * compiled with the saved settings when there are any (Node only).
 * @example const model = await tf.loadModel('./my-model'); model.predict(x);
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<Model> {
  if (typeof dir !== 'string' || dir === '') tf.invalidArgument('loadModel', 'dir', 'a directory path', tf.describeValue(dir));
  const base = dir.endsWith('/') ? dir : `${dir}/`;
  const jsonPath = `${base}${MODEL_FILE}`;
  const json = parseModelJson(new TextDecoder().decode(await readBytes(jsonPath, 'loadModel')), jsonPath);
  const weightsPath = `${base}${json.weightsManifest?.path ?? WEIGHTS_FILE}`;
  const { tensors, metadata } = decodeSafetensors(await readBytes(weightsPath, 'loadModel'), weightsPath);
  let model: Layer;
  try {
    model = layerFromEntry(json.modelConfig, 'modelConfig', options);
  } catch (error) {
    if (error instanceof tf.InvalidArgumentError) throw new tf.InvalidArgumentError(`loadModel: ${jsonPath}: ${error.message}`, 'loadModel');
    throw error;
  }
  try {
    if (!(model instanceof Model)) {
      tf.invalidArgument('loadModel', 'modelConfig', 'a model (Sequential, or a Model from options.customLayers)', `a ${model.className} layer`);
    }
    assignWeights(matchWeights(model, tensors, metadata, weightsPath));
    const training = json.trainingConfig;
    if (options.compile !== false && training !== undefined) {
      const loss = getLoss(training.loss as losses.LossName, (training.lossOptions ?? {}) as losses.CrossentropyOptions);
      const optimizer = optimizers.get(training.optimizer?.className ?? 'rmsprop', training.optimizer?.config ?? {});
      model.compile({ optimizer, loss, metrics: (training.metrics ?? []) as MetricName[] });
      // The optimizer was made here for this model: hand it over so the model disposes it.
      model.adoptOptimizer();
    }
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}
