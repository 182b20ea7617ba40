/**
 * @file A tape log's typed columns as one value (Columns), and the spare set a released log leaves
 * for the next log that records, so a training loop that makes a tape per step stops growing and
 * dropping columns per step. Apart from the log (tape-entry.ts), which only adopts and offers them.
 */

import type * as tf from '@tapeflow/tensor-core/internal';

/** A typed column `column` grown to hold at least `length` values (its values kept). */
export function grown<A extends Float64Array | Int32Array | Uint16Array | Uint8Array>(column: A, length: number): A {
  if (length <= column.length) return column;
  const next = new (column.constructor as new (length: number) => A)(Math.max(16, column.length * 2, length));
  next.set(column);
  return next;
}

/** A log's typed columns and its list of held buffers, handed from a released log to the next one. */
export interface Columns {
  readonly opCodes: Uint16Array;
  readonly outputIds: Float64Array;
  readonly outputDtypes: Uint8Array;
  readonly outputShapes: Int32Array;
  readonly outputHeld: Int32Array;
  readonly attrIndex: Int32Array;
  readonly inputEnds: Int32Array;
  readonly ids: Float64Array;
  readonly dtypes: Uint8Array;
  readonly shapes: Int32Array;
  readonly inputHeld: Int32Array;
  readonly inputValues: Float64Array;
  readonly held: tf.Storage[];
}

/**
 * The columns of the last log released, for the next log that records: a training loop makes a tape
 * per step, and each would otherwise grow its columns from nothing (a copy per doubling) and leave
 * the last ones to the collector. One spare at most, and none from a log past SPARE_LIMIT ops or
 * inputs (its memory is left to the collector).
 */
let spareColumns: Columns | null = null;
/** A new log's columns: empty (zero-length arrays, shared: growing one replaces it). */
export const EMPTY_COLUMNS: Columns = {
  opCodes: new Uint16Array(0),
  outputIds: new Float64Array(0),
  outputDtypes: new Uint8Array(0),
  outputShapes: new Int32Array(0),
  outputHeld: new Int32Array(0),
  attrIndex: new Int32Array(0),
  inputEnds: new Int32Array(0),
  ids: new Float64Array(0),
  dtypes: new Uint8Array(0),
  shapes: new Int32Array(0),
  inputHeld: new Int32Array(0),
  inputValues: new Float64Array(0),
  held: [],
};
/** The most ops (and inputs) of a spare: at most ~0.8 MiB kept for the next log; a larger log's go to the collector. */
const SPARE_LIMIT = 16384;

/** The spare columns, which the caller now owns; null when there are none. */
export function takeSpareColumns(): Columns | null {
  const spare = spareColumns;
  spareColumns = null;
  return spare;
}

/**
 * Offers a released log's columns (whose `held` list is empty) as the spare: kept when within
 * SPARE_LIMIT and larger than the spare there is.
 */
export function offerColumns(columns: Columns): void {
  const ops = columns.outputIds.length;
  const inputs = columns.ids.length;
  if (ops > SPARE_LIMIT || inputs > SPARE_LIMIT) return;
  const spare = spareColumns;
  if (spare === null || spare.outputIds.length + spare.ids.length < ops + inputs) spareColumns = columns;
}
