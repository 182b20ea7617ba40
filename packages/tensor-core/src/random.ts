/**
 * @file Seeded random tensors. Values come from Threefry-2x32 (20 rounds), a counter-based generator
 * (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", as JAX uses it): the numbers depend
 * only on (seed, position), so they are generated on the host and uploaded, and every backend gets the
 * same numbers for the same seed. Seeds follow TensorFlow: a global seed (`setSeed`) and an op seed;
 * with only the global seed, each op takes the next value of a counter reset by `setSeed`.
 */

import type { DataType } from './dtype.js';
import { allocate } from './dtype.js';
import { getEngine } from './engine.js';
import { invalidArgument } from './errors.js';
import { assertDataType } from './ops/convert.js';
import { assertValidShape, sizeFromShape } from './shape.js';
import type { Tensor } from './tensor.js';

const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24] as const;
const PARITY = 0x1bd11bda;

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

/**
 * Threefry-2x32 with 20 rounds: encrypts the counter pair (c0, c1) under key (k0, k1); writes the two
 * output words into `out`.
 */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number, out: Uint32Array): void {
  const k2 = (k0 ^ k1 ^ PARITY) >>> 0;
  const keys = [k0 >>> 0, k1 >>> 0, k2];
  let x0 = (c0 + keys[0]!) >>> 0;
  let x1 = (c1 + keys[1]!) >>> 0;
  for (let block = 0; block < 5; block++) {
    for (let r = 0; r < 4; r++) {
      x0 = (x0 + x1) >>> 0;
      x1 = rotl(x1, ROTATIONS[(block % 2) * 4 + r]!) ^ x0;
    }
    const s = block + 1;
    x0 = (x0 + keys[s % 3]!) >>> 0;
    x1 = (x1 + keys[(s + 1) % 3]! + s) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
}

/** `count` random 32-bit words for the key (k0, k1): word i is from counter block floor(i/2). */
export function randomBits(k0: number, k1: number, count: number): Uint32Array {
  const bits = new Uint32Array(count + (count & 1));
  const pair = new Uint32Array(2);
  for (let i = 0; i < bits.length; i += 2) {
    threefry2x32(k0, k1, i >>> 1, 0, pair);
    bits[i] = pair[0]!;
    bits[i + 1] = pair[1]!;
  }
  return bits;
}

/** A uniform float in [0, 1) from the top 24 bits of a word (every float32 step below 1 reachable). */
function unitFloat(word: number): number {
  return (word >>> 8) * 2 ** -24;
}

let globalSeed: number | undefined;
let opCounter = 0;
let entropySeed: number | undefined;

/** Sets the global seed: ops without their own seed then give the same sequence every run. */
export function setSeed(seed: number): void {
  if (!Number.isInteger(seed)) invalidArgument('random.setSeed', 'seed', 'an integer', String(seed));
  globalSeed = seed;
  opCounter = 0;
}

function resolveKey(op: string, seed: number | undefined): [number, number] {
  if (seed !== undefined && !Number.isInteger(seed)) invalidArgument(op, 'seed', 'an integer', String(seed));
  if (globalSeed === undefined && seed === undefined) {
    entropySeed ??= (Date.now() ^ (performance.now() * 1e6)) >>> 0;
    return [entropySeed, opCounter++];
  }
  // TensorFlow's DEFAULT_GRAPH_SEED plays the global seed when only an op seed is given.
  const g = globalSeed ?? 87654321;
  const s = seed ?? opCounter++;
  return [(g ^ Math.floor(g / 2 ** 32)) >>> 0, (s ^ Math.floor(s / 2 ** 32)) >>> 0];
}

/** Options of `random.normal`. */
export interface RandomNormalOptions {
  readonly mean?: number;
  readonly stddev?: number;
  readonly seed?: number;
  readonly dtype?: DataType;
}

/** Options of `random.uniform`. */
export interface RandomUniformOptions {
  readonly minval?: number;
  readonly maxval?: number;
  readonly seed?: number;
  readonly dtype?: DataType;
}

/**
 * Normal samples (Box–Muller on Threefry bits).
 * @example tf.random.normal([4, 2], { seed: 1 })
 */
export function normal(shape: readonly number[], options: RandomNormalOptions = {}): Tensor {
  assertValidShape('random.normal', shape);
  const dtype = options.dtype ?? 'float32';
  assertDataType('random.normal', 'dtype', dtype);
  if (dtype !== 'float32') invalidArgument('random.normal', 'dtype', "'float32'", `'${dtype}'`);
  const mean = options.mean ?? 0;
  const stddev = options.stddev ?? 1;
  const size = sizeFromShape(shape);
  const values = allocate('random.normal', size, 'float32');
  const [k0, k1] = resolveKey('random.normal', options.seed);
  const bits = randomBits(k0, k1, size + (size & 1));
  for (let i = 0; i < size; i += 2) {
    const u1 = 1 - unitFloat(bits[i]!);
    const u2 = unitFloat(bits[i + 1]!);
    const radius = Math.sqrt(-2 * Math.log(u1));
    values[i] = mean + stddev * radius * Math.cos(2 * Math.PI * u2);
    if (i + 1 < size) values[i + 1] = mean + stddev * radius * Math.sin(2 * Math.PI * u2);
  }
  return getEngine().makeTensor(values, shape, 'float32');
}

/**
 * Uniform samples in [minval, maxval) (integers for int32).
 * @example tf.random.uniform([3], { minval: -1, maxval: 1, seed: 7 })
 */
export function uniform(shape: readonly number[], options: RandomUniformOptions = {}): Tensor {
  assertValidShape('random.uniform', shape);
  const dtype = options.dtype ?? 'float32';
  assertDataType('random.uniform', 'dtype', dtype);
  if (dtype === 'bool') invalidArgument('random.uniform', 'dtype', "'float32' or 'int32'", "'bool'");
  const minval = options.minval ?? 0;
  const maxval = options.maxval ?? (dtype === 'int32' ? undefined : 1);
  if (maxval === undefined) invalidArgument('random.uniform', 'maxval', 'a value for int32 samples', 'undefined');
  if (!(minval < maxval)) invalidArgument('random.uniform', 'maxval', `a value > minval (${minval})`, String(maxval));
  const size = sizeFromShape(shape);
  const values = allocate('random.uniform', size, dtype);
  // After every check and the allocation: a failed call must not advance the seed sequence.
  const [k0, k1] = resolveKey('random.uniform', options.seed);
  const bits = randomBits(k0, k1, size);
  const span = maxval - minval;
  if (dtype === 'int32') {
    for (let i = 0; i < size; i++) values[i] = minval + Math.floor((bits[i]! / 2 ** 32) * span);
  } else {
    for (let i = 0; i < size; i++) values[i] = minval + span * unitFloat(bits[i]!);
  }
  return getEngine().makeTensor(values, shape, dtype);
}
