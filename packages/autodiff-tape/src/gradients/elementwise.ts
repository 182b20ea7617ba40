/**
 * @file Gradients of elementwise ops, written with tensor-core ops so they run on any backend and an
 * outer tape records them (higher orders). Each names the TensorFlow rule it follows.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { GradientRule } from './types.js';

type Rule<N extends tf.RecordedOpName> = GradientRule<N>;

// TF: _AddGrad
export const Add: Rule<'Add'> = (dy) => ({ a: () => dy, b: () => dy });
// TF: _SubGrad
export const Sub: Rule<'Sub'> = (dy) => ({ a: () => dy, b: () => tf.neg(dy) });
// TF: _MulGrad
export const Mul: Rule<'Mul'> = (dy, { inputs: { a, b } }) => ({ a: () => tf.mul(dy, b), b: () => tf.mul(dy, a) });
// TF: _RealDivGrad
export const RealDiv: Rule<'RealDiv'> = (dy, { inputs: { a, b } }) => ({
  a: () => tf.div(dy, b),
  b: () => tf.tidy(() => tf.mul(dy, tf.div(tf.div(tf.neg(a), b), b))),
});
// TF: _PowGrad. The exponent's gradient is masked to 0 where the base is <= 0 (log undefined there).
export const Pow: Rule<'Pow'> = (dy, { inputs: { a, b }, output }) => ({
  a: () => tf.tidy(() => tf.mul(dy, tf.mul(b, tf.pow(a, tf.sub(b, 1))))),
  b: () =>
    tf.tidy(() => {
      const positive = tf.greater(a, 0);
      const safeLog = tf.where(positive, tf.log(tf.where(positive, a, tf.onesLike(a))), tf.zerosLike(a));
      return tf.mul(dy, tf.mul(output, safeLog));
    }),
});
// TF: _MaximumGrad (ties send the gradient to `a`)
export const Maximum: Rule<'Maximum'> = (dy, { inputs: { a, b } }) => ({
  a: () => tf.tidy(() => tf.mul(dy, tf.cast(tf.greaterEqual(a, b), dy.dtype))),
  b: () => tf.tidy(() => tf.mul(dy, tf.cast(tf.less(a, b), dy.dtype))),
});
// TF: _MinimumGrad (ties send the gradient to `a`)
export const Minimum: Rule<'Minimum'> = (dy, { inputs: { a, b } }) => ({
  a: () => tf.tidy(() => tf.mul(dy, tf.cast(tf.lessEqual(a, b), dy.dtype))),
  b: () => tf.tidy(() => tf.mul(dy, tf.cast(tf.greater(a, b), dy.dtype))),
});
// TF: _NegGrad
export const Neg: Rule<'Neg'> = (dy) => ({ x: () => tf.neg(dy) });
// TF: _AbsGrad
export const Abs: Rule<'Abs'> = (dy, { inputs: { x } }) => ({ x: () => tf.tidy(() => tf.mul(dy, tf.sign(x))) });
// TF: _SignGrad (zero almost everywhere)
export const Sign: Rule<'Sign'> = (dy) => ({ x: () => tf.zerosLike(dy) });
// TF: _SquareGrad
export const Square: Rule<'Square'> = (dy, { inputs: { x } }) => ({ x: () => tf.tidy(() => tf.mul(dy, tf.mul(x, 2))) });
// TF: _SqrtGrad (via the output: dy * 0.5 / y)
export const Sqrt: Rule<'Sqrt'> = (dy, { output }) => ({ x: () => tf.tidy(() => tf.div(tf.mul(dy, 0.5), output)) });
// TF: _ExpGrad
export const Exp: Rule<'Exp'> = (dy, { output }) => ({ x: () => tf.mul(dy, output) });
// TF: _LogGrad
export const Log: Rule<'Log'> = (dy, { inputs: { x } }) => ({ x: () => tf.div(dy, x) });
// TF: _ReluGrad (gradient 0 at 0, as TensorFlow)
export const Relu: Rule<'Relu'> = (dy, { output }) => ({
  x: () => tf.tidy(() => tf.mul(dy, tf.cast(tf.greater(output, 0), dy.dtype))),
});
// TF: _SigmoidGrad
export const Sigmoid: Rule<'Sigmoid'> = (dy, { output }) => ({
  x: () => tf.tidy(() => tf.mul(dy, tf.mul(output, tf.sub(1, output)))),
});
// TF: _TanhGrad
export const Tanh: Rule<'Tanh'> = (dy, { output }) => ({
  x: () => tf.tidy(() => tf.mul(dy, tf.sub(1, tf.square(output)))),
});
// TF: _SelectGrad (the condition gets none)
export const Select: Rule<'Select'> = (dy, { inputs: { condition } }) => ({
  a: () => tf.tidy(() => tf.where(condition, dy, tf.zerosLike(dy))),
  b: () => tf.tidy(() => tf.where(condition, tf.zerosLike(dy), dy)),
});
// TF: _CastGrad (only between floating dtypes; others get none)
export const Cast: Rule<'Cast'> = (dy, { inputs: { x } }) =>
  x.dtype === 'float32' && dy.dtype === 'float32' ? { x: () => dy } : {};
