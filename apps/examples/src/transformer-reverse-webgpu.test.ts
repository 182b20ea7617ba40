/**
 * @file The transformer encoder example on WebGPU (Dawn + SwiftShader in Node; in the root config's
 * `webgpu` project), shortened to 256 training / 64 held-out sequences, 2 epochs of batches of 32:
 * every tensor on the 'webgpu' backend through the embedding lookup, MultiHeadAttention (projections,
 * scaled scores, softmax), LayerNormalization, the feed-forward Denses and all their gradients. Too
 * short to learn the task, so the bar is the CPU backend's: the same seeds give the same weights and
 * batches, so each epoch's loss must match the CPU's to 1e-3 (a broken kernel or gradient would
 * not), the loss must fall, and nothing may be left behind.
 */
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { REVERSE_FULL_RUN, trainReverser } from './examples/transformer-reverse.js';
import type { ReverseConfig } from './examples/transformer-reverse.js';
import { useWebGpuInThisFile } from './webgpu-suite.js';

const SHORT: ReverseConfig = {
  ...REVERSE_FULL_RUN,
  train: 256,
  test: 64,
  epochs: 2,
  batchSize: 32,
  verbose: 0,
  chartFile: null,
};

useWebGpuInThisFile();

describe('transformer encoder on WebGPU (short run)', () => {
  it("fit / predict: the CPU backend's losses and accuracy, loss falling, no leak", async () => {
    await tf.setBackend('cpu');
    const cpu = await trainReverser(() => undefined, SHORT);
    await tf.setBackend('webgpu');
    const before = tf.memory();
    const gpu = await trainReverser(() => undefined, SHORT);
    expect(tf.getBackend()).toBe('webgpu');
    expect(gpu.history.loss).toHaveLength(SHORT.epochs);
    expect(gpu.history.loss![1]!).toBeLessThan(gpu.history.loss![0]!);
    gpu.history.loss!.forEach((loss, i) =>
      expect(loss, `epoch ${i + 1} loss vs the CPU's`).toBeCloseTo(cpu.history.loss![i]!, 3),
    );
    expect(gpu.tokenAccuracy).toBeCloseTo(cpu.tokenAccuracy, 2);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  }, 180_000);
});
