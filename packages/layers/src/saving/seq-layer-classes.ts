/**
 * @file The layer classes issue 14 adds to `loadModel`'s table for sequences (group w-seq):
 * Embedding and the Bidirectional wrapper, each planned from its saved config without allocating
 * (weights and output shape) and made. layer-table.ts spreads SEQ_CLASSES into its one table.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { Bidirectional, MERGE_MODES } from '../bidirectional.js';
import type { MergeMode } from '../bidirectional.js';
import { Embedding } from '../embedding.js';
import type { Layer, LayerConfig, LayerOutput } from '../layer.js';
import { known, product } from './config-reader.js';
import type { ConfigReader, Context, LayerClass, LayerPlan, PlannedDim } from './config-reader.js';
import { describeFromFile } from './files.js';
import { makeEntry, planEntry } from './layer-table.js';

function embeddingDims(r: ConfigReader): { inputDim: number; outputDim: number } {
  const inputDim = r.integer('inputDim', 1);
  const outputDim = r.integer('outputDim', 1);
  if (inputDim === undefined) tf.invalidArgument(r.where, 'inputDim', 'a positive integer', 'nothing');
  if (outputDim === undefined) tf.invalidArgument(r.where, 'outputDim', 'a positive integer', 'nothing');
  return { inputDim, outputDim };
}

/** A wrapped layer's `{ className, config }` as saved, checked; its name is needed for the copies' names. */
function wrappedEntry(
  r: ConfigReader,
  config: LayerConfig,
  key: 'layer' | 'backwardLayer',
): { className: string; config: LayerConfig; name: string } | undefined {
  const value = Object.hasOwn(config, key) ? config[key] : undefined;
  if (value === undefined || (key === 'backwardLayer' && value === null)) {
    if (key === 'layer') tf.invalidArgument(r.where, key, 'a { className, config } entry', 'nothing');
    return undefined;
  }
  const entry = value as { className?: unknown; config?: unknown };
  const inner = (typeof entry === 'object' && entry !== null ? entry.config : undefined) as
    { name?: unknown } | undefined;
  if (
    typeof entry !== 'object' ||
    entry === null ||
    Array.isArray(entry) ||
    typeof entry.className !== 'string' ||
    typeof inner !== 'object' ||
    inner === null ||
    Array.isArray(inner) ||
    typeof inner.name !== 'string'
  )
    tf.invalidArgument(r.where, key, 'a { className, config } entry whose config has a name', describeFromFile(value));
  return { className: entry.className, config: inner as LayerConfig, name: inner.name };
}

function mergeMode(r: ConfigReader, config: LayerConfig): MergeMode {
  const value = Object.hasOwn(config, 'mergeMode') ? config.mergeMode : 'concat';
  if (!MERGE_MODES.includes(value as MergeMode))
    tf.invalidArgument(r.where, 'mergeMode', "one of 'sum', 'mul', 'ave', 'concat' or null", describeFromFile(value));
  return value as MergeMode;
}

function planBidirectional(
  r: ConfigReader,
  config: LayerConfig,
  input: readonly PlannedDim[] | null,
  context: Context,
): LayerPlan {
  const { name, trainable } = r.common();
  const mode = mergeMode(r, config);
  const layer = wrappedEntry(r, config, 'layer')!;
  const backward = wrappedEntry(r, config, 'backwardLayer');
  const forwardPlan = planEntry(
    { className: layer.className, config: { ...layer.config, name: `forward_${layer.name}` } },
    `${r.where}.layer`,
    input,
    context,
  );
  const goBackwards = layer.config.goBackwards === true;
  const backwardPlan =
    backward === undefined
      ? planEntry(
          {
            className: layer.className,
            config: { ...layer.config, goBackwards: !goBackwards, name: `backward_${layer.name}` },
          },
          `${r.where}.layer`,
          input,
          context,
        )
      : planEntry(
          { className: backward.className, config: { ...backward.config, name: `backward_${backward.name}` } },
          `${r.where}.backwardLayer`,
          input,
          context,
        );
  const weights =
    forwardPlan.weights === null || backwardPlan.weights === null
      ? null
      : [...forwardPlan.weights, ...backwardPlan.weights].map((w) => ({
          ...w,
          trainable: (trainable ?? true) && w.trainable,
        }));
  const forwardOutput = forwardPlan.output;
  const output =
    forwardOutput === null || mode !== 'concat'
      ? forwardOutput
      : [
          ...forwardOutput.slice(0, -1),
          forwardOutput[forwardOutput.length - 1] === null ? null : 2 * forwardOutput[forwardOutput.length - 1]!,
        ];
  return {
    className: 'Bidirectional',
    name,
    weights,
    output,
    buildScalars: forwardPlan.buildScalars + backwardPlan.buildScalars,
  };
}

function makeBidirectional(r: ConfigReader, config: LayerConfig, context: Context): Layer {
  const mode = mergeMode(r, config);
  const entry = wrappedEntry(r, config, 'layer')!;
  const backwardEntry = wrappedEntry(r, config, 'backwardLayer');
  const made: Layer<LayerOutput>[] = [];
  try {
    const layer = makeEntry({ className: entry.className, config: entry.config }, `${r.where}.layer`, context);
    made.push(layer);
    const backward =
      backwardEntry === undefined
        ? undefined
        : makeEntry(
            { className: backwardEntry.className, config: backwardEntry.config },
            `${r.where}.backwardLayer`,
            context,
          );
    if (backward !== undefined) made.push(backward);
    // The wrapper makes its own copies of these (Keras' from_config does the same).
    return new Bidirectional(layer, {
      ...r.common(),
      mergeMode: mode,
      ...(backward === undefined ? {} : { backwardLayer: backward }),
    });
  } finally {
    for (const layer of made) layer.dispose();
  }
}

/** Embedding and Bidirectional, by class name. */
export const SEQ_CLASSES: Readonly<Record<string, LayerClass>> = {
  Embedding: {
    plan(r, _config, input) {
      const { name, trainable } = r.common();
      const { inputDim, outputDim } = embeddingDims(r);
      const output: PlannedDim[] | null = input === null ? null : [...input, outputDim];
      return {
        className: 'Embedding',
        name,
        weights: [
          {
            name: `${name === undefined ? '' : `${name}/`}embeddings`,
            shape: [inputDim, outputDim],
            trainable: trainable ?? true,
          },
        ],
        output,
        buildScalars: output === null ? outputDim : product(output.slice(1)),
      };
    },
    make(r) {
      const { inputDim, outputDim } = embeddingDims(r);
      const maskZero = r.boolean('maskZero');
      const inputLength = r.shape('inputLength');
      const embeddingsInitializer = known(r.string('embeddingsInitializer'));
      const embeddingsRegularizer = r.regularizer('embeddingsRegularizer');
      return new Embedding(inputDim, outputDim, {
        ...r.common(),
        ...(maskZero === undefined ? {} : { maskZero }),
        ...(inputLength === undefined ? {} : { inputLength }),
        ...(embeddingsInitializer === undefined ? {} : { embeddingsInitializer }),
        ...(embeddingsRegularizer === undefined ? {} : { embeddingsRegularizer }),
      });
    },
  },
  Bidirectional: { plan: planBidirectional, make: makeBidirectional },
};
