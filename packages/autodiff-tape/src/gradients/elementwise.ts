/**
 * @file Gradients of elementwise ops, written with tensor-core ops so they run on any backend and an
 * outer tape records them (higher orders). Each names the TensorFlow rule it follows. Elementwise rules
 * ignore the cotangent batch: broadcasting lines its leading dims up with the kept values. Each also
 * carries its forward rule (jvp), the derivative applied to the inputs' tangents.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { defineGradient } from './definition.js';
import { addTangents, scaleTangent, subTangents } from './tangents.js';

const NOTHING = { inputs: [], output: false } as const;
const OUTPUT = { inputs: [], output: true } as const;
const X = { inputs: ['x'], output: false } as const;
const A_B = { inputs: ['a', 'b'], output: false } as const;

// TF: _AddGrad
export const Add = defineGradient('Add', {
  saves: NOTHING,
  rule: (dy) => ({ a: () => dy, b: () => dy }),
  jvp: ({ a, b }) => addTangents(a, b),
});
// TF: _SubGrad
export const Sub = defineGradient('Sub', {
  saves: NOTHING,
  rule: (dy) => ({ a: () => dy, b: () => tf.neg(dy) }),
  jvp: ({ a, b }) => subTangents(a, b),
});
// TF: _MulGrad
export const Mul = defineGradient('Mul', {
  saves: { ...A_B, readBy: { a: ['b'], b: ['a'] } },
  rule: (dy, { inputs: { a, b } }) => ({ a: () => tf.mul(dy, b), b: () => tf.mul(dy, a) }),
  jvp: ({ a: ta, b: tb }, { inputs: { a, b } }) =>
    addTangents(
      scaleTangent(ta, () => b),
      scaleTangent(tb, () => a),
    ),
});
// TF: _RealDivGrad
export const RealDiv = defineGradient('RealDiv', {
  saves: { ...A_B, readBy: { a: ['b'] } },
  rule: (dy, { inputs: { a, b } }) => ({
    a: () => tf.div(dy, b),
    b: () => tf.tidy(() => tf.mul(dy, tf.div(tf.div(tf.neg(a), b), b))),
  }),
  // d(a / b) = (da - (a / b) db) / b
  jvp: ({ a: ta, b: tb }, { inputs: { b }, output }) => {
    const numerator = subTangents(
      ta,
      scaleTangent(tb, () => output),
    );
    return numerator === null ? null : tf.div(numerator, b);
  },
});
// TF: _PowGrad. The exponent's gradient is masked to 0 where the base is <= 0 (log undefined there).
export const Pow = defineGradient('Pow', {
  saves: { inputs: ['a', 'b'], output: true },
  rule: (dy, { inputs: { a, b }, output }) => ({
    a: () => tf.tidy(() => tf.mul(dy, tf.mul(b, tf.pow(a, tf.sub(b, 1))))),
    b: () =>
      tf.tidy(() => {
        const positive = tf.greater(a, 0);
        const safeLog = tf.where(positive, tf.log(tf.where(positive, a, tf.onesLike(a))), tf.zerosLike(a));
        return tf.mul(dy, tf.mul(output, safeLog));
      }),
  }),
  // d(a^b) = b a^(b-1) da + a^b log(a) db, log masked to 0 where a <= 0 as in the vjp.
  jvp: ({ a: ta, b: tb }, { inputs: { a, b }, output }) =>
    addTangents(
      scaleTangent(ta, () => tf.mul(b, tf.pow(a, tf.sub(b, 1)))),
      scaleTangent(tb, () => {
        const positive = tf.greater(a, 0);
        return tf.mul(output, tf.where(positive, tf.log(tf.where(positive, a, tf.onesLike(a))), tf.zerosLike(a)));
      }),
    ),
});
// TF: _MaximumGrad (ties send the gradient to `a`)
export const Maximum = defineGradient('Maximum', {
  saves: A_B,
  rule: (dy, { inputs: { a, b } }) => ({
    a: () => tf.tidy(() => tf.mul(dy, tf.cast(tf.greaterEqual(a, b), dy.dtype))),
    b: () => tf.tidy(() => tf.mul(dy, tf.cast(tf.less(a, b), dy.dtype))),
  }),
  jvp: ({ a: ta, b: tb }, { inputs: { a, b } }) =>
    addTangents(
      scaleTangent(ta, () => tf.cast(tf.greaterEqual(a, b), 'float32')),
      scaleTangent(tb, () => tf.cast(tf.less(a, b), 'float32')),
    ),
});
// TF: _MinimumGrad (ties send the gradient to `a`)
export const Minimum = defineGradient('Minimum', {
  saves: A_B,
  rule: (dy, { inputs: { a, b } }) => ({
    a: () => tf.tidy(() => tf.mul(dy, tf.cast(tf.lessEqual(a, b), dy.dtype))),
    b: () => tf.tidy(() => tf.mul(dy, tf.cast(tf.greater(a, b), dy.dtype))),
  }),
  jvp: ({ a: ta, b: tb }, { inputs: { a, b } }) =>
    addTangents(
      scaleTangent(ta, () => tf.cast(tf.lessEqual(a, b), 'float32')),
      scaleTangent(tb, () => tf.cast(tf.greater(a, b), 'float32')),
    ),
});
// TF: _NegGrad
export const Neg = defineGradient('Neg', {
  saves: NOTHING,
  rule: (dy) => ({ x: () => tf.neg(dy) }),
  jvp: ({ x }) => x && tf.neg(x),
});
// TF: _AbsGrad
export const Abs = defineGradient('Abs', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({ x: () => tf.tidy(() => tf.mul(dy, tf.sign(x))) }),
  jvp: ({ x: t }, { inputs: { x } }) => scaleTangent(t, () => tf.sign(x)),
});
// TF: _SignGrad (zero almost everywhere)
export const Sign = defineGradient('Sign', {
  saves: NOTHING,
  rule: (dy) => ({ x: () => tf.zerosLike(dy) }),
  jvp: (_, { output }) => tf.zerosLike(output),
});
// TF: _SquareGrad
export const Square = defineGradient('Square', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({ x: () => tf.tidy(() => tf.mul(dy, tf.mul(x, 2))) }),
  jvp: ({ x: t }, { inputs: { x } }) => scaleTangent(t, () => tf.mul(x, 2)),
});
// TF: _SqrtGrad (via the output: dy * 0.5 / y)
export const Sqrt = defineGradient('Sqrt', {
  saves: OUTPUT,
  rule: (dy, { output }) => ({ x: () => tf.tidy(() => tf.div(tf.mul(dy, 0.5), output)) }),
  jvp: ({ x }, { output }) => x && tf.div(tf.mul(x, 0.5), output),
});
// TF: _ExpGrad
export const Exp = defineGradient('Exp', {
  saves: OUTPUT,
  rule: (dy, { output }) => ({ x: () => tf.mul(dy, output) }),
  jvp: ({ x }, { output }) => scaleTangent(x, () => output),
});
// TF: _LogGrad
export const Log = defineGradient('Log', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({ x: () => tf.div(dy, x) }),
  jvp: ({ x: t }, { inputs: { x } }) => t && tf.div(t, x),
});
// TF: _ReluGrad (gradient 0 at 0, as TensorFlow)
export const Relu = defineGradient('Relu', {
  saves: OUTPUT,
  rule: (dy, { output }) => ({ x: () => tf.tidy(() => tf.mul(dy, tf.cast(tf.greater(output, 0), dy.dtype))) }),
  jvp: ({ x }, { output }) => scaleTangent(x, () => tf.cast(tf.greater(output, 0), 'float32')),
});
// TF: _SigmoidGrad
export const Sigmoid = defineGradient('Sigmoid', {
  saves: OUTPUT,
  rule: (dy, { output }) => ({ x: () => tf.tidy(() => tf.mul(dy, tf.mul(output, tf.sub(1, output)))) }),
  jvp: ({ x }, { output }) => scaleTangent(x, () => tf.mul(output, tf.sub(1, output))),
});
// TF: _TanhGrad
export const Tanh = defineGradient('Tanh', {
  saves: OUTPUT,
  rule: (dy, { output }) => ({ x: () => tf.tidy(() => tf.mul(dy, tf.sub(1, tf.square(output)))) }),
  jvp: ({ x }, { output }) => scaleTangent(x, () => tf.sub(1, tf.square(output))),
});
// TF: _SoftplusGrad (dy · sigmoid(x); saves the input, as TensorFlow's SoftplusGrad kernel reads it)
export const Softplus = defineGradient('Softplus', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({ x: () => tf.tidy(() => tf.mul(dy, tf.sigmoid(x))) }),
  jvp: ({ x: t }, { inputs: { x } }) => scaleTangent(t, () => tf.sigmoid(x)),
});
// TF: _SelectGrad (the condition gets none)
export const Select = defineGradient('Select', {
  saves: { inputs: ['condition'], output: false },
  rule: (dy, { inputs: { condition } }) => ({
    a: () => tf.tidy(() => tf.where(condition, dy, tf.zerosLike(dy))),
    b: () => tf.tidy(() => tf.where(condition, tf.zerosLike(dy), dy)),
  }),
  jvp: ({ a: ta, b: tb }, { inputs: { condition }, output }) =>
    tf.where(condition, ta ?? tf.zerosLike(output), tb ?? tf.zerosLike(output)),
});
