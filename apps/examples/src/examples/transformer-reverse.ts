/**
 * @file A two-layer transformer encoder that learns to reverse short integer sequences (issue 14's
 * example 4(c)): token embeddings plus a sinusoidal positional encoding (user code, as Keras' guides
 * write it), then two post-norm encoder blocks (MultiHeadAttention self-attention, a residual `Add`,
 * LayerNormalization, a relu feed-forward Dense pair, another residual and LayerNormalization) and a
 * Dense giving each position's logits over the digits. A subclassed `tf.Model`, trained with
 * `compile` / `fit` on sequences drawn in code (no download), evaluated by token accuracy on held-out
 * sequences, with an SVG chart of the curves. `pnpm examples transformer-reverse` runs the full version;
 * the tests run a short one.
 *
 * Tokens become vectors through `tf.layers.Embedding` (a gather whose gradient is an
 * `unsortedSegmentSum`), to which the positional encoding is added.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from 'tapeflow';
import { code } from '../notebook.js';
import type { Log } from '../notebook.js';
import { renderChart } from './training-chart.js';

/** The task and the model's sizes. */
export interface ReverseConfig {
  /** Training sequences, and held-out ones (drawn independently). */
  readonly train: number;
  readonly test: number;
  /** Tokens per sequence, and the number of distinct tokens (digits 0..vocab-1). */
  readonly length: number;
  readonly vocab: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** The model width, attention heads, and the feed-forward width. */
  readonly modelDim: number;
  readonly numHeads: number;
  readonly feedForwardDim: number;
  /** Seeds the data, the initial weights and the shuffling. */
  readonly seed: number;
  readonly verbose: 0 | 1 | 2;
  /** Where the SVG chart goes (null: no chart). */
  readonly chartFile: string | null;
}

/** The full run: 8,000 training and 1,000 held-out sequences of 8 digits. */
export const REVERSE_FULL_RUN: ReverseConfig = {
  train: 8000,
  test: 1000,
  length: 8,
  vocab: 10,
  epochs: 4,
  batchSize: 64,
  learningRate: 0.003,
  modelDim: 32,
  numHeads: 4,
  feedForwardDim: 64,
  seed: 7,
  verbose: process.stdout.isTTY === true ? 1 : 2,
  chartFile: fileURLToPath(new URL('../../output/transformer-reverse.svg', import.meta.url)),
};

/** What a run gives back. */
export type ReverseResult = {
  /** `fit`'s history: loss, accuracy, val_loss, val_accuracy per epoch (val_ is the held-out set). */
  readonly history: { readonly [key: string]: readonly number[] | undefined };
  /** Held-out token accuracy (fraction of positions right) and whole-sequence accuracy. */
  readonly tokenAccuracy: number;
  readonly sequenceAccuracy: number;
  readonly seconds: number;
  readonly chart: string | null;
  /** One held-out sequence, its target and the model's answer. */
  readonly sample: { readonly input: number[]; readonly target: number[]; readonly output: number[] };
};

/**
 * `count` random sequences of `length` digits and their reversals, as int32 [count, length] tensors.
 * @example const { x, y } = reversalData(4, 8, 10, 1);
 */
export function reversalData(
  count: number,
  length: number,
  vocab: number,
  seed: number,
): { x: tf.Tensor; y: tf.Tensor } {
  // mulberry32: a small seeded generator, so the data is the same on every machine.
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const inputs = new Int32Array(count * length);
  const targets = new Int32Array(count * length);
  for (let i = 0; i < count; i++)
    for (let j = 0; j < length; j++) {
      const digit = Math.floor(next() * vocab);
      inputs[i * length + j] = digit;
      targets[i * length + (length - 1 - j)] = digit;
    }
  return { x: tf.tensor(inputs, [count, length], 'int32'), y: tf.tensor(targets, [count, length], 'int32') };
}

/**
 * The sinusoidal positional encoding of "Attention Is All You Need": position p, channel 2i gets
 * sin(p / 10000^(2i/d)), channel 2i+1 the cosine. [length, dim].
 * @example positionalEncoding(8, 32).shape // [8, 32]
 */
export function positionalEncoding(length: number, dim: number): tf.Tensor {
  const values = new Float32Array(length * dim);
  for (let p = 0; p < length; p++)
    for (let c = 0; c < dim; c++) {
      const angle = p / 10000 ** ((2 * Math.floor(c / 2)) / dim);
      values[p * dim + c] = c % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  return tf.tensor(values, [length, dim]);
}

/**
 * One post-norm encoder block: self-attention and a feed-forward pair, each with a residual `Add`
 * and a LayerNormalization (Keras' `TransformerEncoder` of its guides, written with its layers).
 * @example const block = new EncoderBlock(32, 4, 64, 1); block.apply(h) // same shape as h
 */
export class EncoderBlock extends tf.Model {
  static override readonly className = 'EncoderBlock';
  readonly attention: tf.layers.MultiHeadAttention;
  readonly attentionResidual = new tf.layers.Add();
  readonly attentionNorm = new tf.layers.LayerNormalization();
  readonly feedForward: tf.layers.Dense;
  readonly feedForwardOut: tf.layers.Dense;
  readonly feedForwardResidual = new tf.layers.Add();
  readonly feedForwardNorm = new tf.layers.LayerNormalization();

  constructor(modelDim: number, numHeads: number, feedForwardDim: number, seed: number) {
    super();
    this.attention = new tf.layers.MultiHeadAttention({ numHeads, keyDim: modelDim / numHeads, seed });
    this.feedForward = new tf.layers.Dense(feedForwardDim, { activation: 'relu', seed: seed + 10 });
    this.feedForwardOut = new tf.layers.Dense(modelDim, { seed: seed + 20 });
  }

  call(inputs: tf.Tensor | tf.Tensor[], options: tf.ApplyOptions = {}): tf.Tensor {
    const h = inputs as tf.Tensor;
    return tf.tidy(() => {
      const attended = this.attention.apply(h, h, undefined, options);
      const mixed = this.attentionNorm.apply(this.attentionResidual.apply([h, attended]));
      const expanded = this.feedForwardOut.apply(this.feedForward.apply(mixed));
      return this.feedForwardNorm.apply(this.feedForwardResidual.apply([mixed, expanded]));
    });
  }
}

/**
 * The encoder: embeddings + positions, two encoder blocks, per-position logits.
 * @example const model = new ReverseTransformer(REVERSE_FULL_RUN); model.build([null, 8]);
 */
export class ReverseTransformer extends tf.Model {
  static override readonly className = 'ReverseTransformer';
  readonly embedding: tf.layers.Embedding;
  readonly blocks: EncoderBlock[];
  readonly logits: tf.layers.Dense;
  private readonly positions: tf.Tensor;

  constructor(config: ReverseConfig) {
    super({ name: 'reverse_transformer' });
    const { modelDim, numHeads, feedForwardDim, seed } = config;
    this.embedding = new tf.layers.Embedding(config.vocab, modelDim, {
      name: 'token_embedding',
      embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }),
    });
    this.blocks = [1, 2].map((block) => new EncoderBlock(modelDim, numHeads, feedForwardDim, seed + 100 * block));
    this.logits = new tf.layers.Dense(config.vocab, { seed: seed + 1000 });
    this.positions = positionalEncoding(config.length, modelDim);
  }

  call(inputs: tf.Tensor | tf.Tensor[], options: tf.ApplyOptions = {}): tf.Tensor {
    return tf.tidy(() => {
      let h = tf.add(this.embedding.apply(inputs as tf.Tensor), this.positions);
      for (const block of this.blocks) h = block.apply(h, options);
      return this.logits.apply(h);
    });
  }

  override dispose(): void {
    super.dispose();
    this.positions.dispose();
  }
}

/** The first row of a [n, length] tensor as numbers. */
async function firstRow(t: tf.Tensor): Promise<number[]> {
  const row = tf.slice(t, [0, 0], [1, -1]);
  try {
    return Array.from((await row.data()) as ArrayLike<number>);
  } finally {
    row.dispose();
  }
}

/** Held-out token and whole-sequence accuracy of `model` on (x, y), and its answer on sequence 0. */
async function heldOut(
  model: ReverseTransformer,
  x: tf.Tensor,
  y: tf.Tensor,
): Promise<{ token: number; sequence: number; first: number[] }> {
  const predicted = tf.tidy(() => tf.argMax(model.predict(x, { batchSize: 256 }), -1));
  const right = tf.tidy(() => tf.cast(tf.equal(tf.cast(predicted, 'int32'), y), 'float32'));
  const means = tf.tidy(() => tf.stack([tf.reduceMean(right), tf.reduceMean(tf.reduceMin(right, -1))]));
  const [token, sequence] = Array.from(await means.data());
  const first = await firstRow(predicted);
  tf.dispose([predicted, right, means]);
  return { token: token!, sequence: sequence!, first };
}

/**
 * Trains and evaluates the encoder with `config`, logging the summary and the figures.
 * @example await trainReverser(console.log, { ...REVERSE_FULL_RUN, epochs: 1 });
 */
export async function trainReverser(log: Log, config: ReverseConfig): Promise<ReverseResult> {
  const train = reversalData(config.train, config.length, config.vocab, config.seed);
  const test = reversalData(config.test, config.length, config.vocab, config.seed + 1);
  const model = new ReverseTransformer(config);
  const optimizer = new tf.optimizers.Adam({ learningRate: config.learningRate });
  try {
    code(log, `x = embedding(tokens) + positional_encoding(${config.length}, ${config.modelDim})`);
    code(
      log,
      `for _ in range(2): h = LayerNormalization()(h + MultiHeadAttention(num_heads=${config.numHeads}, key_dim=${config.modelDim / config.numHeads})(h, h)); ` +
        `h = LayerNormalization()(h + Dense(${config.modelDim})(Dense(${config.feedForwardDim}, activation="relu")(h)))`,
    );
    model.build([null, config.length]);
    model.summary(log);
    model.compile({
      optimizer,
      loss: new tf.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
      metrics: ['accuracy'],
    });
    code(log, `model.fit(x_train, y_train, epochs=${config.epochs}, batch_size=${config.batchSize})`);
    const started = performance.now();
    const { history } = await model.fit(train.x, train.y, {
      epochs: config.epochs,
      batchSize: config.batchSize,
      validationData: [test.x, test.y],
      seed: config.seed,
      verbose: config.verbose,
    });
    const seconds = (performance.now() - started) / 1000;
    const { token, sequence, first } = await heldOut(model, test.x, test.y);
    const sample = {
      input: await firstRow(test.x),
      target: await firstRow(test.y),
      output: first,
    };
    log(
      `held-out token accuracy ${(token * 100).toFixed(2)}%, whole sequences ${(sequence * 100).toFixed(2)}% on ` +
        `${config.test} sequences; ${config.epochs} epochs on ${config.train} sequences in ${seconds.toFixed(1)} s`,
    );
    log(`reverse(${sample.input.join(' ')}) = ${sample.output.join(' ')} (expected ${sample.target.join(' ')})`);
    let chart: string | null = null;
    if (config.chartFile !== null) {
      chart = await renderChart(history, `Transformer encoder reversing ${config.length} digits`);
      await mkdir(dirname(config.chartFile), { recursive: true });
      await writeFile(config.chartFile, chart);
      log(`curves written to ${config.chartFile}`);
    }
    return { history, tokenAccuracy: token, sequenceAccuracy: sequence, seconds, chart, sample };
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose([train.x, train.y, test.x, test.y]);
  }
}

/**
 * The full run (`pnpm examples transformer-reverse`).
 * @example const result = await run(console.log);
 */
export async function run(log: Log): Promise<ReverseResult> {
  return trainReverser(log, REVERSE_FULL_RUN);
}
