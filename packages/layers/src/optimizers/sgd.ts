/**
 * @file SGD with optional momentum and Nesterov momentum, Keras 3's rule:
 * `m = momentum·m - lr·g`, then `v += m` (or, Nesterov, `v += momentum·m - lr·g`); plain `v -= lr·g`
 * without momentum (no slot is made then).
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { OPTIMIZER_RULES, Optimizer, UNIT_RULE, optimizerOptions } from './optimizer.js';
import type { OptimizerConfig, OptimizerOptions } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';

/**
 * Options of `SGD` (Keras' defaults).
 * @example new tf.optimizers.SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true })
 */
export interface SGDOptions extends OptimizerOptions {
  /** Default 0.01. */
  readonly learningRate?: number | LearningRateSchedule;
  /** In [0, 1); default 0 (no momentum). */
  readonly momentum?: number;
  /** Nesterov momentum; default false. */
  readonly nesterov?: boolean;
}

const SGD_RULES: tf.OptionSchema<SGDOptions> = {
  ...OPTIMIZER_RULES,
  momentum: UNIT_RULE,
  nesterov: { kind: 'boolean' },
};

/**
 * Gradient descent with momentum (`tf.keras.optimizers.SGD`).
 * @example
 * const opt = new tf.optimizers.SGD(0.1); // or new tf.optimizers.SGD({ learningRate: 0.1 })
 * opt.minimize(() => tf.square(w).reduceSum(), [w]); // w -= 0.1 · 2w
 */
export class SGD extends Optimizer {
  readonly className = 'SGD';
  /** The momentum coefficient. */
  readonly momentum: number;
  /** Whether the momentum is Nesterov's. */
  readonly nesterov: boolean;

  constructor(options?: SGDOptions);
  /** Keras' positional form: `new SGD(0.1, { momentum: 0.9 })`. */
  constructor(learningRate: number | LearningRateSchedule, options?: Omit<SGDOptions, 'learningRate'>);
  constructor(first?: number | LearningRateSchedule | SGDOptions, second?: Omit<SGDOptions, 'learningRate'>) {
    const options = optimizerOptions('SGD', first, second, SGD_RULES);
    super(options, { learningRate: 0.01, name: 'SGD' });
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
  }

  protected updateStep(gradient: tf.Tensor, variable: tf.Variable, learningRate: number): void {
    const step = tf.mul(gradient, learningRate);
    if (this.momentum === 0) {
      variable.assign(tf.sub(variable, step));
      return;
    }
    const m = this.slot(variable, 'momentum');
    m.assign(tf.sub(tf.mul(m, this.momentum), step));
    variable.assign(tf.add(variable, this.nesterov ? tf.sub(tf.mul(m, this.momentum), step) : m));
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}
