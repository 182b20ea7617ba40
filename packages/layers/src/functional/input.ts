/**
 * @file `tf.input`: the source of a functional model's graph (Keras' `keras.Input`), a symbolic tensor
 * with the sample shape given and an open batch dimension in front.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { SymbolicTensor } from './symbolic-tensor.js';

/**
 * Options of `tf.input`.
 * @example tf.input({ shape: [null], dtype: 'int32', name: 'tokens' })
 */
export interface InputOptions {
  /** One sample's shape, without the batch dimension; null leaves a dimension open (a sequence length). */
  readonly shape: readonly (number | null)[];
  /** The element type fed in; default float32 (int32 for token ids). */
  readonly dtype?: tf.DataType;
  /** The input's name, default `input`, `input_1`, ... */
  readonly name?: string;
}

const SHAPE_RULE: tf.OptionRule = {
  kind: 'custom',
  check: (value) =>
    Array.isArray(value) && value.every((d: unknown) => d === null || (Number.isInteger(d) && (d as number) > 0))
      ? undefined
      : 'an array of positive integers or null (one sample, no batch dimension)',
};

const INPUT_RULES: tf.OptionSchema<InputOptions> = {
  shape: SHAPE_RULE,
  dtype: { kind: 'oneOf', values: ['float32', 'int32', 'bool'] },
  name: { kind: 'string' },
};

const inputCounters = new WeakMap<tf.Engine, { count: number }>();

/**
 * A symbolic input of a functional model (Keras' `keras.Input(shape=...)`); its shape is
 * `[null, ...shape]`.
 * @example
 * const inputs = tf.input({ shape: [784] });
 * const outputs = new tf.layers.Dense(10).apply(new tf.layers.Dense(64, { activation: 'relu' }).apply(inputs));
 * const model = new tf.Model({ inputs, outputs });
 */
export function input(options: InputOptions): SymbolicTensor {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    tf.invalidArgument('input', 'options', '{ shape, dtype?, name? }', tf.describeValue(options));
  tf.checkOptions('input', options, INPUT_RULES);
  if (options.shape === undefined) tf.invalidArgument('input', 'shape', 'a sample shape such as [784]', 'undefined');
  const engine = tf.getEngine();
  let counter = inputCounters.get(engine);
  if (counter === undefined) inputCounters.set(engine, (counter = { count: 0 }));
  const name = options.name ?? (counter.count === 0 ? 'input' : `input_${counter.count}`);
  counter.count++;
  return new SymbolicTensor([null, ...options.shape], options.dtype ?? 'float32', name, null);
}
