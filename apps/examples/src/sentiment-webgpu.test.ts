/**
 * @file The sentiment example (Embedding with maskZero, Bidirectional(LSTM), Dense) on WebGPU (Dawn +
 * SwiftShader in Node; the root config's `webgpu` project), shortened to 96 training / 32 held-out
 * sentences, 2 epochs of batches of 32: the embedding lookup and its sparse gradient, the masked
 * LSTM loop both ways and the merge, all on the 'webgpu' backend. Too short to learn the task, so
 * the check is that the losses are the CPU backend's (the same seeds give the same weights and
 * batches; a broken kernel or gradient on either side would part them), the loss falls, the
 * predictions agree with the CPU's, and nothing is left behind.
 */
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { SENTIMENT_FULL_RUN, trainSentiment } from './examples/sentiment-lstm.js';
import type { SentimentConfig } from './examples/sentiment-lstm.js';
import { useWebGpuInThisFile } from './webgpu-suite.js';

const SHORT: SentimentConfig = {
  ...SENTIMENT_FULL_RUN,
  train: 96,
  test: 32,
  epochs: 2,
  verbose: 0,
  chartFile: null,
};

useWebGpuInThisFile();

describe('sentiment LSTM on WebGPU (short run)', () => {
  it("fit / evaluate / predict: the CPU backend's losses and labels, the loss falling, no leak", async () => {
    await tf.setBackend('cpu');
    const cpu = await trainSentiment(() => undefined, SHORT);
    await tf.setBackend('webgpu');
    const before = tf.memory();
    const gpu = await trainSentiment(() => undefined, SHORT);
    expect(tf.getBackend()).toBe('webgpu');
    expect(gpu.history.loss).toHaveLength(2);
    expect(gpu.history.loss![1]!).toBeLessThan(gpu.history.loss![0]!);
    gpu.history.loss!.forEach((loss, i) =>
      expect(loss, `epoch ${i + 1} loss vs the CPU's`).toBeCloseTo(cpu.history.loss![i]!, 4),
    );
    expect(gpu.testLoss).toBeCloseTo(cpu.testLoss, 4);
    expect(gpu.probes).toEqual(cpu.probes);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  }, 180_000);
});
