/**
 * @file The layer classes issue 14 adds to `loadModel`'s table for sequences (group w-seq):
 * Embedding and the Bidirectional wrapper, each planned from its saved config without allocating
 * (weights and output shape) and made. layer-table.ts spreads SEQ_CLASSES into its one table.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { Embedding } from '../embedding.js';
import { known, product } from './config-reader.js';
import type { ConfigReader, LayerClass, PlannedDim } from './config-reader.js';

function embeddingDims(r: ConfigReader): { inputDim: number; outputDim: number } {
  const inputDim = r.integer('inputDim', 1);
  const outputDim = r.integer('outputDim', 1);
  if (inputDim === undefined) tf.invalidArgument(r.where, 'inputDim', 'a positive integer', 'nothing');
  if (outputDim === undefined) tf.invalidArgument(r.where, 'outputDim', 'a positive integer', 'nothing');
  return { inputDim, outputDim };
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
};
