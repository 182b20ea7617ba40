/**
 * @file What a tape keeps of the ops it recorded, in one representation for kernels, view ops and
 * customGradient ops: per op its name (or the customGradient record), attributes and output metadata;
 * per input its metadata; and the buffers of only the values a gradient reads (for a kernel or view op,
 * what its gradient definition `saves`; for a customGradient op, everything). A saved number converted
 * for the op (`x.mul(2)`'s 2) is kept as the number in a typed column, not as a held buffer.
 *
 * Recording is on every op's path, so the log is a set of parallel typed columns (TapeLog) that
 * recording only appends to: no object per op or per input, nothing allocated for the common op, and
 * equal shapes in a row kept once. Everything a tape keeps lives until its gradient, so every object
 * or reference kept costs the collector again on each pass; a typed array's contents cost it nothing.
 * The backward pass (backprop.ts) reads the log through TapeEntry views, made when it runs; entries
 * know nothing of backprop.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { TensorMeta } from './gradients/index.js';
import type { IdSet } from './id-set.js';
import { EMPTY_COLUMNS, grown, offerColumns, takeSpareColumns } from './log-columns.js';
import type { Columns } from './log-columns.js';
import { CUSTOM, OP_NAMES, planOf } from './recording-plans.js';
import { TapeEntry } from './tape-view.js';

export { TapeEntry } from './tape-view.js';

type InputRecord = Readonly<Record<string, tf.Tensor | readonly tf.Tensor[]>>;

/** What an op with no attributes keeps (front-ends pass a fresh `{}` each call). */
const NO_ATTRS: Readonly<Record<string, never>> = Object.freeze({});

/** Whether `attrs` has an own or inherited enumerable key. */
function hasKeys(attrs: object): boolean {
  for (const _ in attrs) return true;
  return false;
}

/**
 * Whether a saved input is read by a gradient that may be asked for: always, unless only the gradients
 * of the inputs at `readers` read it and each of those is a number converted for the op (a temporary
 * tensor, never watched, so never given a gradient). A list input counts as read.
 */
function isRead(inputs: InputRecord, names: readonly string[], readers: readonly number[] | null): boolean {
  if (readers === null) return true;
  for (let r = 0; r < readers.length; r++) {
    const reader = inputs[names[readers[r]!]!];
    if (!(reader instanceof tf.Tensor) || reader.temporaryValue === null) return true;
  }
  return false;
}

/** `inputHeld` of an input whose value is kept as a number in `inputValues` (a converted number). */
const KEPT_NUMBER = -2;

/** Dtypes by their code in a log's typed columns. */
const DTYPES: readonly tf.DataType[] = ['float32', 'int32', 'bool'];

function dtypeCode(dtype: tf.DataType): number {
  return dtype === 'float32' ? 0 : dtype === 'int32' ? 1 : 2;
}

/**
 * Everything a tape recorded, op after op, in parallel columns. Per op (index k): its op code, and its
 * inputs' metadata at [inputStart(k), inputEnd(k)) of the per-input columns, in the op's input-name
 * order with lists (Concat's) spread. Every column is a typed array (ids, dtypes, op codes, indices into
 * the few reference lists), whose contents the collector never copies or scans; reference lists grow
 * only for what is new: a shape unlike the last two, an op with attributes, a buffer held. The log
 * holds the buffers in `held` until `release`.
 */
export class TapeLog {
  // ---- per op
  private opCodes = EMPTY_COLUMNS.opCodes;
  private outputIds = EMPTY_COLUMNS.outputIds;
  private outputDtypes = EMPTY_COLUMNS.outputDtypes;
  /** Index in `shapeTable` of the output's shape. */
  private outputShapes = EMPTY_COLUMNS.outputShapes;
  /** Index in `held` of the output's buffer when the gradient reads it, else -1. */
  private outputHeld = EMPTY_COLUMNS.outputHeld;
  /** Index in `attrList` of the op's attributes; -1 for none (NO_ATTRS). */
  private attrIndex = EMPTY_COLUMNS.attrIndex;
  /** One past the op's last input in the per-input columns. */
  private inputEnds = EMPTY_COLUMNS.inputEnds;
  private readonly attrList: unknown[] = [];
  /** The customGradient records, by op index. */
  private customs: Map<number, tf.CustomOperationRecord> | null = null;
  /** How many tensors each input name covers, for the ops with a list input (by op index). */
  private layouts: Map<number, readonly number[]> | null = null;
  private count = 0;
  // ---- per input
  private ids = EMPTY_COLUMNS.ids;
  private dtypes = EMPTY_COLUMNS.dtypes;
  /** Index in `shapeTable` of the input's shape. */
  private shapes = EMPTY_COLUMNS.shapes;
  /**
   * Index in `held` of the input's buffer when the gradient reads it; KEPT_NUMBER when it reads a
   * number converted for the op, kept in `inputValues` instead of its buffer; else -1.
   */
  private inputHeld = EMPTY_COLUMNS.inputHeld;
  /** The number of an input marked KEPT_NUMBER. */
  private inputValues = EMPTY_COLUMNS.inputValues;
  private inputs = 0;
  // ---- references
  /** The buffers held (without handles) for the gradients. */
  private held: tf.Storage[] = [];
  /** The shapes kept, each once per run of equal shapes. */
  private readonly shapeTable: (readonly number[])[] = [];
  /** The indices in `shapeTable` of the last two shapes kept (-1: none). */
  private lastShape = -1;
  private shapeBefore = -1;
  /** Views made for backward passes, one per op recorded before the last pass. */
  private readonly views: TapeEntry[] = [];

  constructor(readonly engine: tf.Engine) {}

  /** How many ops are recorded. */
  get size(): number {
    return this.count;
  }

  /**
   * Records a kernel or view op if one of its inputs is in `tracked` (true then), holding (without
   * handles) the buffers its gradient reads: the user may dispose their tensors, and a Variable keeps
   * the value it had when the op read it. An op with no tracked input costs one look at each input.
   */
  recordKernel(record: tf.OperationRecord, tracked: IdSet): boolean {
    const inputs = record.inputs as InputRecord;
    const plan = planOf(record);
    const saves = plan.savesInput;
    const readBy = plan.readBy;
    const firstInput = this.inputs;
    const firstHeld = this.held.length;
    const firstShape = this.shapeTable.length;
    const lastShape = this.lastShape;
    const shapeBefore = this.shapeBefore;
    let touched = false;
    let layout: number[] | null = null;
    // One pass appends the inputs and asks whether one is tracked: nearly every op a recording tape
    // sees touches it, so an untouched op is rolled back rather than every op looked at twice.
    // for-in, not the plan's names: V8 reads each value by its enumeration index, not by a keyed
    // lookup. Every record of an op has the same keys in the same order (the plan's names).
    let i = 0;
    for (const name in inputs) {
      const value = inputs[name]!;
      const save = saves !== null && saves[i]! && (readBy === null || isRead(inputs, plan.names, readBy[i]!));
      if (!Array.isArray(value)) {
        const t = value as tf.Tensor;
        if (!touched) touched = tracked.has(t.id);
        this.pushInput(t, save);
        if (layout !== null) layout.push(1);
      } else {
        const list = value as readonly tf.Tensor[];
        layout ??= new Array<number>(i).fill(1);
        layout.push(list.length);
        for (let j = 0; j < list.length; j++) {
          const t = list[j]!;
          if (!touched) touched = tracked.has(t.id);
          this.pushInput(t, save);
        }
      }
      i++;
    }
    if (!touched) {
      this.unwind(firstInput, firstHeld);
      this.shapeTable.length = firstShape;
      this.lastShape = lastShape;
      this.shapeBefore = shapeBefore;
      return false;
    }
    const k = this.pushOutput(record.output, plan.savesOutput, plan.code);
    if (layout !== null) (this.layouts ??= new Map()).set(k, layout);
    if (hasKeys(record.attrs)) {
      this.attrIndex[k] = this.attrList.length;
      this.attrList.push(record.attrs);
    }
    return true;
  }

  /**
   * Drops the inputs appended since `firstInput` and the holds since `firstHeld` (an op with no
   * tracked input: it keeps nothing). Its inputs are live tensors, so giving back their holds frees
   * nothing.
   */
  private unwind(firstInput: number, firstHeld: number): void {
    this.inputs = firstInput;
    const held = this.held;
    for (let h = firstHeld; h < held.length; h++) this.engine.releaseStorage(held[h]!);
    held.length = firstHeld;
  }

  /** Records a customGradient op: the user's gradient may read anything, so every value is kept. */
  recordCustom(record: tf.CustomOperationRecord): void {
    const inputs = record.inputs;
    for (let i = 0; i < inputs.length; i++) this.pushInput(inputs[i]!, true);
    const k = this.pushOutput(record.output, true, CUSTOM);
    (this.customs ??= new Map()).set(k, record);
  }

  /** Views of the recorded ops, in recording order, for a backward pass. */
  entries(): readonly TapeEntry[] {
    const views = this.views;
    for (let k = views.length; k < this.count; k++) views.push(new TapeEntry(this, k));
    return views;
  }

  /**
   * Gives back every buffer held and empties the log, handing its columns to the next log that
   * records (the tape makes a new log after this).
   */
  release(): void {
    const held = this.held;
    const columns: Columns = {
      opCodes: this.opCodes,
      outputIds: this.outputIds,
      outputDtypes: this.outputDtypes,
      outputShapes: this.outputShapes,
      outputHeld: this.outputHeld,
      attrIndex: this.attrIndex,
      inputEnds: this.inputEnds,
      ids: this.ids,
      dtypes: this.dtypes,
      shapes: this.shapes,
      inputHeld: this.inputHeld,
      inputValues: this.inputValues,
      held,
    };
    this.adoptColumns(EMPTY_COLUMNS);
    this.held = [];
    this.count = 0;
    this.inputs = 0;
    this.views.length = 0;
    try {
      for (let i = 0; i < held.length; i++) this.engine.releaseStorage(held[i]!);
    } finally {
      held.length = 0;
      offerColumns(columns);
    }
  }

  /** Op `k`'s kernel name, or its customGradient record. */
  op(k: number): tf.RecordedOpName | tf.CustomOperationRecord {
    const code = this.opCodes[k]!;
    return code === CUSTOM ? this.customs!.get(k)! : OP_NAMES[code]!;
  }

  /** Op `k`'s attributes (an empty record for an op without, null for a customGradient op). */
  attributes(k: number): unknown {
    if (this.opCodes[k] === CUSTOM) return null;
    const index = this.attrIndex[k]!;
    return index < 0 ? NO_ATTRS : this.attrList[index];
  }

  outputId(k: number): number {
    return this.outputIds[k]!;
  }

  outputShape(k: number): readonly number[] {
    return this.shapeTable[this.outputShapes[k]!]!;
  }

  /** Op `k`'s output: a handle on its kept buffer if kept, else its metadata. */
  output(k: number): TensorMeta {
    const id = this.outputIds[k]!;
    const shape = this.outputShape(k);
    const dtype = DTYPES[this.outputDtypes[k]!]!;
    const held = this.outputHeld[k]!;
    if (held < 0) return { id, shape, dtype, rank: shape.length };
    return this.engine.handleOn(this.held[held]!, id, shape, dtype);
  }

  /** Where op `k`'s inputs start in the per-input columns. */
  inputStart(k: number): number {
    return k === 0 ? 0 : this.inputEnds[k - 1]!;
  }

  /** One past op `k`'s last input in the per-input columns. */
  inputEnd(k: number): number {
    return this.inputEnds[k]!;
  }

  /** Op `k`'s count of tensors per input name, when one of its inputs is a list; else null. */
  layout(k: number): readonly number[] | null {
    return this.layouts?.get(k) ?? null;
  }

  /** Metadata of the input at flat position `index`. */
  meta(index: number): TensorMeta {
    const shape = this.shapeTable[this.shapes[index]!]!;
    return { id: this.ids[index]!, shape, dtype: DTYPES[this.dtypes[index]!]!, rank: shape.length };
  }

  /** The input at flat position `index`: a handle on its kept buffer if kept, else its metadata. */
  input(index: number): TensorMeta {
    const held = this.inputHeld[index]!;
    if (held === KEPT_NUMBER) return this.keptNumber(index);
    if (held < 0) return this.meta(index);
    const shape = this.shapeTable[this.shapes[index]!]!;
    return this.engine.handleOn(this.held[held]!, this.ids[index]!, shape, DTYPES[this.dtypes[index]!]!);
  }

  /** A kept number as a tensor again (on a new buffer, in the current tidy scope), with its recorded id. */
  private keptNumber(index: number): tf.Tensor {
    const dtype = DTYPES[this.dtypes[index]!]!;
    const values =
      dtype === 'float32' ? new Float32Array(1) : dtype === 'int32' ? new Int32Array(1) : new Uint8Array(1);
    values[0] = this.inputValues[index]!;
    const shape = this.shapeTable[this.shapes[index]!]!;
    const buffer = this.engine.makeTemporary(values, shape, dtype);
    const handle = this.engine.handleOn(buffer.storage, this.ids[index]!, shape, dtype);
    buffer.dispose();
    return handle;
  }

  /** Takes `columns` as this log's (their contents are overwritten as the log records). */
  private adoptColumns(columns: Columns): void {
    this.opCodes = columns.opCodes;
    this.outputIds = columns.outputIds;
    this.outputDtypes = columns.outputDtypes;
    this.outputShapes = columns.outputShapes;
    this.outputHeld = columns.outputHeld;
    this.attrIndex = columns.attrIndex;
    this.inputEnds = columns.inputEnds;
    this.ids = columns.ids;
    this.dtypes = columns.dtypes;
    this.shapes = columns.shapes;
    this.inputHeld = columns.inputHeld;
    this.inputValues = columns.inputValues;
  }

  private pushInput(t: tf.Tensor, save: boolean): void {
    const i = this.inputs++;
    if (i === this.ids.length) {
      // A log's first input (every op recorded has one): take the last released log's columns.
      const spare = i === 0 && this.count === 0 ? takeSpareColumns() : null;
      if (spare !== null) {
        this.adoptColumns(spare);
        this.held = spare.held;
      }
      this.ids = grown(this.ids, i + 1);
      this.dtypes = grown(this.dtypes, i + 1);
      this.shapes = grown(this.shapes, i + 1);
      this.inputHeld = grown(this.inputHeld, i + 1);
      this.inputValues = grown(this.inputValues, i + 1);
    }
    this.ids[i] = t.id;
    this.dtypes[i] = dtypeCode(t.dtype);
    this.shapes[i] = this.shapeOf(t.shape);
    if (!save) {
      this.inputHeld[i] = -1;
    } else if (t.temporaryValue !== null) {
      // A number converted for this op: keep the number, not a buffer (nothing to hold or release).
      this.inputHeld[i] = KEPT_NUMBER;
      this.inputValues[i] = t.temporaryValue;
    } else {
      this.inputHeld[i] = this.held.length;
      this.held.push(this.engine.holdStorage(t));
    }
  }

  /** Appends op `code` with `output`; its index. */
  private pushOutput(output: tf.Tensor, save: boolean, code: number): number {
    const k = this.count++;
    if (k === this.outputIds.length) {
      this.opCodes = grown(this.opCodes, k + 1);
      this.outputIds = grown(this.outputIds, k + 1);
      this.outputDtypes = grown(this.outputDtypes, k + 1);
      this.outputShapes = grown(this.outputShapes, k + 1);
      this.outputHeld = grown(this.outputHeld, k + 1);
      this.attrIndex = grown(this.attrIndex, k + 1);
      this.inputEnds = grown(this.inputEnds, k + 1);
    }
    this.opCodes[k] = code;
    this.outputIds[k] = output.id;
    this.outputDtypes[k] = dtypeCode(output.dtype);
    this.outputShapes[k] = this.shapeOf(output.shape);
    this.attrIndex[k] = -1;
    this.inputEnds[k] = this.inputs;
    if (save) {
      this.outputHeld[k] = this.held.length;
      this.held.push(this.engine.holdStorage(output));
    } else {
      this.outputHeld[k] = -1;
    }
    return k;
  }

  /** The index in `shapeTable` of `shape`: one of the last two kept when equal, else a new entry. */
  private shapeOf(shape: readonly number[]): number {
    const table = this.shapeTable;
    const last = this.lastShape;
    if (last >= 0 && sameShape(shape, table[last]!)) return last;
    const before = this.shapeBefore;
    if (before >= 0 && sameShape(shape, table[before]!)) {
      this.shapeBefore = last;
      this.lastShape = before;
      return before;
    }
    this.shapeBefore = last;
    this.lastShape = table.length;
    table.push(shape);
    return this.lastShape;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  const rank = a.length;
  if (rank !== b.length) return false;
  for (let i = 0; i < rank; i++) if (a[i] !== b[i]) return false;
  return true;
}
