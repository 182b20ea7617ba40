/**
 * @file The gradient of MatMul. Batched cotangents need nothing here: matmul broadcasts batch dims.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { defineGradient } from './definition.js';
import { addTangents } from './tangents.js';

// TF: _BatchMatMulV2 gradient; the four transpose cases. Broadcast batch dims are summed by the tape.
export const MatMul = defineGradient('MatMul', {
  saves: { inputs: ['a', 'b'], output: false },
  rule: (dy, { inputs: { a, b }, attrs: { transposeA, transposeB } }) => ({
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
  }),
  // Bilinear: d(a b) = da b + a db, with the op's own transposes.
  jvp: ({ a: ta, b: tb }, { inputs: { a, b }, attrs }) =>
    addTangents(ta && tf.matmul(ta, b, attrs), tb && tf.matmul(a, tb, attrs)),
});
