/**
 * @file The character-level GRU example on WebGPU (Dawn + SwiftShader in Node; the root config's
 * `webgpu` project), shortened to 12 steps of a 16-unit GRU on windows of 16 characters: the
 * embedding lookup and its sparse gradient, the GRU loop and its gradient through time, the greedy
 * sampler stepping through `initialState`, all on the 'webgpu' backend. The losses must be the CPU
 * backend's (the same seeds give the same weights and windows), the loss must fall, the samples must
 * be the CPU's, and nothing may be left behind.
 */
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { CHAR_FULL_RUN, trainCharGru } from './examples/char-gru.js';
import type { CharConfig } from './examples/char-gru.js';
import { useWebGpuInThisFile } from './webgpu-suite.js';

const SHORT: CharConfig = {
  ...CHAR_FULL_RUN,
  steps: 12,
  units: 16,
  sequenceLength: 16,
  batchSize: 8,
  sampleLength: 12,
  logEvery: 4,
};

useWebGpuInThisFile();

describe('character-level GRU on WebGPU (short run)', () => {
  it("a custom GradientTape loop: the CPU backend's losses and samples, the loss falling, no leak", async () => {
    await tf.setBackend('cpu');
    const cpu = await trainCharGru(() => undefined, SHORT);
    await tf.setBackend('webgpu');
    const before = tf.memory();
    const gpu = await trainCharGru(() => undefined, SHORT);
    expect(tf.getBackend()).toBe('webgpu');
    expect(gpu.losses).toHaveLength(cpu.losses.length);
    expect(gpu.losses[gpu.losses.length - 1]!).toBeLessThan(gpu.losses[0]!);
    gpu.losses.forEach((loss, i) => expect(loss, `logged loss ${i} vs the CPU's`).toBeCloseTo(cpu.losses[i]!, 3));
    expect(gpu.before).toBe(cpu.before);
    expect(gpu.accuracyAfter).toBeCloseTo(cpu.accuracyAfter, 2);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  }, 180_000);
});
