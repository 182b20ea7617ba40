/**
 * @file Adagrad, Adadelta, Adamax and Nadam, Keras 3's update rules and defaults (t = iterations + 1):
 * - Adagrad: `a += g²`; `w -= lr·g / √(a + ε)`, the accumulator starting at 0.1.
 * - Adadelta: `E[g²] = ρE[g²] + (1-ρ)g²`; `Δ = -√(E[Δ²] + ε)·g / √(E[g²] + ε)`;
 *   `E[Δ²] = ρE[Δ²] + (1-ρ)Δ²`; `w += lr·Δ` (Keras keeps a learning rate, default 0.001).
 * - Adamax: `m += (g - m)(1-β₁)`; `u = max(β₂u, |g|)`; `w -= lr·m / ((1 - β₁ᵗ)(u + ε))`.
 * - Nadam (Dozat): Adam with Nesterov momentum and the momentum schedule `μₜ = β₁(1 - ½·0.96ᵗ)`;
 *   its running product Πμ is updated once per step, before the variables.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { NON_NEGATIVE_RULE, OPTIMIZER_RULES, Optimizer, UNIT_RULE, optimizerOptions } from './optimizer.js';
import type { OptimizerConfig, OptimizerOptions } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';

/**
 * Options of `Adagrad` (Keras' defaults).
 * @example new tf.optimizers.Adagrad({ learningRate: 0.01, initialAccumulatorValue: 0.1 })
 */
export interface AdagradOptions extends OptimizerOptions {
  /** Default 0.001. */
  readonly learningRate?: number | LearningRateSchedule;
  /** The accumulator's starting value; default 0.1. */
  readonly initialAccumulatorValue?: number;
  /** Added under the square root; default 1e-7. */
  readonly epsilon?: number;
}

const ADAGRAD_RULES: tf.OptionSchema<AdagradOptions> = {
  ...OPTIMIZER_RULES,
  initialAccumulatorValue: NON_NEGATIVE_RULE,
  epsilon: NON_NEGATIVE_RULE,
};

/**
 * Adagrad (`tf.keras.optimizers.Adagrad`, Duchi et al.): per-parameter steps shrinking with the sum
 * of its squared gradients.
 * @example const opt = new tf.optimizers.Adagrad(0.01);
 */
export class Adagrad extends Optimizer {
  readonly className: string = 'Adagrad';
  /** The accumulator's starting value. */
  readonly initialAccumulatorValue: number;
  /** Added under the square root. */
  readonly epsilon: number;

  constructor(options?: AdagradOptions);
  /** Keras' positional form: `new Adagrad(0.01, { epsilon: 1e-6 })`. */
  constructor(learningRate: number | LearningRateSchedule, options?: Omit<AdagradOptions, 'learningRate'>);
  constructor(first?: number | LearningRateSchedule | AdagradOptions, second?: Omit<AdagradOptions, 'learningRate'>) {
    const options = optimizerOptions('Adagrad', first, second, ADAGRAD_RULES);
    super(options, { learningRate: 0.001, name: 'adagrad' });
    this.initialAccumulatorValue = options.initialAccumulatorValue ?? 0.1;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  protected updateStep(gradient: tf.Tensor, variable: tf.Variable, learningRate: number): void {
    const accumulator = this.slot(variable, 'accumulator', this.initialAccumulatorValue);
    accumulator.assign(tf.add(accumulator, tf.square(gradient)));
    variable.assign(
      tf.sub(variable, tf.div(tf.mul(gradient, learningRate), tf.sqrt(tf.add(accumulator, this.epsilon)))),
    );
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}

/**
 * Options of `Adadelta` (Keras' defaults).
 * @example new tf.optimizers.Adadelta({ learningRate: 1, rho: 0.95 })
 */
export interface AdadeltaOptions extends OptimizerOptions {
  /** Default 0.001 (Keras; the paper's rule is learningRate 1). */
  readonly learningRate?: number | LearningRateSchedule;
  /** Decay of both running averages; default 0.95. */
  readonly rho?: number;
  /** Added under both square roots; default 1e-7. */
  readonly epsilon?: number;
}

const ADADELTA_RULES: tf.OptionSchema<AdadeltaOptions> = {
  ...OPTIMIZER_RULES,
  rho: UNIT_RULE,
  epsilon: NON_NEGATIVE_RULE,
};

/**
 * Adadelta (`tf.keras.optimizers.Adadelta`, Zeiler): steps scaled by the ratio of the running RMS of
 * past updates to that of the gradients.
 * @example const opt = new tf.optimizers.Adadelta(1.0);
 */
export class Adadelta extends Optimizer {
  readonly className: string = 'Adadelta';
  /** Decay of the running averages. */
  readonly rho: number;
  /** Added under the square roots. */
  readonly epsilon: number;

  constructor(options?: AdadeltaOptions);
  /** Keras' positional form: `new Adadelta(1.0, { rho: 0.9 })`. */
  constructor(learningRate: number | LearningRateSchedule, options?: Omit<AdadeltaOptions, 'learningRate'>);
  constructor(first?: number | LearningRateSchedule | AdadeltaOptions, second?: Omit<AdadeltaOptions, 'learningRate'>) {
    const options = optimizerOptions('Adadelta', first, second, ADADELTA_RULES);
    super(options, { learningRate: 0.001, name: 'adadelta' });
    this.rho = options.rho ?? 0.95;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  protected updateStep(gradient: tf.Tensor, variable: tf.Variable, learningRate: number): void {
    const rho = this.rho;
    const rms = (x: tf.Tensor): tf.Tensor => tf.sqrt(tf.add(x, this.epsilon));
    const squaredGradients = this.slot(variable, 'accumulated_grad');
    const squaredDeltas = this.slot(variable, 'accumulated_delta_var');
    squaredGradients.assign(tf.add(tf.mul(squaredGradients, rho), tf.mul(tf.square(gradient), 1 - rho)));
    const delta = tf.neg(tf.div(tf.mul(rms(squaredDeltas), gradient), rms(squaredGradients)));
    squaredDeltas.assign(tf.add(tf.mul(squaredDeltas, rho), tf.mul(tf.square(delta), 1 - rho)));
    variable.assign(tf.add(variable, tf.mul(delta, learningRate)));
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
}

/**
 * Options of `Adamax` and `Nadam` (Keras' defaults).
 * @example new tf.optimizers.Adamax({ learningRate: 0.002, beta1: 0.9, beta2: 0.999 })
 */
export interface AdamaxOptions extends OptimizerOptions {
  /** Default 0.001. */
  readonly learningRate?: number | LearningRateSchedule;
  /** Decay of the first moment; default 0.9. */
  readonly beta1?: number;
  /** Decay of the infinity norm (Adamax) or second moment (Nadam); default 0.999. */
  readonly beta2?: number;
  /** Added to the denominator; default 1e-7. */
  readonly epsilon?: number;
}

/**
 * Options of `Nadam`: the same as Adamax's.
 * @example new tf.optimizers.Nadam(0.002)
 */
export type NadamOptions = AdamaxOptions;

const MOMENT_RULES: tf.OptionSchema<AdamaxOptions> = {
  ...OPTIMIZER_RULES,
  beta1: UNIT_RULE,
  beta2: UNIT_RULE,
  epsilon: NON_NEGATIVE_RULE,
};

/**
 * The first- and second-moment hyper-parameters Adamax and Nadam share.
 * @example const opt: tf.optimizers.MomentOptimizer = new tf.optimizers.Nadam(); opt.beta2 // 0.999
 */
export abstract class MomentOptimizer extends Optimizer {
  /** First-moment decay. */
  readonly beta1: number;
  /** Second-moment (or infinity-norm) decay. */
  readonly beta2: number;
  /** Added to the denominator. */
  readonly epsilon: number;

  constructor(options: AdamaxOptions, name: string) {
    super(options, { learningRate: 0.001, name });
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/**
 * Adamax (`tf.keras.optimizers.Adamax`, Kingma & Ba): Adam with the infinity norm in place of the
 * second moment.
 * @example const opt = new tf.optimizers.Adamax(0.002);
 */
export class Adamax extends MomentOptimizer {
  readonly className: string = 'Adamax';

  constructor(options?: AdamaxOptions);
  /** Keras' positional form: `new Adamax(0.002, { beta1: 0.8 })`. */
  constructor(learningRate: number | LearningRateSchedule, options?: Omit<AdamaxOptions, 'learningRate'>);
  constructor(first?: number | LearningRateSchedule | AdamaxOptions, second?: Omit<AdamaxOptions, 'learningRate'>) {
    super(optimizerOptions('Adamax', first, second, MOMENT_RULES), 'adamax');
  }

  protected updateStep(gradient: tf.Tensor, variable: tf.Variable, learningRate: number): void {
    const t = this.iterations + 1;
    const m = this.slot(variable, 'momentum');
    const u = this.slot(variable, 'norm');
    m.assign(tf.add(m, tf.mul(tf.sub(gradient, m), 1 - this.beta1)));
    u.assign(tf.maximum(tf.mul(u, this.beta2), tf.abs(gradient)));
    const scale = learningRate / (1 - this.beta1 ** t);
    variable.assign(tf.sub(variable, tf.div(tf.mul(m, scale), tf.add(u, this.epsilon))));
  }
}

/**
 * Nadam (`tf.keras.optimizers.Nadam`, Dozat): Adam with Nesterov momentum.
 * @example const opt = new tf.optimizers.Nadam(0.002);
 */
export class Nadam extends MomentOptimizer {
  readonly className: string = 'Nadam';
  /** Π of the momentum schedule μ₁·…·μₜ over the steps so far (Keras' `_u_product`). */
  private momentumProduct = 1;

  constructor(options?: NadamOptions);
  /** Keras' positional form: `new Nadam(0.002, { beta2: 0.99 })`. */
  constructor(learningRate: number | LearningRateSchedule, options?: Omit<NadamOptions, 'learningRate'>);
  constructor(first?: number | LearningRateSchedule | NadamOptions, second?: Omit<NadamOptions, 'learningRate'>) {
    super(optimizerOptions('Nadam', first, second, MOMENT_RULES), 'nadam');
  }

  private momentumAt(step: number): number {
    return this.beta1 * (1 - 0.5 * 0.96 ** step);
  }

  protected override prepareStep(): void {
    this.momentumProduct *= this.momentumAt(this.iterations + 1);
  }

  protected updateStep(gradient: tf.Tensor, variable: tf.Variable, learningRate: number): void {
    const t = this.iterations + 1;
    const current = this.momentumAt(t);
    const next = this.momentumAt(t + 1);
    const product = this.momentumProduct;
    const productNext = product * next;
    const m = this.slot(variable, 'momentum');
    const v = this.slot(variable, 'velocity');
    m.assign(tf.add(m, tf.mul(tf.sub(gradient, m), 1 - this.beta1)));
    v.assign(tf.add(v, tf.mul(tf.sub(tf.square(gradient), v), 1 - this.beta2)));
    const mHat = tf.add(tf.mul(m, next / (1 - productNext)), tf.mul(gradient, (1 - current) / (1 - product)));
    const vHat = tf.div(v, 1 - this.beta2 ** t);
    variable.assign(tf.sub(variable, tf.div(tf.mul(mHat, learningRate), tf.add(tf.sqrt(vHat), this.epsilon))));
  }
}
