/**
 * @file The pooling kernels on WebGPU against the CPU backend at a CNN's shapes (MNIST-sized images,
 * 2x2 windows every 2 and 3x3 SAME windows every 1), forward and each gradient kernel, plus ties: every
 * window of an all-equal image routes its gradient to its first element on both backends. Also tf.nn's
 * composites, and dropout's mask: the same seed gives the same mask on both backends.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { compareWithCpu, registerBoth, seeded } from './test-utils.js';

beforeAll(async () => {
  await registerBoth();
});
afterAll(() => tf.removeBackend('webgpu'));

const CASES = [
  { shape: [4, 28, 28, 8], ksize: 2, strides: 2, padding: 'VALID' },
  { shape: [2, 14, 14, 16], ksize: 3, strides: 1, padding: 'SAME' },
  { shape: [2, 13, 11, 3], ksize: [3, 2], strides: [2, 3], padding: 'SAME' },
] as const;

describe('MaxPool, AvgPool and their gradient kernels against the CPU', () => {
  for (const { shape, ksize, strides, padding } of CASES) {
    it(`[${shape.join(',')}] ksize ${String(ksize)} strides ${String(strides)} ${padding}`, async () => {
      const size = shape.reduce((a, b) => a * b, 1);
      const x = seeded(size, 3);
      const make = (): tf.Tensor => tf.tensor(x, shape);
      await compareWithCpu(() => [
        tf.maxPool2d(make(), ksize, strides, padding),
        tf.avgPool2d(make(), ksize, strides, padding),
      ]);
      const g = tf.poolGeometry('test', shape, ksize, strides, padding);
      const dy = seeded(
        g.outputShape.reduce((a, b) => a * b, 1),
        5,
      );
      await compareWithCpu(() => [
        tf.maxPoolGrad(make(), tf.tensor(dy, g.outputShape), g),
        tf.maxPoolGradGrad(make(), tf.tensor(seeded(size, 7), shape), g.outputShape, g),
        tf.avgPoolGrad(shape, tf.tensor(dy, g.outputShape), g),
      ]);
    });
  }

  it('routes tied windows to their first element on both backends', async () => {
    const shape = [1, 6, 6, 2];
    const g = { ksize: [3, 3], strides: [1, 1], pads: [1, 1] };
    await compareWithCpu(() => tf.maxPoolGrad(tf.ones(shape), tf.tensor(seeded(72, 2), shape), g), 1e-5);
  });
});

describe("tf.nn's composites on WebGPU", () => {
  it('agree with the CPU; dropout with a seed draws the same mask', async () => {
    const x = seeded(24, 11);
    const labels = seeded(24, 12, 0, 1);
    await compareWithCpu(() => {
      tf.random.setSeed(3);
      const t = tf.tensor(x, [4, 6]);
      const y = tf.tensor(labels, [4, 6]);
      const { mean, variance } = tf.nn.moments(t, [0]);
      return [
        tf.nn.dropout(t, 0.4, { seed: 8 }),
        tf.nn.batchNormalization(t, mean, variance, 0.5, 2, 1e-3),
        tf.nn.l2Normalize(t, 1),
        tf.nn.softmaxCrossEntropyWithLogits(y, t),
        tf.nn.sparseSoftmaxCrossEntropyWithLogits([0, 5, 2, 2], t),
        tf.nn.sigmoidCrossEntropyWithLogits(y, t),
        tf.nn.embeddingLookup(t, [3, 0, 3]),
      ];
    });
  });
});
