/**
 * @file A functional model on WebGPU (Dawn + SwiftShader in Node; the root config's `webgpu`
 * project): two inputs, a shared layer, two outputs with per-output losses and loss weights, fitted
 * for a few epochs with every tensor on the 'webgpu' backend, and the same run on the CPU backend to
 * compare with (seeded weights and batches are the same on both): the history and the predictions
 * agree, and `tf.memory()` is flat across a second fit. Small sizes: well under a second of compute.
 */
import { SWIFTSHADER_ICD, nodeGpu, webgpuBackend } from '@tapeflow/backend-webgpu';
import { create } from 'webgpu';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from './index.js';

process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;

afterAll(async () => {
  await tf.setBackend('cpu');
  if (tf.getEngine().registeredBackends().includes('webgpu')) tf.removeBackend('webgpu');
});

interface Run {
  readonly history: Record<string, number[] | undefined>;
  readonly predictions: number[][];
  readonly leaked: number;
}

async function run(): Promise<Run> {
  const a = tf.input({ shape: [4], name: 'a' });
  const b = tf.input({ shape: [4], name: 'b' });
  const shared = new tf.layers.Dense(8, { activation: 'relu', seed: 1, name: 'shared' });
  const sum = new tf.layers.Dense(1, { seed: 2, name: 'sum' }).apply(shared.apply(a));
  const sign = new tf.layers.Dense(1, { activation: 'sigmoid', seed: 3, name: 'sign' }).apply(shared.apply(b));
  const model = new tf.Model<tf.Tensor[]>({ inputs: [a, b], outputs: [sum, sign] });
  model.compile({
    optimizer: new tf.optimizers.Adam({ learningRate: 0.02 }),
    loss: ['mse', 'binaryCrossentropy'],
    lossWeights: [1, 0.5],
    metrics: [[], ['accuracy']],
  });
  const xa = tf.random.statelessUniform([64, 4], [1, 2], { minval: -1, maxval: 1 });
  const xb = tf.random.statelessUniform([64, 4], [3, 4], { minval: -1, maxval: 1 });
  const ySum = tf.reduceSum(xa, 1, true);
  const ySign = tf.cast(tf.greater(tf.reduceSum(xb, 1, true), 0), 'float32');
  const { history } = await model.fit({ a: xa, b: xb }, [ySum, ySign], {
    epochs: 4,
    batchSize: 16,
    verbose: 0,
    seed: 5,
  });
  const before = tf.memory().numTensors;
  await model.fit([xa, xb], [ySum, ySign], { epochs: 1, batchSize: 16, verbose: 0, seed: 6 });
  const leaked = tf.memory().numTensors - before;
  const outputs = model.predict([xa, xb]);
  const predictions = await Promise.all(outputs.map(async (t) => Array.from(await t.data())));
  tf.dispose([xa, xb, ySum, ySign, ...outputs]);
  model.dispose();
  return { history, predictions, leaked };
}

describe('functional model on WebGPU', () => {
  it('fits a two-input two-output model as the CPU backend does, without leaking', async () => {
    await tf.setBackend('cpu');
    const cpu = await run();
    if (!tf.getEngine().registeredBackends().includes('webgpu'))
      tf.registerBackend('webgpu', async () => webgpuBackend({ gpu: await nodeGpu(create) }));
    await tf.setBackend('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    const gpu = await run();
    expect(Object.keys(gpu.history).sort()).toEqual(['loss', 'sign_accuracy', 'sign_loss', 'sum_loss']);
    for (const key of Object.keys(cpu.history)) {
      cpu.history[key]!.forEach((value, epoch) => expect(gpu.history[key]![epoch]).toBeCloseTo(value, 3));
    }
    // The loss falls over the epochs.
    expect(gpu.history.loss![3]!).toBeLessThan(gpu.history.loss![0]! * 0.8);
    gpu.predictions.forEach((values, o) =>
      values.forEach((v, i) => expect(Math.abs(v - cpu.predictions[o]![i]!)).toBeLessThan(1e-3)),
    );
    expect(gpu.leaked).toBe(0);
    expect(cpu.leaked).toBe(0);
  });
});
