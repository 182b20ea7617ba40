/**
 * @file The `optimizers` namespace (`tf.optimizers.Adam`, ...) and `get`, which turns Keras' strings
 * (`'sgd'`, `'adam'`, `'adamw'`, `'rmsprop'`, `'adagrad'`, `'adadelta'`, `'adamax'`, `'nadam'`) into
 * optimizers with Keras' defaults, and the learning-rate schedules.
 */

import { Adam, AdamW } from './adam.js';
import { Adadelta, Adagrad, Adamax, Nadam } from './adaptive.js';
import { Optimizer } from './optimizer.js';
import { assertMessageNames, unknownName } from '../option-rules.js';
import { RMSprop } from './rmsprop.js';
import * as schedules from './schedules.js';
import { SGD } from './sgd.js';

export { Optimizer } from './optimizer.js';
export type { GradientPair, OptimizerConfig, OptimizerOptions } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions, AdamWOptions } from './adam.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions } from './rmsprop.js';
export { Adadelta, Adagrad, Adamax, Nadam } from './adaptive.js';
export type { AdadeltaOptions, AdagradOptions, AdamaxOptions, MomentOptimizer, NadamOptions } from './adaptive.js';
/**
 * Learning-rate schedules, any optimizer's `learningRate` (Keras' `optimizers.schedules`).
 * @example new tf.optimizers.Adam(new tf.optimizers.schedules.CosineDecay(1e-3, 10_000))
 */
export * as schedules from './schedules.js';
export type { LearningRateSchedule, ScheduleConfig } from './schedules.js';

/**
 * The optimizer names `compile` takes (Keras' strings, case-insensitive as Keras').
 * @example model.compile({ optimizer: 'adam', loss: 'mse' })
 */
export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad' | 'adadelta' | 'adamax' | 'nadam';

const FACTORIES: Readonly<Record<OptimizerName, (config: Readonly<Record<string, unknown>>) => Optimizer>> = {
  sgd: (config) => new SGD(config),
  adam: (config) => new Adam(config),
  adamw: (config) => new AdamW(config),
  rmsprop: (config) => new RMSprop(config),
  adagrad: (config) => new Adagrad(config),
  adadelta: (config) => new Adadelta(config),
  adamax: (config) => new Adamax(config),
  nadam: (config) => new Nadam(config),
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
  if (Object.hasOwn(FACTORIES, key)) {
    // A saved config holds a scheduled learning rate as { className, config } (Keras' from_config).
    const rate = Object.hasOwn(config, 'learningRate') ? config.learningRate : undefined;
    const resolved =
      typeof rate === 'object' && rate !== null && !(rate instanceof schedules.LearningRateSchedule)
        ? { ...config, learningRate: schedules.deserialize(rate, op, `${argument}.learningRate`) }
        : config;
    return FACTORIES[key as OptimizerName](resolved);
  }
  return unknownName(op, argument, Object.keys(FACTORIES), identifier, 'an Optimizer');
}
