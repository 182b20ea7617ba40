/**
 * @file The `optimizers` namespace (`tf.optimizers.Adam`, ...) and `get`, which turns Keras' strings
 * (`'sgd'`, `'adam'`, `'adamw'`, `'rmsprop'`) into optimizers with Keras' defaults.
 */

import { Adam, AdamW } from './adam.js';
import { Optimizer } from './optimizer.js';
import { assertMessageNames, unknownName } from '../option-rules.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

export { Optimizer } from './optimizer.js';
export type { GradientPair, OptimizerConfig, OptimizerOptions } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions, AdamWOptions } from './adam.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions } from './rmsprop.js';

/**
 * The optimizer names `compile` takes (Keras' strings, case-insensitive as Keras').
 * @example model.compile({ optimizer: 'adam', loss: 'mse' })
 */
export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop';

const FACTORIES: Readonly<Record<OptimizerName, (config: Readonly<Record<string, unknown>>) => Optimizer>> = {
  sgd: (config) => new SGD(config),
  adam: (config) => new Adam(config),
  adamw: (config) => new AdamW(config),
  rmsprop: (config) => new RMSprop(config),
};

/**
 * A new optimizer for a Keras name (with `config`, e.g. a saved `getConfig()`, checked by the
 * optimizer's constructor), or an Optimizer as is. An unknown name is an `InvalidArgumentError` naming
 * `op`'s `argument` and the nearest name.
 * @example tf.optimizers.get('adam', { learningRate: 0.01 })
 */
export function get(
  identifier: OptimizerName | Optimizer | (string & {}),
  config: Readonly<Record<string, unknown>> = {},
  op = 'optimizers.get',
  argument = 'optimizer',
): Optimizer {
  assertMessageNames(op, argument, 'optimizers.get');
  if (identifier instanceof Optimizer) return identifier;
  const key = typeof identifier === 'string' ? identifier.toLowerCase() : '';
  if (Object.hasOwn(FACTORIES, key)) return FACTORIES[key as OptimizerName](config);
  return unknownName(op, argument, Object.keys(FACTORIES), identifier, 'an Optimizer');
}
