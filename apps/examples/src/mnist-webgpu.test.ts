/**
 * @file Training on WebGPU (Dawn + SwiftShader in Node; in the root config's `webgpu` project): the
 * MNIST example's model, shortened to 512 training / 256 held-out digits, 2 epochs of batches of 64,
 * through `compile` / `fit` / `evaluate` with every tensor on the 'webgpu' backend (and the same run
 * on the CPU backend to compare with), then the custom-loop version (GradientTape +
 * `optimizer.applyGradients`). Held-out accuracy must clear 70%
 * (chance is 10%, one epoch reaches 55-60%, an untrained or wrongly-updated model stays far below;
 * these runs reach 79-81%), the training loss must fall, `fit`'s losses must be the CPU backend's
 * (the same seeds give the same weights, batches and dropout masks on both), `tf.memory()` must be the
 * same at the end of every epoch, and nothing may be left behind. About 5 s on SwiftShader.
 */
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { trainMnistCustomLoop } from './examples/mnist-custom-loop.js';
import { loadMnist } from './examples/mnist-data.js';
import { FULL_RUN, mnistModel, mnistOptimizer } from './examples/mnist-fit.js';
import type { MnistConfig } from './examples/mnist-fit.js';
import { useWebGpuInThisFile } from './webgpu-suite.js';

const SHORT: MnistConfig = {
  ...FULL_RUN,
  train: 512,
  test: 256,
  epochs: 2,
  batchSize: 64,
  verbose: 0,
  chartFile: null,
};

/** The bar: far above chance (10%), below what these runs reach (see the file comment). */
const MIN_ACCURACY = 0.7;

useWebGpuInThisFile();

interface FitRun {
  readonly losses: readonly number[];
  readonly testLoss: number;
  readonly testAccuracy: number;
  /** tf.memory() at the end of each epoch. */
  readonly perEpoch: readonly { readonly numTensors: number; readonly numBytes: number }[];
}

/** The MNIST example's compile / fit / evaluate, shortened, on the active backend. */
async function fitShort(): Promise<FitRun> {
  const data = loadMnist({ train: SHORT.train, test: SHORT.test, seed: SHORT.seed });
  const model = mnistModel(SHORT.seed);
  const optimizer = mnistOptimizer();
  const perEpoch: { numTensors: number; numBytes: number }[] = [];
  try {
    model.compile({
      optimizer,
      loss: new tf.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
      metrics: ['accuracy'],
    });
    const { history } = await model.fit(data.xTrain, data.yTrain, {
      epochs: SHORT.epochs,
      batchSize: SHORT.batchSize,
      seed: SHORT.seed,
      verbose: 0,
      callbacks: [
        {
          onEpochEnd: () => void perEpoch.push({ numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes }),
        },
      ],
    });
    const { loss = NaN, accuracy = NaN } = await model.evaluate(data.xTest, data.yTest, { verbose: 0 });
    return { losses: history.loss, testLoss: loss, testAccuracy: accuracy, perEpoch };
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest]);
  }
}

describe('MNIST training on WebGPU (short runs)', () => {
  it("compile / fit / evaluate: above 70% held-out, the CPU backend's losses, tf.memory() flat across epochs", async () => {
    await tf.setBackend('cpu');
    const cpu = await fitShort();
    await tf.setBackend('webgpu');
    const before = tf.memory();
    const gpu = await fitShort();
    expect(tf.getBackend()).toBe('webgpu');
    expect(gpu.losses).toHaveLength(SHORT.epochs);
    expect(gpu.losses[1]!).toBeLessThan(gpu.losses[0]!);
    // Float sums in another order: equal to about 1e-4 here, a little looser for other GPUs.
    gpu.losses.forEach((loss, i) => expect(loss, `epoch ${i + 1} loss vs the CPU's`).toBeCloseTo(cpu.losses[i]!, 2));
    expect(gpu.testLoss).toBeCloseTo(cpu.testLoss, 2);
    expect(gpu.testAccuracy).toBeGreaterThanOrEqual(MIN_ACCURACY);
    expect(Math.abs(gpu.testAccuracy - cpu.testAccuracy), "held-out accuracy vs the CPU's").toBeLessThanOrEqual(0.02);
    expect(gpu.perEpoch).toHaveLength(SHORT.epochs);
    expect(gpu.perEpoch[1]).toEqual(gpu.perEpoch[0]);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });

  it('custom loop (GradientTape + applyGradients): above 70% held-out, loss falling, no leak', async () => {
    await tf.setBackend('webgpu');
    const before = tf.memory().numTensors;
    const result = await trainMnistCustomLoop(() => undefined, SHORT);
    expect(tf.getBackend()).toBe('webgpu');
    expect(result.losses).toHaveLength(SHORT.epochs);
    expect(result.losses[1]!).toBeLessThan(result.losses[0]!);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(MIN_ACCURACY);
    expect(tf.memory().numTensors).toBe(before);
  });
});
