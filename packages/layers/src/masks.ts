/**
 * @file Timestep masks carried from layer to layer, as Keras' `_keras_mask`: a layer whose
 * `computeMask` returns a mask (an `Embedding` with `maskZero`) attaches it to its output here, and
 * the next layer's `apply` finds it without the user passing it along. A weak map, so a mask lives
 * as long as its tensor is reachable; a disposed mask (a `tidy` ended) counts as none.
 */

import type * as tf from '@tapeflow/tensor-core/internal';

const masks = new WeakMap<tf.Tensor, tf.Tensor>();

/** Attaches `mask` to `tensor` (null detaches any). */
export function attachMask(tensor: tf.Tensor, mask: tf.Tensor | null): void {
  if (mask === null) masks.delete(tensor);
  else masks.set(tensor, mask);
}

/**
 * The live mask attached to `tensor`, or null.
 * @example maskOf(embedding.apply(ids)) // bool [batch, time] when maskZero
 */
export function maskOf(tensor: tf.Tensor): tf.Tensor | null {
  const mask = masks.get(tensor);
  return mask === undefined || mask.isDisposed ? null : mask;
}
