/**
 * @file Options objects checked like Keras' keyword arguments: an unknown key, or a value of the wrong
 * type, is an `InvalidArgumentError` that names the op, the key and (for a typo) the nearest valid key.
 * One checker for every op front-end, layer, loss and optimizer, so the rule is written once.
 */

import { invalidArgument } from './errors.js';

/** What one option accepts; `undefined` always passes (the option is optional). */
export type OptionRule =
  | { readonly kind: 'boolean' }
  | { readonly kind: 'number'; readonly min?: number; readonly max?: number; readonly integer?: boolean }
  | { readonly kind: 'string' }
  | { readonly kind: 'oneOf'; readonly values: readonly (string | number | boolean | null)[] }
  | { readonly kind: 'function' }
  | { readonly kind: 'object' }
  /** A custom check: returns what was expected when the value is wrong, `undefined` when it is fine. */
  | { readonly kind: 'custom'; readonly check: (value: unknown) => string | undefined }
  /** Any value: the key is known, its value is checked elsewhere. */
  | { readonly kind: 'any' };

/** The rules of an options type: a forgotten key does not compile. */
export type OptionSchema<T> = { readonly [K in keyof Required<T>]: OptionRule };

/** Describes a value for a message without printing large or hostile content. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `string '${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${String(value)}`;
  }
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return 'an object';
}

function distance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** The valid key nearest to `key` (snake_case is read as camelCase first), if any is close. */
export function nearestKey(key: string, validKeys: readonly string[]): string | undefined {
  const camel = key.toLowerCase().replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of validKeys) {
    const d = Math.min(
      distance(key, candidate),
      distance(camel, candidate),
      distance(key.toLowerCase(), candidate.toLowerCase()),
    );
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function failure(rule: OptionRule, value: unknown): string | undefined {
  switch (rule.kind) {
    case 'any':
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'a boolean';
    case 'string':
      return typeof value === 'string' ? undefined : 'a string';
    case 'function':
      return typeof value === 'function' ? undefined : 'a function';
    case 'object':
      return typeof value === 'object' && value !== null ? undefined : 'an object';
    case 'oneOf':
      return rule.values.includes(value as string)
        ? undefined
        : `one of ${rule.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'custom':
      return rule.check(value);
    case 'number': {
      const range =
        rule.min !== undefined && rule.max !== undefined
          ? ` in [${rule.min}, ${rule.max}]`
          : rule.min !== undefined
            ? ` >= ${rule.min}`
            : rule.max !== undefined
              ? ` <= ${rule.max}`
              : '';
      const expected = `${rule.integer === true ? 'an integer' : 'a number'}${range}`;
      if (typeof value !== 'number' || Number.isNaN(value)) return expected;
      if (rule.integer === true && !Number.isInteger(value)) return expected;
      if (rule.min !== undefined && value < rule.min) return expected;
      if (rule.max !== undefined && value > rule.max) return expected;
      return undefined;
    }
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

/**
 * Checks `options` against `schema`: it must be `undefined` or a plain object whose own keys are all in
 * the schema and whose values pass their rules. Throws `InvalidArgumentError` naming `op` otherwise.
 * `argument` is the name of the options parameter in messages (default `options`).
 */
export function checkOptions<T>(op: string, options: unknown, schema: OptionSchema<T>, argument = 'options'): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    invalidArgument(op, argument, 'an options object', describeValue(options));
  }
  const validKeys = Object.keys(schema);
  for (const key of Object.keys(options)) {
    if (!Object.prototype.hasOwnProperty.call(schema, key)) {
      const nearest = nearestKey(key, validKeys);
      invalidArgument(
        op,
        argument,
        nearest !== undefined
          ? `known keys (did you mean '${nearest}'?)`
          : `only the keys ${validKeys.map((k) => `'${k}'`).join(', ') || '(none)'}`,
        `unknown key '${key}'`,
      );
    }
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const expected = failure((schema as Record<string, OptionRule>)[key]!, value);
    if (expected !== undefined) invalidArgument(op, `${argument}.${key}`, expected, describeValue(value));
  }
}
