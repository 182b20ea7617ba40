/**
 * @file TapeEntry: one recorded op as the backward pass (backprop.ts) sees it, a view of its place in
 * a TapeLog (tape-entry.ts), made when a pass runs. Entries know nothing of backprop.
 */

import type * as tf from '@tapeflow/tensor-core/internal';
import type { RecordedOperation, TensorMeta } from './gradients/index.js';
import { PLANS } from './recording-plans.js';
import type { TapeLog } from './tape-entry.js';

/** One recorded op, as the backward pass sees it: a view of its place in a TapeLog. */
export class TapeEntry {
  private flat: TensorMeta[] | null = null;

  constructor(
    private readonly log: TapeLog,
    private readonly index: number,
  ) {}

  /** The recorded op's kernel name, whose gradient is in the table; null for a customGradient op. */
  get kernelName(): tf.RecordedOpName | null {
    const op = this.log.op(this.index);
    return typeof op === 'string' ? op : null;
  }

  /** The input names in order, for a kernel or view op; null for a customGradient op. */
  get inputNames(): readonly string[] | null {
    const name = this.kernelName;
    return name === null ? null : PLANS.get(name)!.names;
  }

  get outputId(): number {
    return this.log.outputId(this.index);
  }

  get outputShape(): readonly number[] {
    return this.log.outputShape(this.index);
  }

  /** The op's name, for messages: the kernel name, or the customGradient op's name. */
  get name(): string {
    const op = this.log.op(this.index);
    return typeof op === 'string' ? op : op.name;
  }

  /** The gradient of a customGradient op; null for a kernel or view op (whose gradient is in the table). */
  get customGradient(): tf.CustomGradientFunction | null {
    const op = this.log.op(this.index);
    return typeof op === 'string' ? null : op.gradient;
  }

  /** The inputs in order (Concat's list spread): their ids, shapes and dtypes. */
  get flatInputs(): readonly TensorMeta[] {
    if (this.flat === null) {
      const flat: TensorMeta[] = [];
      const end = this.log.inputEnd(this.index);
      for (let i = this.log.inputStart(this.index); i < end; i++) flat.push(this.log.meta(i));
      this.flat = flat;
    }
    return this.flat;
  }

  /**
   * The op as its gradient rule reads it: inputs by name, each a handle on its kept buffer if kept
   * (what the definition saves) and metadata otherwise; the attributes; the output, likewise.
   */
  operation(): RecordedOperation {
    const log = this.log;
    const k = this.index;
    const names = this.inputNames ?? [];
    const layout = log.layout(k);
    const inputs: Record<string, TensorMeta | readonly TensorMeta[]> = {};
    let index = log.inputStart(k);
    for (let i = 0; i < names.length; i++) {
      const count = layout?.[i];
      if (count === undefined) {
        inputs[names[i]!] = log.input(index);
        index += 1;
      } else {
        const first = index;
        inputs[names[i]!] = Array.from({ length: count }, (_, j) => log.input(first + j));
        index += count;
      }
    }
    return { inputs, attrs: log.attributes(k), output: log.output(k) };
  }
}
