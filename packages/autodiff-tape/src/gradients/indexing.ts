/**
 * @file Gradients of the indexing ops gather and unsortedSegmentSum, each the other's adjoint. Both
 * keep their integer indices (values the rule reads) and nothing else.
 */

import * as tf from '@tapeflow/tensor-core';
import { defineGradient } from './definition.js';

// TF: _GatherV2Grad: repeated indices add up (a segment sum), moving the gathered axis to the front.
export const Gather = defineGradient('Gather', {
  saves: { inputs: ['indices'], output: false },
  rule: (dy, { inputs: { x, indices }, attrs: { axis } }, batch) => ({
    x: () =>
      tf.tidy(() => {
        // dy is [batch, outer, indices, inner]: bring the index dims to the front, sum rows by index,
        // then put the summed axis back where `axis` was.
        const start = batch.axis(axis);
        const outerDims = Array.from({ length: start }, (_, i) => i);
        const indexDims = Array.from({ length: indices.rank }, (_, i) => start + i);
        const innerDims = Array.from({ length: dy.rank - start - indices.rank }, (_, i) => start + indices.rank + i);
        const front = tf.transpose(dy, [...indexDims, ...outerDims, ...innerDims]);
        const summed = tf.unsortedSegmentSum(front, indices, x.shape[axis]!);
        const back = [...outerDims.map((i) => i + 1), 0, ...innerDims.map((_, i) => start + 1 + i)];
        return tf.transpose(summed, back);
      }),
  }),
  jvp: ({ x: t }, { inputs: { indices }, attrs: { axis } }) => t && tf.gather(t, indices, axis),
});

// TF: _UnsortedSegmentSumGrad
export const UnsortedSegmentSum = defineGradient('UnsortedSegmentSum', {
  saves: { inputs: ['segmentIds'], output: false },
  rule: (dy, { inputs: { segmentIds } }, batch) => ({ data: () => tf.gather(dy, segmentIds, batch.rank) }),
  jvp: ({ data }, { inputs: { segmentIds }, attrs: { numSegments } }) =>
    data && tf.unsortedSegmentSum(data, segmentIds, numSegments),
});
