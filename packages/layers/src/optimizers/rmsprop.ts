/**
 * @file RMSprop, Keras 3's rule: `s = ρ·s + (1 - ρ)·g²`; centered, also `ḡ = ρ·ḡ + (1 - ρ)·g` and
 * the denominator `s - ḡ² + ε`, else `s + ε`; `Δ = lr·g / √denominator` (ε inside the root, as
 * Keras 3; tf.keras 2 added it outside); with momentum, `m = momentum·m + Δ` and `w -= m`, else `w -= Δ`.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { NON_NEGATIVE_RULE, OPTIMIZER_RULES, Optimizer, UNIT_RULE, optimizerOptions } from './optimizer.js';
import type { OptimizerConfig, OptimizerOptions } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';

/**
 * Options of `RMSprop` (Keras' defaults).
 * @example new tf.optimizers.RMSprop({ learningRate: 0.01, centered: true })
 */
export interface RMSpropOptions extends OptimizerOptions {
  /** Default 0.001. */
  readonly learningRate?: number | LearningRateSchedule;
  /** Decay of the running mean of g²; default 0.9. */
  readonly rho?: number;
  /** Default 0 (none). */
  readonly momentum?: number;
  /** Default 1e-7. */
  readonly epsilon?: number;
  /** Normalise by the variance estimate rather than the second moment; default false. */
  readonly centered?: boolean;
}

const RMSPROP_RULES: tf.OptionSchema<RMSpropOptions> = {
  ...OPTIMIZER_RULES,
  rho: UNIT_RULE,
  momentum: UNIT_RULE,
  epsilon: NON_NEGATIVE_RULE,
  centered: { kind: 'boolean' },
};

/**
 * RMSprop (`tf.keras.optimizers.RMSprop`).
 * @example const opt = new tf.optimizers.RMSprop({ learningRate: 1e-3 });
 */
export class RMSprop extends Optimizer {
  readonly className = 'RMSprop';
  /** Decay of the running averages. */
  readonly rho: number;
  /** The momentum coefficient. */
  readonly momentum: number;
  /** Added under the root. */
  readonly epsilon: number;
  /** Whether the variance (centered) form is used. */
  readonly centered: boolean;

  constructor(options?: RMSpropOptions);
  /** Keras' positional form: `new RMSprop(0.01, { rho: 0.95 })`. */
  constructor(learningRate: number | LearningRateSchedule, options?: Omit<RMSpropOptions, 'learningRate'>);
  constructor(first?: number | LearningRateSchedule | RMSpropOptions, second?: Omit<RMSpropOptions, 'learningRate'>) {
    const options = optimizerOptions('RMSprop', first, second, RMSPROP_RULES);
    super(options, { learningRate: 0.001, name: 'rmsprop' });
    this.rho = options.rho ?? 0.9;
    this.momentum = options.momentum ?? 0;
    this.epsilon = options.epsilon ?? 1e-7;
    this.centered = options.centered ?? false;
  }

  protected updateStep(gradient: tf.Tensor, variable: tf.Variable, learningRate: number): void {
    const velocity = this.slot(variable, 'velocity');
    velocity.assign(tf.add(tf.mul(velocity, this.rho), tf.mul(tf.square(gradient), 1 - this.rho)));
    let denominator: tf.Tensor;
    if (this.centered) {
      const average = this.slot(variable, 'averageGradient');
      average.assign(tf.add(tf.mul(average, this.rho), tf.mul(gradient, 1 - this.rho)));
      denominator = tf.add(tf.sub(velocity, tf.square(average)), this.epsilon);
    } else {
      denominator = tf.add(velocity, this.epsilon);
    }
    const increment = tf.div(tf.mul(gradient, learningRate), tf.sqrt(denominator));
    if (this.momentum > 0) {
      const m = this.slot(variable, 'momentum');
      m.assign(tf.add(tf.mul(m, this.momentum), increment));
      variable.assign(tf.sub(variable, m));
    } else {
      variable.assign(tf.sub(variable, increment));
    }
  }

  override getConfig(): OptimizerConfig {
    return {
      ...super.getConfig(),
      rho: this.rho,
      momentum: this.momentum,
      epsilon: this.epsilon,
      centered: this.centered,
    };
  }
}
