/**
 * @file The benchmark's input data, generated from fixed seeds so every library computes on the same
 * numbers (and a result mismatch would be visible in the logged loss).
 */

import type { MlpSpec } from './libraries/types.js';

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
