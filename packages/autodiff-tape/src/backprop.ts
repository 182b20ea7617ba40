/**
 * @file The backward pass, micrograd-style: walk the kept ops from the last to the first; for each op
 * whose output has a gradient, ask its rule for the gradients of the inputs that need one, sum each
 * back to its input's shape, and accumulate (`+=`) when a tensor was used more than once.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { GRADIENTS } from './gradients/index.js';
import type { SavedOperation } from './gradients/index.js';
import type { TapeEntry } from './tape-entry.js';

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
 * many vector-Jacobian products: how jacobians are vectorised).
 * Call it inside a tidy scope: intermediate gradients are left to that scope.
 */
export function backprop(
  entries: readonly TapeEntry[],
  seeds: ReadonlyMap<number, tf.Tensor>,
  needsGradient: (id: number) => boolean,
  batchRank = 0,
): Map<number, tf.Tensor> {
  const gradients = new Map<number, tf.Tensor>(seeds);
  const relevant = relevantEntries(entries, seeds);
  for (let i = entries.length - 1; i >= 0; i--) {
    if (!relevant[i]) continue;
    const entry = entries[i]!;
    const upstream = gradients.get(entry.outputId);
    if (upstream === undefined) continue;
    const inputs = entry.flatInputs;
    const thunks = entry.gradientThunks(upstream, batchRank);
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

/** The gradient thunks of a kernel or view op, in the order of `flatInputs`. */
export function kernelGradientThunks(
  kernelName: tf.RecordedOpName,
  inputNames: readonly string[],
  saved: SavedOperation<tf.RecordedOpName>,
  upstream: tf.Tensor,
  batchRank: number,
): readonly ((() => tf.Tensor) | undefined)[] {
  type AnyRule = (dy: tf.Tensor, op: SavedOperation<tf.RecordedOpName>, batchRank: number) => Record<string, (() => tf.Tensor) | readonly (() => tf.Tensor)[] | undefined>;
  const rule = (GRADIENTS as Partial<Record<string, AnyRule | null>>)[kernelName];
  // A kernel newer than this autodiff-tape (a tensor-core or plugin ahead of it) has no rule here.
  if (rule === undefined) {
    throw new tf.NotFoundError(`gradient: no gradient is registered for op '${kernelName}'; it cannot be differentiated (upgrade @tapeflow/autodiff-tape, or wrap the computation in customGradient).`, kernelName);
  }
  if (rule === null) return [];
  const byName = rule(upstream, saved, batchRank);
  const thunks: ((() => tf.Tensor) | undefined)[] = [];
  for (const name of inputNames) {
    const value = byName[name];
    if (Array.isArray(value)) thunks.push(...(value as (() => tf.Tensor)[]));
    else thunks.push(value as (() => tf.Tensor) | undefined);
  }
  return thunks;
}
