/**
 * @file Small helpers the forward rules (jvps) share: a rule gets null for an input without a tangent
 * (a zero tangent that is never materialised), so sums of per-input terms skip the nulls.
 */

import * as tf from '@tapeflow/tensor-core/internal';

/** The sum of the terms that are not null; null when all are (a zero tangent). */
export function addTangents(...terms: readonly (tf.Tensor | null)[]): tf.Tensor | null {
  let sum: tf.Tensor | null = null;
  for (const term of terms) if (term !== null) sum = sum === null ? term : tf.add(sum, term);
  return sum;
}

/** `a - b` where either may be null (zero); null when both are. */
export function subTangents(a: tf.Tensor | null, b: tf.Tensor | null): tf.Tensor | null {
  if (b === null) return a;
  return a === null ? tf.neg(b) : tf.sub(a, b);
}

/** `t * factor()` (the factor built only when the tangent exists), or null. */
export function scaleTangent(t: tf.Tensor | null, factor: () => tf.Tensor | number): tf.Tensor | null {
  return t === null ? null : tf.mul(t, factor());
}
