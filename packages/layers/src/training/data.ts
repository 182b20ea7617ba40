/**
 * @file What `fit`, `evaluate` and `predict` share: checking x and y, cutting batches, the per-batch
 * loss and metric values as one tensor (one read per batch, which matters on asynchronous backends),
 * their running means weighted by batch size (Keras' Mean metrics), and a check of the targets against
 * the loss on one sample before any training starts. x and y are lists here, one tensor per model
 * input and output (a model with one of each has lists of one); `arrangeInputs` / `arrangeTargets`
 * make them from a Tensor, an array or a record by name.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { Layer, LayerInput, LayerOutput } from '../layer.js';
import { arrangeData, checkFeed } from '../functional/functional-model.js';
import type { FunctionalGraph } from '../functional/graph.js';
import type { Compiled } from './compile.js';

/** The model surface the data helpers read: a Model's input / output names and graph. */
export interface DataModel extends Layer<LayerOutput> {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly graph: FunctionalGraph | null;
}

const hasNames = (model: Layer<LayerOutput>): model is DataModel =>
  Array.isArray((model as Partial<DataModel>).inputNames) && Array.isArray((model as Partial<DataModel>).outputNames);

/**
 * `x` as one tensor per model input (by name for a record), checked against a functional model's
 * inputs (shape, dtype) with messages naming the input.
 */
export function arrangeInputs(op: string, model: Layer<LayerOutput>, x: unknown, argument = 'x'): tf.Tensor[] {
  if (!hasNames(model) || model.graph === null) {
    if (!(x instanceof tf.Tensor)) tf.invalidArgument(op, argument, 'a Tensor', tf.describeValue(x));
    return [x];
  }
  const list = arrangeData(op, argument, x, model.inputNames);
  list.forEach((t, i) => tf.assertLiveTensor(t, op, list.length === 1 ? argument : `${argument}[${i}]`));
  checkFeed(op, model.graph, list, argument);
  return list;
}

/** `y` as one tensor per model output (by name for a record). */
export function arrangeTargets(op: string, model: Layer<LayerOutput>, y: unknown, argument = 'y'): tf.Tensor[] {
  if (!hasNames(model) || model.graph === null) {
    if (!(y instanceof tf.Tensor)) tf.invalidArgument(op, argument, 'a Tensor', tf.describeValue(y));
    return [y];
  }
  return arrangeData(op, argument, y, model.outputNames, 'output');
}

/** What `model.apply` takes for a list of inputs: the tensor itself for one. */
export function feed(xs: readonly tf.Tensor[]): LayerInput {
  return xs.length === 1 ? xs[0]! : xs;
}

/** `model.apply`'s result as a list, one per output. */
export function outputList(output: LayerOutput): tf.Tensor[] {
  return Array.isArray(output) ? output : [output];
}

/**
 * Checks that every tensor of `xs` and `ys` is live, of rank >= 1, and that all share one number of
 * samples (> 0), naming the one that differs; returns it. `xNames` / `yNames` label them in messages.
 */
export function checkData(op: string, xs: readonly tf.Tensor[], ys: readonly tf.Tensor[] | null, prefix = ''): number {
  const label = (side: 'x' | 'y', list: readonly tf.Tensor[], i: number): string =>
    `${prefix}${list.length === 1 ? side : `${side}[${i}]`}`;
  let samples = -1;
  let first = '';
  let firstShape: readonly number[] = [];
  const visit = (side: 'x' | 'y', list: readonly tf.Tensor[]): void =>
    list.forEach((t, i) => {
      const name = label(side, list, i);
      tf.assertLiveTensor(t, op, name);
      if (t.rank < 1) tf.invalidArgument(op, name, 'a tensor of rank >= 1 ([samples, ...])', 'a scalar');
      if (samples === -1) {
        samples = t.shape[0]!;
        first = name;
        firstShape = t.shape;
        if (samples === 0) tf.invalidArgument(op, name, 'at least one sample', `shape ${tf.formatShape(t.shape)}`);
      } else if (t.shape[0] !== samples) {
        tf.invalidArgument(
          op,
          name,
          `${samples} samples (${first}'s first dimension; shape ${tf.formatShape(firstShape)}): every array must have as many samples`,
          `${t.shape[0]!} (shape ${tf.formatShape(t.shape)})`,
        );
      }
    });
  visit('x', xs);
  if (ys !== null) visit('y', ys);
  return samples;
}

/**
 * The compiled loss over every output (each weighted by its `lossWeights` entry) and the per-output
 * losses (unweighted, as the history reports them).
 */
export function compiledLoss(
  compiled: Compiled,
  ys: readonly tf.Tensor[],
  predictions: readonly tf.Tensor[],
): { total: tf.Tensor; perOutput: tf.Tensor[] } {
  const perOutput = compiled.outputs.map((output, i) => {
    const loss = output.loss(ys[i]!, predictions[i]!);
    if (!(loss instanceof tf.Tensor) || loss.size !== 1)
      tf.invalidArgument('fit', 'loss', 'a loss returning a scalar Tensor', tf.describeValue(loss));
    return loss;
  });
  if (perOutput.length === 1 && compiled.outputs[0]!.weight === 1) return { total: perOutput[0]!, perOutput };
  const total = perOutput
    .map((loss, i) => tf.mul(loss, compiled.outputs[i]!.weight))
    .reduce((sum, loss) => tf.add(sum, loss));
  return { total, perOutput };
}

/**
 * The compiled loss plus the model's regularization penalties (`model.losses`), as Keras' `fit` and
 * `evaluate` compute the loss they minimise and report. Inside `GradientTape.record`, the penalties
 * are differentiated with the rest.
 */
export function totalLoss(model: Layer<LayerOutput>, loss: tf.Tensor): tf.Tensor {
  const penalties = model.losses;
  if (penalties.length === 0) return loss;
  return tf.tidy(() => penalties.reduce((sum, penalty) => tf.add(sum, penalty), loss));
}

/** Rows [start, start + size) of `t`. */
export function rows(t: tf.Tensor, start: number, size: number): tf.Tensor {
  return tf.slice(t, start, size);
}

/**
 * The loss (and, for several outputs, each output's loss) and each metric of one batch as one tensor
 * of batch means, in `compiled.valueNames` order.
 * @example const values = await batchValues(compiled, [yb], [pred], loss, [loss]).data(); // [loss, accuracy]
 */
export function batchValues(
  compiled: Compiled,
  yTrue: readonly tf.Tensor[],
  yPred: readonly tf.Tensor[],
  loss: tf.Tensor,
  outputLosses: readonly tf.Tensor[],
): tf.Tensor {
  return tf.getEngine().withoutRecording(() =>
    tf.tidy(() => {
      const parts = [tf.reshape(loss, [1])];
      if (compiled.outputs.length > 1) for (const l of outputLosses) parts.push(tf.reshape(l, [1]));
      compiled.outputs.forEach((output, o) => {
        for (const metric of output.metrics) {
          const value = metric.resolve(yTrue[o]!.shape, yPred[o]!.shape)(yTrue[o]!, yPred[o]!);
          if (value.size !== 1)
            tf.invalidArgument(
              'fit',
              `metrics['${metric.name}']`,
              'a metric returning a scalar',
              `shape ${tf.formatShape(value.shape)}`,
            );
          parts.push(tf.reshape(tf.cast(value, 'float32'), [1]));
        }
      });
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
    this.names = compiled.valueNames;
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
  model: Layer<LayerOutput>,
  compiled: Compiled,
  xs: readonly tf.Tensor[],
  ys: readonly tf.Tensor[],
): Promise<void> {
  const classes = tf.getEngine().withoutRecording(() =>
    tf.tidy(() => {
      const predictions = outputList(model.apply(feed(xs.map((x) => rows(x, 0, 1))), { training: false }));
      if (predictions.length !== compiled.outputs.length)
        tf.invalidArgument(
          op,
          'model',
          `${compiled.outputs.length} output(s), as compiled`,
          `${predictions.length} output(s) from the model`,
        );
      compiled.outputs.forEach((output, i) => {
        const loss = output.loss(rows(ys[i]!, 0, 1), predictions[i]!);
        if (!(loss instanceof tf.Tensor) || loss.size !== 1) {
          tf.invalidArgument(op, 'loss', 'a loss returning a scalar Tensor', tf.describeValue(loss));
        }
      });
      return predictions.map((p) => p.shape[p.rank - 1] ?? 1);
    }),
  );
  for (let o = 0; o < compiled.outputs.length; o++) {
    if (compiled.outputs[o]!.lossName !== 'sparseCategoricalCrossentropy') continue;
    const labels = await ys[o]!.data();
    const count = classes[o]!;
    const argument = ys.length === 1 ? 'y' : `y[${o}]`;
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i]!;
      if (!Number.isInteger(label) || label < 0 || label >= count) {
        throw new tf.InvalidArgumentError(
          `${op}: argument '${argument}' holds the label ${label} at sample ${i}, outside the valid range [0, ${count}) of the model's ${count} outputs (sparseCategoricalCrossentropy takes integer class indices).`,
          op,
        );
      }
    }
  }
}
