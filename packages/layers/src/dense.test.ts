/**
 * @file Dense: lazy build and shapes (rank 2 and rank > 2), seeded initialisation, activations against
 * hand-computed values, bad input, memory staying flat, and gradients against numeric ones.
 */
import './test-setup.js';
import { GradientTape, checkGradients } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import * as activations from './activations.js';
import { Dense, denseForward } from './dense.js';

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function expectClose(actual: readonly number[], expected: readonly number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, digits));
}

const KERNEL = [
  [0.1, -0.2],
  [0.3, 0.4],
  [-0.5, 0.6],
];
const BIAS = [0.05, -1];
const X = [
  [1, 2, 3],
  [-1, 0, 2],
];

/** matmul(X, KERNEL) + BIAS by hand. */
function preActivation(): number[] {
  return X.flatMap((row) => [0, 1].map((j) => row.reduce((s, v, k) => s + v * KERNEL[k]![j]!, BIAS[j]!)));
}

function withWeights(layer: Dense): tf.Tensor {
  const x = tf.tensor(X);
  layer.apply(x).dispose();
  const kernel = tf.tensor(KERNEL);
  const bias = tf.tensor(BIAS);
  layer.setWeights([kernel, bias]);
  tf.dispose([kernel, bias]);
  return x;
}

describe('Dense', () => {
  it('builds on the first apply from the last dimension, with Keras-shaped weights', () => {
    const layer = new Dense(5);
    expect(layer.built).toBe(false);
    expect(() => layer.kernel).toThrow(/not built yet/);
    const x = tf.ones([2, 7]);
    const y = layer.apply(x);
    expect(y.shape).toEqual([2, 5]);
    expect(layer.kernel.shape).toEqual([7, 5]);
    expect(layer.bias!.shape).toEqual([5]);
    expect(layer.trainableVariables).toEqual([layer.kernel, layer.bias]);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('applies over the last axis of a rank-3 input', async () => {
    const layer = new Dense(2, { seed: 4 });
    const x = tf.tensor([
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [
        [7, 8, 9],
        [0, 1, 0],
      ],
    ]);
    const y = layer.apply(x);
    expect(y.shape).toEqual([2, 2, 2]);
    const flat = tf.reshape(x, [4, 3]);
    const expected = tf.add(tf.matmul(flat, layer.kernel), layer.bias!);
    expectClose(await values(y), await values(expected));
    tf.dispose([x, y, flat, expected]);
    layer.dispose();
  });

  it('without a bias has only a kernel', () => {
    const layer = new Dense(3, { useBias: false });
    const x = tf.ones([1, 2]);
    layer.apply(x).dispose();
    expect(layer.bias).toBeNull();
    expect(layer.variables).toEqual([layer.kernel]);
    tf.dispose(x);
    layer.dispose();
  });

  it('the same seed gives the same kernel, within the glorot limit; zeros bias', async () => {
    const x = tf.ones([1, 4]);
    const a = new Dense(2, { seed: 42 });
    const b = new Dense(2, { seed: 42 });
    const c = new Dense(2, { seed: 43 });
    for (const layer of [a, b, c]) layer.apply(x).dispose();
    const kernelA = await values(a.kernel);
    expect(kernelA).toEqual(await values(b.kernel));
    expect(kernelA).not.toEqual(await values(c.kernel));
    const limit = Math.sqrt(6 / (4 + 2));
    kernelA.forEach((v) => expect(Math.abs(v)).toBeLessThanOrEqual(limit));
    expect(await values(a.bias!)).toEqual([0, 0]);
    tf.dispose(x);
    [a, b, c].forEach((l) => l.dispose());
  });

  it.each([
    ['linear', (v: number) => v],
    ['relu', (v: number) => Math.max(v, 0)],
    ['sigmoid', (v: number) => 1 / (1 + Math.exp(-v))],
    ['tanh', (v: number) => Math.tanh(v)],
  ] as const)('activation %s matches hand-computed values', async (activation, f) => {
    const layer = new Dense(2, { activation });
    const x = withWeights(layer);
    const y = layer.apply(x);
    expectClose(await values(y), preActivation().map(f));
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('activation softmax normalises each row', async () => {
    const layer = new Dense(2, { activation: 'softmax' });
    const x = withWeights(layer);
    const y = layer.apply(x);
    const z = preActivation();
    const expected = [0, 2].flatMap((r) => {
      const e = [Math.exp(z[r]!), Math.exp(z[r + 1]!)];
      return e.map((v) => v / (e[0]! + e[1]!));
    });
    expectClose(await values(y), expected);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('refuses bad construction arguments and bad inputs with typed errors', () => {
    expect(() => new Dense(0)).toThrow(tf.InvalidArgumentError);
    expect(() => new Dense(2.5)).toThrow(/units.*positive integer/);
    expect(() => new Dense(2, { activation: 'hardTanh' as 'relu' })).toThrow(
      /activation.*'linear', 'relu', 'sigmoid', 'tanh', 'softmax'.*'hardTanh'/,
    );
    expect(() => new Dense(2, { kernelInitializer: 'uniform' as 'zeros' })).toThrow(
      /kernelInitializer.*'glorotUniform'.*'uniform'/,
    );
    expect(() => new Dense(2, { biasInitializer: 'nope' as 'zeros' })).toThrow(/biasInitializer/);

    const layer = new Dense(2);
    const vector = tf.ones([3]);
    expect(() => layer.apply(vector)).toThrow(/rank >= 2/);
    expect(layer.built).toBe(false);
    const x = tf.ones([1, 3]);
    layer.apply(x).dispose();
    const wrong = tf.ones([1, 4]);
    expect(() => layer.apply(wrong)).toThrow(/last dimension of 3.*\[1,4\]/);
    tf.dispose([vector, x, wrong]);
    layer.dispose();
  });

  it('casts int32 inputs to float32 (Keras autocast)', async () => {
    const layer = new Dense(1, { kernelInitializer: 'ones' });
    const x = tf.tensor([[1, 2]], undefined, 'int32');
    const y = layer.apply(x);
    expect(y.dtype).toBe('float32');
    expect(await values(y)).toEqual([3]);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('leaks nothing: tensors back to the start after apply, gradient and dispose', () => {
    const start = tf.memory().numTensors;
    const layer = new Dense(3, { activation: 'relu', seed: 9 });
    const x = tf.ones([4, 5]);
    const tape = new GradientTape();
    const loss = tape.record(() => tf.tidy(() => tf.reduceSum(tf.square(layer.apply(x)))));
    const grads = tape.gradient(loss, layer.trainableVariables);
    const rank3 = tf.ones([2, 4, 5]);
    const y3 = layer.apply(rank3);
    tf.dispose([x, loss, grads, rank3, y3]);
    layer.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it("builds inside GradientTape.record (the notebook's pattern) and the tape watches the new weights", async () => {
    const start = tf.memory().numTensors;
    const layer = new Dense(2, { seed: 11 });
    const x = tf.constant([[10, 20, 30, 40]]);
    const tape = new GradientTape();
    const loss = tape.record(() => tf.tidy(() => tf.reduceSum(layer.apply(x))));
    expect(tape.watchedVariables()).toEqual([layer.kernel, layer.bias]);
    const [dKernel, dBias] = tape.gradient(loss, layer.trainableVariables) as [tf.Tensor, tf.Tensor];
    // d sum(x·k + b)/dk = xᵀ·1, d/db = 1: the initial values were not recorded as part of the graph.
    expect(await values(dKernel)).toEqual([10, 10, 20, 20, 30, 30, 40, 40]);
    expect(await values(dBias)).toEqual([1, 1]);
    tf.dispose([x, loss, dKernel, dBias]);
    layer.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('tape gradients wrt kernel and bias equal the closed form', async () => {
    const layer = new Dense(2, { activation: 'relu' });
    const x = withWeights(layer);
    const tape = new GradientTape();
    const [y, loss] = tape.record(() => {
      const out = layer.apply(x);
      return [out, tf.reduceSum(tf.square(out))] as const;
    });
    const [dKernel, dBias] = tape.gradient(loss, layer.trainableVariables) as [tf.Tensor, tf.Tensor];
    // dl/dz = 2y ⊙ 1[z > 0] = 2y for relu; dl/dkernel = xᵀ · dl/dz, dl/dbias = column sums.
    const upstream = (await values(y)).map((v) => 2 * v);
    const expectedKernel = [0, 1, 2].flatMap((k) =>
      [0, 1].map((j) => X[0]![k]! * upstream[j]! + X[1]![k]! * upstream[2 + j]!),
    );
    expectClose(await values(dKernel), expectedKernel, 4);
    expectClose(await values(dBias), [upstream[0]! + upstream[2]!, upstream[1]! + upstream[3]!], 4);
    tf.dispose([x, y, loss, dKernel, dBias]);
    layer.dispose();
  });

  it.each(['linear', 'sigmoid', 'tanh', 'softmax'] as const)(
    'gradients through Dense (%s) match numeric ones',
    async (name) => {
      const x = tf.tensor([
        [0.3, -0.7, 1.1],
        [0.5, 0.2, -0.4],
      ]);
      const kernel = tf.tensor(KERNEL);
      const bias = tf.tensor(BIAS);
      const report = await checkGradients(
        (xi, k, b) => denseForward(xi, k, b, activations.get(name)),
        [x, kernel, bias],
      );
      expect(report.ok, report.summary).toBe(true);
      tf.dispose([x, kernel, bias]);
    },
  );

  it('gradients through Dense (relu, rank 3) match numeric ones away from the kink', async () => {
    const x = tf.tensor([
      [
        [0.3, -0.7, 1.1],
        [0.5, 0.2, -0.4],
      ],
    ]);
    const kernel = tf.tensor(KERNEL);
    const bias = tf.tensor(BIAS);
    const report = await checkGradients((xi, k, b) => denseForward(xi, k, b, activations.relu), [x, kernel, bias], {
      delta: 1e-3,
    });
    expect(report.ok, report.summary).toBe(true);
    tf.dispose([x, kernel, bias]);
  });
});
