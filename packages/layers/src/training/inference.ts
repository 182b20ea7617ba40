/**
 * @file `evaluate` and `predict`: the model at inference (`training: false`, so Dropout is off) over
 * the data in batches, unrecorded by tapes. `evaluate` averages the loss (regularization penalties
 * included, as Keras) and metrics over every sample (batches weighted by size, as Keras); `predict`
 * concatenates the batches' outputs.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { Layer, LayerOutput } from '../layer.js';
import type { ModelData } from '../functional/functional-model.js';
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
import { ProgressBar } from './progress.js';
import type { ProgressStream, Verbosity } from './progress.js';
import { POSITIVE_INTEGER } from '../option-rules.js';
import { PROGRESS_STREAM_RULE, VERBOSE_RULE } from './training-rules.js';

/**
 * Options of `evaluate` (Keras' defaults).
 * @example await model.evaluate(x, y, { batchSize: 128, verbose: 0 })
 */
export interface EvaluateOptions {
  /** Samples per batch; default 32. */
  readonly batchSize?: number;
  /** 0 silent, 1 a progress bar on a terminal, 2 one line; default 1. */
  readonly verbose?: Verbosity;
  /** Where progress goes; default `process.stdout` (nothing in a browser). */
  readonly progressStream?: ProgressStream | null;
}

/**
 * Options of `predict`.
 * @example model.predict(x, { batchSize: 256 })
 */
export interface PredictOptions {
  /** Samples per batch; default 32. */
  readonly batchSize?: number;
}

const EVALUATE_RULES: tf.OptionSchema<EvaluateOptions> = {
  batchSize: POSITIVE_INTEGER,
  verbose: VERBOSE_RULE,
  progressStream: PROGRESS_STREAM_RULE,
};
const PREDICT_RULES: tf.OptionSchema<PredictOptions> = { batchSize: POSITIVE_INTEGER };

/**
 * The loss and metrics over `x`, `y` in batches, as running means (no checks, no progress): what
 * `fit` runs for validation and `evaluate` for its result.
 */
export async function evaluateBatches(
  model: Layer<LayerOutput>,
  compiled: Compiled,
  x: readonly tf.Tensor[],
  y: readonly tf.Tensor[],
  batchSize: number,
  onBatch?: (done: number, tracker: MeanTracker) => void,
): Promise<MeanTracker> {
  const samples = x[0]!.shape[0]!;
  const tracker = new MeanTracker(compiled);
  for (let start = 0, batch = 0; start < samples; start += batchSize, batch++) {
    const size = Math.min(batchSize, samples - start);
    const values = tf.getEngine().withoutRecording(() =>
      tf.tidy(() => {
        const yb = y.map((t) => rows(t, start, size));
        const predictions = outputList(model.apply(feed(x.map((t) => rows(t, start, size))), { training: false }));
        const { total, perOutput } = compiledLoss(compiled, yb, predictions);
        return batchValues(compiled, yb, predictions, totalLoss(model, total), perOutput);
      }),
    );
    const read = await values.data();
    values.dispose();
    tracker.add(read, size);
    onBatch?.(batch + 1, tracker);
  }
  return tracker;
}

/**
 * The loss and compiled metrics on `x`, `y` (Keras' `evaluate(return_dict=True)`).
 * @example const { loss, accuracy } = await evaluate(model, compiled, x, y, {});
 */
export async function evaluate(
  model: Layer<LayerOutput>,
  compiled: Compiled,
  x: ModelData,
  y: ModelData,
  options: EvaluateOptions,
): Promise<Record<string, number>> {
  tf.checkOptions('evaluate', options, EVALUATE_RULES);
  const xs = arrangeInputs('evaluate', model, x);
  const ys = arrangeTargets('evaluate', model, y);
  const samples = checkData('evaluate', xs, ys);
  const batchSize = options.batchSize ?? 32;
  const verbose = options.verbose ?? 1;
  await checkTargets('evaluate', model, compiled, xs, ys);
  const steps = Math.ceil(samples / batchSize);
  const bar = new ProgressBar(steps, {
    verbose,
    ...(options.progressStream === undefined ? {} : { stream: options.progressStream }),
  });
  const tracker = await evaluateBatches(model, compiled, xs, ys, batchSize, (done, t) =>
    bar.update(done, t.entries(), done === steps),
  );
  return tracker.logs();
}

/**
 * The model's outputs for `x` at inference, batch by batch, concatenated: one tensor, or one per output
 * for a model with several. The caller owns the result.
 * @example const logits = predict(model, x, { batchSize: 64 });
 */
export function predict(model: Layer<LayerOutput>, x: ModelData, options: PredictOptions): LayerOutput {
  tf.checkOptions('predict', options, PREDICT_RULES);
  const xs = arrangeInputs('predict', model, x);
  const samples = checkData('predict', xs, null);
  const batchSize = options.batchSize ?? 32;
  return tf.getEngine().withoutRecording(() =>
    tf.tidy(() => {
      if (samples <= batchSize) return model.apply(feed(xs), { training: false });
      const batches: LayerOutput[] = [];
      for (let start = 0; start < samples; start += batchSize) {
        const size = Math.min(batchSize, samples - start);
        batches.push(model.apply(feed(xs.map((t) => rows(t, start, size))), { training: false }));
      }
      if (!Array.isArray(batches[0])) return tf.concat(batches as tf.Tensor[], 0);
      return (batches[0] as tf.Tensor[]).map((_, o) =>
        tf.concat(
          batches.map((b) => (b as tf.Tensor[])[o]!),
          0,
        ),
      );
    }),
  );
}
