/**
 * @file Seeded test data for the reference implementations: reproducible values in a range, already
 * rounded to what the dtype stores, so the host reference and the backend see exactly the same inputs.
 */

import type { DataType } from '@tapeflow/tensor-core/internal';
import type { ReferenceTensor } from './tensor.js';
import { sizeOf, storeAs } from './tensor.js';

/** A seeded generator of floats in [0, 1) (mulberry32): the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of `randomReference`. */
export interface RandomReferenceOptions {
  /** Seed of the values; the same seed gives the same tensor. */
  readonly seed: number;
  /** Lowest value (inclusive); default -1 for float32, -10 for int32. */
  readonly min?: number;
  /** Highest value (exclusive for float32, inclusive for int32); default 1 for float32, 10 for int32. */
  readonly max?: number;
  /** Element type; default float32. bool gives 0 and 1 with equal odds. */
  readonly dtype?: DataType;
  /**
   * For float32, round every value to a multiple of this step (e.g. 0.125): sums of such values are
   * exact in float32 in any order while they stay below 2^24 steps, so large reductions compare exactly.
   */
  readonly step?: number;
}

/**
 * A tensor of `shape` with seeded random values.
 * @example randomReference([2, 3], { seed: 1, min: 0.5, max: 2 })
 */
export function randomReference(shape: readonly number[], options: RandomReferenceOptions): ReferenceTensor {
  const dtype = options.dtype ?? 'float32';
  const random = seededRandom(options.seed);
  const size = sizeOf(shape);
  const values = new Array<number>(size);
  if (dtype === 'bool') {
    for (let i = 0; i < size; i++) values[i] = random() < 0.5 ? 1 : 0;
  } else if (dtype === 'int32') {
    const min = options.min ?? -10;
    const max = options.max ?? 10;
    for (let i = 0; i < size; i++) values[i] = min + Math.floor(random() * (max - min + 1));
  } else {
    const min = options.min ?? -1;
    const max = options.max ?? 1;
    const step = options.step;
    for (let i = 0; i < size; i++) {
      const v = min + random() * (max - min);
      values[i] = step === undefined ? storeAs(v, 'float32') : storeAs(Math.round(v / step) * step, 'float32');
    }
  }
  return { shape: shape.slice(), dtype, values };
}
