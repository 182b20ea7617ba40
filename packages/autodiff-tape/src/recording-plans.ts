/**
 * @file How a tape records each kind of op (a RecordingPlan: its input names, which values its
 * gradient reads, its code in a log's op column), worked out once per kernel name from the gradient
 * table, and found per op without a lookup while a loop body repeats the same few ops. Apart from the
 * log (tape-entry.ts) because it is shared by every log and knows nothing of columns.
 */

import type * as tf from '@tapeflow/tensor-core/internal';
import { GRADIENTS } from './gradients/index.js';
import type { GradientTable } from './gradients/index.js';

/** How the tape records one op, worked out on its first record (every record of an op has the same keys). */
export interface RecordingPlan {
  /** The input names, in the record's order. */
  readonly names: readonly string[];
  /** Per name, whether the definition saves its value; null when it saves none. */
  readonly savesInput: readonly boolean[] | null;
  /**
   * Per name, the positions of the inputs whose gradients alone read this saved input (the
   * definition's `saves.readBy`), else null; null for the whole op when no input has such a list.
   */
  readonly readBy: readonly (readonly number[] | null)[] | null;
  /** Whether the definition saves the output's value. */
  readonly savesOutput: boolean;
  /** The op's number in a log's op column: its index in OP_NAMES. */
  readonly code: number;
  /** The op's kernel name. */
  readonly name: string;
}

/** The plan of every kernel name recorded so far. */
export const PLANS = new Map<string, RecordingPlan>();
/** Kernel names by code, in the order they were first recorded (code 0: a customGradient op). */
export const OP_NAMES: (tf.RecordedOpName | null)[] = [null];
/** The op code of a customGradient op. */
export const CUSTOM = 0;

/** The plans of the last two ops recorded: a loop body alternates a few ops, found without a lookup. */
let lastPlan: RecordingPlan | null = null;
let planBefore: RecordingPlan | null = null;

/** The plan of `record`'s op: one of the last two, else the table's (made on the op's first record). */
export function planOf(record: tf.OperationRecord): RecordingPlan {
  const name = record.kernelName;
  const last = lastPlan;
  if (last !== null && last.name === name) return last;
  const before = planBefore;
  planBefore = last;
  if (before !== null && before.name === name) return (lastPlan = before);
  return (lastPlan = lookUpPlan(record));
}

function lookUpPlan(record: tf.OperationRecord): RecordingPlan {
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
    const readByNames: Readonly<Record<string, readonly string[] | undefined>> = definition?.saves.readBy ?? {};
    const readBy = names.map((name) => {
      const readers = readByNames[name];
      return readers === undefined ? null : readers.map((reader) => names.indexOf(reader));
    });
    plan = {
      names,
      savesInput: mask.some(Boolean) ? mask : null,
      readBy: readBy.some((readers) => readers !== null) ? readBy : null,
      savesOutput,
      code: OP_NAMES.length,
      name: record.kernelName,
    };
    OP_NAMES.push(record.kernelName);
    PLANS.set(record.kernelName, plan);
  }
  return plan;
}
