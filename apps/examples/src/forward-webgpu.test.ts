/**
 * @file Forward mode on WebGPU (Dawn + SwiftShader in Node) against the CPU backend: the forward-mode
 * examples' tensors, and ForwardAccumulator / jvp / hvp / hessian / nested accumulators on a composite
 * of every op family, with the same inputs on both backends. The CPU values are checked against
 * PyTorch and hand-derived derivatives in autodiff-tape's tests; here the WebGPU kernels must give the
 * same tangents, and nothing may be left behind.
 */
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { FORWARD_EXAMPLES } from './examples/index.js';
import { useWebGpuInThisFile } from './webgpu-suite.js';

/** A composite of elementwise, broadcasting, matmul, reduction, softmax and shape ops. */
function composite(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  const hidden = tf.tanh(tf.add(tf.matmul(x, w), tf.reduceMean(w, 0)));
  return tf.mul(tf.softmax(tf.transpose(hidden, [1, 0]), 0), tf.exp(tf.slice(hidden, [0, 0], [1, 2])).reshape([2, 1]));
}

/** A scalar of w for the second-order transforms. */
const scalar = (w: tf.Tensor): tf.Tensor =>
  tf.reduceSum(
    tf.square(
      composite(
        tf.tensor([
          [0.5, -1],
          [2, 0.25],
        ]),
        w,
      ),
    ),
  );

/** Every forward-mode computation of the test, as flat number arrays, on the active backend. */
async function compute(): Promise<Record<string, number[]>> {
  const before = tf.memory().numTensors;
  const results: Record<string, tf.Tensor> = tf.tidy(() => {
    const x = tf.tensor([
      [0.3, -0.7],
      [0.9, 0.1],
    ]);
    const w = tf.tensor([
      [-0.4, 0.6],
      [0.2, 0.8],
    ]);
    const tx = tf.tensor([
      [1, -0.5],
      [0.25, 0.75],
    ]);
    const tw = tf.tensor([
      [-0.3, 0.9],
      [0.6, -0.2],
    ]);
    const [value, tangent] = tf.jvp(composite, [x, w], [tx, tw]);
    const outer = new tf.ForwardAccumulator(w, tw);
    const inner = new tf.ForwardAccumulator(w, tw);
    const y = outer.record(() => inner.record(() => scalar(w)));
    const second = outer.jvp(inner.jvp(y)!)!;
    outer.dispose();
    inner.dispose();
    return { value, tangent, second, hvp: tf.hvp(scalar, w, tw), hessian: tf.hessian(scalar)(w) };
  });
  const flat: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(results)) flat[name] = Array.from(await t.data());
  tf.dispose(results);
  for (const example of FORWARD_EXAMPLES) {
    const result = await example.run(() => {});
    for (const [name, t] of Object.entries(result as Record<string, unknown>)) {
      if (t instanceof tf.Tensor) flat[`${example.name}.${name}`] = Array.from(await t.data());
    }
    tf.dispose(result);
  }
  expect(tf.memory().numTensors).toBe(before);
  return flat;
}

useWebGpuInThisFile();

describe('forward mode on WebGPU matches the CPU backend', () => {
  it('jvp, nested accumulators, hvp, hessian and the forward-mode examples', async () => {
    await tf.setBackend('cpu');
    const cpu = await compute();
    await tf.setBackend('webgpu');
    const gpu = await compute();
    expect(Object.keys(gpu)).toEqual(Object.keys(cpu));
    for (const [name, values] of Object.entries(cpu)) {
      expect(gpu[name]!.length, name).toBe(values.length);
      values.forEach((v, i) =>
        expect(Math.abs(gpu[name]![i]! - v), `${name}[${i}]: ${gpu[name]![i]} vs ${v}`).toBeLessThanOrEqual(
          1e-3 + 1e-3 * Math.abs(v),
        ),
      );
    }
  });
});
