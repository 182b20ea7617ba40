/**
 * @file Weight regularizers by Keras' names (`l1`, `l2`, `l1l2`): a penalty computed from a weight,
 * which `fit` and `evaluate` add to the loss (Keras' `layer.losses`). A layer attaches one to a weight
 * through `addWeight(..., regularizer)`, so every layer gets them the same way (Dense's
 * `kernelRegularizer` / `biasRegularizer`, BatchNormalization's `gammaRegularizer` / `betaRegularizer`).
 * Each is an ordinary op chain, so tapes differentiate it.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { assertMessageNames, unknownName } from './option-rules.js';

/**
 * A weight penalty: a scalar from a weight. `className` and `getConfig` are what `model.save` writes.
 * @example const penalty = tf.regularizers.l2(1e-4).apply(kernel); // 1e-4 · Σ kernel²
 */
export interface Regularizer {
  /** Keras' class name (`'L1'`, `'L2'`, `'L1L2'`). */
  readonly className: string;
  /** The scalar penalty of `weight` (a new tensor the caller owns). */
  apply(weight: tf.Tensor): tf.Tensor;
  /** The factors as JSON, as Keras' `get_config`. */
  getConfig(): { readonly [key: string]: number };
}

/**
 * The regularizer names layers accept (Keras' names, camelCase for `l1_l2`).
 * @example const name: RegularizerName = 'l2';
 */
export type RegularizerName = 'l1' | 'l2' | 'l1l2';

/**
 * What a layer's `kernelRegularizer` / `biasRegularizer` option accepts: a name (Keras' defaults) or
 * a Regularizer.
 * @example new Dense(2, { kernelRegularizer: 'l2', biasRegularizer: tf.regularizers.l1(1e-3) })
 */
export type RegularizerIdentifier = RegularizerName | Regularizer;

/**
 * Options of `l1l2`.
 * @example tf.regularizers.l1l2({ l1: 1e-5, l2: 1e-4 })
 */
export interface L1L2Options {
  /** The L1 factor; default 0.01. */
  readonly l1?: number;
  /** The L2 factor; default 0.01. */
  readonly l2?: number;
}

function factorProblem(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? undefined : 'a finite number >= 0';
}
const FACTOR: tf.OptionRule = { kind: 'custom', check: factorProblem };
const L1L2_RULES: tf.OptionSchema<L1L2Options> = { l1: FACTOR, l2: FACTOR };

function checkFactor(op: string, argument: string, value: unknown): number {
  const problem = factorProblem(value);
  if (problem !== undefined) tf.invalidArgument(op, argument, problem, tf.describeValue(value));
  return value as number;
}

/** `l1 · Σ|w| + l2 · Σw²`, leaving out a term whose factor is 0 (Keras' L1L2). */
function penalty(weight: tf.Tensor, l1: number, l2: number): tf.Tensor {
  return tf.tidy(() => {
    const w = weight.dtype === 'float32' ? weight : tf.cast(weight, 'float32');
    let total: tf.Tensor = tf.scalar(0);
    if (l1 > 0) total = tf.add(total, tf.mul(tf.reduceSum(tf.abs(w)), l1));
    if (l2 > 0) total = tf.add(total, tf.mul(tf.reduceSum(tf.square(w)), l2));
    return total;
  });
}

function make(className: string, l1: number, l2: number, config: { readonly [key: string]: number }): Regularizer {
  return { className, apply: (weight) => penalty(weight, l1, l2), getConfig: () => ({ ...config }) };
}

/**
 * `l1 · Σ|w|` (Keras' `L1`; default factor 0.01).
 * @example new Dense(4, { kernelRegularizer: tf.regularizers.l1(1e-3) })
 */
export function l1(factor = 0.01): Regularizer {
  const value = checkFactor('regularizers.l1', 'l1', factor);
  return make('L1', value, 0, { l1: value });
}

/**
 * `l2 · Σw²` (Keras' `L2`, no ½; default factor 0.01).
 * @example new Dense(4, { kernelRegularizer: tf.regularizers.l2(1e-4) })
 */
export function l2(factor = 0.01): Regularizer {
  const value = checkFactor('regularizers.l2', 'l2', factor);
  return make('L2', 0, value, { l2: value });
}

/**
 * `l1 · Σ|w| + l2 · Σw²` (Keras' `l1_l2`; both factors default to 0.01).
 * @example new Dense(4, { kernelRegularizer: tf.regularizers.l1l2({ l1: 1e-5, l2: 1e-4 }) })
 */
export function l1l2(options: L1L2Options = {}): Regularizer {
  tf.checkOptions('regularizers.l1l2', options, L1L2_RULES);
  const a = options.l1 ?? 0.01;
  const b = options.l2 ?? 0.01;
  return make('L1L2', a, b, { l1: a, l2: b });
}

const BY_NAME: Readonly<Record<RegularizerName, () => Regularizer>> = {
  l1: () => l1(),
  l2: () => l2(),
  l1l2: () => l1l2(),
};

/**
 * The names `get` accepts, in the order messages list them.
 * @example REGULARIZER_NAMES.includes('l2') // true
 */
export const REGULARIZER_NAMES: readonly RegularizerName[] = Object.keys(BY_NAME) as RegularizerName[];

/** Whether `value` is a Regularizer object. */
export function isRegularizer(value: unknown): value is Regularizer {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { apply?: unknown }).apply === 'function' &&
    typeof (value as { className?: unknown }).className === 'string' &&
    typeof (value as { getConfig?: unknown }).getConfig === 'function'
  );
}

/**
 * The regularizer for a Keras name (with Keras' default factor) or a Regularizer (returned as is);
 * `undefined` gives null (none). An unknown name names `op`'s `argument` and the nearest name.
 * @example tf.regularizers.get('l2').apply(tf.tensor([1, 2])) // 0.05
 */
export function get(
  identifier: RegularizerIdentifier | undefined,
  argument = 'regularizer',
  op = 'regularizers.get',
): Regularizer | null {
  assertMessageNames(op, argument, 'regularizers.get');
  if (identifier === undefined) return null;
  if (isRegularizer(identifier)) return identifier;
  if (typeof identifier === 'string' && Object.hasOwn(BY_NAME, identifier)) return BY_NAME[identifier]();
  return unknownName(op, argument, REGULARIZER_NAMES, identifier, 'a Regularizer');
}

/**
 * A regularizer as JSON (`{ className, config }`, Keras' serialized form), or null for none.
 * @example tf.regularizers.serialize(tf.regularizers.l2(0.1)) // { className: 'L2', config: { l2: 0.1 } }
 */
export function serialize(
  regularizer: Regularizer | null,
): { readonly className: string; readonly config: { readonly [key: string]: number } } | null {
  return regularizer === null ? null : { className: regularizer.className, config: regularizer.getConfig() };
}

/**
 * The regularizer a saved `{ className, config }` describes (Keras' `deserialize`); every factor is
 * checked. `op` and `argument` name the caller in errors.
 * @example tf.regularizers.deserialize({ className: 'L2', config: { l2: 0.1 } })
 */
export function deserialize(value: unknown, op = 'regularizers.deserialize', argument = 'regularizer'): Regularizer {
  const entry = value as { className?: unknown; config?: unknown };
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(entry) || typeof entry.className !== 'string' || !isObject(entry.config)) {
    return tf.invalidArgument(op, argument, "{ className: 'L1' | 'L2' | 'L1L2', config }", tf.describeValue(value));
  }
  const config = entry.config;
  const factor = (key: string): number | undefined =>
    Object.hasOwn(config, key) ? checkFactor(op, `${argument}.config.${key}`, config[key]) : undefined;
  const unknownKey = Object.keys(config).find((key) => !['l1', 'l2'].includes(key));
  if (unknownKey !== undefined)
    tf.invalidArgument(op, `${argument}.config`, "the keys 'l1' and 'l2'", `the key '${unknownKey}'`);
  switch (entry.className) {
    case 'L1':
      return l1(factor('l1') ?? 0.01);
    case 'L2':
      return l2(factor('l2') ?? 0.01);
    case 'L1L2':
      return l1l2({ l1: factor('l1') ?? 0, l2: factor('l2') ?? 0 });
    default:
      return unknownName(op, `${argument}.className`, ['L1', 'L2', 'L1L2'], entry.className);
  }
}
