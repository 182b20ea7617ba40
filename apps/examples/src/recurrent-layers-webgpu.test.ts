/**
 * @file SimpleRNN, LSTM and GRU on WebGPU (Dawn + SwiftShader in Node) against the CPU backend: the
 * fused recurrent loop (one customGradient op per sequence) forward and backward, with returnState,
 * goBackwards, an initial state and a mask, on the same weights and inputs on both backends. The CPU
 * values are checked against PyTorch in packages/layers/src/recurrent/oracle.test.ts; here the WebGPU
 * kernels must give the same outputs and gradients, and nothing may be left behind.
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

type Recurrent = tf.layers.LSTM<true> | tf.layers.GRU<true> | tf.layers.SimpleRNN<true>;

function makeLayers(): Record<string, Recurrent> {
  return {
    lstm: new tf.layers.LSTM(3, { returnState: true, returnSequences: true }),
    gru: new tf.layers.GRU(3, { returnState: true, goBackwards: true }),
    gruResetBefore: new tf.layers.GRU(3, { returnState: true, returnSequences: true, resetAfter: false }),
    simpleRNN: new tf.layers.SimpleRNN(3, { returnState: true, returnSequences: true }),
  };
}

/** Every layer's outputs and gradients (x, weights, initial states) as flat arrays, on the active backend. */
async function compute(): Promise<Record<string, number[]>> {
  const before = tf.memory().numTensors;
  const layers = makeLayers();
  const results: Record<string, tf.Tensor> = tf.tidy(() => {
    const out: Record<string, tf.Tensor> = {};
    const x = values([2, 4, 2], 1, 1);
    const mask = tf.tensor(
      [
        [true, false, true, true],
        [false, true, true, false],
      ],
      [2, 4],
      'bool',
    );
    for (const [name, layer] of Object.entries(layers)) {
      layer.apply(x); // builds
      layer.setWeights(layer.variables.map((v, i) => values(v.shape, 10 + i)));
      const states = Array.from({ length: layer.stateCount }, (_, k) => values([2, 3], 20 + k));
      const tape = new tf.GradientTape({ persistent: true });
      tape.watch([x, ...states]);
      const outputs = tape.record(() => layer.apply(x, { initialState: states, mask }));
      const loss = tape.record(() =>
        outputs.map((o, k) => tf.reduceSum(tf.mul(o, values(o.shape, 30 + k, 1)))).reduce((a, b) => tf.add(a, b)),
      );
      outputs.forEach((o, k) => (out[`${name} output ${k}`] = o));
      const sources = [x, ...layer.trainableVariables, ...states];
      tape.gradient(loss, sources).forEach((g, k) => (out[`${name} gradient ${k}`] = g!));
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

describe('recurrent layers on WebGPU', () => {
  it('SimpleRNN, LSTM and GRU forward and backward match the CPU backend', async () => {
    await tf.setBackend('cpu');
    const cpu = await compute();
    await tf.setBackend('webgpu');
    const gpu = await compute();
    expect(Object.keys(gpu)).toEqual(Object.keys(cpu));
    // LSTM: 3 outputs, 6 gradients (x, 3 weights, h0, c0); each GRU and SimpleRNN: 2 and 5.
    expect(Object.keys(cpu).length).toBe(9 + 3 * 7);
    for (const [name, values] of Object.entries(cpu)) {
      const actual = gpu[name]!;
      expect(actual.length, name).toBe(values.length);
      values.forEach((v, i) =>
        expect(Math.abs(actual[i]! - v), `${name}[${i}]`).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))),
      );
    }
  });
});
