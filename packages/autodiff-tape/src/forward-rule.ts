/**
 * @file How a ForwardAccumulator gets the tangent of an op's output from its inputs' tangents: the
 * op's written forward rule (the `jvp` of its one gradient definition) when it has one, else the
 * double-vjp trick TensorFlow's forwardprop falls back on. An op's vjp `u -> J^T u` is linear in the
 * cotangent u, so differentiating it with respect to u (a nested tape) along the input tangents t
 * gives `J t`: every op with a gradient rule, and every customGradient op, has a forward rule without
 * writing one. It costs a vjp and its transpose per op instead of one rule, so the common ops have
 * written rules (gradients/*.ts); the trick covers the rest, and the tests check both against each
 * other and against finite differences.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { sumToShape } from './backprop.js';
import { GradientTape } from './gradient-tape.js';
import { Batch, GRADIENTS } from './gradients/index.js';
import type { GradientTable, GradientThunks, RecordedOperation, TangentRecord } from './gradients/index.js';

/** An op's vjp: for a cotangent of its output's shape, per flat input `J_iᵀ u` in the input's shape, or null. */
export type Vjp = (cotangent: tf.Tensor) => readonly (tf.Tensor | null)[];

/**
 * `J t` for an op whose vjp is `vjp` (linear in its cotangent), from the tangents of its flat inputs
 * (null: none), by differentiating the vjp with respect to its cotangent along the tangents.
 */
export function tangentByDoubleVjp(vjp: Vjp, tangents: readonly (tf.Tensor | null)[], output: tf.Tensor): tf.Tensor {
  const cotangent = tf.zeros(output.shape);
  const tape = new GradientTape();
  tape.watch(cotangent);
  const targets: tf.Tensor[] = [];
  const seeds: tf.Tensor[] = [];
  tape.record(() => {
    vjp(cotangent).forEach((gradient, i) => {
      const tangent = tangents[i] ?? null;
      if (gradient !== null && tangent !== null) {
        targets.push(gradient);
        seeds.push(tangent);
      }
    });
  });
  if (targets.length === 0) {
    tape.dispose();
    return tf.zerosLike(output);
  }
  // The vjp does not depend on the cotangent (a zero Jacobian, e.g. sign's): a zero tangent.
  return tape.gradient(targets, cotangent, { outputGradients: seeds }) ?? tf.zerosLike(output);
}

/** The vjp of a recorded kernel or view op from its gradient rule, for the inputs `wanted` (flat). */
function ruleVjp(
  definition: { rule(upstream: tf.Tensor, op: RecordedOperation, batch: Batch): GradientThunks },
  record: tf.OperationRecord,
  names: readonly string[],
  wanted: readonly boolean[],
): Vjp {
  return (cotangent) => {
    const operation = record as unknown as RecordedOperation; // live tensors: more than any `saves` asks
    const thunks = definition.rule(cotangent, operation, new Batch([]));
    const inputs = record.inputs as Readonly<Record<string, tf.Tensor | readonly tf.Tensor[]>>;
    const result: (tf.Tensor | null)[] = [];
    for (const name of names) {
      const value = inputs[name]!;
      const thunk = thunks[name];
      const list = value instanceof tf.Tensor ? [value] : value;
      list.forEach((input, k) => {
        const one = typeof thunk === 'function' ? (k === 0 ? thunk : undefined) : thunk?.[k];
        result.push(one !== undefined && wanted[result.length] === true ? sumToShape(one(), input.shape) : null);
      });
    }
    return result;
  };
}

/**
 * The tangent of a kernel or view op's output, given its inputs' tangents by name (`byName`, the
 * record's own structure) and flat (`flat`, in the record's input order, lists spread). Null for a
 * non-differentiable op (TensorFlow's: its output has no tangent).
 */
export function operationTangent(
  record: tf.OperationRecord,
  byName: TangentRecord,
  flat: readonly (tf.Tensor | null)[],
  useWrittenRule = true,
): tf.Tensor | null {
  const definition: GradientTable[tf.RecordedOpName] | undefined = GRADIENTS[record.kernelName];
  if (definition === undefined) {
    throw new tf.NotFoundError(
      `jvp: no gradient is registered for op '${record.kernelName}'; it cannot be differentiated in forward mode ` +
        '(upgrade @tapeflow/autodiff-tape, or wrap the computation in customGradient).',
      record.kernelName,
    );
  }
  if (definition === null) return null;
  if (useWrittenRule && definition.jvp !== undefined) {
    return definition.jvp(byName, record);
  }
  const names = Object.keys(record.inputs);
  const wanted = flat.map((t) => t !== null);
  return tangentByDoubleVjp(ruleVjp(definition, record, names, wanted), flat, record.output);
}

/** The tangent of a customGradient op's output: the double-vjp trick on the user's gradient. */
export function customOperationTangent(
  record: tf.CustomOperationRecord,
  flat: readonly (tf.Tensor | null)[],
): tf.Tensor {
  const vjp: Vjp = (cotangent) =>
    record
      .gradient(cotangent)
      .map((g, i) => (g === null || flat[i] === null ? null : sumToShape(g, record.inputs[i]!.shape)));
  return tangentByDoubleVjp(vjp, flat, record.output);
}
