/**
 * The function transforms: TensorFlow.js' grad / grads / valueAndGrad / valueAndGrads / variableGrads
 * and JAX's jvp / vjp / hessian / hvp, against hand-derived derivatives; their bad input; and memory,
 * flat around every transform.
 */
import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { grad, grads, hessian, hvp, jvp, valueAndGrad, valueAndGrads, variableGrads, vjp } from './transforms.js';

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const close = (got: tf.Tensor, want: readonly number[], digits = 4): void => {
  expect(got.size).toBe(want.length);
  values(got).forEach((v, i) => expect(v, `element ${i}`).toBeCloseTo(want[i]!, digits));
};

let before: tf.MemoryInfo;
beforeEach(() => {
  before = tf.memory();
});
afterEach(() => {
  const after = tf.memory();
  expect(after.numTensors).toBe(before.numTensors);
  expect(after.numDataBuffers).toBe(before.numDataBuffers);
});

/** f(x) = sum(x³) + x₀x₁ on x of shape [2]: gradient 3x² + (x₁, x₀), Hessian diag(6x) + [[0, 1], [1, 0]]. */
const cubic = (x: tf.Tensor): tf.Tensor =>
  tf.add(tf.reduceSum(tf.pow(x, 3)), tf.mul(tf.slice(x, [0], [1]), tf.slice(x, [1], [1])).reshape([]));
const cubicHessian = (x: readonly number[]): number[] => [6 * x[0]!, 1, 1, 6 * x[1]!];

/** f(x) = ½ xᵀAx + Σ exp(x) on x of shape [3]: Hessian (A + Aᵀ)/2 + diag(exp x). */
const A = [
  [2, -1, 0.5],
  [0.3, 1, -2],
  [1.5, 0.2, 3],
];
const quadratic = (x: tf.Tensor): tf.Tensor => {
  const column = tf.reshape(x, [3, 1]);
  return tf.add(tf.mul(tf.reduceSum(tf.mul(column, tf.matmul(tf.tensor(A), column))), 0.5), tf.reduceSum(tf.exp(x)));
};
const quadraticHessian = (x: readonly number[]): number[][] =>
  A.map((row, i) => row.map((a, j) => (a + A[j]![i]!) / 2 + (i === j ? Math.exp(x[i]!) : 0)));

describe('tfjs gradient functions', () => {
  it('grad: the gradient of the sum without dy (tfjs example), the vjp with dy', () => {
    const x = tf.tensor([2, 3]);
    const g = grad((t) => tf.square(t));
    const dy = tf.tensor([1, 0.5]);
    const plain = g(x);
    const seeded = g(x, dy);
    expect(values(plain)).toEqual([4, 6]);
    expect(values(seeded)).toEqual([4, 3]);
    tf.dispose([x, dy, plain, seeded]);
  });

  it('grads and valueAndGrads: one gradient per argument, with the value', () => {
    const a = tf.tensor([2, 3]);
    const b = tf.tensor([-2, -3]);
    const [da, db] = grads((p, q) => tf.mul(p, q))([a, b]);
    expect(values(da!)).toEqual([-2, -3]);
    expect(values(db!)).toEqual([2, 3]);
    const { value, grads: both } = valueAndGrads((p, q) => tf.mul(p, q))([a, b]);
    expect(values(value)).toEqual([-4, -9]);
    expect(both.map(values)).toEqual([
      [-2, -3],
      [2, 3],
    ]);
    tf.dispose([a, b, da!, db!, value, ...both]);
  });

  it('valueAndGrad: value and gradient; the identity function gives the caller a handle of its own', () => {
    const x = tf.tensor([1, 4]);
    const { value, grad: g } = valueAndGrad((t) => tf.sqrt(t))(x);
    close(value, [1, 2]);
    close(g, [0.5, 0.25]);
    const identity = valueAndGrad((t) => t)(x);
    expect(identity.value).not.toBe(x);
    expect(values(identity.grad)).toEqual([1, 1]);
    tf.dispose([x, value, g, identity.value, identity.grad]);
  });

  it('variableGrads: trainable variables read by f by default, keyed by name', () => {
    const w = tf.variable([1, 2], { name: 'w' });
    const frozen = tf.variable([3, 4], { name: 'frozen', trainable: false });
    const x = tf.tensor([5, 6]);
    const { value, grads: byName } = variableGrads(() => tf.reduceSum(tf.mul(tf.mul(w, frozen), x)));
    expect(values(value)).toEqual([1 * 3 * 5 + 2 * 4 * 6]);
    expect(Object.keys(byName)).toEqual(['w']);
    expect(values(byName.w!)).toEqual([15, 24]);
    // An explicit list: only those, non-trainable ones filtered out.
    const listed = variableGrads(() => tf.reduceSum(tf.mul(w, x)), [w, frozen]);
    expect(Object.keys(listed.grads)).toEqual(['w']);
    tf.dispose([value, byName.w!, listed.value, listed.grads.w!, x]);
    w.dispose();
    frozen.dispose();
  });
});

describe('JAX-style transforms', () => {
  it('jvp: value and tangent (tanh: v (1 - tanh²))', () => {
    const x = tf.tensor([0.5, -1]);
    const [value, tangent] = jvp((t) => tf.tanh(t), [x], [[2, 1]]);
    close(value, [Math.tanh(0.5), Math.tanh(-1)]);
    close(tangent, [2 * (1 - Math.tanh(0.5) ** 2), 1 - Math.tanh(-1) ** 2]);
    // An output that does not depend on the primals: a zero tangent.
    const [constant, zero] = jvp(() => tf.tensor([1, 2, 3]), x, [1, 1]);
    expect(values(zero)).toEqual([0, 0, 0]);
    tf.dispose([x, value, tangent, constant, zero]);
  });

  it('vjp: value and a pullback callable many times, released by dispose', () => {
    const a = tf.tensor([1, 2]);
    const b = tf.tensor([3, 4]);
    const [value, pullback] = vjp((p, q) => tf.mul(p, tf.exp(q)), a, b);
    const u = tf.tensor([1, -1]);
    const [da, db] = pullback(u);
    close(da!, [Math.exp(3), -Math.exp(4)]);
    close(db!, [Math.exp(3), -2 * Math.exp(4)], 2);
    const again = pullback(u);
    close(again[0]!, values(da!));
    pullback.dispose();
    expect(() => pullback(u)).toThrow(expect.objectContaining({ name: 'FailedPreconditionError' }));
    tf.dispose([a, b, value, u, da!, db!, ...again]);
  });

  it('vjp: a pullback dropped without dispose is released by the safety net', async () => {
    const a = tf.tensor([1, 2]);
    const start = tf.memory();
    (() => {
      const [value, pullback] = vjp((p) => tf.exp(tf.mul(p, p)), a);
      value.dispose();
      expect(typeof pullback).toBe('function');
    })();
    expect(tf.memory().numDataBuffers).toBeGreaterThan(start.numDataBuffers);
    for (let i = 0; i < 50 && tf.memory().numDataBuffers !== start.numDataBuffers; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(tf.memory().numDataBuffers).toBe(start.numDataBuffers);
    a.dispose();
  });

  it('hessian: reverse over reverse, against the hand-derived Hessian', () => {
    const x = tf.tensor([0.5, -1.5]);
    const h = hessian(cubic)(x);
    expect(h.shape).toEqual([2, 2]);
    close(h, cubicHessian([0.5, -1.5]));
    const y = tf.tensor([0.1, -0.4, 0.7]);
    const hq = hessian(quadratic)(y);
    close(hq, quadraticHessian([0.1, -0.4, 0.7]).flat());
    tf.dispose([x, h, y, hq]);
  });

  it('hvp: forward over reverse equals the hand-derived Hessian times v, and hessian(f)(x) · v', () => {
    const point = [0.1, -0.4, 0.7];
    const v = [1, -2, 0.5];
    const x = tf.tensor(point);
    const product = hvp(quadratic, x, v);
    const H = quadraticHessian(point);
    close(
      product,
      H.map((row) => row.reduce((sum, h, j) => sum + h * v[j]!, 0)),
    );
    const viaHessian = tf.tidy(() => tf.reshape(tf.matmul(hessian(quadratic)(x), tf.tensor(v, [3, 1])), [3]));
    close(product, values(viaHessian));
    const x2 = tf.tensor([2, 3]);
    const cubicProduct = hvp(cubic, x2, [1, 0]);
    close(cubicProduct, [12, 1]);
    tf.dispose([x, x2, product, viaHessian, cubicProduct]);
  });
});

describe('transform bad input', () => {
  it('f not a function, for every transform', () => {
    const notFunction = 3 as unknown as (x: tf.Tensor) => tf.Tensor;
    for (const [name, make] of [
      ['grad', () => grad(notFunction)],
      ['grads', () => grads(notFunction)],
      ['valueAndGrad', () => valueAndGrad(notFunction)],
      ['valueAndGrads', () => valueAndGrads(notFunction)],
      ['variableGrads', () => variableGrads(notFunction as unknown as () => tf.Tensor)],
      ['hessian', () => hessian(notFunction)],
    ] as const) {
      expect(make, name).toThrow(
        expect.objectContaining({
          name: 'InvalidArgumentError',
          message: `${name}: argument 'f' expected a function, but got number 3.`,
        }),
      );
    }
    const x = tf.tensor(1);
    expect(() => jvp(notFunction, x, 1)).toThrow(/jvp: argument 'f' expected a function/);
    expect(() => vjp(notFunction, x)).toThrow(/vjp: argument 'f' expected a function/);
    expect(() => hvp(notFunction, x, 1)).toThrow(/hvp: argument 'f' expected a function/);
    x.dispose();
  });

  it('a non-scalar where a scalar is required, a dy of the wrong shape, a result that ignores x', () => {
    const x = tf.tensor([1, 2]);
    expect(() => hvp((t) => tf.square(t), x, [1, 1])).toThrow(
      /hvp: argument 'f' expected a function returning a scalar \(rank 0\), but got one returning .*\[2\]/,
    );
    expect(() => hessian((t) => tf.square(t))(x)).toThrow(
      /hessian: argument 'f' expected a function returning a scalar/,
    );
    const w = tf.variable([1, 2]);
    const frozen = tf.variable(1, { trainable: false });
    expect(() => variableGrads(() => tf.mul(w, 2))).toThrow(
      /variableGrads: argument 'f' expected a function returning a scalar/,
    );
    expect(() => variableGrads(() => tf.reduceSum(w), [frozen])).toThrow(
      /variableGrads: argument 'variables' expected at least one trainable Variable/,
    );
    expect(() => variableGrads(() => tf.reduceSum(x))).toThrow(
      /variableGrads: argument 'f' expected a function whose result depends on a trainable Variable/,
    );
    const dy = tf.tensor([1, 2, 3]);
    expect(() => grad((t) => tf.square(t))(x, dy)).toThrow(
      /grad: argument 'dy' expected a tensor of the shape f returned, \[2\]/,
    );
    expect(() => grad(() => tf.tensor(3))(x)).toThrow(
      /grad: argument 'x' expected a tensor the result of f depends on/,
    );
    expect(() => grads((t) => t)(x as unknown as tf.Tensor[])).toThrow(
      /grads: argument 'xs' expected an array of Tensors/,
    );
    expect(() => grad((t) => t.dataSync() as unknown as tf.Tensor)(x)).toThrow(
      /grad: argument 'f' expected a function returning a Tensor/,
    );
    const [value, pullback] = vjp((t) => tf.square(t), x);
    expect(() => pullback(dy)).toThrow(/vjp: argument 'cotangent' expected a tensor of the value's shape \[2\]/);
    pullback.dispose();
    tf.dispose([x, dy, value]);
    w.dispose();
    frozen.dispose();
  });
});
