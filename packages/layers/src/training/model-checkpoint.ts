/**
 * @file ModelCheckpoint (Keras 3's `keras.callbacks.ModelCheckpoint`): saves the model (or its weights)
 * at the end of every epoch, or every `saveFreq` batches, optionally only when the monitored value
 * improves. It writes through `model.save` / `model.saveWeights`, which switch files in atomically,
 * so a run killed mid-save leaves the previous checkpoint whole. The path may hold Keras' placeholders,
 * `{epoch:02d}` (1-based, as Keras) and any log key such as `{val_loss:.4f}`.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { FINITE } from '../option-rules.js';
import type { Callback, CallbackModel, Logs } from './callbacks.js';

/**
 * Options of `ModelCheckpoint` (Keras' arguments in camelCase, same defaults).
 * @example new tf.callbacks.ModelCheckpoint('./ckpt/epoch-{epoch:02d}', { monitor: 'val_loss', saveBestOnly: true })
 */
export interface ModelCheckpointOptions {
  /** The log key `saveBestOnly` compares; default `'val_loss'`. */
  readonly monitor?: string;
  /** 1 prints a line on each save (and each skipped save with `saveBestOnly`); default 0. */
  readonly verbose?: 0 | 1;
  /** Save only when the monitored value beats the best so far; default false. */
  readonly saveBestOnly?: boolean;
  /** Write the weights alone (`model.saveWeights`, a safetensors file), not a model directory; default false. */
  readonly saveWeightsOnly?: boolean;
  /** `'min'`, `'max'`, or `'auto'` (max for accuracy-like keys, as Keras); default `'auto'`. */
  readonly mode?: 'auto' | 'min' | 'max';
  /** `'epoch'` (default) or a number of batches between saves. */
  readonly saveFreq?: 'epoch' | number;
  /** With `saveBestOnly`, the value the first save must beat; default none. */
  readonly initialValueThreshold?: number;
}

const MODEL_CHECKPOINT_RULES: tf.OptionSchema<ModelCheckpointOptions> = {
  monitor: { kind: 'string' },
  verbose: { kind: 'oneOf', values: [0, 1] },
  saveBestOnly: { kind: 'boolean' },
  saveWeightsOnly: { kind: 'boolean' },
  mode: { kind: 'oneOf', values: ['auto', 'min', 'max'] },
  saveFreq: {
    kind: 'custom',
    check: (value) =>
      value === 'epoch' || (typeof value === 'number' && Number.isInteger(value) && value >= 1)
        ? undefined
        : "'epoch' or a positive integer (batches between saves)",
  },
  initialValueThreshold: FINITE,
};

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)(?::(0?)(\d*)(?:\.(\d+))?([dfe]?))?\}/g;

/**
 * `path` with its placeholders filled from `values` as Python's `str.format` fills Keras' ones:
 * `{epoch}`, `{epoch:03d}`, `{loss:.2f}`, `{val_loss:.3e}`. A key that is not in `values` is an error.
 * @example formatPath('ckpt-{epoch:02d}-{loss:.2f}', { epoch: 3, loss: 0.1234 }) // 'ckpt-03-0.12'
 */
export function formatPath(path: string, values: Logs): string {
  return path.replace(
    PLACEHOLDER,
    (_match, key: string, zero: string, width: string, precision: string | undefined, kind: string) => {
      if (!Object.hasOwn(values, key))
        tf.invalidArgument(
          'ModelCheckpoint',
          'filepath',
          `placeholders naming the epoch or a log key (${Object.keys(values).join(', ')})`,
          `the placeholder '{${key}}'`,
        );
      const value = values[key]!;
      let text: string;
      if (kind === 'd') text = String(Math.trunc(value));
      else if (kind === 'e')
        text = value.toExponential(precision === undefined ? 6 : Number(precision)).replace(/e([+-])(\d)$/, 'e$10$2');
      else if (kind === 'f' || precision !== undefined)
        text = value.toFixed(precision === undefined ? 6 : Number(precision));
      else text = String(value);
      const size = width === '' ? 0 : Number(width);
      if (text.length >= size) return text;
      if (zero === '0')
        return text.startsWith('-') ? `-${text.slice(1).padStart(size - 1, '0')}` : text.padStart(size, '0');
      return text.padStart(size, ' ');
    },
  );
}

/**
 * Saves the model during `fit` (`tf.keras.callbacks.ModelCheckpoint`), atomically.
 * @example
 * const checkpoint = new tf.callbacks.ModelCheckpoint('./best-model', { monitor: 'val_accuracy', saveBestOnly: true });
 * await model.fit(x, y, { epochs: 20, validationSplit: 0.1, callbacks: [checkpoint] });
 * const best = await tf.loadModel('./best-model');
 */
export class ModelCheckpoint implements Callback {
  /** The path template. */
  readonly filepath: string;
  /** The log key compared. */
  readonly monitor: string;
  /** Whether only improvements are saved. */
  readonly saveBestOnly: boolean;
  /** Whether only the weights are written. */
  readonly saveWeightsOnly: boolean;
  /** `'epoch'` or batches between saves. */
  readonly saveFreq: 'epoch' | number;
  /** The best monitored value so far. */
  best: number;
  /** The paths written, in order. */
  readonly saved: string[] = [];
  private readonly maximize: boolean;
  private readonly verbose: 0 | 1;
  private model: CallbackModel | null = null;
  private epoch = 0;
  private batchesSinceSave = 0;
  private warned = false;

  constructor(filepath: string, options: ModelCheckpointOptions = {}) {
    if (typeof filepath !== 'string' || filepath === '')
      tf.invalidArgument(
        'ModelCheckpoint',
        'filepath',
        'a path (it may hold {epoch} and log keys)',
        tf.describeValue(filepath),
      );
    tf.checkOptions('ModelCheckpoint', options, MODEL_CHECKPOINT_RULES);
    this.filepath = filepath;
    this.monitor = options.monitor ?? 'val_loss';
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.saveWeightsOnly = options.saveWeightsOnly ?? false;
    this.saveFreq = options.saveFreq ?? 'epoch';
    this.verbose = options.verbose ?? 0;
    const mode = options.mode ?? 'auto';
    // Keras: 'auto' maximises keys holding "acc" and F-measures, minimises the rest.
    this.maximize =
      mode === 'max' || (mode === 'auto' && (this.monitor.includes('acc') || this.monitor.startsWith('fmeasure')));
    this.best = options.initialValueThreshold ?? (this.maximize ? -Infinity : Infinity);
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  async onBatchEnd(_batch: number, logs: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') return;
    this.batchesSinceSave += 1;
    if (this.batchesSinceSave < this.saveFreq) return;
    this.batchesSinceSave = 0;
    await this.save(this.epoch, logs);
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') await this.save(epoch, logs);
  }

  private async save(epoch: number, logs: Logs): Promise<void> {
    const model = this.model;
    const write =
      model === null
        ? undefined
        : this.saveWeightsOnly
          ? model.saveWeights === undefined
            ? undefined
            : (path: string) => model.saveWeights!(path)
          : model.save === undefined
            ? undefined
            : (path: string) => model.save!(path);
    if (write === undefined) {
      throw new tf.FailedPreconditionError(
        `ModelCheckpoint: the model being trained has no ${this.saveWeightsOnly ? 'saveWeights' : 'save'} method (use a Model or Sequential).`,
        'ModelCheckpoint',
      );
    }
    const path = formatPath(this.filepath, { ...logs, epoch: epoch + 1 });
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        if (!this.warned)
          console.warn(
            `ModelCheckpoint: can save the best model only with '${this.monitor}' available, skipping. Available: ${Object.keys(logs).join(', ')}.`,
          );
        this.warned = true;
        return;
      }
      const improved = this.maximize ? current > this.best : current < this.best;
      if (!improved) {
        if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: ${this.monitor} did not improve from ${this.best}`);
        return;
      }
      if (this.verbose > 0)
        console.log(
          `Epoch ${epoch + 1}: ${this.monitor} improved from ${this.best} to ${current}, saving model to ${path}`,
        );
      this.best = current;
    } else if (this.verbose > 0) {
      console.log(`Epoch ${epoch + 1}: saving model to ${path}`);
    }
    await write(path);
    this.saved.push(path);
  }
}
