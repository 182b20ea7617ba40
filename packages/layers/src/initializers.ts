/**
 * @file Weight initializers by Keras' camelCase names (`'glorotUniform'`, `'zeros'`, ...) or as objects
 * (`initializers.glorotUniform({ seed: 1 })`). Random ones draw from tensor-core's seeded generator, so
 * a seed gives the same weights on every backend and every run (Keras 3: a seeded initializer gives the
 * same values on every call).
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { FINITE, INTEGER, assertMessageNames, isInitializer, unknownName } from './option-rules.js';

/**
 * Makes a weight's initial value.
 * @example const twos: Initializer = { name: 'twos', initialize: (shape) => tf.fill(shape, 2) };
 */
export interface Initializer {
  /** Keras' camelCase name, for messages and summaries. */
  readonly name: string;
  /** A new tensor of `shape` (float32 unless `dtype` says otherwise); the caller owns it. */
  initialize(shape: readonly number[], dtype?: tf.DataType): tf.Tensor;
}

/**
 * The initializer names layers accept (Keras' camelCase names).
 * @example const name: InitializerName = 'heNormal';
 */
export type InitializerName =
  'zeros' | 'ones' | 'glorotUniform' | 'glorotNormal' | 'heNormal' | 'randomNormal' | 'randomUniform';

/**
 * What a layer's `kernelInitializer` / `biasInitializer` option accepts.
 * @example new Dense(2, { kernelInitializer: 'heNormal', biasInitializer: initializers.ones() });
 */
export type InitializerIdentifier = InitializerName | Initializer;

/**
 * Options of the seeded variance-scaling initializers.
 * @example initializers.glorotUniform({ seed: 42 })
 */
export interface SeedOptions {
  /** Op seed; the same seed gives the same values. */
  readonly seed?: number;
}

/**
 * Options of `randomNormal`.
 * @example initializers.randomNormal({ mean: 0, stddev: 0.1, seed: 1 })
 */
export interface RandomNormalOptions extends SeedOptions {
  /** Default 0 (Keras' default). */
  readonly mean?: number;
  /** Default 0.05 (Keras' default). */
  readonly stddev?: number;
}

/**
 * Options of `randomUniform`.
 * @example initializers.randomUniform({ minval: -1, maxval: 1, seed: 1 })
 */
export interface RandomUniformOptions extends SeedOptions {
  /** Default -0.05 (Keras' default). */
  readonly minval?: number;
  /** Default 0.05 (Keras' default). */
  readonly maxval?: number;
}

/**
 * Keras' `compute_fans`: a kernel's [fanIn, fanOut]. For rank > 2 (convolution kernels) the leading
 * dims are the receptive field, which multiplies both.
 * @example computeFans([4, 2]) // [4, 2]
 */
export function computeFans(shape: readonly number[]): [number, number] {
  tf.assertValidShape('initializers.computeFans', shape);
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  if (shape.length === 2) return [shape[0]!, shape[1]!];
  let receptiveField = 1;
  for (const d of shape.slice(0, -2)) receptiveField *= d;
  return [shape[shape.length - 2]! * receptiveField, shape[shape.length - 1]! * receptiveField];
}

const SEED_RULES: tf.OptionSchema<SeedOptions> = { seed: INTEGER };
const NORMAL_RULES: tf.OptionSchema<RandomNormalOptions> = {
  ...SEED_RULES,
  mean: FINITE,
  stddev: { kind: 'number', min: 0 },
};
const UNIFORM_RULES: tf.OptionSchema<RandomUniformOptions> = { ...SEED_RULES, minval: FINITE, maxval: FINITE };

function floatOnly(name: string, dtype: tf.DataType): void {
  if (dtype !== 'float32') tf.invalidArgument(`initializers.${name}`, 'dtype', "'float32'", `'${dtype}'`);
}

/**
 * All zeros (Keras' default bias initializer).
 * @example initializers.zeros().initialize([2]) // [0, 0]
 */
export function zeros(): Initializer {
  return { name: 'zeros', initialize: (shape, dtype = 'float32') => tf.zeros(shape, dtype) };
}

/**
 * All ones.
 * @example initializers.ones().initialize([2]) // [1, 1]
 */
export function ones(): Initializer {
  return { name: 'ones', initialize: (shape, dtype = 'float32') => tf.ones(shape, dtype) };
}

/**
 * Uniform in [-limit, limit) with limit = sqrt(6 / (fanIn + fanOut)); Keras' default kernel initializer.
 * @example initializers.glorotUniform({ seed: 1 }).initialize([4, 2]) // every |w| < 1
 */
export function glorotUniform(options: SeedOptions = {}): Initializer {
  tf.checkOptions('initializers.glorotUniform', options, SEED_RULES);
  return {
    name: 'glorotUniform',
    initialize: (shape, dtype = 'float32') => {
      floatOnly('glorotUniform', dtype);
      const [fanIn, fanOut] = computeFans(shape);
      const limit = Math.sqrt(6 / Math.max(1, fanIn + fanOut));
      return drawUniform(shape, -limit, limit, options.seed);
    },
  };
}

/**
 * Normal with stddev sqrt(2 / (fanIn + fanOut)).
 * Keras draws from a normal truncated at two standard deviations (and rescales the stddev by
 * 1/0.8796 to make up for the cut tails); tensor-core has no truncated normal yet, so this
 * approximates it with a plain normal of the target stddev: same variance, but rare draws past 2σ.
 * @example initializers.glorotNormal({ seed: 1 }).initialize([4, 2])
 */
export function glorotNormal(options: SeedOptions = {}): Initializer {
  tf.checkOptions('initializers.glorotNormal', options, SEED_RULES);
  return {
    name: 'glorotNormal',
    initialize: (shape, dtype = 'float32') => {
      floatOnly('glorotNormal', dtype);
      const [fanIn, fanOut] = computeFans(shape);
      return drawNormal(shape, 0, Math.sqrt(2 / Math.max(1, fanIn + fanOut)), options.seed);
    },
  };
}

/**
 * Normal with stddev sqrt(2 / fanIn) (He et al., for relu layers). As with `glorotNormal`, a plain
 * normal stands in for Keras' truncated one (same variance).
 * @example initializers.heNormal({ seed: 1 }).initialize([4, 2])
 */
export function heNormal(options: SeedOptions = {}): Initializer {
  tf.checkOptions('initializers.heNormal', options, SEED_RULES);
  return {
    name: 'heNormal',
    initialize: (shape, dtype = 'float32') => {
      floatOnly('heNormal', dtype);
      const [fanIn] = computeFans(shape);
      return drawNormal(shape, 0, Math.sqrt(2 / Math.max(1, fanIn)), options.seed);
    },
  };
}

/**
 * Normal with `mean` (0) and `stddev` (0.05).
 * @example initializers.randomNormal({ stddev: 0.1, seed: 3 }).initialize([3])
 */
export function randomNormal(options: RandomNormalOptions = {}): Initializer {
  tf.checkOptions('initializers.randomNormal', options, NORMAL_RULES);
  const mean = options.mean ?? 0;
  const stddev = options.stddev ?? 0.05;
  return {
    name: 'randomNormal',
    initialize: (shape, dtype = 'float32') => {
      floatOnly('randomNormal', dtype);
      return drawNormal(shape, mean, stddev, options.seed);
    },
  };
}

/**
 * Uniform in [`minval`, `maxval`), default [-0.05, 0.05).
 * @example initializers.randomUniform({ minval: 0, maxval: 1, seed: 3 }).initialize([3])
 */
export function randomUniform(options: RandomUniformOptions = {}): Initializer {
  tf.checkOptions('initializers.randomUniform', options, UNIFORM_RULES);
  const minval = options.minval ?? -0.05;
  const maxval = options.maxval ?? 0.05;
  if (!(minval < maxval))
    tf.invalidArgument(
      'initializers.randomUniform',
      'options.maxval',
      `a number > minval (${minval})`,
      tf.describeValue(maxval),
    );
  return {
    name: 'randomUniform',
    initialize: (shape, dtype = 'float32') => {
      floatOnly('randomUniform', dtype);
      return drawUniform(shape, minval, maxval, options.seed);
    },
  };
}

// As in Keras 3, a seeded initializer is deterministic: the same seed gives the same weights on every
// call (TensorFlow's stateless ops), while an unseeded one draws from the global random state.
function drawUniform(shape: readonly number[], minval: number, maxval: number, seed: number | undefined): tf.Tensor {
  return seed === undefined
    ? tf.random.uniform(shape, { minval, maxval })
    : tf.random.statelessUniform(shape, [seed, 0], { minval, maxval });
}

function drawNormal(shape: readonly number[], mean: number, stddev: number, seed: number | undefined): tf.Tensor {
  return seed === undefined
    ? tf.random.normal(shape, { mean, stddev })
    : tf.random.statelessNormal(shape, [seed, 0], { mean, stddev });
}

const BY_NAME: Readonly<Record<InitializerName, (options: SeedOptions) => Initializer>> = {
  zeros,
  ones,
  glorotUniform,
  glorotNormal,
  heNormal,
  randomNormal,
  randomUniform,
};

/**
 * The names `get` accepts, in the order messages list them.
 * @example INITIALIZER_NAMES.includes('glorotUniform') // true
 */
export const INITIALIZER_NAMES: readonly InitializerName[] = Object.keys(BY_NAME) as InitializerName[];

/**
 * The initializer for a Keras name (made with `seed`, when given) or an Initializer (returned as is:
 * it carries its own seed). `op` and `argument` name the caller and the option in the error an unknown
 * name raises, which suggests the nearest name.
 * @example initializers.get('glorotUniform', 42).initialize([4, 2])
 */
export function get(
  identifier: InitializerIdentifier,
  seed?: number,
  argument = 'initializer',
  op = 'initializers.get',
): Initializer {
  assertMessageNames(op, argument, 'initializers.get');
  if (isInitializer(identifier)) return identifier;
  if (typeof identifier === 'string' && Object.hasOwn(BY_NAME, identifier)) {
    return BY_NAME[identifier](seed === undefined ? {} : { seed });
  }
  return unknownName(op, argument, INITIALIZER_NAMES, identifier, 'an Initializer');
}
