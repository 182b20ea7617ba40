/**
 * @file The public option and result types of GradientTape, apart from the class so the argument
 * checks (tape-arguments.ts) and the backward pass (backward-pass.ts) can name them without importing
 * the tape. gradient-tape.ts re-exports them; the published names are unchanged.
 */

import type * as tf from '@tapeflow/tensor-core/internal';

/** Options of a GradientTape. */
export interface GradientTapeOptions {
  /** Allow several `gradient` calls (then call `dispose` when done); default false. */
  readonly persistent?: boolean;
  /** Watch trainable Variables automatically when an op reads them; default true. */
  readonly watchAccessedVariables?: boolean;
}

/** Options of `gradient`. */
export interface GradientOptions {
  /** Gradients of the target(s) to start from (default ones): TensorFlow's `output_gradients`. */
  readonly outputGradients?: tf.Tensor | readonly tf.Tensor[];
  /** What an unconnected source gets: `'none'` (null, default) or `'zero'` (zeros of its shape). */
  readonly unconnectedGradients?: 'none' | 'zero';
}

/** Options of `jacobian` and `batchJacobian`. */
export interface JacobianOptions {
  /** What an unconnected source gets: `'none'` (null, default) or `'zero'`. */
  readonly unconnectedGradients?: 'none' | 'zero';
  /**
   * `jacobian` only. `'reverse'` (default): one vectorised backward pass over the target's elements
   * (rows of the Jacobian). `'forward'`: the columns, one per source element, by transposing the
   * backward pass (the double-vjp trick forward mode uses): cheaper when a source is much smaller than
   * the target.
   */
  readonly mode?: 'reverse' | 'forward';
}

/**
 * What `gradient` accepts as sources: one tensor, or arrays and records of tensors nested to any
 * depth (TensorFlow's nested structures).
 */
export type Sources = tf.Tensor | readonly Sources[] | { readonly [key: string]: Sources };

/** `gradient`'s result: the structure of the sources, with a Tensor or null in place of each tensor. */
export type GradientResult<S extends Sources> = S extends tf.Tensor
  ? tf.Tensor | null
  : { -readonly [K in keyof S]: S[K] extends Sources ? GradientResult<S[K]> : never };
