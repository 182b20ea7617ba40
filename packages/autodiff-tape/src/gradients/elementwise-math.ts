/**
 * @file Gradients of the elementwise math and activation kernels of issue 12 (trigonometric and
 * hyperbolic functions, reciprocal, rsqrt, log1p, expm1, erf, softsign, elu, selu, relu6, atan2,
 * floorMod, squaredDifference, divNoNan), each TensorFlow's registered rule (named beside it), written
 * with tensor-core ops so higher orders come for free. Floor, Ceil, Round and FloorDiv have no
 * gradient in TensorFlow: their entries are `null` in gradients/index.ts.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { defineGradient } from './definition.js';

const OUTPUT = { inputs: [], output: true } as const;
const X = { inputs: ['x'], output: false } as const;
const A_B = { inputs: ['a', 'b'], output: false } as const;
/** SELU's scale and scale · alpha (TensorFlow's constants). */
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.0507009873554805 * 1.6732632423543772;

// TF: _SinGrad
export const Sin = defineGradient('Sin', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({ x: () => tf.tidy(() => tf.mul(dy, tf.cos(x))) }),
});
// TF: _CosGrad
export const Cos = defineGradient('Cos', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({ x: () => tf.tidy(() => tf.neg(tf.mul(dy, tf.sin(x)))) }),
});
// TF: _TanGrad (dy · sec²x)
export const Tan = defineGradient('Tan', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({ x: () => tf.tidy(() => tf.mul(dy, tf.square(tf.reciprocal(tf.cos(x))))) }),
});
// TF: _AsinGrad (dy / sqrt(1 - x²))
export const Asin = defineGradient('Asin', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({
    x: () => tf.tidy(() => tf.mul(dy, tf.reciprocal(tf.sqrt(tf.sub(1, tf.square(x)))))),
  }),
});
// TF: _AcosGrad (-dy / sqrt(1 - x²))
export const Acos = defineGradient('Acos', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({
    x: () => tf.tidy(() => tf.neg(tf.mul(dy, tf.reciprocal(tf.sqrt(tf.sub(1, tf.square(x))))))),
  }),
});
// TF: _AtanGrad (dy / (1 + x²))
export const Atan = defineGradient('Atan', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({
    x: () => tf.tidy(() => tf.mul(dy, tf.reciprocal(tf.add(1, tf.square(x))))),
  }),
});
// TF: _SinhGrad
export const Sinh = defineGradient('Sinh', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({ x: () => tf.tidy(() => tf.mul(dy, tf.cosh(x))) }),
});
// TF: _CoshGrad
export const Cosh = defineGradient('Cosh', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({ x: () => tf.tidy(() => tf.mul(dy, tf.sinh(x))) }),
});
// TF: _AsinhGrad (dy / cosh(y), from the output)
export const Asinh = defineGradient('Asinh', {
  saves: OUTPUT,
  rule: (dy, { output }) => ({ x: () => tf.tidy(() => tf.div(dy, tf.cosh(output))) }),
});
// TF: _AcoshGrad (dy / sinh(y), from the output)
export const Acosh = defineGradient('Acosh', {
  saves: OUTPUT,
  rule: (dy, { output }) => ({ x: () => tf.tidy(() => tf.div(dy, tf.sinh(output))) }),
});
// TF: _AtanhGrad (dy / (1 - x²))
export const Atanh = defineGradient('Atanh', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({
    x: () => tf.tidy(() => tf.mul(dy, tf.reciprocal(tf.sub(1, tf.square(x))))),
  }),
});
// TF: _ReciprocalGrad (ReciprocalGrad(y, dy) = -dy · y²)
export const Reciprocal = defineGradient('Reciprocal', {
  saves: OUTPUT,
  rule: (dy, { output }) => ({ x: () => tf.tidy(() => tf.neg(tf.mul(dy, tf.square(output)))) }),
});
// TF: _RsqrtGrad (RsqrtGrad(y, dy) = -dy · y³ / 2)
export const Rsqrt = defineGradient('Rsqrt', {
  saves: OUTPUT,
  rule: (dy, { output }) => ({
    x: () => tf.tidy(() => tf.mul(dy, tf.mul(tf.mul(tf.square(output), output), -0.5))),
  }),
});
// TF: _Log1pGrad (dy / (1 + x))
export const Log1p = defineGradient('Log1p', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({ x: () => tf.tidy(() => tf.mul(dy, tf.reciprocal(tf.add(1, x)))) }),
});
// TF: _Expm1Grad (dy · eˣ)
export const Expm1 = defineGradient('Expm1', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({ x: () => tf.tidy(() => tf.mul(dy, tf.exp(x))) }),
});
// TF: _ErfGrad (dy · 2/√π · e^(-x²))
export const Erf = defineGradient('Erf', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({
    x: () => tf.tidy(() => tf.mul(dy, tf.mul(tf.exp(tf.neg(tf.square(x))), 2 / Math.sqrt(Math.PI)))),
  }),
});
// TF: _SoftsignGrad (SoftsignGrad(dy, x) = dy / (1 + |x|)²)
export const Softsign = defineGradient('Softsign', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({ x: () => tf.tidy(() => tf.div(dy, tf.square(tf.add(tf.abs(x), 1)))) }),
});
// TF: _EluGrad (EluGrad(dy, y): dy · (y + 1) where y < 0, else dy)
export const Elu = defineGradient('Elu', {
  saves: OUTPUT,
  rule: (dy, { output }) => ({
    x: () => tf.tidy(() => tf.where(tf.less(output, 0), tf.mul(dy, tf.add(output, 1)), dy)),
  }),
});
// TF: _SeluGrad (SeluGrad(dy, y): dy · (y + scale · alpha) where y < 0, else dy · scale)
export const Selu = defineGradient('Selu', {
  saves: OUTPUT,
  rule: (dy, { output }) => ({
    x: () =>
      tf.tidy(() => tf.where(tf.less(output, 0), tf.mul(dy, tf.add(output, SELU_SCALE_ALPHA)), tf.mul(dy, SELU_SCALE))),
  }),
});
// TF: _Relu6Grad (Relu6Grad(dy, x): dy where 0 < x < 6, else 0)
export const Relu6 = defineGradient('Relu6', {
  saves: X,
  rule: (dy, { inputs: { x } }) => ({
    x: () => tf.tidy(() => tf.mul(dy, tf.cast(tf.logicalAnd(tf.greater(x, 0), tf.less(x, 6)), dy.dtype))),
  }),
});
// TF: _Atan2Grad (a is y, b is x: dy · x / (x² + y²) and -dy · y / (x² + y²))
export const Atan2 = defineGradient('Atan2', {
  saves: A_B,
  rule: (dy, { inputs: { a, b } }) => {
    const scaled = (): tf.Tensor => tf.div(dy, tf.add(tf.square(a), tf.square(b)));
    return {
      a: () => tf.tidy(() => tf.mul(b, scaled())),
      b: () => tf.tidy(() => tf.neg(tf.mul(a, scaled()))),
    };
  },
});
// TF: _FloorModGrad (dy for a; -dy · floorDiv(a, b) for b)
export const FloorMod = defineGradient('FloorMod', {
  saves: A_B,
  rule: (dy, { inputs: { a, b } }) => ({
    a: () => dy,
    b: () => tf.tidy(() => tf.mul(dy, tf.neg(tf.floorDiv(a, b)))),
  }),
});
// TF: _SquaredDifferenceGrad (2 · dy · (a - b), and its negation)
export const SquaredDifference = defineGradient('SquaredDifference', {
  saves: A_B,
  rule: (dy, { inputs: { a, b } }) => ({
    a: () => tf.tidy(() => tf.mul(tf.mul(dy, 2), tf.sub(a, b))),
    b: () => tf.tidy(() => tf.mul(tf.mul(dy, -2), tf.sub(a, b))),
  }),
});
// TF: _DivNoNanGrad (divNoNan(dy, b); dy · divNoNan(divNoNan(-a, b), b))
export const DivNoNan = defineGradient('DivNoNan', {
  saves: A_B,
  rule: (dy, { inputs: { a, b } }) => ({
    a: () => tf.divNoNan(dy, b),
    b: () => tf.tidy(() => tf.mul(dy, tf.divNoNan(tf.divNoNan(tf.neg(a), b), b))),
  }),
});
