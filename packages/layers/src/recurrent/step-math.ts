/**
 * @file The elementwise pieces the fused recurrent loops (sequence-ops.ts) build their steps from:
 * timestep-mask carrying, recurrent-dropout scaling, and activated blocks kept as outputs or as
 * pre-activations (see `PointwiseActivation.keeps`) with the gradients through them.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { PointwiseActivation } from './cell-spec.js';

/**
 * `mask * next + (1 - mask) * previous`: a masked step carries the previous value. Exact for a 0/1
 * mask (each product is the value or zero), so a real step gives `next` bit for bit.
 */
export function carry(previous: tf.Tensor, next: tf.Tensor, mask: tf.Tensor | null): tf.Tensor {
  return mask === null ? next : tf.add(tf.mul(mask, next), tf.mul(tf.sub(1, mask), previous));
}

/** The value on real steps, zero on masked ones. */
export function masked(value: tf.Tensor, mask: tf.Tensor | null): tf.Tensor {
  return mask === null ? value : tf.mul(value, mask);
}

/** The value on masked steps, zero on real ones; null without a mask. */
export function unmasked(value: tf.Tensor, mask: tf.Tensor | null): tf.Tensor | null {
  return mask === null ? null : tf.mul(value, tf.sub(1, mask));
}

/** `a + b`, or `a` when there is no `b`. */
export function addMaybe(a: tf.Tensor, b: tf.Tensor | null): tf.Tensor {
  return b === null ? a : tf.add(a, b);
}

/** `value * factor` (a recurrent dropout mask), or `value` without one. */
export function scaled(value: tf.Tensor, factor: tf.Tensor | null): tf.Tensor {
  return factor === null ? value : tf.mul(value, factor);
}

/** An activated block: its value, and what the packed row keeps of it (see `PointwiseActivation.keeps`). */
export function activate(activation: PointwiseActivation, pre: tf.Tensor): [value: tf.Tensor, kept: tf.Tensor] {
  const value = activation.apply(pre);
  return [value, activation.keeps === 'output' ? value : pre];
}

/** The value of an activated block from what the row kept. */
export function valueOf(activation: PointwiseActivation, kept: tf.Tensor): tf.Tensor {
  return activation.keeps === 'output' ? kept : activation.apply(kept);
}

/**
 * The gradient of a block's pre-activation: `dValue` flowed to the block's value through the cell,
 * `up` to the kept column (the output, or the pre-activation itself) from outside.
 */
export function preGradient(
  activation: PointwiseActivation,
  dValue: tf.Tensor,
  kept: tf.Tensor,
  up: tf.Tensor,
): tf.Tensor {
  return activation.keeps === 'output'
    ? activation.backprop(tf.add(dValue, up), kept)
    : tf.add(activation.backprop(dValue, kept), up);
}

/** Columns [start, start + size) of a [batch, n] matrix. */
export function columns(m: tf.Tensor, start: number, size: number): tf.Tensor {
  return tf.slice(m, [0, start], [m.shape[0]!, size]);
}
