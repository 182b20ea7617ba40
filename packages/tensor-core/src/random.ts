/**
 * @file Seeded random tensors. Values come from Threefry-2x32 (20 rounds), a counter-based generator
 * (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", as JAX uses it): the numbers depend
 * only on (seed, position), so they are generated on the host and uploaded, and every backend gets the
 * same numbers for the same seed. Seeds follow TensorFlow's eager rules: a global seed (`setSeed`)
 * and an op seed; with only the global seed, each op takes the next value of a counter reset by
 * `setSeed`; with an op seed, repeated calls continue one sequence per (global, op) seed pair (so two
 * calls give different numbers, and `setSeed` starts the sequences over). The stateless variants
 * (`statelessNormal`, `statelessUniform`, TensorFlow's `stateless_*`) depend on their seed alone.
 */

import { checkAllocation } from './allocation-guard.js';
import type { DataType } from './dtype.js';
import { allocate, DATA_TYPES } from './dtype.js';
import { getEngine } from './engine.js';
import { invalidArgument } from './errors.js';
import { assertDataType } from './ops/convert.js';
import { INT32_EXPECTED, isInt32 } from './ops/values.js';
import { checkOptions, describeValue } from './options.js';
import type { OptionSchema } from './options.js';
import { assertValidShape, describeShape, sizeFromShape } from './shape.js';
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

/**
 * `count` random 32-bit words for the key (k0, k1) and stream: word i is from counter block
 * (floor(i/2), stream), so streams of one key never overlap.
 */
export function randomBits(k0: number, k1: number, count: number, stream = 0): Uint32Array {
  if (!Number.isInteger(count) || count < 0)
    invalidArgument('random.randomBits', 'count', 'a non-negative integer', describeValue(count));
  checkAllocation('random.randomBits', [count], 'int32');
  const bits = new Uint32Array(count + (count & 1));
  const pair = new Uint32Array(2);
  for (let i = 0; i < bits.length; i += 2) {
    threefry2x32(k0, k1, i >>> 1, stream >>> 0, pair);
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
/** Calls so far per (global seed, op seed) pair: the stream the next call draws from. */
const streams = new Map<string, number>();

/** Sets the global seed: ops then give the same sequence every run, starting over from here. */
export function setSeed(seed: number): void {
  if (!Number.isInteger(seed)) invalidArgument('random.setSeed', 'seed', 'an integer', describeValue(seed));
  globalSeed = seed;
  opCounter = 0;
  streams.clear();
}

/** A 32-bit word from an integer of up to 53 bits (both halves folded in). */
function fold(value: number): number {
  return (value ^ Math.floor(value / 2 ** 32)) >>> 0;
}

interface StreamKey {
  readonly k0: number;
  readonly k1: number;
  readonly stream: number;
}

function checkOpSeed(op: string, seed: number | undefined): void {
  if (seed !== undefined && !Number.isInteger(seed))
    invalidArgument(op, 'options.seed', 'an integer', describeValue(seed));
}

/** The key and stream of the next stateful draw (call after every check: it advances the state). */
function nextKey(seed: number | undefined): StreamKey {
  if (globalSeed === undefined && seed === undefined) {
    entropySeed ??= (Date.now() ^ (performance.now() * 1e6)) >>> 0;
    return { k0: entropySeed, k1: opCounter++, stream: 0 };
  }
  // TensorFlow's DEFAULT_GRAPH_SEED plays the global seed when only an op seed is given.
  const g = globalSeed ?? 87654321;
  if (seed === undefined) return { k0: fold(g), k1: fold(opCounter++), stream: 0 };
  const pair = `${g}:${seed}`;
  const stream = streams.get(pair) ?? 0;
  streams.set(pair, stream + 1);
  return { k0: fold(g), k1: fold(seed), stream };
}

function checkStatelessSeed(op: string, seed: unknown): asserts seed is readonly [number, number] {
  if (!Array.isArray(seed) || seed.length !== 2 || !seed.every((v) => Number.isInteger(v))) {
    invalidArgument(op, 'seed', 'two integers, e.g. [1, 2]', describeShape(seed));
  }
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

const NORMAL_OPTIONS: OptionSchema<RandomNormalOptions> = {
  mean: { kind: 'number' },
  stddev: { kind: 'number' },
  seed: { kind: 'number', integer: true },
  dtype: { kind: 'oneOf', values: DATA_TYPES },
};

const UNIFORM_OPTIONS: OptionSchema<RandomUniformOptions> = {
  minval: { kind: 'number' },
  maxval: { kind: 'number' },
  seed: { kind: 'number', integer: true },
  dtype: { kind: 'oneOf', values: DATA_TYPES },
};

const { seed: _normalSeed, ...STATELESS_NORMAL_OPTIONS } = NORMAL_OPTIONS;
const { seed: _uniformSeed, ...STATELESS_UNIFORM_OPTIONS } = UNIFORM_OPTIONS;

function checkNormal(
  op: string,
  shape: readonly number[],
  options: RandomNormalOptions,
  schema: OptionSchema<StatelessNormalOptions>,
): DataType {
  assertValidShape(op, shape);
  checkOptions(op, options, schema);
  const dtype = options.dtype ?? 'float32';
  assertDataType(op, 'options.dtype', dtype);
  if (dtype !== 'float32') invalidArgument(op, 'options.dtype', "'float32'", `'${dtype}'`);
  checkAllocation(op, shape, dtype);
  return dtype;
}

function sampleNormal(
  op: string,
  shape: readonly number[],
  mean: number,
  stddev: number,
  key: () => StreamKey,
): Tensor {
  const size = sizeFromShape(shape);
  const values = allocate(op, size, 'float32');
  const { k0, k1, stream } = key();
  const bits = randomBits(k0, k1, size + (size & 1), stream);
  for (let i = 0; i < size; i += 2) {
    const u1 = 1 - unitFloat(bits[i]!);
    const u2 = unitFloat(bits[i + 1]!);
    const radius = Math.sqrt(-2 * Math.log(u1));
    values[i] = mean + stddev * radius * Math.cos(2 * Math.PI * u2);
    if (i + 1 < size) values[i + 1] = mean + stddev * radius * Math.sin(2 * Math.PI * u2);
  }
  return getEngine().makeTensor(values, shape, 'float32');
}

interface UniformSpec {
  readonly dtype: DataType;
  readonly minval: number;
  readonly maxval: number;
}

/**
 * Checks a uniform request. For int32 the bounds must be int32 integers (TensorFlow converts them to
 * the dtype) and `maxval` must be given, so every sample lies in [minval, maxval).
 */
function checkUniform(
  op: string,
  shape: readonly number[],
  options: RandomUniformOptions,
  schema: OptionSchema<StatelessUniformOptions>,
): UniformSpec {
  assertValidShape(op, shape);
  checkOptions(op, options, schema);
  const dtype = options.dtype ?? 'float32';
  assertDataType(op, 'options.dtype', dtype);
  if (dtype === 'bool') invalidArgument(op, 'options.dtype', "'float32' or 'int32'", "'bool'");
  const minval = options.minval ?? 0;
  const maxval = options.maxval ?? (dtype === 'int32' ? undefined : 1);
  if (maxval === undefined) invalidArgument(op, 'options.maxval', 'a value for int32 samples', 'undefined');
  if (dtype === 'int32') {
    if (!isInt32(minval))
      invalidArgument(op, 'options.minval', `${INT32_EXPECTED} for int32 samples`, describeValue(minval));
    if (!isInt32(maxval))
      invalidArgument(op, 'options.maxval', `${INT32_EXPECTED} for int32 samples`, describeValue(maxval));
  } else if (!Number.isFinite(minval) || !Number.isFinite(maxval)) {
    invalidArgument(
      op,
      Number.isFinite(minval) ? 'options.maxval' : 'options.minval',
      'a finite number',
      String(Number.isFinite(minval) ? maxval : minval),
    );
  }
  if (!(minval < maxval)) invalidArgument(op, 'options.maxval', `a value > minval (${minval})`, String(maxval));
  checkAllocation(op, shape, dtype);
  return { dtype, minval, maxval };
}

function sampleUniform(
  op: string,
  shape: readonly number[],
  { dtype, minval, maxval }: UniformSpec,
  key: () => StreamKey,
): Tensor {
  const size = sizeFromShape(shape);
  const values = allocate(op, size, dtype);
  const { k0, k1, stream } = key();
  const bits = randomBits(k0, k1, size, stream);
  const span = maxval - minval;
  if (dtype === 'int32') {
    for (let i = 0; i < size; i++) values[i] = minval + Math.floor((bits[i]! / 2 ** 32) * span);
  } else {
    for (let i = 0; i < size; i++) values[i] = minval + span * unitFloat(bits[i]!);
  }
  return getEngine().makeTensor(values, shape, dtype);
}

/**
 * Normal samples (Box–Muller on Threefry bits). With a seed, repeated calls continue one sequence
 * (TensorFlow's eager behaviour); `setSeed` starts it over.
 * @example tf.random.normal([4, 2], { seed: 1 })
 */
export function normal(shape: readonly number[], options: RandomNormalOptions = {}): Tensor {
  checkNormal('random.normal', shape, options, NORMAL_OPTIONS);
  checkOpSeed('random.normal', options.seed);
  return sampleNormal('random.normal', shape, options.mean ?? 0, options.stddev ?? 1, () => nextKey(options.seed));
}

/**
 * Uniform samples in [minval, maxval) (integers for int32). With a seed, repeated calls continue one
 * sequence (TensorFlow's eager behaviour); `setSeed` starts it over.
 * @example tf.random.uniform([3], { minval: -1, maxval: 1, seed: 7 })
 */
export function uniform(shape: readonly number[], options: RandomUniformOptions = {}): Tensor {
  const spec = checkUniform('random.uniform', shape, options, UNIFORM_OPTIONS);
  checkOpSeed('random.uniform', options.seed);
  return sampleUniform('random.uniform', shape, spec, () => nextKey(options.seed));
}

/** Options of `statelessNormal` (TensorFlow's `stateless_normal` keyword arguments). */
export type StatelessNormalOptions = Omit<RandomNormalOptions, 'seed'>;
/** Options of `statelessUniform`. */
export type StatelessUniformOptions = Omit<RandomUniformOptions, 'seed'>;

/**
 * Normal samples that depend on `seed` (two integers) alone: the same seed gives the same numbers on
 * every call and every backend (TensorFlow's `stateless_normal`).
 * @example tf.random.statelessNormal([2, 2], [1, 2])
 */
export function statelessNormal(
  shape: readonly number[],
  seed: readonly [number, number],
  options: StatelessNormalOptions = {},
): Tensor {
  checkNormal('random.statelessNormal', shape, options, STATELESS_NORMAL_OPTIONS);
  checkStatelessSeed('random.statelessNormal', seed);
  return sampleNormal('random.statelessNormal', shape, options.mean ?? 0, options.stddev ?? 1, () => ({
    k0: fold(seed[0]),
    k1: fold(seed[1]),
    stream: 0,
  }));
}

/**
 * Uniform samples that depend on `seed` (two integers) alone (TensorFlow's `stateless_uniform`).
 * @example tf.random.statelessUniform([3], [7, 0], { minval: -1, maxval: 1 })
 */
export function statelessUniform(
  shape: readonly number[],
  seed: readonly [number, number],
  options: StatelessUniformOptions = {},
): Tensor {
  const spec = checkUniform('random.statelessUniform', shape, options, STATELESS_UNIFORM_OPTIONS);
  checkStatelessSeed('random.statelessUniform', seed);
  return sampleUniform('random.statelessUniform', shape, spec, () => ({
    k0: fold(seed[0]),
    k1: fold(seed[1]),
    stream: 0,
  }));
}
