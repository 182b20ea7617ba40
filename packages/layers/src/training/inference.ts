/**
 * @file `evaluate` and `predict`: the model at inference (`training: false`, so Dropout is off) over
 * the data in batches, unrecorded by tapes. `evaluate` averages the loss (regularization penalties
 * included, as Keras) and metrics over every sample (batches weighted by size, as Keras); `predict`
 * concatenates the batches' outputs.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { Layer } from '../layer.js';
import type { Compiled } from './compile.js';
import { MeanTracker, batchValues, checkData, checkTargets, rows, totalLoss } from './data.js';
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
  model: Layer,
  compiled: Compiled,
  x: tf.Tensor,
  y: tf.Tensor,
  batchSize: number,
  onBatch?: (done: number, tracker: MeanTracker) => void,
): Promise<MeanTracker> {
  const samples = x.shape[0]!;
  const tracker = new MeanTracker(compiled);
  for (let start = 0, batch = 0; start < samples; start += batchSize, batch++) {
    const size = Math.min(batchSize, samples - start);
    const values = tf.getEngine().withoutRecording(() =>
      tf.tidy(() => {
        const yb = rows(y, start, size);
        const prediction = model.apply(rows(x, start, size), { training: false });
        return batchValues(compiled, yb, prediction, totalLoss(model, compiled.loss(yb, prediction)));
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
  model: Layer,
  compiled: Compiled,
  x: tf.Tensor,
  y: tf.Tensor,
  options: EvaluateOptions,
): Promise<Record<string, number>> {
  tf.checkOptions('evaluate', options, EVALUATE_RULES);
  checkData('evaluate', x, y);
  const batchSize = options.batchSize ?? 32;
  const verbose = options.verbose ?? 1;
  await checkTargets('evaluate', model, compiled, x, y);
  const steps = Math.ceil(x.shape[0]! / batchSize);
  const bar = new ProgressBar(steps, {
    verbose,
    ...(options.progressStream === undefined ? {} : { stream: options.progressStream }),
  });
  const tracker = await evaluateBatches(model, compiled, x, y, batchSize, (done, t) =>
    bar.update(done, t.entries(), done === steps),
  );
  return tracker.logs();
}

/**
 * The model's outputs for `x` at inference, batch by batch, concatenated. The caller owns the result.
 * @example const logits = predict(model, x, { batchSize: 64 });
 */
export function predict(model: Layer, x: tf.Tensor, options: PredictOptions): tf.Tensor {
  tf.checkOptions('predict', options, PREDICT_RULES);
  const samples = checkData('predict', x, null);
  const batchSize = options.batchSize ?? 32;
  return tf.getEngine().withoutRecording(() =>
    tf.tidy(() => {
      if (samples <= batchSize) return model.apply(x, { training: false });
      const outputs: tf.Tensor[] = [];
      for (let start = 0; start < samples; start += batchSize) {
        outputs.push(model.apply(rows(x, start, Math.min(batchSize, samples - start)), { training: false }));
      }
      return tf.concat(outputs, 0);
    }),
  );
}
