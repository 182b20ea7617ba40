/**
 * @file The backward pass behind `gradient`, `jacobian` and `batchJacobian`, apart from
 * GradientTape's class (which keeps recording, the per-op path): seeds each chunk of cotangent rows,
 * backpropagates through the tape's entries and assembles one gradient per source. Runs once per
 * call, never per recorded op.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { backprop } from './backprop.js';
import type { TapeEntry } from './tape-entry.js';

/** Cotangent rows per backward pass, in elements of the seed: bounds a jacobian's peak memory. */
const JACOBIAN_CHUNK_ELEMENTS = 1 << 20;

/** How one `gradient`, `jacobian` or `batchJacobian` call runs the backward pass. */
export interface BackwardPlan {
  readonly sourceList: readonly tf.Tensor[];
  /** 0 for `gradient` (one seed), 1 when the seeds carry a leading batch of cotangent rows. */
  readonly batchRank: number;
  readonly unconnected: 'none' | 'zero';
  /** The seeds, by tensor id, for rows [from, to) of the cotangent batch. */
  readonly makeSeeds: (rows: readonly [number, number]) => Map<number, tf.Tensor>;
  /** Cotangent rows in all (1 for `gradient`). */
  readonly count?: number;
  /** Turns a source's concatenated gradient rows into its result. */
  readonly finish?: (gradient: tf.Tensor, source: tf.Tensor) => tf.Tensor;
  /** The shape of an unconnected source's zeros. */
  readonly zeroShape?: (source: tf.Tensor) => number[];
}

/**
 * Per source its gradient (assembled by `finish`), zeros of `zeroShape` or null when unconnected.
 * Call it inside a tidy scope: the intermediate seeds and gradients are left to that scope.
 */
export function backwardPass(
  entries: readonly TapeEntry[],
  isTracked: (id: number) => boolean,
  plan: BackwardPlan,
): (tf.Tensor | null)[] {
  const { sourceList, batchRank, unconnected, makeSeeds, count = 1 } = plan;
  const finish = plan.finish ?? ((g: tf.Tensor) => g);
  const zeroShape = plan.zeroShape ?? ((s: tf.Tensor) => s.shape);
  if (batchRank !== 0 && count === 0) {
    // A zero-size target has a Jacobian with no elements: a zero-size tensor, not a missing one.
    return sourceList.map((s) => (s.dtype === 'float32' || unconnected === 'zero' ? tf.zeros(zeroShape(s)) : null));
  }
  const chunk = batchRank === 0 ? 1 : Math.max(1, Math.floor(JACOBIAN_CHUNK_ELEMENTS / Math.max(count, 1)));
  const parts: (tf.Tensor | undefined)[][] = sourceList.map(() => []);
  for (let start = 0; start < Math.max(count, batchRank === 0 ? 1 : 0); start += chunk) {
    const rows = [start, Math.min(count, start + chunk)] as const;
    const seeds = makeSeeds(rows);
    const gradients = seeds.size === 0 ? seeds : backprop(entries, seeds, isTracked, batchRank);
    sourceList.forEach((s, i) => parts[i]!.push(s.dtype === 'float32' ? gradients.get(s.id) : undefined));
  }
  return sourceList.map((s, i) => {
    const pieces = parts[i]!;
    if (pieces.length === 0 || pieces.every((p) => p === undefined)) {
      return unconnected === 'zero' ? tf.zeros(zeroShape(s)) : null;
    }
    if (batchRank === 0) return pieces[0]!;
    const filled = pieces.map((p, k) => p ?? tf.zeros([Math.min(count, (k + 1) * chunk) - k * chunk, ...s.shape]));
    return finish(filled.length === 1 ? filled[0]! : tf.concat(filled, 0), s);
  });
}

/**
 * Distinct, fresh handles for the caller: a gradient may be a user's tensor (an output gradient
 * passed through, made before `firstNewId`) or the same tensor for two sources.
 */
export function freshHandles(results: readonly (tf.Tensor | null)[], firstNewId: number): (tf.Tensor | null)[] {
  const seen = new Set<tf.Tensor>();
  return results.map((g) => {
    if (g === null) return null;
    if (g.id < firstNewId || seen.has(g)) return tf.reshape(g, g.shape);
    seen.add(g);
    return g;
  });
}
