/**
 * @file `loadModel(dir)`, in an order that trusts nothing before it is checked: `model.json` and the
 * weights file's header are read and checked (read-model.ts); the architecture is planned from the
 * config without allocating and compared with the header, so absurd sizes fail in milliseconds; the
 * weights' data is read (exactly the bytes the header declares); only then is the model made and
 * built, the weights matched and assigned, and the model recompiled when the file names its training
 * settings. On any failure the half-made model is disposed and the error is typed and names the file
 * and what is wrong.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { Layer, LayerOutput } from '../layer.js';
import type * as losses from '../losses.js';
import { get as getLoss } from '../losses.js';
import type { MetricName } from '../metrics.js';
import { Model } from '../model.js';
import * as optimizers from '../optimizers/index.js';
import { localPath, nameFromFile, quoteFromFile } from './files.js';
import { makeEntry, planEntry } from './layer-table.js';
import type { LayerFactory, LayerPlan, PlannedWeight } from './layer-table.js';
import { openModelDirectory } from './read-model.js';
import type { SafetensorsHeader } from './safetensors.js';
import { readSafetensorsData } from './safetensors.js';
import { assignTensors, describedTensors, matchWeights, readLayout } from './save.js';

export type { LayerFactory } from './layer-table.js';

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

const OPTIONS: tf.OptionSchema<LoadModelOptions> = { customLayers: { kind: 'object' }, compile: { kind: 'boolean' } };

function formatPlanned(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => d ?? '?').join(',')}]`;
}

/**
 * Compares the planned weights of a Sequential's layers with the file's header (by the layer groups
 * the file records, else by weight name), before anything is built. A custom layer's weights are
 * unknown until its factory builds it: groups are then found by layer name, and the rest is checked by
 * `matchWeights` after building.
 */
function checkPlan(plan: LayerPlan, header: SafetensorsHeader, source: string): void {
  if (plan.layers === undefined) return;
  const fail = (message: string): never => {
    throw new tf.InvalidArgumentError(`loadModel: ${source}: ${message}`, 'loadModel');
  };
  const tensors = describedTensors(header);
  const layout = readLayout(header.metadata, fail);
  const label = (layer: LayerPlan, i: number): string => layer.name ?? `layers[${i}]`;
  const compare = (layer: string, planned: PlannedWeight, savedLayer: string, savedName: string): void => {
    const stored = tensors.get(savedName);
    if (stored === undefined)
      fail(`layer '${layer}' weight '${planned.name}' has no tensor ${quoteFromFile(savedName)} in the file`);
    const fits =
      stored!.dtype === 'float32' &&
      stored!.shape.length === planned.shape.length &&
      planned.shape.every((d, i) => d === null || d === stored!.shape[i]);
    if (!fits) {
      fail(
        `layer '${layer}'${savedLayer === layer ? '' : ` (saved as ${quoteFromFile(savedLayer)})`} weight '${planned.name}' has shape ${formatPlanned(planned.shape)} (float32) ` +
          `in the model, but the file holds shape ${tf.formatShape(stored!.shape)} (${stored!.dtype}) for it: the architectures differ`,
      );
    }
  };
  const compareGroup = (layer: string, planned: readonly PlannedWeight[], group: [string, string[]]): void => {
    const [savedLayer, names] = group;
    if (names.length !== planned.length) {
      fail(
        `layer '${layer}' has ${planned.length} weight(s), but the file holds ${names.length} for layer ${quoteFromFile(savedLayer)}: the architectures differ`,
      );
    }
    planned.forEach((w, j) => compare(layer, w, savedLayer, names[j]!));
  };
  const layers = plan.layers;
  const exact = layers.every((l) => l.weights !== null);
  if (layout !== null && exact) {
    const weighted = layers.map((l, i) => ({ l, i })).filter(({ l }) => l.weights!.length > 0);
    if (weighted.length !== layout.length) {
      fail(
        `the file has weights for ${layout.length} layer(s) [${layout.map((g) => nameFromFile(g[0])).join(', ')}], but the architecture in model.json has ` +
          `${weighted.length} layer(s) with weights [${weighted.map(({ l, i }) => label(l, i)).join(', ')}]: the architectures differ`,
      );
    }
    weighted.forEach(({ l, i }, k) => compareGroup(label(l, i), l.weights!, layout[k]!));
  } else {
    layers.forEach((l, i) => {
      if (l.weights === null || l.weights.length === 0 || l.name === undefined) return;
      const group = layout?.find((g) => g[0] === l.name);
      if (group !== undefined) compareGroup(l.name, l.weights, group);
      else if (layout === null) l.weights.forEach((w) => compare(label(l, i), w, label(l, i), w.name));
    });
  }
  // Whatever could not be matched one by one: the known weights cannot outweigh the file's.
  const needed = layers
    .flatMap((l) => l.weights ?? [])
    .reduce((sum, w) => sum + w.shape.reduce<number>((a, d) => a * (d ?? 1), 1), 0);
  const held = header.entries.reduce((sum, e) => sum + e.shape.reduce((a, d) => a * d, 1), 0);
  if (needed > held)
    fail(
      `the architecture in model.json needs at least ${needed} weight scalars, but the file holds ${held}: the architectures differ`,
    );
}

/**
 * Loads a model saved by `model.save(dir)`: a new model with the saved architecture and weights,
 * compiled with the saved settings when there are any (Node only). `dir` may be a `file://` URL.
 * @example const model = await tf.loadModel('./my-model'); model.predict(x);
 */
export async function loadModel<Output extends LayerOutput = tf.Tensor>(
  dir: string,
  options: LoadModelOptions = {},
): Promise<Model<Output>> {
  const op = 'loadModel';
  tf.checkOptions(op, options, OPTIONS);
  const path = localPath(op, 'dir', dir);
  const context = { customLayers: options.customLayers ?? {} };
  const opened = await openModelDirectory(op, path);
  try {
    const { json, jsonDisplay, weights, header } = opened;
    const inModelJson = (error: unknown): unknown => {
      if (error instanceof tf.InvalidArgumentError)
        return new tf.InvalidArgumentError(`${op}: ${jsonDisplay}: ${error.message}`, op);
      if (error instanceof tf.ResourceExhaustedError)
        return new tf.ResourceExhaustedError(`${op}: ${jsonDisplay}: ${error.message}`, op);
      return error;
    };
    let plan: LayerPlan;
    try {
      plan = planEntry(json.modelConfig, 'modelConfig', null, context);
    } catch (error) {
      throw inModelJson(error);
    }
    checkPlan(plan, header, weights.display);
    // Exactly the data section the header declares, which the file's size and the plan bound.
    const tensors = await readSafetensorsData(op, weights, header);
    let model: Layer<LayerOutput>;
    try {
      model = makeEntry(json.modelConfig, 'modelConfig', context);
    } catch (error) {
      throw inModelJson(error);
    }
    try {
      if (!(model instanceof Model)) {
        tf.invalidArgument(
          op,
          'modelConfig',
          'a model (Sequential, or a Model from options.customLayers)',
          `a ${model.className} layer`,
        );
      }
      assignTensors(tensors, matchWeights(model, describedTensors(header), header.metadata, weights.display, op));
      const training = json.trainingConfig;
      if (options.compile !== false && training !== undefined) {
        try {
          const loss = getLoss(training.loss as losses.LossName, training.lossOptions ?? {});
          const optimizer = optimizers.get(
            training.optimizer?.className ?? 'rmsprop',
            training.optimizer?.config ?? {},
          );
          const outputs = training.outputs;
          if (outputs === undefined) {
            model.compile({ optimizer, loss, metrics: (training.metrics ?? []) as MetricName[] });
          } else {
            // One loss, weight and metric list per output, by output name (issue 14).
            const byName = <T>(pick: (o: NonNullable<typeof outputs>[number]) => T): Record<string, T> =>
              Object.fromEntries(outputs.map((o) => [o.name, pick(o)]));
            model.compile({
              optimizer,
              loss: byName((o) => getLoss(o.loss as losses.LossName, o.lossOptions ?? {})),
              lossWeights: byName((o) => o.weight ?? 1),
              metrics: byName((o) => (o.metrics ?? []) as MetricName[]),
            });
          }
        } catch (error) {
          throw inModelJson(error);
        }
        // The optimizer was made here for this model: hand it over so the model disposes it.
        model.adoptOptimizer();
      }
      // The saved outputs decide what the model returns; the caller names it (one Tensor by default).
      return model as unknown as Model<Output>;
    } catch (error) {
      model.dispose();
      throw error;
    }
  } finally {
    await opened.weights.handle.close();
  }
}
