/**
 * @file The sentiment example (Embedding with maskZero, Bidirectional(LSTM), Dense), shortened for
 * CI: 2,000 training / 500 held-out sentences (none of them a training sentence), 3 epochs, about
 * 15 s on two CPU cores. Held-out accuracy must reach 90% (chance is 50%; a model that cannot see
 * where "not" stands, or whose LSTM gradient is broken, stays near chance: this run reaches 100%), the
 * training loss must fall, every probe sentence must get its label (they differ only in where a
 * negation stands), the summary must show the layers, and nothing may leak.
 */
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { TRAINING_EXAMPLES } from './examples/index.js';
import { PROBES, SENTIMENT_FULL_RUN, encode, makeSentences, trainSentiment } from './examples/sentiment-lstm.js';
import type { SentimentConfig } from './examples/sentiment-lstm.js';

const SHORT: SentimentConfig = {
  ...SENTIMENT_FULL_RUN,
  train: 2000,
  test: 500,
  epochs: 3,
  verbose: 0,
  chartFile: null,
};

/** The bar: far above chance (50%), below what this run reaches (see the file comment). */
const MIN_ACCURACY = 0.9;

describe('sentiment with Embedding + Bidirectional(LSTM) (short run)', () => {
  it('makes labelled sentences whose label flips only with a negation before the adjective', () => {
    const { sentences, labels } = makeSentences(400, 3);
    expect(sentences).toHaveLength(400);
    const positive = new Set(['good', 'great', 'excellent', 'wonderful', 'enjoyable', 'brilliant', 'lovely', 'fun']);
    sentences.forEach((words, i) => {
      const adjective = words.findIndex(
        (w, j) =>
          j > 2 &&
          (positive.has(w) || ['bad', 'awful', 'terrible', 'boring', 'dull', 'poor', 'horrible', 'weak'].includes(w)),
      );
      const before = words.slice(Math.max(0, adjective - 2), adjective);
      const negated = before.includes('not') || before.includes('never');
      expect(labels[i]).toBe(positive.has(words[adjective]!) !== negated ? 1 : 0);
    });
    // Both labels, with and without a stray "not" in the opener.
    expect(new Set(labels)).toEqual(new Set([0, 1]));
    expect(sentences.some((w) => w.slice(0, 3).join(' ') === 'i did not')).toBe(true);
    const ids = encode([['the', 'film', 'was', 'good']]);
    expect(Array.from(ids.dataSync()).slice(4)).toEqual(new Array(10).fill(0));
    ids.dispose();
  });

  it('reaches >= 90% held-out after 3 short epochs, the loss falling, every probe right, no leak', async () => {
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    const result = await trainSentiment((line) => lines.push(line), SHORT);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(MIN_ACCURACY);
    expect(result.history.loss).toHaveLength(3);
    expect(result.history.loss![2]!).toBeLessThan(result.history.loss![0]! / 2);
    expect(result.probes).toEqual(PROBES.map((p) => p.label));
    expect(lines.some((l) => /embedding \(Embedding\)\s+│ \(None, 14, 16\)/.test(l))).toBe(true);
    expect(lines.some((l) => /bidirectional \(Bidirectional\)\s+│ \(None, 32\)\s+│\s+4,224/.test(l))).toBe(true);
    expect(lines.some((l) => /held-out loss .* accuracy .*% on 500 sentences/.test(l))).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('is listed among the training examples', () => {
    expect(TRAINING_EXAMPLES.map((e) => e.name)).toContain('sentiment-lstm');
  });
});
