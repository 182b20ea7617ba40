/**
 * @file The transformer-step workload on Tapeflow (issue 14): the `transformer-reverse` example's
 * encoder written with @tapeflow/layers' MultiHeadAttention, LayerNormalization, Dense and Add, the
 * embedding a Variable looked up with `tf.nn.embeddingLookup`, one GradientTape step and Adam's
 * `applyGradients`, as an application writes a custom training loop.
 */

import { GradientTape } from '@tapeflow/autodiff-tape';
import { layers, losses, optimizers } from '@tapeflow/layers';
import * as tf from '@tapeflow/tensor-core';
import { logStepLoss, transformerData } from '../transformer-data.js';
import type { Task, TransformerSpec } from './types.js';

/** One block's layers, in the order of the data's weights. */
interface Block {
  readonly attention: layers.MultiHeadAttention;
  readonly norm1: layers.LayerNormalization;
  readonly ff1: layers.Dense;
  readonly ff2: layers.Dense;
  readonly norm2: layers.LayerNormalization;
  readonly add: layers.Add;
}

/** One Adam step of the encoder on a fixed batch; the loss is read back. */
export function tapeflowTransformerStep(spec: TransformerSpec): Task {
  const data = transformerData(spec);
  const { batch, length, modelDim } = spec;
  const tokens = tf.tensor(data.tokens, [batch, length], 'int32');
  const targets = tf.tensor(data.targets, [batch, length], 'int32');
  const positions = tf.tensor(data.positions, [length, modelDim]);
  const embedding = tf.variable(tf.zeros([spec.vocab, modelDim]));
  const blocks: Block[] = Array.from({ length: spec.blocks }, () => ({
    attention: new layers.MultiHeadAttention({ numHeads: spec.numHeads, keyDim: modelDim / spec.numHeads }),
    norm1: new layers.LayerNormalization(),
    ff1: new layers.Dense(spec.feedForwardDim, { activation: 'relu' }),
    ff2: new layers.Dense(modelDim),
    norm2: new layers.LayerNormalization(),
    add: new layers.Add(),
  }));
  const logits = new layers.Dense(spec.vocab);
  const forward = (): tf.Tensor => {
    let h = tf.add(tf.nn.embeddingLookup(embedding, tokens), positions);
    for (const b of blocks) {
      h = b.norm1.apply(b.add.apply([h, b.attention.apply(h, h)]));
      h = b.norm2.apply(b.add.apply([h, b.ff2.apply(b.ff1.apply(h))]));
    }
    return logits.apply(h);
  };
  // Build every layer, then load the shared initial weights in the data's order.
  tf.tidy(() => void forward());
  const variables = [
    embedding,
    ...blocks.flatMap((b) => [
      ...b.attention.variables,
      ...b.norm1.variables,
      ...b.ff1.variables,
      ...b.ff2.variables,
      ...b.norm2.variables,
    ]),
    ...logits.variables,
  ];
  data.weights.forEach((w, i) => {
    const value = tf.tensor(w.values, [...w.shape]);
    variables[i]!.assign(value);
    value.dispose();
  });
  const optimizer = new optimizers.Adam({ learningRate: spec.learningRate });
  let logged = false;
  return {
    run: () => {
      tf.tidy(() => {
        const tape = new GradientTape();
        const loss = tape.record(() => losses.sparseCategoricalCrossentropy(targets, forward(), { fromLogits: true }));
        optimizer.applyGradients(tape.gradient(loss, variables), variables);
        const value = loss.dataSync()[0]!;
        if (!logged) logStepLoss(value, 'tapeflow');
        logged = true;
      });
    },
    dispose: () => {
      tf.dispose([tokens, targets, positions, embedding]);
      for (const b of blocks) for (const layer of Object.values(b)) layer.dispose();
      logits.dispose();
      optimizer.dispose();
    },
  };
}
