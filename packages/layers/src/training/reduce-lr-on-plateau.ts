/**
 * @file ReduceLROnPlateau (Keras 3's `keras.callbacks.ReduceLROnPlateau`): when the monitored value
 * has not improved by more than `minDelta` for `patience` epochs, multiply the optimizer's learning
 * rate by `factor` (never below `minLr`), then wait `cooldown` epochs before counting again.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { NON_NEGATIVE_INTEGER } from '../option-rules.js';
import type { Callback, CallbackModel, Logs } from './callbacks.js';

/**
 * Options of `ReduceLROnPlateau` (Keras' arguments in camelCase, same defaults).
 * @example new tf.callbacks.ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 3, minLr: 1e-5 })
 */
export interface ReduceLROnPlateauOptions {
  /** The log key watched; default `'val_loss'`. */
  readonly monitor?: string;
  /** What the rate is multiplied by, in (0, 1); default 0.1. */
  readonly factor?: number;
  /** Epochs without improvement before reducing; default 10. */
  readonly patience?: number;
  /** 1 prints a line on each reduction; default 0. */
  readonly verbose?: 0 | 1;
  /** `'min'`, `'max'`, or `'auto'` (max when the key holds "acc", as Keras); default `'auto'`. */
  readonly mode?: 'auto' | 'min' | 'max';
  /** The least change that counts as an improvement; default 1e-4. */
  readonly minDelta?: number;
  /** Epochs to wait after a reduction before counting again; default 0. */
  readonly cooldown?: number;
  /** The floor of the learning rate; default 0. */
  readonly minLr?: number;
}

const finiteAtLeastZero: tf.OptionRule = {
  kind: 'custom',
  check: (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : 'a finite number >= 0'),
};

const REDUCE_RULES: tf.OptionSchema<ReduceLROnPlateauOptions> = {
  monitor: { kind: 'string' },
  factor: {
    kind: 'custom',
    check: (v) =>
      typeof v === 'number' && v > 0 && v < 1 ? undefined : 'a number in (0, 1) (it must reduce the rate)',
  },
  patience: NON_NEGATIVE_INTEGER,
  verbose: { kind: 'oneOf', values: [0, 1] },
  mode: { kind: 'oneOf', values: ['auto', 'min', 'max'] },
  minDelta: finiteAtLeastZero,
  cooldown: NON_NEGATIVE_INTEGER,
  minLr: finiteAtLeastZero,
};

/**
 * Lowers the learning rate when a metric stops improving (`tf.keras.callbacks.ReduceLROnPlateau`).
 * @example
 * const reduce = new tf.callbacks.ReduceLROnPlateau({ patience: 2 });
 * await model.fit(x, y, { epochs: 50, validationSplit: 0.1, callbacks: [reduce] });
 */
export class ReduceLROnPlateau implements Callback {
  /** The log key watched. */
  readonly monitor: string;
  /** The rate's multiplier. */
  readonly factor: number;
  /** Epochs without improvement tolerated. */
  readonly patience: number;
  /** Epochs skipped after a reduction. */
  readonly cooldown: number;
  /** The rate's floor. */
  readonly minLr: number;
  /** The best value so far. */
  best = Infinity;
  private readonly minDelta: number;
  private readonly maximize: boolean;
  private readonly verbose: 0 | 1;
  private model: CallbackModel | null = null;
  private wait = 0;
  private cooldownCounter = 0;
  private warned = false;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    tf.checkOptions('ReduceLROnPlateau', options, REDUCE_RULES);
    this.monitor = options.monitor ?? 'val_loss';
    this.factor = options.factor ?? 0.1;
    this.patience = options.patience ?? 10;
    this.verbose = options.verbose ?? 0;
    this.minDelta = options.minDelta ?? 1e-4;
    this.cooldown = options.cooldown ?? 0;
    this.minLr = options.minLr ?? 0;
    const mode = options.mode ?? 'auto';
    this.maximize = mode === 'max' || (mode === 'auto' && this.monitor.includes('acc'));
    this.reset();
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.reset();
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      if (!this.warned)
        console.warn(
          `ReduceLROnPlateau: conditioned on '${this.monitor}', which is not in the logs. Available: ${Object.keys(logs).join(', ')}.`,
        );
      this.warned = true;
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    const improved = this.maximize ? current > this.best + this.minDelta : current < this.best - this.minDelta;
    if (improved) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.cooldownCounter > 0) return;
    this.wait += 1;
    if (this.wait < this.patience) return;
    const optimizer = this.model?.optimizer;
    if (optimizer === undefined || optimizer === null)
      throw new tf.FailedPreconditionError(
        'ReduceLROnPlateau: the model being trained has no compiled optimizer whose learning rate it could lower.',
        'ReduceLROnPlateau',
      );
    const old = optimizer.learningRate;
    // Keras compares against the floor in float32, so a rate already at the floor stays put.
    if (old > Math.fround(this.minLr)) {
      const next = Math.max(old * this.factor, this.minLr);
      optimizer.learningRate = next;
      if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${next}.`);
      this.cooldownCounter = this.cooldown;
      this.wait = 0;
    }
  }

  private reset(): void {
    this.best = this.maximize ? -Infinity : Infinity;
    this.cooldownCounter = 0;
    this.wait = 0;
  }
}
