/**
 * @file The recurrent layers' corners beyond tanh/sigmoid and plain training: every activation (the
 * ones differentiated from their output and the ones whose pre-activation the loop keeps: gelu, silu,
 * user functions) checked against numeric gradients in every cell, and against the same cell written
 * step by step with plain ops (values and tape gradients); recurrent dropout (one mask per call on h
 * before the recurrent matmuls, seeded, ignored in inference) checked the same ways; one tape record
 * per sequence and no leaked tensor with both.
 */
import '../test-setup.js';
import { GradientTape, checkGradients } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import * as activations from '../activations.js';
import type { Activation } from '../activations.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import { SimpleRNN } from './simple-rnn.js';
import { runSequence } from './sequence-ops.js';
import type { CellSpec } from './cell-spec.js';
import { pointwiseActivation } from './cell-spec.js';

function uniform(shape: number[], seed: number, scale = 0.5): tf.Tensor {
  return tf.random.uniform(shape, { minval: -scale, maxval: scale, seed });
}

const mishLike: Activation = (x) => tf.mul(x, tf.tanh(tf.nn.softplus(x)));

const ACTIVATIONS: [string, string | Activation][] = [
  ['gelu', 'gelu'],
  ['silu', 'silu'],
  ['swish', 'swish'],
  ['selu', 'selu'],
  ['leakyRelu', 'leakyRelu'],
  ['hardSigmoid', 'hardSigmoid'],
  ['exponential', 'exponential'],
  ['a user function (x·tanh(softplus(x)))', mishLike],
];

describe('every activation in the fused loop', () => {
  for (const [label, identifier] of ACTIVATIONS) {
    it(`${label}: numeric gradients of every packed column, as activation and recurrent activation, each cell`, async () => {
      const activation = pointwiseActivation(identifier);
      const tanh = pointwiseActivation('tanh');
      const x = uniform([2, 3, 2], 50, 1);
      const h0 = uniform([2, 2], 51);
      const c0 = uniform([2, 2], 52);
      const mask = tf.tensor([
        [1, 0, 1],
        [1, 1, 0],
      ]);
      const specs: [CellSpec, number[], number][] = [
        [{ kind: 'simpleRNN', units: 2, activation, recurrentActivation: activation, resetAfter: false }, [2], 1],
        [{ kind: 'lstm', units: 2, activation, recurrentActivation: activation, resetAfter: false }, [8], 4],
        [{ kind: 'lstm', units: 2, activation: tanh, recurrentActivation: activation, resetAfter: false }, [8], 4],
        [{ kind: 'gru', units: 2, activation, recurrentActivation: activation, resetAfter: true }, [2, 6], 3],
        [{ kind: 'gru', units: 2, activation, recurrentActivation: activation, resetAfter: false }, [6], 3],
      ];
      for (const [spec, biasShape, gates] of specs) {
        const kernel = uniform([2, gates * 2], 53, 0.8);
        const recurrentKernel = uniform([2, gates * 2], 54, 0.8);
        const bias = uniform(biasShape, 55, 0.2);
        const report = await checkGradients(
          (xs, h, k, r, b) =>
            runSequence(spec, {
              x: xs,
              states: spec.kind === 'lstm' ? [h, c0] : [h],
              kernel: k,
              recurrentKernel: r,
              bias: b,
              mask,
            }),
          [x, h0, kernel, recurrentKernel, bias],
          // A small step: leakyRelu and hardSigmoid have kinks.
          { delta: 1e-3, rtol: 5e-2, atol: 1e-2 },
        );
        expect(report.ok, `${spec.kind} reset-after ${String(spec.resetAfter)}: ${report.summary}`).toBe(true);
        tf.dispose([kernel, recurrentKernel, bias]);
      }
      tf.dispose([x, h0, c0, mask]);
    });
  }

  it('second order through a loop that keeps pre-activations (gelu LSTM): gradient of a gradient', async () => {
    const gelu = pointwiseActivation('gelu');
    const spec: CellSpec = { kind: 'lstm', units: 2, activation: gelu, recurrentActivation: gelu, resetAfter: false };
    const x = uniform([1, 3, 2], 60, 1);
    const h0 = uniform([1, 2], 61);
    const c0 = uniform([1, 2], 62);
    const bias = uniform([8], 63, 0.2);
    const report = await checkGradients(
      (k, r) => {
        const inner = new GradientTape();
        inner.watch([k, r]);
        const loss = inner.record(() =>
          tf.reduceSum(
            tf.square(runSequence(spec, { x, states: [h0, c0], kernel: k, recurrentKernel: r, bias, mask: null })),
          ),
        );
        const [dk] = inner.gradient(loss, [k]);
        inner.dispose();
        return tf.reduceSum(tf.square(dk!));
      },
      [uniform([2, 8], 64), uniform([2, 8], 65)],
      { delta: 1e-2, rtol: 5e-2, atol: 5e-3 },
    );
    expect(report.ok, report.summary).toBe(true);
    tf.dispose([x, h0, c0, bias]);
  });

  it("hardSigmoid and exponential are Keras' activations by name", () => {
    const x = tf.tensor([-4, -3, 0, 1.5, 3, 4]);
    expect(Array.from(activations.get('hardSigmoid')(x).dataSync())).toEqual([0, 0, 0.5, 0.75, 1, 1]);
    const e = activations
      .get('exponential')(tf.tensor([0, 1]))
      .dataSync();
    expect(e[0]).toBe(1);
    expect(e[1]).toBeCloseTo(Math.E, 5);
    expect(activations.serialize(activations.hardSigmoid)).toBe('hardSigmoid');
    x.dispose();
  });
});

/**
 * Keras' LSTM and GRU (reset-after) written step by step with plain ops, from a layer's weights, with
 * an optional recurrent dropout mask on h before the recurrent matmul.
 */
function reference(
  layer: LSTM | GRU,
  x: tf.Tensor,
  act: Activation,
  gate: Activation,
  recurrentMask: tf.Tensor | null,
): tf.Tensor {
  const u = layer.units;
  const [kernel, recurrentKernel, bias] = [layer.kernel, layer.recurrentKernel, layer.bias!];
  const time = x.shape[1]!;
  let h = tf.zeros([x.shape[0]!, u]);
  let c = tf.zeros([x.shape[0]!, u]);
  for (let t = 0; t < time; t++) {
    const xt = tf.reshape(tf.slice(x, [0, t, 0], [x.shape[0]!, 1, x.shape[2]!]), [x.shape[0]!, x.shape[2]!]);
    const hRead = recurrentMask === null ? h : tf.mul(h, recurrentMask);
    if (layer instanceof LSTM) {
      const z = tf.add(tf.add(tf.matmul(xt, kernel), tf.matmul(hRead, recurrentKernel)), bias);
      const [zi, zf, zg, zo] = tf.split(z, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      c = tf.add(tf.mul(gate(zf), c), tf.mul(gate(zi), act(zg)));
      h = tf.mul(gate(zo), act(c));
    } else {
      const [inputBias, recurrentBias] = tf.unstack(bias, 0) as [tf.Tensor, tf.Tensor];
      const [xz, xr, xh] = tf.split(tf.add(tf.matmul(xt, kernel), inputBias), 3, 1);
      const [iz, ir, ih] = tf.split(tf.add(tf.matmul(hRead, recurrentKernel), recurrentBias), 3, 1);
      const z = gate(tf.add(xz!, iz!));
      const r = gate(tf.add(xr!, ir!));
      const hh = act(tf.add(xh!, tf.mul(r, ih!)));
      h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
    }
  }
  return h;
}

function expectClose(actual: tf.Tensor, expected: tf.Tensor, tolerance = 1e-5): void {
  expect(actual.shape).toEqual(expected.shape);
  const e = expected.dataSync();
  actual.dataSync().forEach((v, i) => expect(Math.abs(v - e[i]!), `element ${i}`).toBeLessThan(tolerance));
}

/** Values and tape gradients (w.r.t. every weight) of a layer against its step-by-step reference. */
function compareWithReference(
  layer: LSTM | GRU,
  x: tf.Tensor,
  act: Activation,
  gate: Activation,
  training: boolean,
  recurrentMask: () => tf.Tensor | null,
): void {
  const tape = new GradientTape();
  const y = tape.record(() => tf.reduceSum(tf.square(layer.apply(x, { training }))));
  const grads = tape.gradient(y, layer.trainableVariables);
  tape.dispose();
  const mask = recurrentMask();
  const refTape = new GradientTape();
  const yRef = refTape.record(() => tf.reduceSum(tf.square(reference(layer, x, act, gate, mask))));
  const refGrads = refTape.gradient(yRef, layer.trainableVariables);
  refTape.dispose();
  expectClose(y, yRef, 1e-4);
  grads.forEach((g, i) => expectClose(g!, refGrads[i]!, 1e-4));
  tf.dispose([y, yRef, ...(grads as tf.Tensor[]), ...(refGrads as tf.Tensor[])]);
  if (mask !== null) mask.dispose();
}

describe('layers with any activation against the cell written step by step', () => {
  it('LSTM with gelu activation and hardSigmoid gates; GRU with a user activation and silu gates', () => {
    const x = uniform([2, 4, 3], 70, 1);
    const lstm = new LSTM(3, { activation: 'gelu', recurrentActivation: 'hardSigmoid', seed: 1 });
    lstm.apply(x).dispose();
    compareWithReference(lstm, x, activations.gelu, activations.hardSigmoid, false, () => null);
    expect(lstm.getConfig().activation).toBe('gelu');
    expect(lstm.recurrentActivation).toBe('hardSigmoid');
    const gru = new GRU(3, { activation: mishLike, recurrentActivation: 'silu', seed: 2 });
    gru.apply(x).dispose();
    compareWithReference(gru, x, mishLike, activations.silu, false, () => null);
    expect(gru.recurrentActivation).toBe('silu');
    // A user function cannot be written as JSON: saving refuses it, naming the layer and the option.
    expect(() => gru.getConfig()).toThrow(tf.InvalidArgumentError);
    expect(() => gru.getConfig()).toThrow(/activation.*user function/);
    tf.dispose(x);
    lstm.dispose();
    gru.dispose();
  });

  it('a gelu LSTM over 50 steps is one tape record for the sequence, and a pass leaks nothing', () => {
    const lstm = new LSTM(4, {
      activation: 'gelu',
      recurrentActivation: 'hardSigmoid',
      recurrentDropout: 0.3,
      seed: 3,
    });
    const x = uniform([2, 50, 3], 71);
    lstm.apply(x).dispose();
    const before = tf.memory().numTensors;
    const tape = new GradientTape();
    let output: tf.Tensor | null = null;
    const y = tape.record(() => tf.reduceSum((output = lstm.apply(x, { training: true }))));
    expect(tape.size).toBeLessThanOrEqual(4);
    const grads = tape.gradient(y, lstm.trainableVariables);
    tape.dispose();
    tf.dispose([y, output!, ...(grads as tf.Tensor[])]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    lstm.dispose();
  });
});

describe('recurrent dropout', () => {
  it('numeric gradients with a fixed recurrent dropout mask, every cell', async () => {
    const tanh = pointwiseActivation('tanh');
    const sigmoid = pointwiseActivation('sigmoid');
    const x = uniform([2, 3, 2], 80, 1);
    const h0 = uniform([2, 2], 81);
    const c0 = uniform([2, 2], 82);
    const mask = tf.tensor([
      [1, 1, 0],
      [1, 0, 1],
    ]);
    const recurrentMask = tf.tensor([
      [2, 0],
      [0, 2],
    ]);
    const specs: [CellSpec, number[], number][] = [
      [{ kind: 'simpleRNN', units: 2, activation: tanh, recurrentActivation: tanh, resetAfter: false }, [2], 1],
      [{ kind: 'lstm', units: 2, activation: tanh, recurrentActivation: sigmoid, resetAfter: false }, [8], 4],
      [{ kind: 'gru', units: 2, activation: tanh, recurrentActivation: sigmoid, resetAfter: true }, [2, 6], 3],
      [{ kind: 'gru', units: 2, activation: tanh, recurrentActivation: sigmoid, resetAfter: false }, [6], 3],
    ];
    for (const [spec, biasShape, gates] of specs) {
      const kernel = uniform([2, gates * 2], 83, 0.8);
      const recurrentKernel = uniform([2, gates * 2], 84, 0.8);
      const bias = uniform(biasShape, 85, 0.2);
      const run = (xs: tf.Tensor, h: tf.Tensor, k: tf.Tensor, r: tf.Tensor, b: tf.Tensor, dropped: tf.Tensor | null) =>
        runSequence(spec, {
          x: xs,
          states: spec.kind === 'lstm' ? [h, c0] : [h],
          kernel: k,
          recurrentKernel: r,
          bias: b,
          mask,
          recurrentMask: dropped,
        });
      const report = await checkGradients(
        (xs, h, k, r, b) => run(xs, h, k, r, b, recurrentMask),
        [x, h0, kernel, recurrentKernel, bias],
        { delta: 1e-2, rtol: 2e-2, atol: 2e-3 },
      );
      expect(report.ok, `${spec.kind}: ${report.summary}`).toBe(true);
      // The mask matters: without it the sequence differs.
      const withMask = run(x, h0, kernel, recurrentKernel, bias, recurrentMask);
      const without = run(x, h0, kernel, recurrentKernel, bias, null);
      expect(Math.max(...tf.abs(tf.sub(withMask, without)).dataSync())).toBeGreaterThan(1e-3);
      tf.dispose([kernel, recurrentKernel, bias, withMask, without]);
    }
    tf.dispose([x, h0, c0, mask, recurrentMask]);
  });

  it("a training call drops h before the recurrent matmul with one seeded mask per call (Keras'), values and gradients", () => {
    const x = uniform([3, 5, 2], 90, 1);
    for (const layer of [
      new LSTM(4, { recurrentDropout: 0.5, seed: 7 }),
      new GRU(4, { recurrentDropout: 0.5, seed: 7 }),
    ]) {
      layer.apply(x).dispose();
      // Call k's mask is statelessUniform([batch, units], [seed + 4, k]) >= rate, scaled by 1 / (1 - rate).
      const maskOfCall = (call: number) => () =>
        tf.mul(tf.cast(tf.greaterEqual(tf.random.statelessUniform([3, 4], [7 + 4, call]), 0.5), 'float32'), 2);
      compareWithReference(layer, x, activations.tanh, activations.sigmoid, true, maskOfCall(0));
      compareWithReference(layer, x, activations.tanh, activations.sigmoid, true, maskOfCall(1));
      layer.dispose();
    }
    x.dispose();
  });

  it('inference ignores it; training calls differ from inference, and a seed repeats them', () => {
    const x = uniform([2, 6, 3], 91, 1);
    const dropped = new SimpleRNN(5, { recurrentDropout: 0.6, seed: 4 });
    const plain = new SimpleRNN(5, { seed: 4 });
    const twin = new SimpleRNN(5, { recurrentDropout: 0.6, seed: 4 });
    const inference = dropped.apply(x);
    const reference = plain.apply(x);
    twin.apply(x).dispose();
    expect(Array.from(inference.dataSync())).toEqual(Array.from(reference.dataSync()));
    const training = dropped.apply(x, { training: true });
    expect(Math.max(...tf.abs(tf.sub(training, reference)).dataSync())).toBeGreaterThan(1e-3);
    expect(Array.from(twin.apply(x, { training: true }).dataSync())).toEqual(Array.from(training.dataSync()));
    expect(dropped.getConfig().recurrentDropout).toBe(0.6);
    tf.dispose([x, inference, reference, training]);
    dropped.dispose();
    plain.dispose();
    twin.dispose();
  });
});
