/**
 * @file A GradientTape that also lists the ops it kept: what the generated completeness tests use to
 * learn which gradient rules a test case actually exercises (an op the tape did not keep, because it
 * does not depend on a watched tensor, does not count).
 */
import type * as tf from '@tapeflow/tensor-core/internal';
import { GradientTape } from '../gradient-tape.js';

export class ListingTape extends GradientTape {
  /** The kernel and view ops this tape kept, by name. */
  readonly ops = new Set<string>();

  override recordOperation(record: tf.OperationRecord): void {
    const before = this.size;
    super.recordOperation(record);
    if (this.size > before) this.ops.add(record.kernelName);
  }
}

/** The ops whose gradients differentiating `f` at `sources` goes through. Disposes what it made. */
export function opsDifferentiated(f: () => tf.Tensor, sources: readonly tf.Tensor[]): Set<string> {
  const tape = new ListingTape();
  tape.watch(sources);
  const output = tape.record(f);
  tape.dispose();
  if (!sources.includes(output)) output.dispose();
  return tape.ops;
}

/** The ops of the gradient table with a rule that no case's list in `covered` holds. */
export function uncovered(table: Readonly<Record<string, unknown>>, covered: Iterable<ReadonlySet<string>>): string[] {
  const all = new Set<string>();
  for (const ops of covered) for (const op of ops) all.add(op);
  return Object.keys(table).filter((op) => table[op] !== null && !all.has(op));
}
