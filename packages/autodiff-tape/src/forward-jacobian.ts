/**
 * @file `tape.jacobian(y, x, { mode: 'forward' })`, apart from GradientTape's class (which holds the
 * per-op path): the Jacobian column by column. An outer tape records the tape's backward pass for a
 * watched cotangent u, which gives Jᵀu (linear in u); its vectorised jacobian with respect to u has one
 * row per source element and is Jᵀ, transposed to J. The cost scales with the sources' sizes, not the
 * target's (the double-vjp trick that gives forward mode its J·t).
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { freshHandles } from './backward-pass.js';
import type { GradientTape } from './gradient-tape.js';

/**
 * Per source the Jacobian of `target` (shape target.shape + source.shape), zeros or null when
 * unconnected. `outer` is a fresh persistent tape, disposed here; `tape` is used as by `gradient`.
 */
export function forwardJacobian(
  tape: GradientTape,
  outer: GradientTape,
  target: tf.Tensor,
  sourceList: readonly tf.Tensor[],
  unconnected: 'none' | 'zero',
): (tf.Tensor | null)[] {
  const engine = tf.getEngine();
  const firstNewId = engine.newTensorId();
  const results = engine.tidy(() => {
    const cotangent = tf.zeros(target.shape);
    try {
      outer.watch(cotangent);
      const transposed = outer.record(() => tape.gradient(target, sourceList, { outputGradients: cotangent }));
      return sourceList.map((source, i) => {
        const shape = [...target.shape, ...source.shape];
        const gradient = transposed[i] ?? null;
        if (gradient === null) return unconnected === 'zero' ? tf.zeros(shape) : null;
        // [source..., target...] -> [target..., source...]
        const columns = outer.jacobian(gradient, cotangent, { unconnectedGradients: 'zero' })!;
        const perm = [
          ...Array.from({ length: target.rank }, (_, k) => source.rank + k),
          ...Array.from({ length: source.rank }, (_, k) => k),
        ];
        return tf.transpose(columns, perm);
      });
    } finally {
      outer.dispose();
    }
  });
  return freshHandles(results, firstNewId);
}
