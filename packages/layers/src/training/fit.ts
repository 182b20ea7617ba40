/**
 * @file The `fit` loop, as Keras': per epoch, shuffle (seeded when asked), then per batch record the
 * forward pass and the loss (plus the layers' regularization penalties) on a GradientTape, read the
 * loss and metrics (one read), stop on a NaN or infinite loss before the update is applied
 * (TerminateOnNaN, built in: the weights stay those of the last good step), apply the gradients,
 * update the progress bar and call the callbacks; at the end of an epoch, validate and record the
 * history under Keras' keys (`loss`, `accuracy`, `val_loss`, ...). Every step runs in `tidy` and
 * disposes what it made, so `tf.memory()` stays flat across epochs.
 */

import { GradientTape } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core/internal';
import type { Layer, LayerOutput } from '../layer.js';
import type { ModelData } from '../functional/functional-model.js';
import { CallbackList, checkCallback } from './callbacks.js';
import type { Callback, CallbackModel } from './callbacks.js';
import type { Compiled } from './compile.js';
import {
  MeanTracker,
  arrangeInputs,
  arrangeTargets,
  batchValues,
  checkData,
  checkTargets,
  compiledLoss,
  feed,
  outputList,
  rows,
  totalLoss,
} from './data.js';
import { evaluateBatches } from './inference.js';
import { ProgressBar } from './progress.js';
import type { ProgressStream, Verbosity } from './progress.js';
import { INTEGER, NON_NEGATIVE_INTEGER, POSITIVE_INTEGER, halfOpenRule } from '../option-rules.js';
import { CALLBACKS_RULE, PROGRESS_STREAM_RULE, VERBOSE_RULE } from './training-rules.js';

/**
 * Options of `fit` (Keras' arguments in camelCase, Keras' defaults).
 * @example await model.fit(x, y, { epochs: 10, batchSize: 64, validationSplit: 0.1, seed: 1 })
 */
export interface FitOptions {
  /** Passes over the data; default 1. */
  readonly epochs?: number;
  /** Samples per step; default 32. Larger than the data, it is one batch of all of it (as Keras). */
  readonly batchSize?: number;
  /** The last fraction of x and y (before shuffling, as Keras) held out for validation; default none. */
  readonly validationSplit?: number;
  /**
   * Explicit validation data `[x, y]` (takes precedence over `validationSplit`, as Keras); each as `fit`
   * takes x and y (a Tensor, an array or a record by name).
   */
  readonly validationData?: readonly [ModelData, ModelData];
  /** Shuffle the training samples each epoch; default true. */
  readonly shuffle?: boolean;
  /** Seed of the shuffling (the same seed gives the same batches); default `tf.random`'s global seed. */
  readonly seed?: number;
  /** 0 silent, 1 a progress bar on a terminal (nothing otherwise), 2 one line per epoch; default 1. */
  readonly verbose?: Verbosity;
  /** Called at each stage of training (see `Callback`). */
  readonly callbacks?: readonly Callback[];
  /** Where progress goes; default `process.stdout` (nothing in a browser). */
  readonly progressStream?: ProgressStream | null;
}

/**
 * What `fit` resolves to, as Keras' History: `history.loss[i]` is epoch i's mean training loss.
 * @example const { history } = await model.fit(x, y, { epochs: 3 }); history.loss.length // 3
 */
export interface History {
  /** Per key (`loss`, `accuracy`, `val_loss`, `val_accuracy`, ...), one value per epoch run. */
  readonly history: { readonly loss: number[]; readonly [key: string]: number[] | undefined };
  /** The 0-based epochs run. */
  readonly epoch: number[];
  /** The run's parameters. */
  readonly params: { readonly epochs: number; readonly steps: number; readonly verbose: Verbosity };
}

/** The model surface `fit` needs. */
export type FitModel = Layer<LayerOutput> & CallbackModel;

/** A permutation of 0..n-1 from uniform keys; seeded, it depends on (seed, epoch) alone (any backend). */
async function permutation(n: number, seed: number | undefined, epoch: number): Promise<Int32Array> {
  const noise = seed === undefined ? tf.random.uniform([n]) : tf.random.statelessUniform([n], [seed, epoch]);
  const keys = await noise.data();
  noise.dispose();
  return Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
}

const FIT_RULES: tf.OptionSchema<FitOptions> = {
  epochs: NON_NEGATIVE_INTEGER,
  batchSize: POSITIVE_INTEGER,
  validationSplit: halfOpenRule(0, 1),
  validationData: {
    kind: 'custom',
    check: (value) =>
      Array.isArray(value) && value.length === 2 && value.every((t) => typeof t === 'object' && t !== null)
        ? undefined
        : 'a pair [x, y] of tensors (arrays or records of tensors for several inputs or outputs)',
  },
  shuffle: { kind: 'boolean' },
  seed: INTEGER,
  verbose: VERBOSE_RULE,
  callbacks: CALLBACKS_RULE,
  progressStream: PROGRESS_STREAM_RULE,
};

function resolveOptions(options: FitOptions): { epochs: number; batchSize: number; verbose: Verbosity; split: number } {
  tf.checkOptions('fit', options, FIT_RULES);
  (options.callbacks ?? []).forEach(checkCallback);
  return {
    epochs: options.epochs ?? 1,
    batchSize: options.batchSize ?? 32,
    verbose: options.verbose ?? 1,
    split: options.validationSplit ?? 0,
  };
}

/**
 * Trains `model` (compiled as `compiled`) on `x`, `y`; see `Model.fit`.
 * @example const history = await fit(model, compiled, x, y, { epochs: 2 });
 */
export async function fit(
  model: FitModel,
  compiled: Compiled,
  x: ModelData,
  y: ModelData,
  options: FitOptions,
): Promise<History> {
  const xs = arrangeInputs('fit', model, x);
  const ys = arrangeTargets('fit', model, y);
  const samples = checkData('fit', xs, ys);
  const { epochs, batchSize, verbose, split } = resolveOptions(options);
  const owned: tf.Tensor[] = [];
  try {
    let xTrain = xs;
    let yTrain = ys;
    let validation: Split | null = null;
    if (options.validationData !== undefined) {
      const [xVal, yVal] = options.validationData;
      validation = [
        arrangeInputs('fit', model, xVal, 'validationData[0]'),
        arrangeTargets('fit', model, yVal, 'validationData[1]'),
      ];
      checkData('fit', validation[0], validation[1], 'validationData.');
    } else if (split > 0) {
      const trainCount = Math.floor(samples * (1 - split));
      if (trainCount < 1 || trainCount >= samples) {
        tf.invalidArgument(
          'fit',
          'validationSplit',
          `a split leaving samples on both sides of ${samples}`,
          `${split} (${trainCount} for training)`,
        );
      }
      const cut = (list: readonly tf.Tensor[], start: number, size: number): tf.Tensor[] =>
        list.map((t) => rows(t, start, size));
      [xTrain, yTrain] = [cut(xs, 0, trainCount), cut(ys, 0, trainCount)];
      validation = [cut(xs, trainCount, samples - trainCount), cut(ys, trainCount, samples - trainCount)];
      owned.push(...xTrain, ...yTrain, ...validation[0], ...validation[1]);
    }
    await checkTargets('fit', model, compiled, xTrain, yTrain);
    if (validation !== null) await checkTargets('fit', model, compiled, validation[0], validation[1]);
    return await trainEpochs(model, compiled, xTrain, yTrain, validation, { ...options, epochs, batchSize, verbose });
  } finally {
    tf.dispose(owned);
  }
}

/** Inputs and targets, one tensor per model input and output. */
type Split = readonly [readonly tf.Tensor[], readonly tf.Tensor[]];

async function trainEpochs(
  model: FitModel,
  compiled: Compiled,
  x: readonly tf.Tensor[],
  y: readonly tf.Tensor[],
  validation: Split | null,
  options: FitOptions & { readonly epochs: number; readonly batchSize: number; readonly verbose: Verbosity },
): Promise<History> {
  const { epochs, batchSize, verbose } = options;
  const samples = x[0]!.shape[0]!;
  const steps = Math.ceil(samples / batchSize);
  const callbacks = new CallbackList(options.callbacks ?? [], model);
  const history: Record<string, number[]> = { loss: [] };
  const epochList: number[] = [];
  const stream = options.progressStream === undefined ? {} : { stream: options.progressStream };
  model.stopTraining = false;
  await callbacks.trainBegin({});
  let lastLogs: Record<string, number> = {};
  for (let epoch = 0; epoch < epochs && !model.stopTraining; epoch++) {
    await callbacks.epochBegin(epoch, {});
    const bar = new ProgressBar(steps, { verbose, prefix: `Epoch ${epoch + 1}/${epochs}`, ...stream });
    const order = options.shuffle === false ? null : await permutation(samples, options.seed, epoch);
    const tracker = new MeanTracker(compiled);
    const variables = model.trainableVariables;
    for (let step = 0; step < steps; step++) {
      await callbacks.batchBegin(step, tracker.logs());
      const start = step * batchSize;
      const size = Math.min(batchSize, samples - start);
      const values = await trainStep(model, compiled, x, y, order, start, size, variables, {
        epoch,
        epochs,
        step,
        steps,
      });
      tracker.add(values, size);
      bar.update(step + 1, tracker.entries(), false);
      await callbacks.batchEnd(step, tracker.logs());
    }
    const logs: Record<string, number> = tracker.logs();
    if (validation !== null)
      Object.assign(
        logs,
        (await evaluateBatches(model, compiled, validation[0], validation[1], batchSize)).logs('val_'),
      );
    bar.update(steps, Object.entries(logs), true);
    for (const [key, value] of Object.entries(logs)) (history[key] ??= []).push(value);
    epochList.push(epoch);
    lastLogs = logs;
    await callbacks.epochEnd(epoch, logs);
  }
  await callbacks.trainEnd(lastLogs);
  return { history: history as History['history'], epoch: epochList, params: { epochs, steps, verbose } };
}

/** One training step on samples [start, start + size) of the (shuffled) order; returns [loss, ...metrics]. */
async function trainStep(
  model: FitModel,
  compiled: Compiled,
  x: readonly tf.Tensor[],
  y: readonly tf.Tensor[],
  order: Int32Array | null,
  start: number,
  size: number,
  variables: readonly tf.Variable[],
  where: { readonly epoch: number; readonly epochs: number; readonly step: number; readonly steps: number },
): Promise<Float32Array> {
  const count = x.length;
  const batch = tf.getEngine().withoutRecording(() =>
    tf.tidy(() => {
      const all = [...x, ...y];
      if (order === null) return all.map((t) => rows(t, start, size));
      const indices = tf.tensor(order.subarray(start, start + size), [size], 'int32');
      return all.map((t) => tf.gather(t, indices));
    }),
  );
  const xb = batch.slice(0, count);
  const yb = batch.slice(count);
  const tape = new GradientTape();
  let gradients: (tf.Tensor | null)[] = [];
  let values: tf.Tensor | null = null;
  try {
    const [loss, ...rest] = tape.record(() =>
      tf.tidy(() => {
        const outputs = outputList(model.apply(feed(xb), { training: true }));
        const { total, perOutput } = compiledLoss(compiled, yb, outputs);
        // One output: its loss is the total, reported once.
        return [totalLoss(model, total), ...outputs, ...(perOutput.length > 1 ? perOutput : [])];
      }),
    );
    const predictions = rest.slice(0, compiled.outputs.length);
    const outputLosses = rest.slice(compiled.outputs.length);
    try {
      gradients = tape.gradient(loss!, [...variables]);
      values = batchValues(compiled, yb, predictions, loss!, outputLosses);
    } finally {
      tf.dispose([loss!, ...rest]);
    }
    const read = (await values.data()) as Float32Array;
    const lossValue = read[0]!;
    if (!Number.isFinite(lossValue)) {
      throw new tf.InvalidArgumentError(
        `fit: the loss is ${lossValue} at epoch ${where.epoch + 1}/${where.epochs}, batch ${where.step + 1}/${where.steps}; training stopped before ` +
          'applying that step (TerminateOnNaN). Check the inputs and labels for NaN or Infinity, or lower the learning rate.',
        'fit',
      );
    }
    compiled.optimizer.applyGradients(gradients, variables);
    return read.slice();
  } finally {
    tape.dispose();
    tf.dispose([...batch, gradients, values]);
  }
}
