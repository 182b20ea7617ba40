/**
 * @file Gradients of MatMul and of the shape and indexing ops.
 */

import * as tf from '@tapeflow/tensor-core';
import type { GradientRule } from './types.js';

// TF: _BatchMatMulV2 gradient; the four transpose cases. Broadcast batch dims are summed by the tape.
export const MatMul: GradientRule<'MatMul'> = (dy, { inputs: { a, b }, attrs: { transposeA, transposeB } }) => ({
  a: () =>
    !transposeA
      ? tf.matmul(dy, b, { transposeB: !transposeB })
      : transposeB
        ? tf.matmul(b, dy, { transposeA: true, transposeB: true })
        : tf.matmul(b, dy, { transposeB: true }),
  b: () =>
    !transposeB
      ? tf.matmul(a, dy, { transposeA: !transposeA })
      : transposeA
        ? tf.matmul(dy, a, { transposeA: true, transposeB: true })
        : tf.matmul(dy, a, { transposeA: true }),
});

// TF: _TransposeGrad
export const Transpose: GradientRule<'Transpose'> = (dy, { attrs: { perm } }) => ({
  x: () => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return tf.transpose(dy, inverse);
  },
});

// TF: _SliceGrad (pads the upstream back to the input's shape)
export const Slice: GradientRule<'Slice'> = (dy, { inputs: { x }, attrs: { begin } }) => ({
  x: () => tf.pad(dy, x.shape.map((d, i) => [begin[i]!, d - begin[i]! - dy.shape[i]!] as const)),
});

// TF: _ConcatGradHelper
export const Concat: GradientRule<'Concat'> = (dy, { inputs: { tensors }, attrs: { axis } }) => {
  let offset = 0;
  return {
    tensors: tensors.map((t) => {
      const begin = dy.shape.map((_, i) => (i === axis ? offset : 0));
      offset += t.shape[axis]!;
      return () => tf.slice(dy, begin, t.shape);
    }),
  };
};

// TF: _GatherV2Grad: repeated indices add up (a segment sum), moving the gathered axis to the front.
export const Gather: GradientRule<'Gather'> = (dy, { inputs: { x, indices }, attrs: { axis } }) => ({
  x: () =>
    tf.tidy(() => {
      const indexRank = indices.rank;
      const outerDims = Array.from({ length: axis }, (_, i) => i);
      const indexDims = Array.from({ length: indexRank }, (_, i) => axis + i);
      const innerDims = Array.from({ length: dy.rank - axis - indexRank }, (_, i) => axis + indexRank + i);
      const front = tf.transpose(dy, [...indexDims, ...outerDims, ...innerDims]);
      const summed = tf.unsortedSegmentSum(front, indices, x.shape[axis]!);
      const back = [...outerDims.map((i) => i + 1), 0, ...innerDims.map((_, i) => axis + 1 + i)];
      return tf.transpose(summed, back);
    }),
});

// TF: _UnsortedSegmentSumGrad
export const UnsortedSegmentSum: GradientRule<'UnsortedSegmentSum'> = (dy, { inputs: { segmentIds } }) => ({
  data: () => tf.gather(dy, segmentIds, 0),
});

// TF: BroadcastTo's gradient is a sum over the broadcast axes, which the tape does for every input.
export const BroadcastTo: GradientRule<'BroadcastTo'> = (dy) => ({ x: () => dy });

// TF: _ReshapeGrad
export const Reshape: GradientRule<'Reshape'> = (dy, { inputs: { x } }) => ({ x: () => tf.reshape(dy, x.shape) });

// TF: _IdGrad
export const Identity: GradientRule<'Identity'> = (dy) => ({ x: () => dy });
