/**
 * @file Saving a model and loading weights into a built model. `model.save(dir)` writes `model.json`
 * and a uniquely named safetensors weights file and switches to them with one rename (see
 * model-directory.ts), so a save killed at any instant leaves the old model or the new one. Weights
 * are grouped by layer, in the model's layer order, and the groups are written to the safetensors
 * metadata, so `loadWeights` matches layer by layer as Keras does (names may differ: two fresh models
 * number their layers differently) and checks every shape against the file's header before reading
 * its data or assigning anything.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { Layer, LayerOutput } from '../layer.js';
import type { Compiled } from '../training/compile.js';
import { localPath, nameFromFile, openRegularFile, parseFileJson, quoteFromFile } from './files.js';
import type { OpenedFile } from './files.js';
import { MODEL_FILE, writeFileAtomically, writeModelDirectory } from './model-directory.js';
import { FORMAT, FORMAT_VERSION, isDirectory, openModelDirectory } from './read-model.js';
import { encodeSafetensors, readSafetensorsData, readSafetensorsHeader } from './safetensors.js';
import type { SafetensorsHeader, StoredTensor } from './safetensors.js';

export { FORMAT, MODEL_FILE };
export type { ModelJson } from './read-model.js';

/** The model surface saving reads. */
export interface SavableModel extends Layer<LayerOutput> {
  readonly layers: readonly Layer<LayerOutput>[];
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
  return [
    ...(own.length > 0 ? [{ layer: model.name, variables: own }] : []),
    ...children.filter((g) => g.variables.length > 0),
  ];
}

async function encodeWeights(model: SavableModel): Promise<Uint8Array> {
  const groups = weightGroups(model);
  const tensors = new Map<string, StoredTensor>();
  for (const group of groups) {
    for (const v of group.variables) {
      if (tensors.has(v.name)) {
        tf.invalidArgument(
          'save',
          'model',
          'weights with unique names (give the layers distinct names)',
          `two weights named '${v.name}'`,
        );
      }
      tensors.set(v.name, { dtype: v.dtype, shape: v.shape.slice(), values: await v.data() });
    }
  }
  const layout = groups.map((g) => [g.layer, g.variables.map((v) => v.name)]);
  return encodeSafetensors(tensors, { format: 'tapeflow', 'tapeflow.layers': JSON.stringify(layout) });
}

/**
 * `model.save(dir)`: the architecture (`getConfig()`), the compile settings when they are named ones,
 * and the weights, switched in atomically. `dir` may be a `file://` URL; other schemes are refused.
 */
export async function saveModel(model: SavableModel, dir: string): Promise<void> {
  const path = localPath('save', 'dir', dir);
  const config = model.getConfig();
  const weights = await encodeWeights(model);
  const compiled = model.compiled;
  const named = (metrics: Compiled['metrics']): string[] =>
    metrics.map((m) => m.identifier).filter((m): m is string => m !== null);
  const trainingConfig =
    compiled === null || compiled.outputs.some((o) => o.lossName === null)
      ? undefined
      : {
          loss: compiled.lossName!,
          lossOptions: { ...compiled.lossOptions },
          metrics: named(compiled.metrics),
          optimizer: { className: compiled.optimizer.className, config: compiled.optimizer.getConfig() },
          // A model with several outputs: each one's loss, its options, weight and metrics (issue 14).
          ...(compiled.outputs.length > 1 || compiled.outputs[0]!.weight !== 1
            ? {
                outputs: compiled.outputs.map((o) => ({
                  name: o.name,
                  loss: o.lossName!,
                  lossOptions: { ...o.lossOptions },
                  weight: o.weight,
                  metrics: named(o.metrics),
                })),
              }
            : {}),
        };
  const layers = weightGroups(model).map((g) => ({
    layer: g.layer,
    weights: g.variables.map((v) => ({ name: v.name, shape: v.shape, dtype: v.dtype })),
  }));
  const json = (weightsFile: string): string =>
    `${JSON.stringify(
      {
        format: FORMAT,
        formatVersion: FORMAT_VERSION,
        generatedBy: '@tapeflow/layers',
        modelConfig: { className: model.className, config },
        ...(trainingConfig === undefined ? {} : { trainingConfig }),
        weightsManifest: { path: weightsFile, layers },
      },
      null,
      2,
    )}\n`;
  await writeModelDirectory('save', path, weights, json);
}

/** `model.saveWeights(file)`: the weights alone, written atomically. */
export async function saveWeightsOf(model: SavableModel, file: string): Promise<void> {
  const path = localPath('saveWeights', 'file', file);
  await writeFileAtomically('saveWeights', path, await encodeWeights(model));
}

/** A tensor as matched: its header entry (the data is read once every match is checked). */
export type TensorDescription = Pick<StoredTensor, 'dtype' | 'shape'>;

/**
 * Matches a file's tensors to the model's weights (by layer position when the file records its layers,
 * else by weight name), checking counts, shapes and dtypes; returns the pairs (weight, tensor name)
 * without assigning anything.
 */
export function matchWeights(
  model: SavableModel,
  tensors: ReadonlyMap<string, TensorDescription>,
  metadata: Readonly<Record<string, string>>,
  source: string,
  op = 'loadWeights',
): [tf.Variable, string][] {
  const groups = weightGroups(model);
  const fail = (message: string): never => {
    throw new tf.InvalidArgumentError(`${op}: ${source}: ${message}`, op);
  };
  if (!model.built && groups.length === 0)
    fail(
      `model '${model.name}' is not built, so it has no weights to load into yet: build it first (model.build([null, ...inputShape]) or apply it to an input)`,
    );
  const pairs: [tf.Variable, string][] = [];
  const check = (
    variable: tf.Variable,
    stored: TensorDescription | undefined,
    layer: string,
    savedLayer: string,
    savedName: string,
  ): void => {
    if (stored === undefined)
      return fail(`layer '${layer}' weight '${variable.name}' has no tensor ${quoteFromFile(savedName)} in the file`);
    if (!tf.shapesEqual(stored.shape, variable.shape) || stored.dtype !== variable.dtype) {
      fail(
        `layer '${layer}'${savedLayer === layer ? '' : ` (saved as ${quoteFromFile(savedLayer)})`} weight '${variable.name}' has shape ${tf.formatShape(variable.shape)} ` +
          `(${variable.dtype}) in the model, but the file holds shape ${tf.formatShape(stored.shape)} (${stored.dtype}) for it: the architectures differ`,
      );
    }
    pairs.push([variable, savedName]);
  };
  const layout = readLayout(metadata, fail);
  if (layout === null) {
    for (const group of groups)
      for (const v of group.variables) check(v, tensors.get(v.name), group.layer, group.layer, v.name);
    return pairs;
  }
  if (layout.length !== groups.length) {
    fail(
      `the file has weights for ${layout.length} layer(s) [${layout.map((g) => nameFromFile(g[0])).join(', ')}], but model '${model.name}' has ` +
        `${groups.length} layer(s) with weights [${groups.map((g) => g.layer).join(', ')}]: the architectures differ`,
    );
  }
  groups.forEach((group, i) => {
    const [savedLayer, names] = layout[i]!;
    if (names.length !== group.variables.length) {
      fail(
        `layer '${group.layer}' has ${group.variables.length} weight(s), but the file holds ${names.length} for layer ${quoteFromFile(savedLayer)}: the architectures differ`,
      );
    }
    group.variables.forEach((v, j) => check(v, tensors.get(names[j]!), group.layer, savedLayer, names[j]!));
  });
  return pairs;
}

/**
 * The file's layer groups (`[layer, tensor names]` in the model's order) from its `tapeflow.layers`
 * metadata; null when the file has none (a safetensors file from elsewhere).
 */
export function readLayout(
  metadata: Readonly<Record<string, string>>,
  fail: (message: string) => never,
): [string, string[]][] | null {
  if (!Object.hasOwn(metadata, 'tapeflow.layers')) return null;
  let layout: unknown;
  try {
    layout = parseFileJson('loadWeights', metadata['tapeflow.layers']!, 'metadata', 4);
  } catch {
    fail(`the metadata 'tapeflow.layers' is corrupt (not JSON, or nested too deep)`);
  }
  if (
    !Array.isArray(layout) ||
    !layout.every(
      (g) =>
        Array.isArray(g) &&
        g.length === 2 &&
        typeof g[0] === 'string' &&
        Array.isArray(g[1]) &&
        g[1].every((n: unknown) => typeof n === 'string'),
    )
  ) {
    fail(`the metadata 'tapeflow.layers' is corrupt (not a list of [layer, tensor names])`);
  }
  return layout as [string, string[]][];
}

/** Assigns matched tensors (every count, shape and dtype checked already). */
export function assignTensors(
  tensors: ReadonlyMap<string, StoredTensor>,
  pairs: readonly [tf.Variable, string][],
): void {
  tf.getEngine().withoutRecording(() =>
    tf.tidy(() => {
      for (const [variable, name] of pairs) {
        const stored = tensors.get(name)!;
        variable.assign(tf.tensor(stored.values, stored.shape, stored.dtype));
      }
    }),
  );
}

/** The tensors a header declares, by name, for matching. */
export function describedTensors(header: SafetensorsHeader): Map<string, TensorDescription> {
  return new Map(header.entries.map((e) => [e.name, { dtype: e.dtype, shape: e.shape }]));
}

/**
 * `model.loadWeights(file)`: `file` is a safetensors file, or a model directory written by `save`
 * (its current weights). The header is checked against the model before the data is read; nothing
 * is assigned unless everything matches.
 */
export async function loadWeightsInto(model: SavableModel, file: string): Promise<void> {
  const op = 'loadWeights';
  const path = localPath(op, 'file', file);
  let opened: { weights: OpenedFile; header: SafetensorsHeader };
  if (await isDirectory(op, path)) {
    opened = await openModelDirectory(op, path);
  } else {
    const weights = await openRegularFile(op, path, path, Number.MAX_SAFE_INTEGER, true);
    try {
      opened = { weights, header: await readSafetensorsHeader(op, weights) };
    } catch (error) {
      await weights.handle.close();
      throw error;
    }
  }
  try {
    const pairs = matchWeights(model, describedTensors(opened.header), opened.header.metadata, opened.weights.display);
    assignTensors(await readSafetensorsData(op, opened.weights, opened.header), pairs);
  } finally {
    await opened.weights.handle.close();
  }
}
