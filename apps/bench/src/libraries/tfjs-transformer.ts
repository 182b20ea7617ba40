/**
 * @file The transformer-step workload on TensorFlow.js 4.22 (issue 14). tfjs-layers has no
 * MultiHeadAttention, so attention is written in tfjs ops (the projections as matMuls on Variables
 * holding Keras' kernels reshaped to 2-D, scaled scores, softmax, the heads' values, the output
 * projection), beside tfjs-layers' `dense` and `layerNormalization` layers applied eagerly; the step
 * is `optimizer.minimize` (Adam) over every weight, the embedding a Variable read with `gather` (a
 * one-hot matMul on tfjs-wasm, which has no kernel for gather's gradient).
 */

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { logStepLoss, transformerData } from '../transformer-data.js';
import type { Task, TransformerSpec } from './types.js';

/** One block: the attention weights as Variables, and tfjs-layers' layers. */
interface Block {
  readonly query: [tf.Variable, tf.Variable];
  readonly key: [tf.Variable, tf.Variable];
  readonly value: [tf.Variable, tf.Variable];
  readonly output: [tf.Variable, tf.Variable];
  readonly norm1: tfl.layers.Layer;
  readonly ff1: tfl.layers.Layer;
  readonly ff2: tfl.layers.Layer;
  readonly norm2: tfl.layers.Layer;
}

/** One Adam step of the encoder on a fixed batch, or undefined where a gradient is missing. */
export function tfjsTransformerStep(spec: TransformerSpec, backend: string): Task {
  const data = transformerData(spec);
  const { batch, length, modelDim: d, numHeads: h } = spec;
  const headDim = d / h;
  const tokens = tf.tensor2d(data.tokens, [batch, length], 'int32');
  const oneHot = tf.oneHot(tf.tensor1d(data.targets, 'int32'), spec.vocab);
  const positions = tf.tensor2d(data.positions, [length, d]);
  let next = 0;
  const variable = (shape?: number[]): tf.Variable => {
    const w = data.weights[next++]!;
    return tf.variable(tf.tensor(w.values, shape ?? [...w.shape]));
  };
  const embedding = variable();
  const blocks: Block[] = [];
  const layerVariables: tf.Variable[] = [];
  /** A tfjs-layers layer built on `[.., inputDim]` with the data's next weights. */
  const built = (layer: tfl.layers.Layer, inputDim: number, count: number): tfl.layers.Layer => {
    layer.build([null, length, inputDim]);
    layer.setWeights(data.weights.slice(next, next + count).map((w) => tf.tensor(w.values, [...w.shape])));
    next += count;
    for (const w of layer.trainableWeights) layerVariables.push((w as unknown as { read(): tf.Variable }).read());
    return layer;
  };
  for (let b = 0; b < spec.blocks; b++) {
    const pair = (rows: number, cols: number): [tf.Variable, tf.Variable] => [variable([rows, cols]), variable([cols])];
    const query = pair(d, h * headDim);
    const key = pair(d, h * headDim);
    const value = pair(d, h * headDim);
    const output = pair(h * headDim, d);
    const norm1 = built(tfl.layers.layerNormalization({ epsilon: 1e-3 }), d, 2);
    const ff1 = built(tfl.layers.dense({ units: spec.feedForwardDim, activation: 'relu' }), d, 2);
    const ff2 = built(tfl.layers.dense({ units: d }), spec.feedForwardDim, 2);
    const norm2 = built(tfl.layers.layerNormalization({ epsilon: 1e-3 }), d, 2);
    blocks.push({ query, key, value, output, norm1, ff1, ff2, norm2 });
  }
  const logits = built(tfl.layers.dense({ units: spec.vocab }), d, 2);
  const ownVariables = [embedding, ...blocks.flatMap((b) => [...b.query, ...b.key, ...b.value, ...b.output])];
  const heads = (x2d: tf.Tensor2D, [kernel, bias]: [tf.Variable, tf.Variable]): tf.Tensor4D =>
    tf.transpose<tf.Tensor4D>(
      tf.reshape(tf.add(tf.matMul(x2d, kernel as tf.Tensor2D), bias), [batch, length, h, headDim]),
      [0, 2, 1, 3],
    );
  // tfjs-wasm 4.22 has no UnsortedSegmentSum (gather's gradient): there the lookup is a one-hot matMul.
  const canGather = tf.getKernel('UnsortedSegmentSum', tf.getBackend()) !== undefined;
  const tokenHot = canGather ? null : tf.oneHot(tf.tensor1d(data.tokens, 'int32'), spec.vocab);
  const lookup = (): tf.Tensor =>
    tokenHot === null
      ? tf.gather(embedding, tokens)
      : tf.reshape(tf.matMul(tokenHot, embedding as tf.Tensor2D), [batch, length, d]);
  const forward = (): tf.Tensor => {
    let x = tf.add<tf.Tensor3D>(lookup(), positions);
    for (const b of blocks) {
      const flat = tf.reshape<tf.Rank.R2>(x, [batch * length, d]);
      const q = tf.mul<tf.Tensor4D>(heads(flat, b.query), 1 / Math.sqrt(headDim));
      const k = heads(flat, b.key);
      const v = heads(flat, b.value);
      const scores = tf.softmax(tf.matMul(q, k, false, true));
      const attended = tf.reshape(tf.transpose(tf.matMul(scores, v), [0, 2, 1, 3]), [batch * length, h * headDim]);
      const projected = tf.add(tf.matMul(attended as tf.Tensor2D, b.output[0] as tf.Tensor2D), b.output[1]);
      x = b.norm1.apply(tf.add(x, tf.reshape(projected, [batch, length, d]))) as tf.Tensor3D;
      const expanded = b.ff2.apply(b.ff1.apply(x)) as tf.Tensor;
      x = b.norm2.apply(tf.add(x, expanded)) as tf.Tensor3D;
    }
    return tf.reshape(logits.apply(x) as tf.Tensor, [batch * length, spec.vocab]);
  };
  const optimizer = tf.train.adam(spec.learningRate);
  const variables = [...ownVariables, ...layerVariables];
  let logged = false;
  return {
    run: () => {
      const loss = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(oneHot, forward()),
        true,
        variables,
      );
      const value = loss!.dataSync()[0]!;
      loss!.dispose();
      if (!logged) logStepLoss(value, `tfjs-${backend}`);
      logged = true;
    },
    dispose: () => {
      optimizer.dispose();
      // Layer.dispose refuses a layer never called symbolically: free its weights instead.
      for (const layer of [...blocks.flatMap((b) => [b.norm1, b.ff1, b.ff2, b.norm2]), logits])
        for (const weight of layer.weights) weight.dispose();
      tf.dispose([tokens, oneHot, positions, ...ownVariables, ...(tokenHot === null ? [] : [tokenHot])]);
    },
  };
}
