/**
 * @file What `fit`, `evaluate` and `predict` share: checking x and y, cutting batches, the per-batch
 * loss and metric values as one tensor (one read per batch, which matters on asynchronous backends),
 * their running means weighted by batch size (Keras' Mean metrics), and a check of the targets against
 * the loss on one sample before any training starts.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { Layer } from '../layer.js';
import type { Compiled } from './compile.js';

/** Checks that `x` and `y` are live tensors with the same number of samples (> 0); returns it. */
export function checkData(op: string, x: tf.Tensor, y: tf.Tensor | null): number {
  tf.assertLiveTensor(x, op, 'x');
  if (x.rank < 1) tf.invalidArgument(op, 'x', 'a tensor of rank >= 1 ([samples, ...])', 'a scalar');
  const samples = x.shape[0]!;
  if (samples === 0) tf.invalidArgument(op, 'x', 'at least one sample', `shape ${tf.formatShape(x.shape)}`);
  if (y !== null) {
    tf.assertLiveTensor(y, op, 'y');
    if (y.rank < 1) tf.invalidArgument(op, 'y', 'a tensor of rank >= 1 ([samples, ...])', 'a scalar');
    if (y.shape[0] !== samples) {
      tf.invalidArgument(
        op,
        'y',
        `${samples} samples (x's first dimension; shape ${tf.formatShape(x.shape)})`,
        `${y.shape[0]!} (shape ${tf.formatShape(y.shape)})`,
      );
    }
  }
  return samples;
}

/**
 * The compiled loss plus the model's regularization penalties (`model.losses`), as Keras' `fit` and
 * `evaluate` compute the loss they minimise and report. Inside `GradientTape.record`, the penalties
 * are differentiated with the rest.
 */
export function totalLoss(model: Layer, loss: tf.Tensor): tf.Tensor {
  const penalties = model.losses;
  if (penalties.length === 0) return loss;
  return tf.tidy(() => penalties.reduce((sum, penalty) => tf.add(sum, penalty), loss));
}

/** Rows [start, start + size) of `t`. */
export function rows(t: tf.Tensor, start: number, size: number): tf.Tensor {
  return tf.slice(t, start, size);
}

/**
 * The loss and each metric of one batch as a [1 + metrics] tensor of batch means.
 * @example const values = await batchValues(compiled, yb, pred, loss).data(); // [loss, accuracy]
 */
export function batchValues(compiled: Compiled, yTrue: tf.Tensor, yPred: tf.Tensor, loss: tf.Tensor): tf.Tensor {
  return tf.getEngine().withoutRecording(() =>
    tf.tidy(() => {
      const parts = [tf.reshape(loss, [1])];
      for (const metric of compiled.metrics) {
        const value = metric.resolve(yTrue.shape, yPred.shape)(yTrue, yPred);
        if (value.size !== 1)
          tf.invalidArgument(
            'fit',
            `metrics['${metric.name}']`,
            'a metric returning a scalar',
            `shape ${tf.formatShape(value.shape)}`,
          );
        parts.push(tf.reshape(tf.cast(value, 'float32'), [1]));
      }
      return tf.concat(parts, 0);
    }),
  );
}

/** Running means of the loss and metrics over an epoch, each batch weighted by its size. */
export class MeanTracker {
  private readonly names: readonly string[];
  private readonly sums: number[];
  private count = 0;

  constructor(compiled: Compiled) {
    this.names = ['loss', ...compiled.metrics.map((m) => m.name)];
    this.sums = this.names.map(() => 0);
  }

  /** Adds one batch's means. */
  add(values: ArrayLike<number>, batchSize: number): void {
    for (let i = 0; i < this.sums.length; i++) this.sums[i]! += values[i]! * batchSize;
    this.count += batchSize;
  }

  /** The means so far, by name (`prefix` gives `val_loss`). */
  logs(prefix = ''): Record<string, number> {
    const out: Record<string, number> = {};
    this.names.forEach((name, i) => (out[`${prefix}${name}`] = this.sums[i]! / Math.max(this.count, 1)));
    return out;
  }

  /** The means as [name, value] pairs, for the progress bar. */
  entries(prefix = ''): [string, number][] {
    return Object.entries(this.logs(prefix));
  }
}

/**
 * Runs the model and the loss on the first sample, so a target of the wrong shape or dtype fails
 * before training starts (and the model is built); then, for integer-label losses, reads the labels
 * once and checks each is a whole number in [0, classes), as TensorFlow's kernel does.
 */
export async function checkTargets(
  op: string,
  model: Layer,
  compiled: Compiled,
  x: tf.Tensor,
  y: tf.Tensor,
): Promise<void> {
  const classes = tf.getEngine().withoutRecording(() =>
    tf.tidy(() => {
      const xs = rows(x, 0, 1);
      const ys = rows(y, 0, 1);
      const prediction = model.apply(xs, { training: false });
      const loss = compiled.loss(ys, prediction);
      if (!(loss instanceof tf.Tensor) || loss.size !== 1) {
        tf.invalidArgument(op, 'loss', 'a loss returning a scalar Tensor', tf.describeValue(loss));
      }
      return prediction.shape[prediction.rank - 1] ?? 1;
    }),
  );
  if (compiled.lossName !== 'sparseCategoricalCrossentropy') return;
  const labels = await y.data();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new tf.InvalidArgumentError(
        `${op}: argument 'y' holds the label ${label} at sample ${i}, outside the valid range [0, ${classes}) of the model's ${classes} outputs (sparseCategoricalCrossentropy takes integer class indices).`,
        op,
      );
    }
  }
}
