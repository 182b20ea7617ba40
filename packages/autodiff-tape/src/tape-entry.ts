/**
 * @file What a tape keeps of the ops it recorded, in one representation for kernels, view ops and
 * customGradient ops: per op its name (or the customGradient record), attributes and output metadata;
 * per input its metadata; and the buffers of only the values a gradient reads (for a kernel or view op,
 * what its gradient definition `saves`; for a customGradient op, everything).
 *
 * Recording is on every op's path, so the log is a set of parallel arrays (TapeLog) that recording
 * only appends to: no object per op or per input, nothing allocated for the common op, and equal
 * shapes in a row share one array. Everything a tape keeps lives until its gradient, so every object
 * kept costs the collector again on each pass; the arrays cost it once each. The backward pass
 * (backprop.ts) reads the log through TapeEntry views, made when it runs; entries know nothing of
 * backprop.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { GRADIENTS } from './gradients/index.js';
import type { GradientTable, RecordedOperation, TensorMeta } from './gradients/index.js';

type InputRecord = Readonly<Record<string, tf.Tensor | readonly tf.Tensor[]>>;

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

/** What an op with no attributes keeps (front-ends pass a fresh `{}` each call). */
const NO_ATTRS: Readonly<Record<string, never>> = Object.freeze({});

/** Whether `attrs` has an own or inherited enumerable key. */
function hasKeys(attrs: object): boolean {
  for (const _ in attrs) return true;
  return false;
}

/**
 * Everything a tape recorded, op after op, in parallel arrays. Per op (index k): `ops[k]` is the
 * kernel name or the customGradient record, and its inputs' metadata are at [inputStart(k),
 * inputEnds[k]) of the per-input arrays, in the op's input-name order with lists (Concat's) spread.
 * The log holds the buffers in `saved` and `savedOutputs` until `release`.
 */
export class TapeLog {
  // ---- per op
  readonly ops: (tf.RecordedOpName | tf.CustomOperationRecord)[] = [];
  readonly attrs: unknown[] = [];
  readonly outputIds: number[] = [];
  readonly outputShapes: (readonly number[])[] = [];
  readonly outputDtypes: tf.DataType[] = [];
  /** The output's buffer when the gradient reads it, else null. */
  readonly savedOutputs: (tf.Storage | null)[] = [];
  /** One past the op's last input in the per-input arrays. */
  readonly inputEnds: number[] = [];
  /** How many tensors each input name covers, for the ops with a list input (by op index). */
  private layouts: Map<number, readonly number[]> | null = null;
  // ---- per input
  readonly ids: number[] = [];
  readonly shapes: (readonly number[])[] = [];
  readonly dtypes: tf.DataType[] = [];
  /** The input's buffer when the gradient reads it, else null. */
  readonly saved: (tf.Storage | null)[] = [];
  /** The shape last kept: an equal one is kept as this same array. */
  private lastShape: readonly number[] = [];
  /** Views made for backward passes, one per op recorded before the last pass. */
  private views: TapeEntry[] = [];

  constructor(readonly engine: tf.Engine) {}

  /** How many ops are recorded. */
  get size(): number {
    return this.outputIds.length;
  }

  /**
   * Records a kernel or view op, holding (without handles) the buffers its gradient reads: the user
   * may dispose their tensors, and a Variable keeps the value it had when the op read it.
   */
  recordKernel(record: tf.OperationRecord): void {
    const plan = planOf(record);
    const inputs = record.inputs as InputRecord;
    const names = plan.names;
    const saves = plan.savesInput;
    let layout: number[] | null = null;
    for (let i = 0; i < names.length; i++) {
      const value = inputs[names[i]!]!;
      const save = saves !== null && saves[i]!;
      if (value instanceof tf.Tensor) {
        this.pushInput(value, save);
        if (layout !== null) layout.push(1);
      } else {
        layout ??= new Array<number>(i).fill(1);
        layout.push(value.length);
        for (let j = 0; j < value.length; j++) this.pushInput(value[j]!, save);
      }
    }
    if (layout !== null) (this.layouts ??= new Map()).set(this.ops.length, layout);
    this.ops.push(record.kernelName);
    this.attrs.push(hasKeys(record.attrs) ? record.attrs : NO_ATTRS);
    this.pushOutput(record.output, plan.savesOutput);
  }

  /** Records a customGradient op: the user's gradient may read anything, so every value is kept. */
  recordCustom(record: tf.CustomOperationRecord): void {
    const inputs = record.inputs;
    for (let i = 0; i < inputs.length; i++) this.pushInput(inputs[i]!, true);
    this.ops.push(record);
    this.attrs.push(null);
    this.pushOutput(record.output, true);
  }

  /** Views of the recorded ops, in recording order, for a backward pass. */
  entries(): readonly TapeEntry[] {
    const views = this.views;
    for (let k = views.length; k < this.size; k++) views.push(new TapeEntry(this, k));
    return views;
  }

  /** Gives back every buffer held. The log keeps its metadata; the tape drops it afterwards. */
  release(): void {
    const engine = this.engine;
    for (const storage of this.saved) if (storage !== null) engine.releaseStorage(storage);
    for (const storage of this.savedOutputs) if (storage !== null) engine.releaseStorage(storage);
    this.saved.length = 0;
    this.savedOutputs.length = 0;
  }

  /** Where op `k`'s inputs start in the per-input arrays. */
  inputStart(k: number): number {
    return k === 0 ? 0 : this.inputEnds[k - 1]!;
  }

  /** Op `k`'s count of tensors per input name, when one of its inputs is a list; else null. */
  layout(k: number): readonly number[] | null {
    return this.layouts?.get(k) ?? null;
  }

  /** Metadata of the input at flat position `index`. */
  meta(index: number): TensorMeta {
    const shape = this.shapes[index]!;
    return { id: this.ids[index]!, shape, dtype: this.dtypes[index]!, rank: shape.length };
  }

  private pushInput(t: tf.Tensor, save: boolean): void {
    this.ids.push(t.id);
    this.shapes.push(this.shapeOf(t.shape));
    this.dtypes.push(t.dtype);
    this.saved.push(save ? this.engine.holdStorage(t) : null);
  }

  private pushOutput(output: tf.Tensor, save: boolean): void {
    this.outputIds.push(output.id);
    this.outputShapes.push(this.shapeOf(output.shape));
    this.outputDtypes.push(output.dtype);
    this.savedOutputs.push(save ? this.engine.holdStorage(output) : null);
    this.inputEnds.push(this.ids.length);
  }

  /** `shape`, or the shape last kept when equal to it (so a run of same-shape ops keeps one array). */
  private shapeOf(shape: readonly number[]): readonly number[] {
    const last = this.lastShape;
    const rank = shape.length;
    if (rank === last.length) {
      let i = 0;
      while (i < rank && shape[i] === last[i]) i++;
      if (i === rank) return last;
    }
    this.lastShape = shape;
    return shape;
  }
}

/** One recorded op, as the backward pass sees it: a view of its place in a TapeLog. */
export class TapeEntry {
  private flat: TensorMeta[] | null = null;

  constructor(
    private readonly log: TapeLog,
    private readonly index: number,
  ) {}

  /** The recorded op's kernel name, whose gradient is in the table; null for a customGradient op. */
  get kernelName(): tf.RecordedOpName | null {
    const op = this.log.ops[this.index]!;
    return typeof op === 'string' ? op : null;
  }

  /** The input names in order, for a kernel or view op; null for a customGradient op. */
  get inputNames(): readonly string[] | null {
    const name = this.kernelName;
    return name === null ? null : PLANS.get(name)!.names;
  }

  get outputId(): number {
    return this.log.outputIds[this.index]!;
  }

  get outputShape(): readonly number[] {
    return this.log.outputShapes[this.index]!;
  }

  /** The op's name, for messages: the kernel name, or the customGradient op's name. */
  get name(): string {
    const op = this.log.ops[this.index]!;
    return typeof op === 'string' ? op : op.name;
  }

  /** The gradient of a customGradient op; null for a kernel or view op (whose gradient is in the table). */
  get customGradient(): tf.CustomGradientFunction | null {
    const op = this.log.ops[this.index]!;
    return typeof op === 'string' ? null : op.gradient;
  }

  /** The inputs in order (Concat's list spread): their ids, shapes and dtypes. */
  get flatInputs(): readonly TensorMeta[] {
    if (this.flat === null) {
      const flat: TensorMeta[] = [];
      const end = this.log.inputEnds[this.index]!;
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
        inputs[names[i]!] = this.input(index);
        index += 1;
      } else {
        const first = index;
        inputs[names[i]!] = Array.from({ length: count }, (_, j) => this.input(first + j));
        index += count;
      }
    }
    const storage = log.savedOutputs[k] ?? null;
    const id = log.outputIds[k]!;
    const shape = log.outputShapes[k]!;
    const dtype = log.outputDtypes[k]!;
    const output: TensorMeta =
      storage !== null ? log.engine.handleOn(storage, id, shape, dtype) : { id, shape, dtype, rank: shape.length };
    return { inputs, attrs: log.attrs[k], output };
  }

  /** The input at flat position `index`: a handle on its kept buffer if kept, else metadata. */
  private input(index: number): TensorMeta {
    const log = this.log;
    const storage = log.saved[index] ?? null;
    if (storage === null) return log.meta(index);
    return log.engine.handleOn(storage, log.ids[index]!, log.shapes[index]!, log.dtypes[index]!);
  }
}
