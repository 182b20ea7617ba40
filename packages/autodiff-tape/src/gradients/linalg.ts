/**
 * @file Gradients of MatMul and of the shape and indexing ops.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { GradientRule } from './types.js';

/** [0, 1, ..., n-1]: the leading batch dims, which every permutation keeps in place. */
function leading(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

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
export const Transpose: GradientRule<'Transpose'> = (dy, { attrs: { perm } }, batchRank) => ({
  x: () => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i + batchRank));
    return tf.transpose(dy, [...leading(batchRank), ...inverse]);
  },
});

// TF: _SliceGrad (pads the upstream back to the input's shape)
export const Slice: GradientRule<'Slice'> = (dy, { inputs: { x }, attrs: { begin } }, batchRank) => ({
  x: () =>
    tf.pad(dy, [
      ...leading(batchRank).map(() => [0, 0] as const),
      ...x.shape.map((d, i) => [begin[i]!, d - begin[i]! - dy.shape[i + batchRank]!] as const),
    ]),
});

// TF: _ConcatGradHelper
export const Concat: GradientRule<'Concat'> = (dy, { inputs: { tensors }, attrs: { axis } }, batchRank) => {
  let offset = 0;
  const batch = dy.shape.slice(0, batchRank);
  return {
    tensors: tensors.map((t) => {
      const begin = dy.shape.map((_, i) => (i === axis + batchRank ? offset : 0));
      offset += t.shape[axis]!;
      return () => tf.slice(dy, begin, [...batch, ...t.shape]);
    }),
  };
};

// TF: _GatherV2Grad: repeated indices add up (a segment sum), moving the gathered axis to the front.
export const Gather: GradientRule<'Gather'> = (dy, { inputs: { x, indices }, attrs: { axis } }, batchRank) => ({
  x: () =>
    tf.tidy(() => {
      // dy is [batch, outer, indices, inner]: bring the index dims to the front, sum rows by index,
      // then put the summed axis back where `axis` was.
      const start = batchRank + axis;
      const outerDims = Array.from({ length: start }, (_, i) => i);
      const indexDims = Array.from({ length: indices.rank }, (_, i) => start + i);
      const innerDims = Array.from({ length: dy.rank - start - indices.rank }, (_, i) => start + indices.rank + i);
      const front = tf.transpose(dy, [...indexDims, ...outerDims, ...innerDims]);
      const summed = tf.unsortedSegmentSum(front, indices, x.shape[axis]!);
      const back = [...outerDims.map((i) => i + 1), 0, ...innerDims.map((_, i) => start + 1 + i)];
      return tf.transpose(summed, back);
    }),
});

// TF: _UnsortedSegmentSumGrad
export const UnsortedSegmentSum: GradientRule<'UnsortedSegmentSum'> = (dy, { inputs: { segmentIds } }, batchRank) => ({
  data: () => tf.gather(dy, segmentIds, batchRank),
});

// TF: BroadcastTo's gradient is a sum over the broadcast axes, which the tape does for every input.
export const BroadcastTo: GradientRule<'BroadcastTo'> = (dy) => ({ x: () => dy });

// TF: _ReshapeGrad
export const Reshape: GradientRule<'Reshape'> = (dy, { inputs: { x } }, batchRank) => ({
  x: () => tf.reshape(dy, [...dy.shape.slice(0, batchRank), ...x.shape]),
});

// TF: _IdGrad
export const Identity: GradientRule<'Identity'> = (dy) => ({ x: () => dy });
