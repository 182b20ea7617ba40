/**
 * @file The examples by the name `pnpm examples <name>` takes: the notebook's cells in notebook order
 * (`EXAMPLES`), the forward-mode examples (`FORWARD_EXAMPLES`), then the training examples on real
 * MNIST digits (`TRAINING_EXAMPLES`: full training runs, heavier than a notebook cell, so kept in a list
 * of their own that examples.test.ts does not run).
 */

import type * as tf from 'tapeflow';
import type { Log } from '../notebook.js';
import * as charGru from './char-gru.js';
import * as controlFlow from './control-flow.js';
import * as denseRelu from './dense-relu.js';
import * as hessianVectorProduct from './hessian-vector-product.js';
import * as lineSearch from './line-search.js';
import * as matmulBias from './matmul-bias.js';
import * as mnistCnn from './mnist-cnn.js';
import * as mnistCustomLoop from './mnist-custom-loop.js';
import * as mnistFit from './mnist-fit.js';
import * as nonTrainable from './non-trainable.js';
import * as sentimentLstm from './sentiment-lstm.js';
import * as transformerReverse from './transformer-reverse.js';
import * as watchAccessedVariables from './watch-accessed-variables.js';
import * as watch from './watch.js';
import * as xSquared from './x-squared.js';

/**
 * One notebook cell group.
 * @example const example: Example = { name: 'x-squared', title: 'x²', run: xSquared.run };
 */
export interface Example {
  /** What `pnpm examples <name>` takes. */
  readonly name: string;
  /** One line on what it shows. */
  readonly title: string;
  /** Runs the cells, logging each; resolves to the tensors it made, which the caller disposes. */
  readonly run: (log: Log) => Promise<tf.TensorContainer>;
}

/**
 * Every example, in notebook order.
 * @example for (const e of EXAMPLES) tf.dispose(await e.run(console.log));
 */
export const EXAMPLES: readonly Example[] = [
  { name: 'x-squared', title: 'The gradient of y = x² at x = 4', run: xSquared.run },
  { name: 'matmul-bias', title: 'y = x·w + b, a mean-squared loss, and a persistent tape', run: matmulBias.run },
  { name: 'dense-relu', title: 'A Dense layer with relu, and when its gradients are zero', run: denseRelu.run },
  { name: 'non-trainable', title: 'Non-trainable variables and constants get no gradient', run: nonTrainable.run },
  { name: 'watch', title: 'tape.watch makes a non-trainable variable differentiable', run: watch.run },
  {
    name: 'watch-accessed-variables',
    title: 'watchAccessedVariables: false follows only what is watched',
    run: watchAccessedVariables.run,
  },
  { name: 'control-flow', title: 'Gradients follow the branch that ran', run: controlFlow.run },
];

/**
 * The training examples: MNIST with `fit`, with a custom GradientTape loop, and a convnet; then the
 * sequence models.
 * @example await TRAINING_EXAMPLES[0]!.run(console.log);
 */
export const TRAINING_EXAMPLES: readonly Example[] = [
  {
    name: 'mnist-fit',
    title: 'MNIST 784-128-10 with compile / fit / evaluate, a progress bar and an SVG chart',
    run: mnistFit.run,
  },
  {
    name: 'mnist-custom-loop',
    title: 'The same MLP with a custom GradientTape loop and optimizer.applyGradients',
    run: mnistCustomLoop.run,
  },
  {
    name: 'mnist-cnn',
    title: 'A convnet (Conv2D, BatchNormalization, MaxPooling2D) on MNIST with fit, a progress bar and an SVG chart',
    run: mnistCnn.run,
  },
  // Issue 14 (real models II): sequence models (group w-seq).
  {
    name: 'sentiment-lstm',
    title: 'Text classification with Embedding(maskZero) and Bidirectional(LSTM) on generated sentences with negation',
    run: sentimentLstm.run,
  },
  {
    name: 'char-gru',
    title: 'A character-level GRU that learns to continue its text, with samples before and after (GradientTape loop)',
    run: charGru.run,
  },
  // Issue 14 (real models II): the transformer encoder (group w-attn).
  {
    name: 'transformer-reverse',
    title: 'A two-layer transformer encoder (MultiHeadAttention, LayerNormalization) that learns to reverse digits',
    run: transformerReverse.run,
  },
];

/**
 * Forward mode and function transforms: Hessian-vector products three ways, and a jvp for a line search.
 * @example await FORWARD_EXAMPLES[0]!.run(console.log);
 */
export const FORWARD_EXAMPLES: readonly Example[] = [
  {
    name: 'hessian-vector-product',
    title: 'H·v forward over reverse, reverse over reverse and from tf.hessian, checked to agree',
    run: hessianVectorProduct.run,
  },
  {
    name: 'line-search',
    title: 'A directional derivative by tf.jvp for a backtracking line-search step',
    run: lineSearch.run,
  },
];

/**
 * Every example `pnpm examples` knows: the notebook's, the forward-mode ones, then the training ones.
 * @example ALL_EXAMPLES.map((e) => e.name)
 */
export const ALL_EXAMPLES: readonly Example[] = [...EXAMPLES, ...FORWARD_EXAMPLES, ...TRAINING_EXAMPLES];
