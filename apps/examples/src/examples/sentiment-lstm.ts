/**
 * @file Text classification with an Embedding and a bidirectional LSTM, Keras' "text classification
 * from scratch" in miniature, on a sentiment dataset made here from word lists: one opinion per
 * sentence ("the plot was not very good"), whose label flips when "not" or "never" stands before the
 * adjective, while a "not" elsewhere ("i did not expect it , but the film was good") flips nothing,
 * so the model has to read where the negation stands, not only which words occur. Sentences have 4 to 14 words, padded
 * with 0s after the end; `Embedding({ maskZero: true })` masks the padding, so the LSTM's last state
 * is that of the last real word. `pnpm examples sentiment-lstm` runs the full version (4,000 training
 * and 1,000 held-out sentences, 5 epochs); the tests run a short one.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from 'tapeflow';
import { code } from '../notebook.js';
import type { Log } from '../notebook.js';
import { pick, seededRandom } from './seeded-random.js';
import { renderChart } from './training-chart.js';

const POSITIVE = ['good', 'great', 'excellent', 'wonderful', 'enjoyable', 'brilliant', 'lovely', 'fun'];
const NEGATIVE = ['bad', 'awful', 'terrible', 'boring', 'dull', 'poor', 'horrible', 'weak'];
const NOUNS = ['movie', 'film', 'plot', 'acting', 'story', 'ending', 'cast', 'music', 'script', 'director'];
const INTENSIFIERS = ['very', 'really', 'quite', 'so', 'rather', 'truly'];
const NEGATIONS = ['not', 'never'];
const OPENERS = [
  ['honestly', ','],
  ['i', 'think'],
  ['i', 'did', 'not', 'expect', 'it', ',', 'but'],
  ['we', 'never', 'read', 'reviews', ',', 'and'],
  ['to', 'be', 'fair', ','],
  ['after', 'all'],
];
const CLOSERS = [['overall'], ['in', 'the', 'end'], ['to', 'me'], ['for', 'sure']];

/** The words, id 0 being padding (so `maskZero` can mask it). */
export const VOCABULARY: readonly string[] = [
  '<pad>',
  ...new Set([
    ...POSITIVE,
    ...NEGATIVE,
    ...NOUNS,
    ...INTENSIFIERS,
    ...NEGATIONS,
    ...OPENERS.flat(),
    ...CLOSERS.flat(),
    'the',
    'this',
    'was',
    'is',
  ]),
];
const IDS = new Map(VOCABULARY.map((word, id) => [word, id]));

/** The longest sentence the generator makes, and the padded length. */
export const MAX_LENGTH = 14;

/**
 * `count` sentences with labels (1 positive, 0 negative), the same for the same seed; none of them
 * one of `exclude`'s (sentences joined by spaces), so a held-out set holds no training sentence.
 * @example makeSentences(2, 1) // { sentences: [['the', 'plot', 'was', 'not', 'good'], ...], labels: [0, ...] }
 */
export function makeSentences(
  count: number,
  seed: number,
  exclude: ReadonlySet<string> = new Set(),
): { sentences: string[][]; labels: number[] } {
  const random = seededRandom(seed);
  const sentences: string[][] = [];
  const labels: number[] = [];
  while (sentences.length < count) {
    const positive = random() < 0.5;
    const negated = random() < 0.5;
    const words: string[] = [];
    if (random() < 0.4) words.push(...pick(random, OPENERS));
    words.push(pick(random, ['the', 'this']), pick(random, NOUNS), pick(random, ['was', 'is']));
    if (negated) words.push(pick(random, NEGATIONS));
    if (random() < 0.4) words.push(pick(random, INTENSIFIERS));
    words.push(pick(random, positive ? POSITIVE : NEGATIVE));
    if (random() < 0.3) words.push(...pick(random, CLOSERS));
    if (words.length > MAX_LENGTH || exclude.has(words.join(' '))) continue;
    sentences.push(words);
    labels.push(positive !== negated ? 1 : 0);
  }
  return { sentences, labels };
}

/**
 * Sentences as int32 ids `[n, MAX_LENGTH]`, padded with 0 after the last word.
 * @example encode([['the', 'film', 'was', 'good']]).shape // [1, 14]
 */
export function encode(sentences: readonly (readonly string[])[]): tf.Tensor {
  const ids = new Int32Array(sentences.length * MAX_LENGTH);
  sentences.forEach((words, i) =>
    words.forEach((word, t) => {
      const id = IDS.get(word);
      if (id === undefined) throw new Error(`encode: '${word}' is not in the vocabulary`);
      ids[i * MAX_LENGTH + t] = id;
    }),
  );
  return tf.tensor(ids, [sentences.length, MAX_LENGTH], 'int32');
}

/** What a run uses. */
export interface SentimentConfig {
  readonly train: number;
  readonly test: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** Seeds the sentences (held-out ones with seed + 1), the weights and the shuffling. */
  readonly seed: number;
  /** `fit`'s verbose: 1 a progress bar, 2 one line per epoch, 0 nothing. */
  readonly verbose: 0 | 1 | 2;
  /** Where the SVG chart goes, or null for none. */
  readonly chartFile: string | null;
}

/** The full run: 4,000 training and 1,000 held-out sentences, 5 epochs of batches of 32. */
export const SENTIMENT_FULL_RUN: SentimentConfig = {
  train: 4000,
  test: 1000,
  epochs: 5,
  batchSize: 32,
  seed: 7,
  verbose: process.stdout.isTTY === true ? 1 : 2,
  chartFile: fileURLToPath(new URL('../../output/sentiment-lstm.svg', import.meta.url)),
};

/**
 * Embedding(maskZero) → Bidirectional(LSTM(16)) → Dense(2) logits.
 * @example sentimentModel(7).summary(console.log);
 */
export function sentimentModel(seed: number): tf.Sequential {
  return new tf.Sequential([
    new tf.layers.Embedding(VOCABULARY.length, 16, { maskZero: true, inputShape: [MAX_LENGTH], seed }),
    new tf.layers.Bidirectional(new tf.layers.LSTM(16)),
    new tf.layers.Dense(2, { seed: seed + 4 }),
  ]);
}

/** What a run measured. */
export type SentimentResult = {
  readonly history: { readonly [key: string]: readonly number[] | undefined };
  readonly testLoss: number;
  readonly testAccuracy: number;
  /** The model's labels for the `PROBES` sentences (1 positive). */
  readonly probes: readonly number[];
  readonly seconds: number;
  readonly chart: string | null;
};

/** Sentences that need the word order, with their true labels. */
export const PROBES: readonly { readonly text: string; readonly label: number }[] = [
  { text: 'the film was good', label: 1 },
  { text: 'the film was not good', label: 0 },
  { text: 'the acting was not very bad', label: 1 },
  { text: 'i did not expect it , but the film was good', label: 1 },
  { text: 'i did not expect it , but the film was not good', label: 0 },
  { text: 'honestly , the music is never dull in the end', label: 1 },
];

/**
 * Makes the data, trains, evaluates on held-out sentences and classifies the probes.
 * @example await trainSentiment(console.log, { ...SENTIMENT_FULL_RUN, epochs: 1 });
 */
export async function trainSentiment(log: Log, config: SentimentConfig): Promise<SentimentResult> {
  const trainSet = makeSentences(config.train, config.seed);
  const testSet = makeSentences(config.test, config.seed + 1, new Set(trainSet.sentences.map((s) => s.join(' '))));
  const xTrain = encode(trainSet.sentences);
  const yTrain = tf.tensor(trainSet.labels, [config.train], 'int32');
  const xTest = encode(testSet.sentences);
  const yTest = tf.tensor(testSet.labels, [config.test], 'int32');
  const xProbes = encode(PROBES.map((p) => p.text.split(' ')));
  // The LSTM has no seed of its own: the wrapper copies its config, and a seed in it would give both
  // directions the same initial weights. The copies draw from the global generator, seeded here.
  tf.random.setSeed(config.seed);
  const model = sentimentModel(config.seed);
  const optimizer = new tf.optimizers.Adam({ learningRate: 0.01 });
  try {
    log(`${config.train} training sentences, e.g. "${trainSet.sentences[0]!.join(' ')}" (label ${trainSet.labels[0]})`);
    code(
      log,
      'model = keras.Sequential([layers.Embedding(vocab_size, 16, mask_zero=True), layers.Bidirectional(layers.LSTM(16)), layers.Dense(2)])',
    );
    model.summary(log);
    code(
      log,
      "model.compile(optimizer=Adam(0.01), loss=SparseCategoricalCrossentropy(from_logits=True), metrics=['accuracy'])",
    );
    model.compile({
      optimizer,
      loss: new tf.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
      metrics: ['accuracy'],
    });
    code(
      log,
      `history = model.fit(x_train, y_train, epochs=${config.epochs}, batch_size=${config.batchSize}, validation_data=(x_test, y_test))`,
    );
    const started = performance.now();
    const { history } = await model.fit(xTrain, yTrain, {
      epochs: config.epochs,
      batchSize: config.batchSize,
      validationData: [xTest, yTest],
      seed: config.seed,
      verbose: config.verbose,
    });
    const seconds = (performance.now() - started) / 1000;
    code(log, 'model.evaluate(x_test, y_test)');
    const { loss: testLoss = NaN, accuracy: testAccuracy = NaN } = await model.evaluate(xTest, yTest, { verbose: 0 });
    log(
      `held-out loss ${testLoss.toFixed(4)}, accuracy ${(testAccuracy * 100).toFixed(2)}% on ${config.test} sentences; ` +
        `${config.epochs} epochs on ${config.train} sentences in ${seconds.toFixed(1)} s`,
    );
    const predicted = tf.tidy(() => tf.argMax(model.predict(xProbes), 1));
    const probes = Array.from(await predicted.data());
    predicted.dispose();
    PROBES.forEach((probe, i) =>
      log(
        `  "${probe.text}" → ${probes[i] === 1 ? 'positive' : 'negative'}${probes[i] === probe.label ? '' : ' (wrong)'}`,
      ),
    );
    let chart: string | null = null;
    if (config.chartFile !== null) {
      chart = await renderChart(history, `Sentiment, Embedding + Bidirectional(LSTM), ${config.train} sentences`);
      await mkdir(dirname(config.chartFile), { recursive: true });
      await writeFile(config.chartFile, chart);
      log(`curves written to ${config.chartFile}`);
    }
    return { history, testLoss, testAccuracy, probes, seconds, chart };
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose([xTrain, yTrain, xTest, yTest, xProbes]);
  }
}

/**
 * The full run (`pnpm examples sentiment-lstm`).
 * @example const result = await run(console.log);
 */
export async function run(log: Log): Promise<SentimentResult> {
  return trainSentiment(log, SENTIMENT_FULL_RUN);
}
