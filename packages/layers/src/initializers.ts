/**
 * @file Weight initializers by Keras' camelCase names (`'glorotUniform'`, `'zeros'`, ...) or as objects
 * (`initializers.glorotUniform({ seed: 1 })`). Random ones draw from tensor-core's seeded generator, so
 * a seed gives the same weights on every backend and every run (Keras 3: a seeded initializer gives the
 * same values on every call).
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { drawNormal, drawTruncatedNormal, drawUniform, orthonormalColumns } from './initializer-draws.js';
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
  | 'zeros'
  | 'ones'
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heNormal'
  | 'randomNormal'
  | 'randomUniform'
  | 'heUniform'
  | 'lecunNormal'
  | 'lecunUniform'
  | 'truncatedNormal'
  | 'orthogonal'
  | 'varianceScaling';

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
 * Options of `varianceScaling` (Keras' `VarianceScaling`).
 * @example initializers.varianceScaling({ scale: 2, mode: 'fanIn', distribution: 'truncatedNormal', seed: 1 })
 */
export interface VarianceScalingOptions extends SeedOptions {
  /** The variance's numerator; default 1. */
  readonly scale?: number;
  /** What divides `scale`: `'fanIn'` (default), `'fanOut'` or `'fanAvg'` ((fanIn + fanOut) / 2). */
  readonly mode?: 'fanIn' | 'fanOut' | 'fanAvg';
  /** `'truncatedNormal'` (default), `'untruncatedNormal'` or `'uniform'`. */
  readonly distribution?: 'truncatedNormal' | 'untruncatedNormal' | 'uniform';
}

const VARIANCE_SCALING_RULES: tf.OptionSchema<VarianceScalingOptions> = {
  ...SEED_RULES,
  scale: {
    kind: 'custom',
    check: (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? undefined : 'a finite number > 0'),
  },
  mode: { kind: 'oneOf', values: ['fanIn', 'fanOut', 'fanAvg'] },
  distribution: { kind: 'oneOf', values: ['truncatedNormal', 'untruncatedNormal', 'uniform'] },
};

/**
 * The stddev of a standard normal truncated at ±2 (Keras' 0.87962566103423978): a truncated draw is
 * divided by it so its variance is the one asked for.
 */
export const TRUNCATED_STDDEV = 0.87962566103423978;

function scaled(
  name: string,
  options: VarianceScalingOptions,
  defaults: Required<Omit<VarianceScalingOptions, 'seed'>>,
): Initializer {
  const scale = options.scale ?? defaults.scale;
  const mode = options.mode ?? defaults.mode;
  const distribution = options.distribution ?? defaults.distribution;
  return {
    name,
    initialize: (shape, dtype = 'float32') => {
      floatOnly(name, dtype);
      const [fanIn, fanOut] = computeFans(shape);
      const fan = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
      const variance = scale / Math.max(1, fan);
      if (distribution === 'uniform') {
        // One rounding (3·scale / fan), so glorotUniform's limit is bit for bit √(6 / (fanIn + fanOut)) as before.
        const limit = Math.sqrt((3 * scale) / Math.max(1, fan));
        return drawUniform(shape, -limit, limit, options.seed);
      }
      if (distribution === 'untruncatedNormal') return drawNormal(shape, 0, Math.sqrt(variance), options.seed);
      return drawTruncatedNormal(shape, 0, Math.sqrt(variance) / TRUNCATED_STDDEV, options.seed);
    },
  };
}

/**
 * Keras' `VarianceScaling`: variance `scale / fan` (the fan picked by `mode`), drawn from a normal
 * truncated at two standard deviations (its stddev divided by 0.8796 so the variance is kept), an
 * untruncated normal, or a uniform in ±√(3·variance). The named Glorot, He and LeCun initializers are
 * its presets.
 * @example initializers.varianceScaling({ scale: 2, mode: 'fanOut' }).initialize([3, 3, 16, 32])
 */
export function varianceScaling(options: VarianceScalingOptions = {}): Initializer {
  tf.checkOptions('initializers.varianceScaling', options, VARIANCE_SCALING_RULES);
  return scaled('varianceScaling', options, { scale: 1, mode: 'fanIn', distribution: 'truncatedNormal' });
}

/** The Keras presets of VarianceScaling: name → (scale, mode, distribution). */
function preset(
  name: InitializerName,
  scale: number,
  mode: 'fanIn' | 'fanAvg',
  distribution: 'truncatedNormal' | 'uniform',
): (options?: SeedOptions) => Initializer {
  return (options: SeedOptions = {}) => {
    tf.checkOptions(`initializers.${name}`, options, SEED_RULES);
    return scaled(name, options, { scale, mode, distribution });
  };
}

/**
 * Uniform in [-limit, limit) with limit = sqrt(6 / (fanIn + fanOut)); Keras' default kernel initializer.
 * @example initializers.glorotUniform({ seed: 1 }).initialize([4, 2]) // every |w| < 1
 */
export const glorotUniform = preset('glorotUniform', 1, 'fanAvg', 'uniform');

/**
 * Truncated normal (at ±2σ) with stddev sqrt(2 / (fanIn + fanOut)) / 0.8796, as Keras' GlorotNormal.
 * @example initializers.glorotNormal({ seed: 1 }).initialize([4, 2])
 */
export const glorotNormal = preset('glorotNormal', 1, 'fanAvg', 'truncatedNormal');

/**
 * Truncated normal with stddev sqrt(2 / fanIn) / 0.8796 (He et al., for relu layers; Keras' HeNormal).
 * @example initializers.heNormal({ seed: 1 }).initialize([3, 3, 8, 16]) // fanIn = 3·3·8
 */
export const heNormal = preset('heNormal', 2, 'fanIn', 'truncatedNormal');

/**
 * Uniform in ±sqrt(6 / fanIn) (Keras' HeUniform).
 * @example initializers.heUniform({ seed: 1 }).initialize([64, 32])
 */
export const heUniform = preset('heUniform', 2, 'fanIn', 'uniform');

/**
 * Truncated normal with stddev sqrt(1 / fanIn) / 0.8796 (Keras' LecunNormal, for selu networks).
 * @example initializers.lecunNormal({ seed: 1 }).initialize([64, 32])
 */
export const lecunNormal = preset('lecunNormal', 1, 'fanIn', 'truncatedNormal');

/**
 * Uniform in ±sqrt(3 / fanIn) (Keras' LecunUniform).
 * @example initializers.lecunUniform({ seed: 1 }).initialize([64, 32])
 */
export const lecunUniform = preset('lecunUniform', 1, 'fanIn', 'uniform');

/**
 * Options of `truncatedNormal`.
 * @example initializers.truncatedNormal({ mean: 0, stddev: 0.02, seed: 1 })
 */
export type TruncatedNormalOptions = RandomNormalOptions;

/**
 * Normal with `mean` (0) and `stddev` (0.05), values beyond two standard deviations redrawn (Keras'
 * TruncatedNormal): every value lies in mean ± 2·stddev.
 * @example initializers.truncatedNormal({ stddev: 0.02, seed: 3 }).initialize([768, 768])
 */
export function truncatedNormal(options: TruncatedNormalOptions = {}): Initializer {
  tf.checkOptions('initializers.truncatedNormal', options, NORMAL_RULES);
  const mean = options.mean ?? 0;
  const stddev = options.stddev ?? 0.05;
  return {
    name: 'truncatedNormal',
    initialize: (shape, dtype = 'float32') => {
      floatOnly('truncatedNormal', dtype);
      return drawTruncatedNormal(shape, mean, stddev, options.seed);
    },
  };
}

/**
 * Options of `orthogonal` (Keras' `Orthogonal`).
 * @example initializers.orthogonal({ gain: Math.sqrt(2), seed: 1 })
 */
export interface OrthogonalOptions extends SeedOptions {
  /** Multiplies the orthogonal matrix; default 1. */
  readonly gain?: number;
}

const ORTHOGONAL_RULES: tf.OptionSchema<OrthogonalOptions> = { ...SEED_RULES, gain: FINITE };

/**
 * A (semi-)orthogonal matrix (Keras' `Orthogonal`, Saxe et al.): the Q of the QR decomposition of a
 * standard normal [max(rows, cols), min(rows, cols)] matrix, signs fixed so R's diagonal is positive
 * (which makes Q unique and uniformly distributed), transposed when there are fewer rows than
 * columns, times `gain`. A kernel of rank > 2 is the [∏ leading dims, last dim] matrix reshaped.
 * @example initializers.orthogonal({ seed: 1 }).initialize([64, 64]) // Wᵀ·W = I
 */
export function orthogonal(options: OrthogonalOptions = {}): Initializer {
  tf.checkOptions('initializers.orthogonal', options, ORTHOGONAL_RULES);
  const gain = options.gain ?? 1;
  return {
    name: 'orthogonal',
    initialize: (shape, dtype = 'float32') => {
      floatOnly('orthogonal', dtype);
      tf.assertValidShape('initializers.orthogonal', shape);
      if (shape.length < 2)
        tf.invalidArgument(
          'initializers.orthogonal',
          'shape',
          'a shape of rank >= 2 (a matrix, or a kernel)',
          tf.formatShape(shape),
        );
      const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const cols = shape[shape.length - 1]!;
      return tf.tidy(() => {
        if (rows === 0 || cols === 0) return tf.zeros(shape);
        const q = orthonormalColumns(drawNormal([Math.max(rows, cols), Math.min(rows, cols)], 0, 1, options.seed));
        const oriented = rows < cols ? tf.transpose(q) : q;
        return tf.reshape(gain === 1 ? oriented : tf.mul(oriented, gain), shape);
      });
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

const BY_NAME: Readonly<Record<InitializerName, (options: SeedOptions) => Initializer>> = {
  zeros,
  ones,
  glorotUniform,
  glorotNormal,
  heNormal,
  randomNormal,
  randomUniform,
  heUniform,
  lecunNormal,
  lecunUniform,
  truncatedNormal,
  orthogonal,
  varianceScaling,
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
