/**
 * @file What a tape keeps of one recorded op: its own handles on the inputs and the output (same ids,
 * shared buffers, so the user may dispose theirs), and how to get the op's gradient thunks.
 */

import * as tf from '@tapeflow/tensor-core';
import { kernelGradientThunks, sumToShape } from './backprop.js';
import type { SavedOperation } from './gradients/index.js';

type Thunks = readonly ((() => tf.Tensor) | undefined)[];
type ThunkMaker = (upstream: tf.Tensor, batchRank: number) => Thunks;

/** One recorded op. */
export class TapeEntry {
  private constructor(
    /** The op's name, for messages. */
    readonly name: string,
    /** Saved handles on the inputs, flattened (Concat's list spread in order). */
    readonly flatInputs: readonly tf.Tensor[],
    /** Saved handle on the output. */
    readonly output: tf.Tensor,
    private readonly thunks: ThunkMaker,
  ) {}

  /** Saves a kernel or view op. */
  static fromKernel(engine: tf.Engine, record: tf.OperationRecord): TapeEntry {
    const savedInputs: Record<string, tf.Tensor | readonly tf.Tensor[]> = {};
    const flat: tf.Tensor[] = [];
    const names: string[] = [];
    const inputs = record.inputs as Readonly<Record<string, tf.Tensor | readonly tf.Tensor[]>>;
    for (const name in inputs) {
      const value = inputs[name]!;
      if (value instanceof tf.Tensor) {
        const saved = engine.retain(value);
        savedInputs[name] = saved;
        flat.push(saved);
        names.push(name);
      } else {
        const list = value.map((t) => engine.retain(t));
        savedInputs[name] = list;
        for (const t of list) {
          flat.push(t);
          names.push(name);
        }
      }
    }
    const output = engine.retain(record.output);
    const saved = { inputs: savedInputs, attrs: record.attrs, output } as unknown as SavedOperation<tf.RecordedOpName>;
    const uniqueNames = [...new Set(names)];
    return new TapeEntry(record.kernelName, flat, output, (upstream, batchRank) =>
      kernelGradientThunks(record.kernelName, uniqueNames, saved, upstream, batchRank),
    );
  }

  /** Saves a customGradient op. */
  static fromCustom(engine: tf.Engine, record: tf.CustomOperationRecord): TapeEntry {
    const flat = record.inputs.map((t) => engine.retain(t));
    const output = engine.retain(record.output);
    return new TapeEntry(record.name, flat, output, (upstream, batchRank) => {
      const gradients = batchRank === 0 ? record.gradient(upstream) : customGradientPerSlice(record, flat, upstream, batchRank);
      return gradients.map((g) => (g === null ? undefined : () => g));
    });
  }

  /** The gradient thunks for `upstream` (with `batchRank` batch dims), one per flat input. */
  gradientThunks(upstream: tf.Tensor, batchRank: number): Thunks {
    return this.thunks(upstream, batchRank);
  }

  /** Releases the saved handles. */
  dispose(): void {
    for (const t of this.flatInputs) t.dispose();
    this.output.dispose();
  }
}

/**
 * A user gradient knows nothing of batch dims, so a batched upstream is split into single cotangents,
 * each passed to the user's function, and the results stacked back.
 */
function customGradientPerSlice(
  record: tf.CustomOperationRecord,
  inputs: readonly tf.Tensor[],
  upstream: tf.Tensor,
  batchRank: number,
): (tf.Tensor | null)[] {
  const batch = upstream.shape.slice(0, batchRank);
  const count = tf.sizeFromShape(batch);
  const flat = tf.reshape(upstream, [count, ...record.output.shape]);
  const perSlice: (tf.Tensor | null)[][] = [];
  for (let i = 0; i < count; i++) {
    const slice = tf.reshape(tf.slice(flat, [i], [1]), record.output.shape);
    perSlice.push([...record.gradient(slice)]);
  }
  return inputs.map((input, j) => {
    const parts = perSlice.map((gradients) => gradients[j] ?? null);
    if (parts.every((p) => p === null)) return null;
    const filled = parts.map((p) => tf.expandDims(p === null ? tf.zeros(input.shape) : sumToShape(p, input.shape), 0));
    return tf.reshape(tf.concat(filled, 0), [...batch, ...input.shape]);
  });
}
