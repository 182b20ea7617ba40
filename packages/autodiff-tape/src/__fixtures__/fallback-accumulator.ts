/**
 * @file A ForwardAccumulator that ignores the written forward rules and derives every op's tangent
 * from its vjp (the double-vjp trick): what a new op without a `jvp` gets. The generated forward-mode
 * tests run every case through it, so the fallback is checked on every op, not only the new ones.
 */
import type * as tf from '@tapeflow/tensor-core/internal';
import { ForwardAccumulator } from '../forward-accumulator.js';
import { operationTangent } from '../forward-rule.js';
import type { TangentRecord } from '../gradients/index.js';

export class FallbackAccumulator extends ForwardAccumulator {
  /** The ops whose tangent this accumulator computed, by name. */
  readonly ops = new Set<string>();

  protected override tangentOf(
    record: tf.OperationRecord,
    byName: TangentRecord,
    flat: readonly (tf.Tensor | null)[],
  ): tf.Tensor | null {
    this.ops.add(record.kernelName);
    return operationTangent(record, byName, flat, false);
  }
}
