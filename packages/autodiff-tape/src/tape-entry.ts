/**
 * @file What a tape keeps of one recorded op, in one representation for kernels, view ops and
 * customGradient ops: the op's name, its inputs' metadata (in the tape's InputLog), its attributes,
 * its output's metadata, and the buffers of only the values its gradient reads (for a kernel or view
 * op, what its gradient definition `saves`; for a customGradient op, everything). The backward pass
 * (backprop.ts) reads entries; entries know nothing of backprop.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { GRADIENTS } from './gradients/index.js';
import type { GradientTable, RecordedOperation, TensorMeta } from './gradients/index.js';

type InputRecord = Readonly<Record<string, tf.Tensor | readonly tf.Tensor[]>>;

/**
 * The metadata of every input a tape recorded, in parallel arrays shared by the tape's entries. While a
 * tape records, everything it keeps lives until its gradient, so it keeps as few objects as it can:
 * no per-input object, and no reference to the tensors themselves (whose buffers may be large).
 */
export class InputLog {
  readonly ids: number[] = [];
  readonly shapes: (readonly number[])[] = [];
  readonly dtypes: tf.DataType[] = [];

  /**
   * Appends the inputs of a record in `names` order. Returns how many tensors each name covers when
   * some input is a list (Concat's), else null (one each: the common case allocates nothing).
   */
  append(inputs: InputRecord, names: readonly string[]): number[] | null {
    let layout: number[] | null = null;
    for (let i = 0; i < names.length; i++) {
      const value = inputs[names[i]!]!;
      if (value instanceof tf.Tensor) {
        this.push(value);
        if (layout !== null) layout.push(1);
      } else {
        layout ??= new Array<number>(i).fill(1);
        layout.push(value.length);
        for (const t of value) this.push(t);
      }
    }
    return layout;
  }

  push(t: tf.Tensor): void {
    this.ids.push(t.id);
    this.shapes.push(t.shape);
    this.dtypes.push(t.dtype);
  }

  meta(index: number): TensorMeta {
    const shape = this.shapes[index]!;
    return { id: this.ids[index]!, shape, dtype: this.dtypes[index]!, rank: shape.length };
  }
}

/** How the tape records one op, worked out on its first record (every record of an op has the same keys). */
interface RecordingPlan {
  /** The input names, in the record's order. */
  readonly names: readonly string[];
  /** Per name, whether the definition saves its value; null when it saves none. */
  readonly savesInput: readonly boolean[] | null;
  /** Whether the definition saves the output's value. */
  readonly savesOutput: boolean;
}

const PLANS = new Map<string, RecordingPlan>();

function planOf(record: tf.OperationRecord): RecordingPlan {
  let plan = PLANS.get(record.kernelName);
  if (plan === undefined) {
    const names = Object.keys(record.inputs);
    // Null: TensorFlow's non-differentiable ops keep nothing. Undefined: an op newer than this
    // package's table keeps everything, so that its missing gradient is reported, not a crash.
    const definition: GradientTable[tf.RecordedOpName] | undefined = GRADIENTS[record.kernelName];
    const saved: readonly string[] | undefined =
      definition === undefined ? undefined : (definition?.saves.inputs ?? []);
    const mask = names.map((name) => saved === undefined || saved.includes(name));
    const savesOutput = definition === undefined || (definition?.saves.output ?? false);
    plan = { names, savesInput: mask.some(Boolean) ? mask : null, savesOutput };
    PLANS.set(record.kernelName, plan);
  }
  return plan;
}

/** One recorded op, as the backward pass sees it. */
export class TapeEntry {
  /** The recorded op's kernel name, whose gradient is in the table; null for a customGradient op. */
  readonly kernelName: tf.RecordedOpName | null;
  /** A customGradient op (its name and the user's gradient); null for a kernel or view op. */
  private readonly custom: tf.CustomOperationRecord | null;
  /** The input names in order, for a kernel or view op; null for a customGradient op. */
  readonly inputNames: readonly string[] | null;
  readonly outputId: number;
  readonly outputShape: readonly number[];
  private readonly outputDtype: tf.DataType;
  private readonly attrs: unknown;
  /** The inputs' metadata are at [start, end) of `log`, in `inputNames` order with lists spread. */
  private readonly start: number;
  private readonly end: number;
  /** How many tensors each input name covers when one is a list (Concat's); else null. */
  private readonly layout: readonly number[] | null;
  /** Buffers of saved inputs by flat input position (relative to `start`); null when none is saved. */
  private readonly savedInputs: (tf.Storage | undefined)[] | null;
  private readonly savedOutput: tf.Storage | null;
  private flat: TensorMeta[] | null = null;

  /**
   * Records `record` into `log`, holding (without handles) the buffers the gradient reads: the user may
   * dispose their tensors, and a Variable keeps the value it had when the op read it.
   */
  constructor(
    private readonly engine: tf.Engine,
    private readonly log: InputLog,
    record: tf.OperationRecord | tf.CustomOperationRecord,
  ) {
    this.start = log.ids.length;
    const { output } = record;
    this.outputId = output.id;
    this.outputShape = output.shape;
    this.outputDtype = output.dtype;
    let savedInputs: (tf.Storage | undefined)[] | null = null;
    if ('kernelName' in record) {
      const plan = planOf(record);
      const inputs = record.inputs as InputRecord;
      this.kernelName = record.kernelName;
      this.custom = null;
      this.inputNames = plan.names;
      this.attrs = record.attrs;
      this.layout = log.append(inputs, plan.names);
      const saves = plan.savesInput;
      if (saves !== null) {
        savedInputs = [];
        let index = 0;
        for (let i = 0; i < saves.length; i++) {
          const value = inputs[plan.names[i]!]!;
          if (value instanceof tf.Tensor) savedInputs[index++] = saves[i] ? engine.holdStorage(value) : undefined;
          else for (const t of value) savedInputs[index++] = saves[i] ? engine.holdStorage(t) : undefined;
        }
      }
      this.savedOutput = plan.savesOutput ? engine.holdStorage(output) : null;
    } else {
      // The user's gradient may read anything: every input and the output are kept.
      this.kernelName = null;
      this.custom = record;
      this.inputNames = null;
      this.attrs = null;
      this.layout = null;
      savedInputs = record.inputs.map((t) => {
        log.push(t);
        return engine.holdStorage(t);
      });
      this.savedOutput = engine.holdStorage(output);
    }
    this.savedInputs = savedInputs;
    this.end = log.ids.length;
  }

  /** The op's name, for messages: the kernel name, or the customGradient op's name. */
  get name(): string {
    return this.kernelName ?? this.custom?.name ?? 'CustomGradient';
  }

  /** The gradient of a customGradient op; null for a kernel or view op (whose gradient is in the table). */
  get customGradient(): tf.CustomGradientFunction | null {
    return this.custom?.gradient ?? null;
  }

  /** The inputs in order (Concat's list spread): their ids, shapes and dtypes. */
  get flatInputs(): readonly TensorMeta[] {
    if (this.flat === null) {
      const flat: TensorMeta[] = [];
      for (let i = this.start; i < this.end; i++) flat.push(this.log.meta(i));
      this.flat = flat;
    }
    return this.flat;
  }

  /**
   * The op as its gradient rule reads it: inputs by name, each a handle on its kept buffer if kept
   * (what the definition saves) and metadata otherwise; the attributes; the output, likewise.
   */
  operation(): RecordedOperation {
    const names = this.inputNames ?? [];
    const inputs: Record<string, TensorMeta | readonly TensorMeta[]> = {};
    let index = this.start;
    for (let i = 0; i < names.length; i++) {
      const count = this.layout?.[i];
      if (count === undefined) {
        inputs[names[i]!] = this.input(index);
        index += 1;
      } else {
        const first = index;
        inputs[names[i]!] = Array.from({ length: count }, (_, k) => this.input(first + k));
        index += count;
      }
    }
    const output: TensorMeta =
      this.savedOutput !== null
        ? this.engine.handleOn(this.savedOutput, this.outputId, this.outputShape, this.outputDtype)
        : { id: this.outputId, shape: this.outputShape, dtype: this.outputDtype, rank: this.outputShape.length };
    return { inputs, attrs: this.attrs, output };
  }

  /** Releases the kept buffers. */
  dispose(): void {
    if (this.savedInputs !== null) {
      for (const storage of this.savedInputs) if (storage !== undefined) this.engine.releaseStorage(storage);
    }
    if (this.savedOutput !== null) this.engine.releaseStorage(this.savedOutput);
  }

  /** The input at flat position `index`: a handle on its kept buffer if kept, else metadata. */
  private input(index: number): TensorMeta {
    const storage = this.savedInputs?.[index - this.start];
    if (storage === undefined) return this.log.meta(index);
    return this.engine.handleOn(storage, this.log.ids[index]!, this.log.shapes[index]!, this.log.dtypes[index]!);
  }
}
