/**
 * @file The option rules the layers package shares (internal: not part of the package entry). Every
 * options object here is checked with tensor-core's `checkOptions`, as Keras checks keyword arguments;
 * this module holds the rules more than one checker needs (the keys every layer takes, a name from a
 * fixed list or a function) and the error for an unknown name, which suggests the nearest one, so a
 * typo in `activation: 'rleu'` reads like a typo in a key.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { Initializer } from './initializers.js';
import type { LayerOptions } from './layer.js';

/** A whole number >= 1 (units, batch sizes). */
export const POSITIVE_INTEGER: tf.OptionRule = {
  kind: 'custom',
  check: (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= 1 ? undefined : 'a positive integer',
};

/** A whole number >= 0 (epochs, patience). */
export const NON_NEGATIVE_INTEGER: tf.OptionRule = {
  kind: 'custom',
  check: (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= 0 ? undefined : 'a non-negative integer',
};

/** Any whole number (a seed). */
export const INTEGER: tf.OptionRule = {
  kind: 'custom',
  check: (value) => (Number.isInteger(value) ? undefined : 'an integer'),
};

/** A finite number in the half-open range [min, max), as Keras' rates (Dropout, validationSplit). */
export function halfOpenRule(min: number, max: number): tf.OptionRule {
  return {
    kind: 'custom',
    check: (value) =>
      typeof value === 'number' && value >= min && value < max ? undefined : `a number in [${min}, ${max})`,
  };
}

/** A finite number (NaN and the infinities are refused: a hyper-parameter of Infinity is a bug). */
export const FINITE: tf.OptionRule = {
  kind: 'custom',
  check: (value) => (typeof value === 'number' && Number.isFinite(value) ? undefined : 'a finite number'),
};

/** The shape of one sample: positive integers, no batch dimension. */
const SAMPLE_SHAPE: tf.OptionRule = {
  kind: 'custom',
  check: (value) =>
    Array.isArray(value) && value.every((d) => Number.isInteger(d) && (d as number) > 0)
      ? undefined
      : 'an array of positive integers (one sample, no batch dimension)',
};

/**
 * The rules of the keys every layer takes; each layer's schema spreads them in.
 * @example const DENSE: tf.OptionSchema<DenseOptions> = { ...LAYER_RULES, units: ... };
 */
export const LAYER_RULES: tf.OptionSchema<LayerOptions> = {
  name: { kind: 'string' },
  trainable: { kind: 'boolean' },
  inputShape: SAMPLE_SHAPE,
};

/** What was expected of a name from `names`, with the nearest one when `given` is a near miss. */
export function expectedName(names: readonly string[], given: unknown, alternatives: string): string {
  const nearest = typeof given === 'string' ? tf.nearestKey(given, names) : undefined;
  const list = `one of ${names.map((n) => `'${n}'`).join(', ')}${alternatives === '' ? '' : ` or ${alternatives}`}`;
  return nearest === undefined ? list : `${list} (did you mean '${nearest}'?)`;
}

/**
 * Throws the `InvalidArgumentError` for a name that is not in `names`: it lists them and suggests the
 * nearest (`'adma'` → `'adam'`, `'sparse_categorical_crossentropy'` → its camelCase name).
 */
/**
 * The `get` functions take, after Keras' arguments, the op and argument to name in their messages (so
 * `compile` can say `args.loss`). They are strings when Tapeflow passes them; anything else is a user
 * calling `get` with more arguments than Keras' `get` takes.
 */
export function assertMessageNames(op: unknown, argument: unknown, fallbackOp: string): void {
  if (typeof op !== 'string')
    tf.invalidArgument(
      fallbackOp,
      'op',
      'a string (or no argument: it names the op in messages)',
      tf.describeValue(op),
    );
  if (typeof argument !== 'string') {
    tf.invalidArgument(
      fallbackOp,
      'argument',
      'a string (or no argument: it names the argument in messages)',
      tf.describeValue(argument),
    );
  }
}

export function unknownName(
  op: string,
  argument: string,
  names: readonly string[],
  given: unknown,
  alternatives = '',
): never {
  return tf.invalidArgument(op, argument, expectedName(names, given, alternatives), tf.describeValue(given));
}

/**
 * A rule for an option that takes a name from `names` or a value `isOther` accepts (a function, an
 * Initializer); an unknown name is refused with the nearest one.
 */
export function nameOrRule(
  names: readonly string[],
  isOther: (value: unknown) => boolean,
  alternatives: string,
): tf.OptionRule {
  return {
    kind: 'custom',
    check: (value) =>
      (typeof value === 'string' && names.includes(value)) || isOther(value)
        ? undefined
        : expectedName(names, value, alternatives),
  };
}

/** Whether `value` is an Initializer object (anything with `initialize`). */
export function isInitializer(value: unknown): value is Initializer {
  return (
    typeof value === 'object' && value !== null && typeof (value as { initialize?: unknown }).initialize === 'function'
  );
}
