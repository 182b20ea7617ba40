/**
 * @file What a tape keeps of one recorded op: the op's metadata, its own handles on the values the
 * gradient needs (same ids, shared buffers, so the user may dispose theirs), and how to get the op's
 * gradient thunks.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { kernelGradientThunks, sumToShape } from './backprop.js';
import type { SavedOperation } from './gradients/index.js';
import { SAVES } from './gradients/saves.js';
import type { SavedValues } from './gradients/saves.js';

type Thunks = readonly ((() => tf.Tensor) | undefined)[];

/** What the backward pass needs of a tensor it does not hold: id, shape and dtype. */
export interface TensorMeta {
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: tf.DataType;
  readonly rank: number;
}

/** One recorded op, as the backward pass sees it. */
export interface TapeEntry {
  /** The op's name, for messages. */
  readonly name: string;
  /** The inputs in order (Concat's list spread): their ids, shapes and dtypes. */
  readonly flatInputs: readonly TensorMeta[];
  /** The output's id. */
  readonly outputId: number;
  /** The gradient thunks for `upstream` (with `batchRank` batch dims), one per flat input. */
  gradientThunks(upstream: tf.Tensor, batchRank: number): Thunks;
  /** Releases the saved handles. */
  dispose(): void;
}

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
    names.forEach((name, i) => {
      const value = inputs[name]!;
      if (value instanceof tf.Tensor) {
        this.push(value);
        if (layout !== null) layout.push(1);
      } else {
        layout ??= new Array<number>(i).fill(1);
        layout.push(value.length);
        for (const t of value) this.push(t);
      }
    });
    return layout;
  }

  private push(t: tf.Tensor): void {
    this.ids.push(t.id);
    this.shapes.push(t.shape);
    this.dtypes.push(t.dtype);
  }

  meta(index: number): TensorMeta {
    const shape = this.shapes[index]!;
    return { id: this.ids[index]!, shape, dtype: this.dtypes[index]!, rank: shape.length };
  }
}

/** Input names per op, computed once (every record of one op has the same keys). */
const INPUT_NAMES = new Map<string, readonly string[]>();

function inputNames(kernelName: string, inputs: InputRecord): readonly string[] {
  let names = INPUT_NAMES.get(kernelName);
  if (names === undefined) {
    names = Object.keys(inputs);
    INPUT_NAMES.set(kernelName, names);
  }
  return names;
}

/**
 * A kernel or view op: its metadata (in the tape's InputLog) and the buffers of only the values its
 * gradient rule reads (`SAVES`), held without handles (a tape records every op, so it keeps as few
 * objects as it can). The user may dispose their tensors, and a Variable keeps the value it had when
 * the op read it. The backward pass makes short-lived handles on the held buffers.
 */
class KernelEntry implements TapeEntry {
  private flat: TensorMeta[] | null = null;

  constructor(
    private readonly engine: tf.Engine,
    private readonly log: InputLog,
    private readonly start: number,
    private readonly end: number,
    private readonly kernelName: tf.RecordedOpName,
    private readonly attrs: unknown,
    readonly outputId: number,
    private readonly outputShape: readonly number[],
    private readonly outputDtype: tf.DataType,
    /** Held buffers by flat input position (relative to `start`); null when the rule reads no input. */
    private readonly savedInputs: (tf.Storage | undefined)[] | null,
    private readonly savedOutput: tf.Storage | null,
    private readonly layout: readonly number[] | null,
  ) {}

  get name(): string {
    return this.kernelName;
  }

  get flatInputs(): readonly TensorMeta[] {
    if (this.flat === null) {
      const flat: TensorMeta[] = [];
      for (let i = this.start; i < this.end; i++) flat.push(this.log.meta(i));
      this.flat = flat;
    }
    return this.flat;
  }

  /** The input at flat position `index`: a handle on its held buffer if saved, else metadata. */
  private input(index: number): TensorMeta | tf.Tensor {
    const storage = this.savedInputs?.[index - this.start];
    if (storage === undefined) return this.log.meta(index);
    return this.engine.handleOn(storage, this.log.ids[index]!, this.log.shapes[index]!, this.log.dtypes[index]!);
  }

  gradientThunks(upstream: tf.Tensor, batchRank: number): Thunks {
    // Rules read values only of the inputs SAVES names; the rest are metadata (id, shape, dtype).
    const names = INPUT_NAMES.get(this.kernelName)!;
    const inputs: Record<string, TensorMeta | tf.Tensor | readonly (TensorMeta | tf.Tensor)[]> = {};
    let index = this.start;
    names.forEach((name, i) => {
      const count = this.layout?.[i];
      if (count === undefined) {
        inputs[name] = this.input(index);
        index += 1;
      } else {
        const first = index;
        inputs[name] = Array.from({ length: count }, (_, k) => this.input(first + k));
        index += count;
      }
    });
    const output =
      this.savedOutput !== null
        ? this.engine.handleOn(this.savedOutput, this.outputId, this.outputShape, this.outputDtype)
        : { id: this.outputId, shape: this.outputShape, dtype: this.outputDtype, rank: this.outputShape.length };
    const saved = { inputs, attrs: this.attrs, output } as unknown as SavedOperation<tf.RecordedOpName>;
    return kernelGradientThunks(this.kernelName, names, saved, upstream, batchRank);
  }

  dispose(): void {
    if (this.savedInputs !== null) for (const storage of this.savedInputs) if (storage !== undefined) this.engine.releaseStorage(storage);
    if (this.savedOutput !== null) this.engine.releaseStorage(this.savedOutput);
  }
}

/** Per op, which of its inputs (in `names` order) the rule reads; null when none. Computed once. */
const KEPT = new Map<string, readonly boolean[] | null>();

function keptNames(kernelName: string, names: readonly string[], needs: SavedValues | undefined): readonly boolean[] | null {
  let keep = KEPT.get(kernelName);
  if (keep === undefined) {
    // An op newer than this package's tables saves everything, so its missing rule is reported, not a crash.
    const mask = names.map((name) => needs === undefined || needs.inputs.includes(name));
    keep = mask.some(Boolean) ? mask : null;
    KEPT.set(kernelName, keep);
  }
  return keep;
}

/** Saves a kernel or view op: metadata in `log`, and the buffers of only the values its rule reads. */
export function kernelEntry(engine: tf.Engine, log: InputLog, record: tf.OperationRecord): TapeEntry {
  const inputs = record.inputs as InputRecord;
  const names = inputNames(record.kernelName, inputs);
  const needs = (SAVES as Partial<Record<string, SavedValues>>)[record.kernelName];
  const start = log.ids.length;
  const layout = log.append(inputs, names);
  const keep = keptNames(record.kernelName, names, needs);
  let savedInputs: (tf.Storage | undefined)[] | null = null;
  if (keep !== null) {
    savedInputs = [];
    let index = 0;
    for (let i = 0; i < names.length; i++) {
      const value = inputs[names[i]!]!;
      if (value instanceof tf.Tensor) savedInputs[index++] = keep[i] ? engine.holdStorage(value) : undefined;
      else for (const t of value) savedInputs[index++] = keep[i] ? engine.holdStorage(t) : undefined;
    }
  }
  const { output } = record;
  const savedOutput = needs === undefined || needs.output ? engine.holdStorage(output) : null;
  return new KernelEntry(engine, log, start, log.ids.length, record.kernelName, record.attrs, output.id, output.shape, output.dtype, savedInputs, savedOutput, layout);
}

/** A customGradient op: the user's gradient may read anything, so every input and the output are kept. */
class CustomEntry implements TapeEntry {
  readonly outputId: number;

  constructor(
    private readonly record: tf.CustomOperationRecord,
    readonly flatInputs: readonly tf.Tensor[],
    private readonly output: tf.Tensor,
  ) {
    this.outputId = output.id;
  }

  get name(): string {
    return this.record.name;
  }

  gradientThunks(upstream: tf.Tensor, batchRank: number): Thunks {
    const gradients = batchRank === 0 ? this.record.gradient(upstream) : customGradientPerSlice(this.record, this.flatInputs, upstream, batchRank);
    return gradients.map((g) => (g === null ? undefined : () => g));
  }

  dispose(): void {
    for (const t of this.flatInputs) t.dispose();
    this.output.dispose();
  }
}

/** Saves a customGradient op. */
export function customEntry(engine: tf.Engine, record: tf.CustomOperationRecord): TapeEntry {
  return new CustomEntry(record, record.inputs.map((t) => engine.retain(t)), engine.retain(record.output));
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
