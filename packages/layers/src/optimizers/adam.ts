/**
 * @file Adam and AdamW, Keras 3's rule. With t = iterations + 1:
 * `α = lr·√(1 - β₂ᵗ) / (1 - β₁ᵗ)`, `m += (g - m)(1 - β₁)`, `v += (g² - v)(1 - β₂)`,
 * `w -= α·m / (√v + ε)` — the bias correction folded into α, so ε is added to the uncorrected √v
 * (TensorFlow's "epsilon hat"; ε = 1e-7 as Keras). AMSGrad keeps the running maximum of v.
 * AdamW is Adam with decoupled weight decay `w -= lr·λ·w` applied before the step (λ = 0.004).
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { NON_NEGATIVE_RULE, OPTIMIZER_RULES, Optimizer, UNIT_RULE, optimizerOptions } from './optimizer.js';
import type { OptimizerConfig, OptimizerOptions } from './optimizer.js';
import type { LearningRateSchedule } from './schedules.js';

/**
 * Options of `Adam` (Keras' defaults).
 * @example new tf.optimizers.Adam({ learningRate: 3e-4 })
 */
export interface AdamOptions extends OptimizerOptions {
  /** Default 0.001. */
  readonly learningRate?: number | LearningRateSchedule;
  /** Decay of the first moment; default 0.9. */
  readonly beta1?: number;
  /** Decay of the second moment; default 0.999. */
  readonly beta2?: number;
  /** Added to √v; default 1e-7 (Keras; PyTorch uses 1e-8). */
  readonly epsilon?: number;
  /** The AMSGrad variant; default false. */
  readonly amsgrad?: boolean;
}

const ADAM_RULES: tf.OptionSchema<AdamOptions> = {
  ...OPTIMIZER_RULES,
  beta1: UNIT_RULE,
  beta2: UNIT_RULE,
  epsilon: NON_NEGATIVE_RULE,
  amsgrad: { kind: 'boolean' },
};

/** What AdamW changes of Adam: its names and a default weight decay. */
interface AdamVariant {
  readonly className: string;
  readonly name: string;
  readonly weightDecay: number | undefined;
}

/**
 * Adam (`tf.keras.optimizers.Adam`).
 * @example
 * const opt = new tf.optimizers.Adam();
 * opt.applyGradients(tape.gradient(loss, vars), vars);
 */
export class Adam extends Optimizer {
  readonly className: string = 'Adam';
  /** First-moment decay. */
  readonly beta1: number;
  /** Second-moment decay. */
  readonly beta2: number;
  /** Added to √v. */
  readonly epsilon: number;
  /** Whether AMSGrad is used. */
  readonly amsgrad: boolean;

  /** The class's names and default weight decay (AdamW overrides it). */
  protected static readonly variant: AdamVariant = { className: 'Adam', name: 'adam', weightDecay: undefined };

  constructor(options?: AdamOptions);
  /** Keras' positional form: `new Adam(0.01, { beta1: 0.8 })`. */
  constructor(learningRate: number | LearningRateSchedule, options?: Omit<AdamOptions, 'learningRate'>);
  constructor(first?: number | LearningRateSchedule | AdamOptions, second?: Omit<AdamOptions, 'learningRate'>) {
    const variant = new.target.variant;
    const given = optimizerOptions(variant.className, first, second, ADAM_RULES);
    const options =
      given.weightDecay === undefined && variant.weightDecay !== undefined
        ? { ...given, weightDecay: variant.weightDecay }
        : given;
    super(options, { learningRate: 0.001, name: variant.name });
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    this.amsgrad = options.amsgrad ?? false;
  }

  protected updateStep(gradient: tf.Tensor, variable: tf.Variable, learningRate: number): void {
    const t = this.iterations + 1;
    const alpha = (learningRate * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    const m = this.slot(variable, 'momentum');
    const v = this.slot(variable, 'velocity');
    m.assign(tf.add(m, tf.mul(tf.sub(gradient, m), 1 - this.beta1)));
    v.assign(tf.add(v, tf.mul(tf.sub(tf.square(gradient), v), 1 - this.beta2)));
    let second: tf.Tensor = v;
    if (this.amsgrad) {
      const vHat = this.slot(variable, 'velocityHat');
      vHat.assign(tf.maximum(vHat, v));
      second = vHat;
    }
    variable.assign(tf.sub(variable, tf.div(tf.mul(m, alpha), tf.add(tf.sqrt(second), this.epsilon))));
  }

  override getConfig(): OptimizerConfig {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}

/**
 * Options of `AdamW`: Adam's, with `weightDecay` defaulting to 0.004 (Keras).
 * @example new tf.optimizers.AdamW(1e-3, { weightDecay: 0.01 })
 */
export type AdamWOptions = AdamOptions;

/**
 * AdamW (`tf.keras.optimizers.AdamW`, Loshchilov & Hutter): Adam plus decoupled weight decay.
 * @example const opt = new tf.optimizers.AdamW(1e-3, { weightDecay: 0.01 });
 */
export class AdamW extends Adam {
  override readonly className: string = 'AdamW';
  protected static override readonly variant: AdamVariant = { className: 'AdamW', name: 'adamw', weightDecay: 0.004 };
}
