/**
 * @file The recurrent layers' corners on WebGPU (Dawn + SwiftShader in Node) against the CPU backend:
 * activations whose pre-activation the fused loop keeps (gelu, silu, a user function), hardSigmoid
 * gates, and recurrent dropout in a seeded training call, forward and backward on the same weights and
 * inputs on both backends, with nothing left behind.
 */
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { useWebGpuInThisFile } from './webgpu-suite.js';

/** Deterministic values in [-scale, scale), the same on every backend (made in JS, not by a kernel). */
function values(shape: readonly number[], seed: number, scale = 0.5): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Array.from({ length: size }, (_, i) => scale * Math.sin(seed * 7.1 + i * 1.3)),
    [...shape],
  );
}

const softsignSquared = (x: tf.Tensor): tf.Tensor => tf.mul(x, tf.nn.softsign(x));

function makeLayers(): Record<string, tf.layers.LSTM | tf.layers.GRU | tf.layers.SimpleRNN> {
  return {
    geluLstm: new tf.layers.LSTM(3, { activation: 'gelu', recurrentActivation: 'hardSigmoid', returnSequences: true }),
    userGru: new tf.layers.GRU(3, { activation: softsignSquared, recurrentActivation: 'silu' }),
    droppedLstm: new tf.layers.LSTM(3, { recurrentDropout: 0.4, seed: 5, returnSequences: true }),
    droppedGru: new tf.layers.GRU(3, { recurrentDropout: 0.4, seed: 6, resetAfter: false }),
  };
}

async function compute(): Promise<Record<string, number[]>> {
  const before = tf.memory().numTensors;
  const layers = makeLayers();
  const results: Record<string, tf.Tensor> = tf.tidy(() => {
    const out: Record<string, tf.Tensor> = {};
    const x = values([2, 4, 2], 1, 1);
    for (const [name, layer] of Object.entries(layers)) {
      layer.apply(x); // builds
      layer.setWeights(layer.variables.map((v, i) => values(v.shape, 10 + i)));
      const tape = new tf.GradientTape();
      tape.watch(x);
      const output = tape.record(() => layer.apply(x, { training: true }));
      const loss = tape.record(() => tf.reduceSum(tf.mul(output, values(output.shape, 30, 1))));
      out[`${name} output`] = output;
      tape.gradient(loss, [x, ...layer.trainableVariables]).forEach((g, k) => (out[`${name} gradient ${k}`] = g!));
      tape.dispose();
    }
    return out;
  });
  const flat: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(results)) flat[name] = Array.from(await t.data());
  tf.dispose(Object.values(results));
  Object.values(layers).forEach((layer) => layer.dispose());
  expect(tf.memory().numTensors).toBe(before);
  return flat;
}

useWebGpuInThisFile();

describe('recurrent corners on WebGPU', () => {
  it('kept pre-activations, hardSigmoid gates and seeded recurrent dropout match the CPU backend', async () => {
    await tf.setBackend('cpu');
    const cpu = await compute();
    await tf.setBackend('webgpu');
    const gpu = await compute();
    expect(Object.keys(gpu)).toEqual(Object.keys(cpu));
    expect(Object.keys(cpu).length).toBe(4 * 5);
    for (const [name, expected] of Object.entries(cpu)) {
      const actual = gpu[name]!;
      expect(actual.length, name).toBe(expected.length);
      expected.forEach((v, i) =>
        expect(Math.abs(actual[i]! - v), `${name}[${i}]`).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))),
      );
    }
  });
});
