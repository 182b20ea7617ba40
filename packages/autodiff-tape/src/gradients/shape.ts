/**
 * @file Gradients of the ops that move values without computing new ones: transpose, slice, concat,
 * broadcastTo and the view ops reshape and identity. None keeps a value: they read only shapes.
 */

import * as tf from '@tapeflow/tensor-core';
import { defineGradient } from './definition.js';

const NOTHING = { inputs: [], output: false } as const;

// TF: _TransposeGrad
export const Transpose = defineGradient('Transpose', {
  saves: NOTHING,
  rule: (dy, { attrs: { perm } }, batch) => ({
    x: () => {
      const inverse = new Array<number>(perm.length);
      perm.forEach((p, i) => (inverse[p] = i));
      return tf.transpose(dy, batch.permutation(inverse));
    },
  }),
  jvp: ({ x }, { attrs: { perm } }) => x && tf.transpose(x, perm),
});

// TF: _SliceGrad (pads the upstream back to the input's shape)
export const Slice = defineGradient('Slice', {
  saves: NOTHING,
  rule: (dy, { inputs: { x }, attrs: { begin } }, batch) => ({
    x: () => {
      const size = batch.exampleShape(dy.shape);
      const padding = x.shape.map((d, i) => [begin[i]!, d - begin[i]! - size[i]!] as const);
      return tf.pad(dy, [...batch.dims.map(() => [0, 0] as const), ...padding]);
    },
  }),
  jvp: ({ x }, { attrs: { begin }, output }) => x && tf.slice(x, begin, output.shape),
});

// TF: _ConcatGradHelper
export const Concat = defineGradient('Concat', {
  saves: NOTHING,
  rule: (dy, { inputs: { tensors }, attrs: { axis } }, batch) => {
    let offset = 0;
    return {
      tensors: tensors.map((t) => {
        const begin = dy.shape.map((_, i) => (i === batch.axis(axis) ? offset : 0));
        offset += t.shape[axis]!;
        return () => tf.slice(dy, begin, batch.shape(t.shape));
      }),
    };
  },
  jvp: ({ tensors: tangents }, { inputs: { tensors }, attrs: { axis } }) =>
    tf.concat(
      tensors.map((t, i) => tangents[i] ?? tf.zerosLike(t)),
      axis,
    ),
});

// TF: BroadcastTo's gradient is a sum over the broadcast axes, which the tape does for every input.
export const BroadcastTo = defineGradient('BroadcastTo', {
  saves: NOTHING,
  rule: (dy) => ({ x: () => dy }),
  jvp: ({ x }, { output }) => x && tf.broadcastTo(x, output.shape),
});

// TF: _ReshapeGrad
export const Reshape = defineGradient('Reshape', {
  saves: NOTHING,
  rule: (dy, { inputs: { x } }, batch) => ({ x: () => tf.reshape(dy, batch.shape(x.shape)) }),
  jvp: ({ x }, { output }) => x && tf.reshape(x, output.shape),
});

// TF: _IdGrad
export const Identity = defineGradient('Identity', {
  saves: NOTHING,
  rule: (dy) => ({ x: () => dy }),
  jvp: ({ x }) => x,
});
