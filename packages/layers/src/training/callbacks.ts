/**
 * @file Callbacks of `fit`, as Keras' `keras.callbacks`: plain objects with any of onTrainBegin /
 * onEpochBegin / onBatchEnd / onEpochEnd / onTrainEnd (each may be async; `fit` awaits it), and
 * EarlyStopping with Keras 3's rules (min_delta, patience, mode, baseline, restore_best_weights,
 * start_from_epoch). Epoch and batch indices are 0-based, as Keras passes them.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { FINITE, NON_NEGATIVE_INTEGER, expectedName } from '../option-rules.js';

/**
 * The numbers a callback receives: running means during an epoch (`loss`, `accuracy`, ...), and at
 * its end the epoch's means plus `val_loss`, `val_accuracy`, ... (Keras' keys).
 * @example const logs: Logs = { loss: 0.31, accuracy: 0.91 };
 */
export type Logs = { readonly [key: string]: number };

/**
 * What a callback sees of the model: Keras' `self.model` surface that callbacks use.
 * @example callback.setModel?.(model)
 */
export interface CallbackModel {
  /** Set true to end training after the current epoch (Keras' `stop_training`). */
  stopTraining: boolean;
  getWeights(): tf.Tensor[];
  setWeights(weights: readonly tf.Tensor[]): void;
  /** The compiled optimizer (ReduceLROnPlateau changes its learning rate); a Model has it. */
  readonly optimizer?: { learningRate: number } | null;
  /** Writes the model atomically (ModelCheckpoint); a Model has it. */
  save?(dir: string): Promise<void>;
  /** Writes the weights atomically (ModelCheckpoint with `saveWeightsOnly`); a Model has it. */
  saveWeights?(file: string): Promise<void>;
}

/**
 * A callback: any subset of these hooks.
 * @example
 * await model.fit(x, y, { callbacks: [{ onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss) }] });
 */
export interface Callback {
  /** Called once before training with the model being trained. */
  setModel?(model: CallbackModel): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

/**
 * Options of `earlyStopping` (Keras' EarlyStopping arguments in camelCase; same defaults).
 * @example tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true })
 */
export interface EarlyStoppingOptions {
  /** The log key watched; default `'val_loss'`. */
  readonly monitor?: string;
  /** The least change that counts as an improvement; default 0. */
  readonly minDelta?: number;
  /** Epochs without improvement before stopping; default 0. */
  readonly patience?: number;
  /** `'min'`, `'max'`, or `'auto'` (max for accuracy-like keys, else min); default `'auto'`. */
  readonly mode?: 'auto' | 'min' | 'max';
  /** Training stops unless the monitored value beats this; default none. */
  readonly baseline?: number;
  /** Put back the weights of the best epoch when training ends; default false. */
  readonly restoreBestWeights?: boolean;
  /** Epochs to wait before starting to monitor (a warm-up); default 0. */
  readonly startFromEpoch?: number;
  /** 1 prints a line when it stops or restores; default 0. */
  readonly verbose?: 0 | 1;
}

const EARLY_STOPPING_RULES: tf.OptionSchema<EarlyStoppingOptions> = {
  monitor: { kind: 'string' },
  minDelta: FINITE,
  patience: NON_NEGATIVE_INTEGER,
  mode: { kind: 'oneOf', values: ['auto', 'min', 'max'] },
  baseline: FINITE,
  restoreBestWeights: { kind: 'boolean' },
  startFromEpoch: NON_NEGATIVE_INTEGER,
  verbose: { kind: 'oneOf', values: [0, 1] },
};

/**
 * Stops training when the monitored value stops improving (`tf.keras.callbacks.EarlyStopping`).
 * @example
 * const stop = new tf.callbacks.EarlyStopping({ monitor: 'loss', patience: 2 });
 * await model.fit(x, y, { epochs: 100, callbacks: [stop] });
 * stop.stoppedEpoch // the 0-based epoch it stopped at, or 0
 */
export class EarlyStopping implements Callback {
  /** The log key watched. */
  readonly monitor: string;
  /** Epochs without improvement tolerated. */
  readonly patience: number;
  /** The 0-based epoch training stopped at (0 if it did not stop early). */
  stoppedEpoch = 0;
  /** The 0-based epoch with the best value so far. */
  bestEpoch = 0;
  /** The best value so far. */
  best: number;
  private readonly minDelta: number;
  private readonly maximize: boolean;
  private readonly baseline: number | undefined;
  private readonly restoreBestWeights: boolean;
  private readonly startFromEpoch: number;
  private readonly verbose: 0 | 1;
  private model: CallbackModel | null = null;
  private wait = 0;
  private bestWeights: tf.Tensor[] | null = null;
  private warned = false;

  constructor(options: EarlyStoppingOptions = {}) {
    tf.checkOptions('EarlyStopping', options, EARLY_STOPPING_RULES);
    this.monitor = options.monitor ?? 'val_loss';
    const mode = options.mode ?? 'auto';
    this.patience = options.patience ?? 0;
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.maximize = mode === 'max' || (mode === 'auto' && /(acc|accuracy|auc)$/i.test(this.monitor));
    this.baseline = options.baseline;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.startFromEpoch = options.startFromEpoch ?? 0;
    this.verbose = options.verbose ?? 0;
    this.best = this.maximize ? -Infinity : Infinity;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.bestEpoch = 0;
    this.best = this.maximize ? -Infinity : Infinity;
    this.releaseBestWeights();
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      if (!this.warned)
        console.warn(
          `EarlyStopping: conditioned on '${this.monitor}', which is not in the logs. Available: ${Object.keys(logs).join(', ')}.`,
        );
      this.warned = true;
      return;
    }
    if (epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) this.bestWeights = this.model?.getWeights() ?? null;
    this.wait += 1;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights && this.model !== null) {
        this.releaseBestWeights();
        this.bestWeights = this.model.getWeights();
      }
      if (this.baseline === undefined || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0 && this.model !== null) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== null && this.model !== null) {
      if (this.verbose > 0)
        console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.model.setWeights(this.bestWeights);
    }
    this.releaseBestWeights();
  }

  private isImprovement(value: number, reference: number): boolean {
    return this.maximize ? value - this.minDelta > reference : value + this.minDelta < reference;
  }

  private releaseBestWeights(): void {
    if (this.bestWeights !== null) tf.dispose(this.bestWeights);
    this.bestWeights = null;
  }
}

/**
 * A new EarlyStopping callback (TensorFlow.js' spelling of `tf.keras.callbacks.EarlyStopping`).
 * @example await model.fit(x, y, { validationSplit: 0.2, callbacks: [tf.callbacks.earlyStopping({ patience: 2 })] });
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(options);
}

// A table over Callback's keys, so a hook added to the interface and forgotten here does not compile.
const HOOK_TABLE: { readonly [K in keyof Required<Callback>]: true } = {
  setModel: true,
  onTrainBegin: true,
  onTrainEnd: true,
  onEpochBegin: true,
  onEpochEnd: true,
  onBatchBegin: true,
  onBatchEnd: true,
};
const HOOKS: readonly string[] = Object.keys(HOOK_TABLE);

/**
 * Checks one callback: each hook it has is a function, and a key of a plain object that looks like a
 * hook (`on...`) is one, so a misspelt `onEpochEnds` is an error naming the nearest hook rather than a
 * hook that never runs.
 */
export function checkCallback(callback: unknown, index: number): void {
  const argument = `options.callbacks[${index}]`;
  if (typeof callback !== 'object' || callback === null)
    tf.invalidArgument('fit', argument, 'an object with hooks (onEpochEnd, ...)', tf.describeValue(callback));
  if (Object.getPrototypeOf(callback) === Object.prototype) {
    for (const key of Object.keys(callback)) {
      if (/^on[A-Z]/.test(key) && !HOOKS.includes(key))
        tf.invalidArgument(
          'fit',
          argument,
          `known hooks: ${expectedName(HOOKS, key, '')}`,
          `the unknown hook '${key}'`,
        );
    }
  }
  for (const hook of HOOKS) {
    const value = (callback as Record<string, unknown>)[hook];
    if (value !== undefined && typeof value !== 'function')
      tf.invalidArgument('fit', `${argument}.${hook}`, 'a function', tf.describeValue(value));
  }
}

/** Calls every callback's hook in order, awaiting each (Keras' CallbackList). */
export class CallbackList {
  private readonly callbacks: readonly Callback[];

  constructor(callbacks: readonly Callback[], model: CallbackModel) {
    callbacks.forEach(checkCallback);
    this.callbacks = callbacks;
    for (const callback of callbacks) callback.setModel?.(model);
  }

  async trainBegin(logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onTrainBegin?.(logs);
  }

  async trainEnd(logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onTrainEnd?.(logs);
  }

  async epochBegin(epoch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochBegin?.(epoch, logs);
  }

  async epochEnd(epoch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onEpochEnd?.(epoch, logs);
  }

  async batchBegin(batch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onBatchBegin?.(batch, logs);
  }

  async batchEnd(batch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) await c.onBatchEnd?.(batch, logs);
  }
}
