/**
 * @file The backward pass, micrograd-style: walk the kept ops from the last to the first; for each op
 * whose output has a gradient, look its rule up in the gradient table (or take the customGradient
 * op's function), ask it for the gradients of the inputs that need one, sum each back to its input's
 * shape, and accumulate (`+=`) when a tensor was used more than once. Batched cotangents (vectorised
 * jacobians) are handled here: table rules get the `Batch` and are written for it; a user's gradient
 * function, which knows nothing of batches, is called once per cotangent.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { Batch, GRADIENTS } from './gradients/index.js';
import type { GradientTable, TensorMeta } from './gradients/index.js';
import type { TapeEntry } from './tape-entry.js';

type Thunks = readonly ((() => tf.Tensor) | undefined)[];

/**
 * Sums a gradient over the axes its input was broadcast along, back to the input's shape (after
 * `batchRank` leading batch dims, which are kept).
 */
export function sumToShape(gradient: tf.Tensor, shape: readonly number[], batchRank = 0): tf.Tensor {
  const batch = gradient.shape.slice(0, batchRank);
  const target = [...batch, ...shape];
  if (tf.shapesEqual(gradient.shape, target)) return gradient;
  const axes = tf.broadcastReductionAxes(shape, gradient.shape.slice(batchRank)).map((a) => a + batchRank);
  const summed = axes.length === 0 ? gradient : tf.reduceSum(gradient, axes);
  return tf.shapesEqual(summed.shape, target) ? summed : tf.reshape(summed, target);
}

/**
 * Runs the backward pass over `entries` (in recording order) from `seeds` (gradients of tensors by
 * id) and returns the accumulated gradient of every tensor id that `needsGradient` accepts. With
 * `batchRank` > 0 the seeds carry that many leading dims of independent cotangents (one pass computes
 * many vector-Jacobian products: how jacobians are vectorised); every seed has the same batch dims.
 * Call it inside a tidy scope: intermediate gradients are left to that scope.
 */
export function backprop(
  entries: readonly TapeEntry[],
  seeds: ReadonlyMap<number, tf.Tensor>,
  needsGradient: (id: number) => boolean,
  batchRank = 0,
): Map<number, tf.Tensor> {
  const gradients = new Map<number, tf.Tensor>(seeds);
  const firstSeed = seeds.values().next();
  const batch = new Batch(batchRank === 0 || firstSeed.done === true ? [] : firstSeed.value.shape.slice(0, batchRank));
  const relevant = relevantEntries(entries, seeds);
  for (let i = entries.length - 1; i >= 0; i--) {
    if (!relevant[i]) continue;
    const entry = entries[i]!;
    const upstream = gradients.get(entry.outputId);
    if (upstream === undefined) continue;
    const inputs = entry.flatInputs;
    const thunks = gradientThunks(entry, upstream, batch);
    for (let j = 0; j < inputs.length; j++) {
      const input = inputs[j]!;
      const thunk = thunks[j];
      if (thunk === undefined || input.dtype !== 'float32' || !needsGradient(input.id)) continue;
      const gradient = sumToShape(thunk(), input.shape, batchRank);
      const previous = gradients.get(input.id);
      gradients.set(input.id, previous === undefined ? gradient : tf.add(previous, gradient));
    }
  }
  return gradients;
}

/** Marks the entries on some path to a seeded tensor (the only ones worth differentiating). */
function relevantEntries(entries: readonly TapeEntry[], seeds: ReadonlyMap<number, tf.Tensor>): boolean[] {
  const wanted = new Set<number>(seeds.keys());
  const relevant = new Array<boolean>(entries.length).fill(false);
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    if (!wanted.has(entry.outputId)) continue;
    relevant[i] = true;
    for (const input of entry.flatInputs) wanted.add(input.id);
  }
  return relevant;
}

/** The gradient thunks of one entry for `upstream`, in the order of its `flatInputs`. */
function gradientThunks(entry: TapeEntry, upstream: tf.Tensor, batch: Batch): Thunks {
  const custom = entry.customGradient;
  if (custom !== null) {
    const gradients = batch.rank === 0 ? custom(upstream) : customGradientPerSlice(entry, custom, upstream, batch);
    return gradients.map((g) => (g === null ? undefined : () => g));
  }
  if (entry.kernelName === null) return [];
  const definition: GradientTable[tf.RecordedOpName] | undefined = GRADIENTS[entry.kernelName];
  // A kernel newer than this autodiff-tape (a tensor-core or plugin ahead of it) has no entry here.
  if (definition === undefined) {
    throw new tf.NotFoundError(
      `gradient: no gradient is registered for op '${entry.name}'; it cannot be differentiated ` +
        '(upgrade @tapeflow/autodiff-tape, or wrap the computation in customGradient).',
      entry.name,
    );
  }
  if (definition === null) return [];
  const byName = definition.rule(upstream, entry.operation(), batch);
  const thunks: ((() => tf.Tensor) | undefined)[] = [];
  for (const name of entry.inputNames ?? []) {
    const value = byName[name];
    if (value === undefined || typeof value === 'function') thunks.push(value);
    else thunks.push(...value);
  }
  return thunks;
}

/**
 * A user gradient knows nothing of batch dims, so a batched upstream is split into single cotangents,
 * each passed to the user's function, and the results stacked back.
 */
function customGradientPerSlice(
  entry: TapeEntry,
  gradient: tf.CustomGradientFunction,
  upstream: tf.Tensor,
  batch: Batch,
): (tf.Tensor | null)[] {
  const count = tf.sizeFromShape(batch.dims);
  const flat = tf.reshape(upstream, [count, ...entry.outputShape]);
  const perSlice: (tf.Tensor | null)[][] = [];
  for (let i = 0; i < count; i++) {
    const slice = tf.reshape(tf.slice(flat, [i], [1]), entry.outputShape);
    perSlice.push([...gradient(slice)]);
  }
  return entry.flatInputs.map((input: TensorMeta, j) => {
    const parts = perSlice.map((gradients) => gradients[j] ?? null);
    if (parts.every((p) => p === null)) return null;
    const filled = parts.map((p) => tf.expandDims(p === null ? tf.zeros(input.shape) : sumToShape(p, input.shape), 0));
    return tf.reshape(tf.concat(filled, 0), batch.shape(input.shape));
  });
}
