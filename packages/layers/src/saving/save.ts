/**
 * @file Saving a model (`model.json` + `weights.safetensors`) and loading weights into a built model.
 * Weights are grouped by layer, in the model's layer order, and the groups are written to the
 * safetensors metadata, so `loadWeights` matches layer by layer as Keras does (names may differ: two
 * fresh models number their layers differently) and checks every shape before assigning anything.
 * Node's fs is imported dynamically, inside the functions, so the package stays browser-safe.
 */

import * as tf from '@tapeflow/tensor-core';
import type { Layer, LayerConfig } from '../layer.js';
import type { Compiled } from '../training/compile.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import type { StoredTensor } from './safetensors.js';

/** The file names inside a saved model's directory. */
export const MODEL_FILE = 'model.json';
/** The weights file inside a saved model's directory. */
export const WEIGHTS_FILE = 'weights.safetensors';
/** `model.json`'s `format` field. */
export const FORMAT = 'tapeflow-layers-model';

/** The model surface saving reads. */
export interface SavableModel extends Layer {
  readonly layers: Layer[];
  readonly compiled: Compiled | null;
}

/** One layer's weights, as saved and matched. */
export interface WeightGroup {
  readonly layer: string;
  readonly variables: tf.Variable[];
}

/** The model's weights by layer: its own (a subclass's `addWeight`), then each layer's, in order. */
export function weightGroups(model: SavableModel): WeightGroup[] {
  const children = model.layers.map((layer) => ({ layer: layer.name, variables: layer.variables }));
  const inChildren = new Set(children.flatMap((g) => g.variables));
  const own = model.variables.filter((v) => !inChildren.has(v));
  return [...(own.length > 0 ? [{ layer: model.name, variables: own }] : []), ...children.filter((g) => g.variables.length > 0)];
}

// A specifier in a variable, with the bundlers' ignore comments: a browser bundle of this package
// neither resolves nor inlines Node's fs (it is only reached when a model is saved or loaded).
const FS_MODULE = 'node:fs/promises';

async function fs(): Promise<typeof import('node:fs/promises')> {
  try {
    return (await import(/* webpackIgnore: true */ /* @vite-ignore */ FS_MODULE)) as typeof import('node:fs/promises');
  } catch {
    throw new tf.UnimplementedError('saving and loading models needs Node.js (node:fs/promises is not available here).', 'save');
  }
}

function join(dir: string, file: string): string {
  return dir.endsWith('/') || dir.endsWith('\\') ? `${dir}${file}` : `${dir}/${file}`;
}

async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const files = await fs();
  await files.writeFile(`${path}.tmp`, data);
  await files.rename(`${path}.tmp`, path);
}

/** Reads a file, turning a missing one into NotFoundError naming it. */
export async function readBytes(path: string, op: string): Promise<Uint8Array> {
  const files = await fs();
  try {
    return new Uint8Array(await files.readFile(path));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw new tf.NotFoundError(`${op}: no such file '${path}'.`, op);
    throw error;
  }
}

async function encodeWeights(model: SavableModel): Promise<Uint8Array> {
  const groups = weightGroups(model);
  const tensors = new Map<string, StoredTensor>();
  for (const group of groups) {
    for (const v of group.variables) {
      if (tensors.has(v.name)) {
        tf.invalidArgument('save', 'model', 'weights with unique names (give the layers distinct names)', `two weights named '${v.name}'`);
      }
      tensors.set(v.name, { dtype: v.dtype, shape: v.shape.slice(), values: await v.data() });
    }
  }
  const layout = groups.map((g) => [g.layer, g.variables.map((v) => v.name)]);
  return encodeSafetensors(tensors, { format: 'tapeflow', 'tapeflow.layers': JSON.stringify(layout) });
}

/**
 * `model.save(dir)`: the architecture (`getConfig()`), the compile settings when they are named ones,
 * and the weights.
 */
export async function saveModel(model: SavableModel, dir: string): Promise<void> {
  if (typeof dir !== 'string' || dir === '') tf.invalidArgument('save', 'dir', 'a directory path', tf.describeValue(dir));
  const config = model.getConfig();
  const weights = await encodeWeights(model);
  const files = await fs();
  await files.mkdir(dir, { recursive: true });
  const compiled = model.compiled;
  const trainingConfig =
    compiled === null || compiled.lossName === null
      ? undefined
      : {
          loss: compiled.lossName,
          lossOptions: { ...compiled.lossOptions },
          metrics: compiled.metrics.map((m) => m.identifier).filter((m): m is string => m !== null),
          optimizer: { className: compiled.optimizer.className, config: compiled.optimizer.getConfig() },
        };
  const json = {
    format: FORMAT,
    formatVersion: 1,
    generatedBy: '@tapeflow/layers',
    modelConfig: { className: model.className, config },
    ...(trainingConfig === undefined ? {} : { trainingConfig }),
    weightsManifest: {
      path: WEIGHTS_FILE,
      layers: weightGroups(model).map((g) => ({ layer: g.layer, weights: g.variables.map((v) => ({ name: v.name, shape: v.shape, dtype: v.dtype })) })),
    },
  };
  // Weights first: a model.json never points at weights that are not there yet.
  await writeAtomically(join(dir, WEIGHTS_FILE), weights);
  await writeAtomically(join(dir, MODEL_FILE), `${JSON.stringify(json, null, 2)}\n`);
}

/** `model.saveWeights(file)`: the weights alone. */
export async function saveWeightsOf(model: SavableModel, file: string): Promise<void> {
  if (typeof file !== 'string' || file === '') tf.invalidArgument('saveWeights', 'file', 'a file path', tf.describeValue(file));
  await writeAtomically(file, await encodeWeights(model));
}

/**
 * Matches decoded tensors to the model's weights (by layer position when the file records its layers,
 * else by weight name), checking counts, shapes and dtypes; returns the assignments without making any.
 */
export function matchWeights(model: SavableModel, tensors: ReadonlyMap<string, StoredTensor>, metadata: Readonly<Record<string, string>>, source: string): [tf.Variable, StoredTensor][] {
  const op = 'loadWeights';
  const groups = weightGroups(model);
  const fail = (message: string): never => {
    throw new tf.InvalidArgumentError(`${op}: ${source}: ${message}`, op);
  };
  if (!model.built && groups.length === 0) fail(`model '${model.name}' is not built, so it has no weights to load into yet: build it first (model.build([null, ...inputShape]) or apply it to an input)`);
  const pairs: [tf.Variable, StoredTensor][] = [];
  const check = (variable: tf.Variable, stored: StoredTensor | undefined, layer: string, savedLayer: string, savedName: string): void => {
    if (stored === undefined) return fail(`layer '${layer}' weight '${variable.name}' has no tensor '${savedName}' in the file`);
    if (!tf.shapesEqual(stored.shape, variable.shape) || stored.dtype !== variable.dtype) {
      fail(
        `layer '${layer}'${savedLayer === layer ? '' : ` (saved as '${savedLayer}')`} weight '${variable.name}' has shape ${tf.formatShape(variable.shape)} ` +
          `(${variable.dtype}) in the model, but the file holds shape ${tf.formatShape(stored.shape)} (${stored.dtype}) for it: the architectures differ`,
      );
    }
    pairs.push([variable, stored]);
  };
  const layoutText = metadata['tapeflow.layers'];
  if (layoutText === undefined) {
    for (const group of groups) for (const v of group.variables) check(v, tensors.get(v.name), group.layer, group.layer, v.name);
    return pairs;
  }
  let layout: [string, string[]][] = [];
  try {
    layout = JSON.parse(layoutText) as [string, string[]][];
    if (!Array.isArray(layout) || !layout.every((g) => Array.isArray(g) && typeof g[0] === 'string' && Array.isArray(g[1]))) throw new Error('not a list of [layer, names]');
  } catch (error) {
    fail(`the metadata 'tapeflow.layers' is corrupt (${error instanceof Error ? error.message : String(error)})`);
  }
  if (layout.length !== groups.length) {
    fail(
      `the file has weights for ${layout.length} layer(s) [${layout.map((g) => g[0]).join(', ')}], but model '${model.name}' has ` +
        `${groups.length} layer(s) with weights [${groups.map((g) => g.layer).join(', ')}]: the architectures differ`,
    );
  }
  groups.forEach((group, i) => {
    const [savedLayer, names] = layout[i]!;
    if (names.length !== group.variables.length) {
      fail(`layer '${group.layer}' has ${group.variables.length} weight(s), but the file holds ${names.length} for layer '${savedLayer}': the architectures differ`);
    }
    group.variables.forEach((v, j) => check(v, tensors.get(names[j]!), group.layer, savedLayer, names[j]!));
  });
  return pairs;
}

/** Assigns matched weights (all checked already). */
export function assignWeights(pairs: readonly [tf.Variable, StoredTensor][]): void {
  tf.getEngine().withoutRecording(() =>
    tf.tidy(() => {
      for (const [variable, stored] of pairs) variable.assign(tf.tensor(stored.values, stored.shape, stored.dtype));
    }),
  );
}

/** `model.loadWeights(file)`: decode and check everything, then assign. */
export async function loadWeightsInto(model: SavableModel, file: string): Promise<void> {
  const { tensors, metadata } = decodeSafetensors(await readBytes(file, 'loadWeights'), file);
  assignWeights(matchWeights(model, tensors, metadata, file));
}

/** The parts of a parsed `model.json` loading needs. */
export interface ModelJson {
  readonly modelConfig: { readonly className: string; readonly config: LayerConfig };
  readonly trainingConfig?: {
    readonly loss: string;
    readonly lossOptions?: Readonly<Record<string, unknown>>;
    readonly metrics?: readonly string[];
    readonly optimizer?: { readonly className: string; readonly config: Readonly<Record<string, unknown>> };
  };
  readonly weightsManifest?: { readonly path?: string };
}
