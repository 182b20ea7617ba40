/**
 * @file The MNIST convnet example on WebGPU (Dawn + SwiftShader in Node; in the root config's `webgpu`
 * project), shortened to 96 training / 64 held-out digits, 2 epochs of batches of 32 with the full
 * run's recipe (the digits shifted at random each epoch into the training Variable, a cosine-decaying
 * learning rate): every tensor on the 'webgpu' backend through Conv2D, BatchNormalization,
 * MaxPooling2D and their gradients. The held-out accuracy must clear 20%, a smaller bar than the CPU
 * test's (chance is 10%; this run reaches 28.1%: 6 steps leave BatchNormalization's moving statistics,
 * which `evaluate` uses, far from the batches' own, and the learning rate decays within them), the
 * training loss must fall, and the losses must be the CPU backend's (the same seeds give the same
 * weights, shifts, batches and dropout masks: checked to 1e-3, which a broken convolution or
 * pooling kernel or gradient would not meet), and nothing may be left behind.
 * About 50 s on SwiftShader on two quiet cores (110 s with the machine loaded), most of it the first
 * run of each pipeline.
 */
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { CNN_FULL_RUN, trainMnistCnn } from './examples/mnist-cnn.js';
import type { CnnConfig } from './examples/mnist-cnn.js';
import { useWebGpuInThisFile } from './webgpu-suite.js';

const SHORT: CnnConfig = {
  ...CNN_FULL_RUN,
  train: 96,
  test: 64,
  epochs: 2,
  batchSize: 32,
  verbose: 0,
  chartFile: null,
};

/** The bar: far above chance (10%), below what this run reaches (see the file comment). */
const MIN_ACCURACY = 0.2;

useWebGpuInThisFile();

describe('MNIST convnet on WebGPU (short run)', () => {
  it("fit / evaluate: above the bar held-out, loss falling, the CPU backend's losses, no leak", async () => {
    await tf.setBackend('cpu');
    const cpu = await trainMnistCnn(() => undefined, SHORT);
    await tf.setBackend('webgpu');
    const before = tf.memory();
    const gpu = await trainMnistCnn(() => undefined, SHORT);
    expect(tf.getBackend()).toBe('webgpu');
    expect(gpu.history.loss).toHaveLength(SHORT.epochs);
    expect(gpu.history.loss![1]!).toBeLessThan(gpu.history.loss![0]!);
    gpu.history.loss!.forEach((loss, i) =>
      expect(loss, `epoch ${i + 1} loss vs the CPU's`).toBeCloseTo(cpu.history.loss![i]!, 3),
    );
    expect(gpu.testAccuracy).toBeGreaterThanOrEqual(MIN_ACCURACY);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  }, 120_000);
});
