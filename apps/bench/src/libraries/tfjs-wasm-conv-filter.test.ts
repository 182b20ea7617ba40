import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmConv2dBackpropFilter } from './tfjs-wasm-conv-filter.js';

const wave = (n: number, seed: number): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed));

/** The filter gradient of sum(conv2d(x, filter) · dy) on `backend`. */
async function filterGradient(backend: string, pad: 'same' | 'valid', strides: number): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(wave(2 * 9 * 7 * 3, 1), [2, 9, 7, 3]);
    const filter = tf.tensor4d(wave(3 * 2 * 3 * 5, 2), [3, 2, 3, 5]);
    const outShape = tf.conv2d(x, filter, strides, pad).shape;
    const dy = tf.tensor(
      wave(
        outShape.reduce((a, b) => a * b, 1),
        3,
      ),
      outShape,
    );
    const conv = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad);
    return tf.grads(conv)([x, filter], dy)[1]!.dataSync() as Float32Array;
  });
}

describe("the bench's Conv2DBackpropFilter for tfjs-wasm (Conv3DBackpropFilterV2 at depth 1)", () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmConv2dBackpropFilter();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(['same', 'valid'] as const)("matches tfjs-cpu's filter gradient, padding %s", async (pad) => {
    const expected = await filterGradient('cpu', pad, 1);
    const before = tf.memory().numTensors;
    const got = await filterGradient('wasm', pad, 1);
    expect(tf.memory().numTensors).toBe(before);
    expect(got.length).toBe(expected.length);
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(expected[i]!, 4);
  });

  it('refuses strides above 1, where the 3-D kernel it stands on is wrong', async () => {
    await expect(filterGradient('wasm', 'valid', 2)).rejects.toThrow(/unit strides only/);
  });

  it('registers once', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(registerWasmConv2dBackpropFilter()).toBe(false);
  });
});
