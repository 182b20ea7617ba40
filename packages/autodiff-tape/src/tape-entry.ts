/**
 * @file What a tape keeps of one recorded op: its own handles on the inputs and the output (same ids,
 * shared buffers, so the user may dispose theirs), and how to get the op's gradient thunks.
 */

import * as tf from '@tapeflow/tensor-core';
import { kernelGradientThunks } from './backprop.js';
import type { SavedOperation } from './gradients/index.js';

type Thunks = readonly ((() => tf.Tensor) | undefined)[];

/** One recorded op. */
export class TapeEntry {
  private constructor(
    /** The op's name, for messages. */
    readonly name: string,
    /** Saved handles on the inputs, flattened (Concat's list spread in order). */
    readonly flatInputs: readonly tf.Tensor[],
    /** Saved handle on the output. */
    readonly output: tf.Tensor,
    private readonly thunks: (upstream: tf.Tensor) => Thunks,
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
    return new TapeEntry(record.kernelName, flat, output, (upstream) =>
      kernelGradientThunks(record.kernelName, uniqueNames, saved, upstream),
    );
  }

  /** Saves a customGradient op. */
  static fromCustom(engine: tf.Engine, record: tf.CustomOperationRecord): TapeEntry {
    const flat = record.inputs.map((t) => engine.retain(t));
    const output = engine.retain(record.output);
    return new TapeEntry(record.name, flat, output, (upstream) =>
      record.gradient(upstream).map((g) => (g === null ? undefined : () => g)),
    );
  }

  /** The gradient thunks for `upstream`, one per flat input (undefined: no gradient). */
  gradientThunks(upstream: tf.Tensor): Thunks {
    return this.thunks(upstream);
  }

  /** Releases the saved handles. */
  dispose(): void {
    for (const t of this.flatInputs) t.dispose();
    this.output.dispose();
  }
}
