/**
 * @file SimpleRNN, LSTM and GRU beyond the PyTorch oracle (oracle.test.ts): one tape record per
 * sequence, no leak over 1,000 training steps, numeric gradient checks (first and second order) of the
 * fused loop, Keras' weight layouts and initial values, returnState typing, masks (given and inherited),
 * initialState, configs, summary, save/load round trips, and bad input.
 */
import '../test-setup.js';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ForwardAccumulator, GradientTape, checkGradients } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { Dense } from '../dense.js';
import { input } from '../functional/input.js';
import { attachMask } from '../masks.js';
import { Adam, SGD } from '../optimizers/index.js';
import { loadModel } from '../saving/load-entry.js';
import { Sequential } from '../sequential.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import { SimpleRNN } from './simple-rnn.js';
import { runSequence } from './sequence-ops.js';
import type { CellSpec } from './cell-spec.js';
import { pointwiseActivation } from './cell-spec.js';

const tanh = pointwiseActivation('tanh');
const sigmoid = pointwiseActivation('sigmoid');

function uniform(shape: number[], seed: number, scale = 0.5): tf.Tensor {
  return tf.random.uniform(shape, { minval: -scale, maxval: scale, seed });
}

describe('recurrent layers: speed and memory', () => {
  it('an LSTM over 100 steps is one tape record for the sequence (plus a few slices), not one per step', () => {
    const lstm = new LSTM(4, { seed: 1 });
    const x = uniform([2, 100, 3], 2);
    lstm.apply(x).dispose(); // builds
    const tape = new GradientTape();
    const y = tape.record(() => tf.reduceSum(lstm.apply(x)));
    expect(tape.size).toBeLessThanOrEqual(100);
    // The fused op, the slice and reshape of the last h, and the sum.
    expect(tape.size).toBeLessThanOrEqual(4);
    const grads = tape.gradient(y, lstm.trainableVariables);
    expect(grads.every((g) => g !== null && g.shape.length >= 1)).toBe(true);
    tape.dispose();
    tf.dispose([x, y, ...grads.filter((g): g is tf.Tensor => g !== null)]);
    lstm.dispose();
  });

  it('outside any tidy, a forward and backward pass leaves only what the caller owns (every kind, masked)', () => {
    const x = uniform([2, 5, 3], 6, 1);
    const mask = tf.tensor(
      [
        [true, true, false, true, false],
        [true, true, true, true, true],
      ],
      [2, 5],
      'bool',
    );
    const h0 = tf.ones([2, 2]);
    const c0 = tf.ones([2, 2]);
    const layers = [
      new LSTM(2, { returnState: true, returnSequences: true }),
      new GRU(2, { returnState: true, goBackwards: true }),
      new GRU(2, { returnState: true, resetAfter: false }),
      new SimpleRNN(2, { returnState: true }),
    ];
    for (const layer of layers) {
      tf.dispose(layer.apply(x)); // builds
      const before = tf.memory();
      const tape = new GradientTape();
      tape.watch(x);
      const outputs = tape.record(() =>
        layer.apply(x, { mask, initialState: layer.stateCount === 2 ? [h0, c0] : [h0] }),
      );
      const grads = tape.gradient(outputs[0]!, [x, ...layer.trainableVariables]);
      tape.dispose();
      tf.dispose([...outputs, ...grads.filter((g): g is tf.Tensor => g !== null)]);
      expect(tf.memory().numTensors, layer.name).toBe(before.numTensors);
      expect(tf.memory().numBytes, layer.name).toBe(before.numBytes);
      layer.dispose();
    }
    tf.dispose([x, mask, h0, c0]);
  });

  it('trains with compile / fit: a GRU-then-LSTM model learns the sign of a sequence sum', async () => {
    const x = uniform([64, 6, 1], 8, 1);
    const y = tf.cast(tf.greater(tf.reduceSum(x, [1, 2]), 0), 'float32').reshape([64, 1]);
    const model = new Sequential([
      new GRU(8, { inputShape: [6, 1], returnSequences: true, seed: 9 }),
      new LSTM(8, { seed: 10 }),
      new Dense(1, { activation: 'sigmoid', seed: 11 }),
    ]);
    model.compile({ optimizer: new Adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const first = await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
    const before = tf.memory().numTensors; // Adam's slots exist now
    const history = await model.fit(x, y, { epochs: 40, batchSize: 16, verbose: 0 });
    const losses = history.history.loss;
    expect(losses[losses.length - 1]!).toBeLessThan(0.5 * first.history.loss[0]!);
    expect((history.history.accuracy as number[]).at(-1)!).toBeGreaterThan(0.9);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  }, 60_000);

  it('1,000 training steps of a small LSTM model leave tf.memory() flat and the JS heap bounded', () => {
    const model = new Sequential([new LSTM(3, { inputShape: [4, 2], seed: 3 }), new Dense(1, { seed: 4 })]);
    const optimizer = new SGD({ learningRate: 0.01 });
    const x = uniform([2, 4, 2], 5, 1);
    const y = tf.tensor([[0.5], [-0.5]]);
    const step = (): void =>
      tf.tidy(() => {
        const tape = new GradientTape();
        const loss = tape.record(() => tf.reduceMean(tf.square(tf.sub(model.apply(x), y))));
        optimizer.applyGradients(tape.gradient(loss, model.trainableVariables), model.trainableVariables);
        tape.dispose();
      });
    for (let i = 0; i < 10; i++) step(); // optimizer slots and caches made
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const before = tf.memory();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1000; i++) step();
    gc?.();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    // Loose without a forced GC (garbage not yet collected), tight with one.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(gc === undefined ? 200e6 : 20e6);
    tf.dispose([x, y]);
    model.dispose();
  }, 120_000);
});

describe('the fused loop against numeric gradients', () => {
  const cases: { name: string; spec: CellSpec; bias: number[]; states: number }[] = [
    {
      name: 'LSTM',
      spec: { kind: 'lstm', units: 2, activation: tanh, recurrentActivation: sigmoid, resetAfter: false },
      bias: [8],
      states: 2,
    },
    {
      name: 'GRU reset-after',
      spec: { kind: 'gru', units: 2, activation: tanh, recurrentActivation: sigmoid, resetAfter: true },
      bias: [2, 6],
      states: 1,
    },
    {
      name: 'GRU reset-before',
      spec: { kind: 'gru', units: 2, activation: tanh, recurrentActivation: sigmoid, resetAfter: false },
      bias: [6],
      states: 1,
    },
    {
      name: 'SimpleRNN',
      spec: { kind: 'simpleRNN', units: 2, activation: tanh, recurrentActivation: tanh, resetAfter: false },
      bias: [2],
      states: 1,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: every packed column w.r.t. x, states, kernels and bias, with a mask`, async () => {
      const gates = c.bias[c.bias.length - 1]! / 2;
      const x = uniform([2, 3, 2], 10, 1);
      const states = Array.from({ length: c.states }, (_, k) => uniform([2, 2], 11 + k));
      const kernel = uniform([2, gates * 2], 13);
      const recurrentKernel = uniform([2, gates * 2], 14);
      const bias = uniform(c.bias, 15, 0.2);
      const mask = tf.tensor([
        [1, 0, 1],
        [0, 1, 1],
      ]);
      const report = await checkGradients(
        (xs, ...rest) =>
          runSequence(c.spec, {
            x: xs,
            states: rest.slice(0, c.states),
            kernel: rest[c.states]!,
            recurrentKernel: rest[c.states + 1]!,
            bias: rest[c.states + 2]!,
            mask,
          }),
        [x, ...states, kernel, recurrentKernel, bias],
        { delta: 1e-2, rtol: 2e-2, atol: 2e-3 },
      );
      expect(report.ok, report.summary).toBe(true);
      tf.dispose([x, ...states, kernel, recurrentKernel, bias, mask]);
    });
  }

  it('a one-step sequence (h0 is the only previous h) differentiates for LSTM and GRU', async () => {
    const x = uniform([2, 1, 2], 26, 1);
    const h0 = uniform([2, 2], 27);
    const c0 = uniform([2, 2], 28);
    for (const c of [cases[0]!, cases[1]!]) {
      const width = c.bias[c.bias.length - 1]!;
      const kernel = uniform([2, width], 29);
      const recurrentKernel = uniform([2, width], 30);
      const bias = uniform(c.bias, 31, 0.2);
      const report = await checkGradients(
        (xs, h, k, r, b) =>
          runSequence(c.spec, {
            x: xs,
            states: c.states === 2 ? [h, c0] : [h],
            kernel: k,
            recurrentKernel: r,
            bias: b,
            mask: null,
          }),
        [x, h0, kernel, recurrentKernel, bias],
      );
      expect(report.ok, `${c.name}: ${report.summary}`).toBe(true);
      tf.dispose([kernel, recurrentKernel, bias]);
    }
    tf.dispose([x, h0, c0]);
  });

  for (const name of ['sigmoid', 'relu', 'linear', 'relu6', 'elu', 'softplus', 'softsign']) {
    it(`activation '${name}' (and as the LSTM's recurrent activation) is differentiated from its output`, async () => {
      const activation = pointwiseActivation(name);
      const x = uniform([2, 3, 2], 16, 1);
      const h0 = uniform([2, 2], 17);
      const c0 = uniform([2, 2], 18);
      const kernel = uniform([2, 8], 19, 1.5);
      const recurrentKernel = uniform([2, 8], 20);
      const bias = uniform([8], 21, 0.2);
      const simple: CellSpec = {
        kind: 'simpleRNN',
        units: 2,
        activation,
        recurrentActivation: activation,
        resetAfter: false,
      };
      const lstm: CellSpec = { kind: 'lstm', units: 2, activation, recurrentActivation: activation, resetAfter: false };
      const simpleReport = await checkGradients(
        (xs, k, r, b) =>
          runSequence(simple, { x: xs, states: [h0], kernel: k, recurrentKernel: r, bias: b, mask: null }),
        [x, tf.slice(kernel, [0, 0], [2, 2]), tf.slice(recurrentKernel, [0, 0], [2, 2]), tf.slice(bias, [0], [2])],
        // A small step: with relu one pre-activation lies within 1e-2 of the kink.
        { delta: 1e-3, rtol: 5e-2, atol: 1e-2 },
      );
      expect(simpleReport.ok, simpleReport.summary).toBe(true);
      const lstmReport = await checkGradients(
        (xs, k) => runSequence(lstm, { x: xs, states: [h0, c0], kernel: k, recurrentKernel, bias, mask: null }),
        [x, kernel],
      );
      expect(lstmReport.ok, lstmReport.summary).toBe(true);
      tf.dispose([x, h0, c0, kernel, recurrentKernel, bias]);
    });
  }

  it('forward mode: a ForwardAccumulator gives the jvp of the loop (central differences agree)', () => {
    const spec = cases[0]!.spec;
    const x = uniform([2, 3, 2], 40, 1);
    const h0 = uniform([2, 2], 41);
    const c0 = uniform([2, 2], 42);
    const kernel = uniform([2, 8], 43);
    const recurrentKernel = uniform([2, 8], 44);
    const bias = uniform([8], 45, 0.2);
    const tangent = uniform([2, 8], 46, 1);
    const run = (k: tf.Tensor): tf.Tensor =>
      runSequence(spec, { x, states: [h0, c0], kernel: k, recurrentKernel, bias, mask: null });
    const accumulator = new ForwardAccumulator(kernel, tangent);
    const y = accumulator.record(() => run(kernel));
    const jvp = accumulator.jvp(y)!;
    const epsilon = 1e-2;
    const plus = run(tf.add(kernel, tf.mul(tangent, epsilon)));
    const minus = run(tf.sub(kernel, tf.mul(tangent, epsilon)));
    const numeric = tf.div(tf.sub(plus, minus), 2 * epsilon).dataSync();
    expect(jvp.shape).toEqual(y.shape);
    Array.from(jvp.dataSync()).forEach((v, i) => expect(Math.abs(v - numeric[i]!)).toBeLessThan(2e-3));
    accumulator.dispose();
    tf.dispose([x, h0, c0, kernel, recurrentKernel, bias, tangent, y, jvp, plus, minus]);
  });

  it('second order: the gradient of a gradient through the LSTM loop matches numeric differences', async () => {
    const spec = cases[0]!.spec;
    const x = uniform([1, 3, 2], 20, 1);
    const h0 = uniform([1, 2], 21);
    const c0 = uniform([1, 2], 22);
    const kernel = uniform([2, 8], 23);
    const recurrentKernel = uniform([2, 8], 24);
    const bias = uniform([8], 25, 0.2);
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
      [kernel, recurrentKernel],
      { delta: 1e-2, rtol: 5e-2, atol: 5e-3 },
    );
    expect(report.ok, report.summary).toBe(true);
    tf.dispose([x, h0, c0, kernel, recurrentKernel, bias]);
  });
});

describe('recurrent layers: Keras behaviour', () => {
  it("has Keras' weight names, layouts and initial values (orthogonal recurrent kernel, unit forget bias)", () => {
    const x = tf.ones([2, 3, 5]);
    const lstm = new LSTM(4, { seed: 1, name: 'lstm' });
    const gru = new GRU(4, { seed: 1 });
    const reset = new GRU(4, { resetAfter: false });
    const simple = new SimpleRNN(4);
    for (const layer of [lstm, gru, reset, simple]) layer.apply(x).dispose();
    expect(lstm.variables.map((v) => [v.name, v.shape])).toEqual([
      ['lstm/kernel', [5, 16]],
      ['lstm/recurrent_kernel', [4, 16]],
      ['lstm/bias', [16]],
    ]);
    expect(gru.variables.map((v) => v.shape)).toEqual([
      [5, 12],
      [4, 12],
      [2, 12],
    ]);
    expect(reset.variables.map((v) => v.shape)).toEqual([[5, 12], [4, 12], [12]]);
    expect(simple.variables.map((v) => v.shape)).toEqual([[5, 4], [4, 4], [4]]);
    expect(Array.from(lstm.bias!.dataSync())).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    // Orthogonal: R Rᵀ = I for the [4, 16] recurrent kernel (rows orthonormal).
    const product = tf.matmul(lstm.recurrentKernel, lstm.recurrentKernel, { transposeB: true });
    Array.from(product.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(i % 5 === 0 ? 1 : 0, 5));
    // Seeded: the same seed gives the same weights.
    const again = new LSTM(4, { seed: 1 });
    again.apply(x).dispose();
    expect(Array.from(again.kernel.dataSync())).toEqual(Array.from(lstm.kernel.dataSync()));
    expect(new LSTM(2, { unitForgetBias: false }).unitForgetBias).toBe(false);
    tf.dispose([x, product]);
    for (const layer of [lstm, gru, reset, simple, again]) layer.dispose();
  });

  it('returns [batch, units], [batch, time, units], or [output, h(, c)] with returnState, typed from the literal', () => {
    const x = tf.ones([2, 3, 5]);
    const last = new LSTM(4).apply(x);
    expectTypeOf(last).toEqualTypeOf<tf.Tensor>();
    expect(last.shape).toEqual([2, 4]);
    const sequences = new GRU(4, { returnSequences: true }).apply(x);
    expect(sequences.shape).toEqual([2, 3, 4]);
    const withState = new LSTM(4, { returnState: true }).apply(x);
    expectTypeOf(withState).toEqualTypeOf<tf.Tensor[]>();
    expect(withState.map((t) => t.shape)).toEqual([
      [2, 4],
      [2, 4],
      [2, 4],
    ]);
    // The output is a tensor of its own, equal to the final h.
    expect(withState[0]).not.toBe(withState[1]);
    expect(Array.from(withState[0]!.dataSync())).toEqual(Array.from(withState[1]!.dataSync()));
    const gruState = new GRU(4, { returnState: true, returnSequences: true }).apply(x);
    expect(gruState.map((t) => t.shape)).toEqual([
      [2, 3, 4],
      [2, 4],
    ]);
    const simpleState = new SimpleRNN(4, { returnState: true }).apply(x);
    expectTypeOf(simpleState).toEqualTypeOf<tf.Tensor[]>();
    expect(simpleState.length).toBe(2);
    tf.dispose([x, last, sequences, ...withState, ...gruState, ...simpleState]);
  });

  it('useBias: false has no bias weight and computes what a zero bias computes, gradients included', () => {
    const x = uniform([2, 3, 2], 35, 1);
    const pairs: [LSTM | GRU | SimpleRNN, LSTM | GRU | SimpleRNN][] = [
      [new LSTM(2, { useBias: false, seed: 1 }), new LSTM(2, { seed: 1, unitForgetBias: false })],
      [new GRU(2, { useBias: false, seed: 2 }), new GRU(2, { seed: 2 })],
      [new GRU(2, { useBias: false, resetAfter: false, seed: 3 }), new GRU(2, { resetAfter: false, seed: 3 })],
      [new SimpleRNN(2, { useBias: false, seed: 4 }), new SimpleRNN(2, { seed: 4 })],
    ];
    for (const [without, withZeros] of pairs) {
      tf.dispose([without.apply(x), withZeros.apply(x)]);
      expect(without.variables.length).toBe(2);
      expect(without.bias).toBeNull();
      expect(Array.from(withZeros.bias!.dataSync()).every((v) => v === 0)).toBe(true);
      const run = (layer: LSTM | GRU | SimpleRNN): number[][] =>
        tf.tidy(() => {
          const tape = new GradientTape();
          tape.watch(x);
          const y = tape.record(() => tf.reduceSum(tf.square(layer.apply(x))));
          return tape.gradient(y, [x, layer.kernel, layer.recurrentKernel]).map((g) => Array.from(g!.dataSync()));
        });
      const a = run(without);
      const b = run(withZeros);
      a.forEach((values, i) => values.forEach((v, j) => expect(v).toBeCloseTo(b[i]![j]!, 6)));
      without.dispose();
      withZeros.dispose();
    }
    x.dispose();
  });

  it("dropout drops input features in training calls only, with one mask for every step (Keras')", () => {
    const x = uniform([3, 4, 5], 36, 1);
    const layer = new LSTM(2, { dropout: 0.4, seed: 12, returnSequences: true });
    const inference = layer.apply(x);
    const plain = layer.apply(x, { training: false });
    expect(Array.from(plain.dataSync())).toEqual(Array.from(inference.dataSync()));
    const trained = layer.apply(x, { training: true });
    expect(Array.from(trained.dataSync())).not.toEqual(Array.from(inference.dataSync()));
    // The same as inference on x times one [batch, 1, features] mask (seed + 3, call 0), scaled.
    const keep = tf.cast(tf.greaterEqual(tf.random.statelessUniform([3, 1, 5], [15, 0]), 0.4), 'float32');
    const dropped = layer.apply(tf.mul(x, tf.mul(keep, 1 / 0.6)));
    Array.from(trained.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(dropped.dataSync()[i]!, 6));
    // A new mask per call; the same seed replays the same masks.
    const second = layer.apply(x, { training: true });
    expect(Array.from(second.dataSync())).not.toEqual(Array.from(trained.dataSync()));
    const replay = new LSTM(2, { dropout: 0.4, seed: 12, returnSequences: true });
    expect(Array.from(replay.apply(x, { training: true }).dataSync())).toEqual(Array.from(trained.dataSync()));
    expect(layer.getConfig()).toMatchObject({ dropout: 0.4, seed: 12 });
    layer.dispose();
    replay.dispose();
  });

  it('goBackwards processes the last step first and returns outputs in that order', () => {
    const x = uniform([1, 4, 2], 30, 1);
    const forward = new GRU(3, { returnSequences: true, seed: 5 });
    const backward = new GRU(3, { returnSequences: true, goBackwards: true, seed: 5 });
    const reversedInput = tf.reverse(x, 1);
    const a = forward.apply(reversedInput);
    const b = backward.apply(x);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, reversedInput, a, b]);
    forward.dispose();
    backward.dispose();
  });

  it('a mask carries state over masked steps, is inherited from the input, and is passed on with returnSequences', () => {
    const x = uniform([2, 4, 3], 40, 1);
    const mask = tf.tensor(
      [
        [true, true, false, false],
        [true, false, true, false],
      ],
      [2, 4],
      'bool',
    );
    const layer = new LSTM(3, { returnSequences: true, seed: 6 });
    const given = layer.apply(x, { mask });
    // Carried: a masked step's output repeats the one before.
    const values = given.arraySync() as number[][][];
    expect(values[0]![2]).toEqual(values[0]![1]);
    expect(values[0]![3]).toEqual(values[0]![1]);
    expect(values[1]![1]).toEqual(values[1]![0]);
    expect(values[1]![3]).toEqual(values[1]![2]);
    // Equal to running only the real steps of the first sample.
    const firstTwo = layer.apply(tf.slice(x, [0, 0, 0], [1, 2, 3]));
    expect(Array.from(firstTwo.dataSync())).toEqual(values[0]!.slice(0, 2).flat());
    // Inherited from the input (as from Embedding({ maskZero })), and passed on.
    attachMask(x, mask);
    const inherited = layer.apply(x);
    expect(Array.from(inherited.dataSync())).toEqual(Array.from(given.dataSync()));
    expect(layer.computeMask(x, mask)).toBe(mask);
    expect(new LSTM(3).computeMask(x, mask)).toBeNull();
    const last = new GRU(2, { returnState: true });
    expect(last.computeMask(x, mask)).toEqual([null, null]);
    tf.dispose([x, mask, given, firstTwo, inherited]);
    layer.dispose();
  });

  it("with an initial state and a mask, outputs before the first real step are zeros (Keras' previous output)", () => {
    const x = uniform([1, 3, 2], 50, 1);
    const h0 = tf.fill([1, 2], 0.5);
    const mask = tf.tensor([[false, true, true]], [1, 3], 'bool');
    const layer = new SimpleRNN(2, { returnSequences: true, returnState: true, seed: 7 });
    const [output, h] = layer.apply(x, { mask, initialState: [h0] });
    const steps = output!.arraySync() as number[][][];
    expect(steps[0]![0]).toEqual([0, 0]);
    expect(steps[0]![2]).toEqual(Array.from(h!.dataSync()));
    tf.dispose([x, h0, mask, output!, h!]);
    layer.dispose();
  });

  it('initialState starts the loop: h0 (and c0) given equal the states a first call ended with', () => {
    const x = uniform([2, 6, 3], 60, 1);
    const layer = new LSTM(3, { returnState: true, seed: 8 });
    const [whole] = layer.apply(x);
    const [, h, c] = layer.apply(tf.slice(x, [0, 0, 0], [2, 3, 3]));
    const [rest] = layer.apply(tf.slice(x, [0, 3, 0], [2, 3, 3]), { initialState: [h!, c!] });
    Array.from(rest!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(whole!.dataSync()[i]!, 6));
    const gru = new GRU(2);
    const y0 = gru.apply(x);
    const y1 = gru.apply(x, { initialState: tf.ones([2, 2]) });
    expect(Array.from(y1.dataSync())).not.toEqual(Array.from(y0.dataSync()));
    layer.dispose();
    gru.dispose();
  });

  it('works on symbolic inputs (tf.input) without initialState', () => {
    const sequence = input({ shape: [5, 3] });
    const output = new LSTM(4, { returnSequences: true }).apply(sequence);
    expect(output.shape).toEqual([null, 5, 4]);
    const [last, h, c] = new LSTM(2, { returnState: true }).apply(output);
    expect([last!.shape, h!.shape, c!.shape]).toEqual([
      [null, 2],
      [null, 2],
      [null, 2],
    ]);
  });

  it('is re-created from getConfig() (every option), and round-trips through model.save / loadModel', async () => {
    const lstm = new LSTM(3, {
      name: 'encoder',
      inputShape: [4, 2],
      activation: 'relu',
      recurrentActivation: 'tanh',
      useBias: true,
      kernelInitializer: 'heNormal',
      recurrentInitializer: 'glorotUniform',
      biasInitializer: 'ones',
      unitForgetBias: false,
      kernelRegularizer: 'l2',
      recurrentRegularizer: 'l1',
      returnSequences: true,
      goBackwards: true,
      dropout: 0.25,
      seed: 5,
    });
    const config = lstm.getConfig();
    expect(config).toMatchObject({
      units: 3,
      activation: 'relu',
      recurrentActivation: 'tanh',
      kernelInitializer: 'heNormal',
      recurrentInitializer: 'glorotUniform',
      biasInitializer: 'ones',
      unitForgetBias: false,
      returnSequences: true,
      returnState: false,
      goBackwards: true,
      dropout: 0.25,
      recurrentDropout: 0,
      seed: 5,
    });
    const { units, ...options } = config;
    const copy = new LSTM(units as number, { ...(options as object), name: 'copy' });
    expect({ ...copy.getConfig(), name: 'encoder' }).toEqual(config);
    const gru = new GRU(2, { resetAfter: false, name: 'decoder' });
    const model = new Sequential([lstm, gru, new Dense(1, { name: 'head' })]);
    // The kernel's L2 and the recurrent kernel's L1 penalties (Keras' default factor 0.01) are its losses.
    const penalties = lstm.losses;
    expect(penalties.length).toBe(2);
    const l2 = tf.mul(0.01, tf.reduceSum(tf.square(lstm.kernel)));
    const l1 = tf.mul(0.01, tf.reduceSum(tf.abs(lstm.recurrentKernel)));
    expect(penalties[0]!.dataSync()[0]).toBeCloseTo(l2.dataSync()[0]!, 5);
    expect(penalties[1]!.dataSync()[0]).toBeCloseTo(l1.dataSync()[0]!, 5);
    tf.dispose([...penalties, l1, l2]);
    const text = model.summary(() => undefined);
    expect(text).toContain('encoder (LSTM)                  │ (None, 4, 3)');
    expect(text).toContain('decoder (GRU)                   │ (None, 2)');
    // LSTM 4*3*(2+3)+4*3 = 72; GRU reset-before 3*2*(3+2)+3*2 = 36.
    expect(text).toMatch(/encoder \(LSTM\).*│\s+72 │/);
    expect(text).toMatch(/decoder \(GRU\).*│\s+36 │/);
    const x = uniform([2, 4, 2], 70, 1);
    const expected = model.predict(x);
    const dir = await mkdtemp(join(tmpdir(), 'tapeflow-rnn-'));
    try {
      await model.save(join(dir, 'model'));
      const json = JSON.parse(await readFile(join(dir, 'model', 'model.json'), 'utf8')) as unknown;
      expect(JSON.stringify(json)).toContain('"className":"LSTM"');
      const loaded = await loadModel(join(dir, 'model'));
      const layers = (loaded as Sequential).layers;
      expect(layers[0]!.getConfig()).toEqual(config);
      expect(layers[1]!.getConfig()).toEqual(gru.getConfig());
      const actual = loaded.predict(x);
      expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
      actual.dispose();
      loaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    tf.dispose([x, expected]);
    model.dispose();
    copy.dispose();
  });
});

describe('recurrent layers: bad saved configs', () => {
  it('loadModel refuses a model.json whose recurrent config does not fit the weights, before any Variable exists', async () => {
    const original = new Sequential([
      new LSTM(3, { inputShape: [4, 2], name: 'l', returnSequences: true }),
      new GRU(2, { name: 'g' }),
    ]);
    const dir = await mkdtemp(join(tmpdir(), 'tapeflow-rnn-bad-'));
    try {
      const target = join(dir, 'model');
      await original.save(target);
      const path = join(target, 'model.json');
      const json = JSON.parse(await readFile(path, 'utf8')) as {
        modelConfig: { config: { layers: { config: Record<string, unknown> }[] } };
      };
      const [lstm, gru] = json.modelConfig.config.layers.map((layer) => layer.config) as [
        Record<string, unknown>,
        Record<string, unknown>,
      ];
      const before = tf.memory();
      const attempt = async (change: () => void, undo: () => void, message: RegExp): Promise<void> => {
        change();
        await writeFile(path, JSON.stringify(json));
        await expect(loadModel(target)).rejects.toThrow(message);
        expect(tf.memory().numVariables).toBe(before.numVariables);
        expect(tf.memory().numTensors).toBe(before.numTensors);
        undo();
      };
      // Weights of another size (units), GRU's bias layout (resetAfter), a missing or bad units, an
      // unknown activation, a recurrent dropout rate out of range.
      await attempt(
        () => (lstm.units = 4),
        () => (lstm.units = 3),
        /l\/kernel|shape/,
      );
      await attempt(
        () => (gru.resetAfter = false),
        () => (gru.resetAfter = true),
        /g\/bias|shape/,
      );
      await attempt(
        () => (lstm.units = 0),
        () => (lstm.units = 3),
        /units.*positive integer/,
      );
      await attempt(
        () => delete lstm.units,
        () => (lstm.units = 3),
        /units.*positive integer.*nothing/,
      );
      await attempt(
        () => (gru.activation = 'tanhh'),
        () => (gru.activation = 'tanh'),
        /activation.*'tanh'/,
      );
      await attempt(
        () => (gru.recurrentDropout = 1.5),
        () => (gru.recurrentDropout = 0),
        /recurrentDropout/,
      );
      await writeFile(path, JSON.stringify(json));
      const loaded = await loadModel(target);
      loaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
      original.dispose();
    }
  });
});

describe('recurrent layers: bad input', () => {
  const x = tf.ones([2, 3, 4]);
  afterAll(() => x.dispose());
  beforeAll(() => undefined);

  function refuses(fn: () => unknown, type: new (...args: never[]) => Error, ...parts: string[]): void {
    const before = tf.memory();
    let error: unknown;
    try {
      fn();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(type);
    for (const part of parts) expect((error as Error).message).toContain(part);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numVariables).toBe(before.numVariables);
  }

  it('refuses bad constructor arguments with typed errors naming them', () => {
    refuses(() => new LSTM(0), tf.InvalidArgumentError, 'LSTM', 'units', 'positive integer');
    refuses(() => new GRU(2, { retrunSequences: true } as never), tf.InvalidArgumentError, 'GRU', 'retrunSequences');
    refuses(() => new LSTM(2, { returnState: 'yes' } as never), tf.InvalidArgumentError, 'returnState', 'boolean');
    refuses(
      () => new SimpleRNN(2, { recurrentActivation: 'sigmoid' } as never),
      tf.InvalidArgumentError,
      'recurrentActivation',
    );
    refuses(() => new LSTM(2, { activation: 'rleu' as never }), tf.InvalidArgumentError, 'activation', "'relu'");
    refuses(() => new GRU(2, { recurrentDropout: 1 }), tf.InvalidArgumentError, 'GRU', 'recurrentDropout', '[0, 1)');
    refuses(() => new LSTM(2, { recurrentDropout: -0.2 }), tf.InvalidArgumentError, 'recurrentDropout');
    refuses(() => new LSTM(2, { dropout: 1.5 }), tf.InvalidArgumentError, 'dropout', '[0, 1)');
  });

  it('refuses inputs of the wrong rank or size, masks of the wrong shape and bad initial states, changing nothing', () => {
    const layer = new LSTM(3, { name: 'seq' });
    const matrix = tf.ones([2, 4]);
    refuses(() => layer.apply(matrix), tf.InvalidArgumentError, 'seq.apply', 'inputs', 'rank 3', '[2,4]');
    expect(layer.built).toBe(false);
    layer.apply(x).dispose();
    const wrongDim = tf.ones([2, 3, 5]);
    refuses(
      () => layer.apply(wrongDim),
      tf.InvalidArgumentError,
      'seq.apply',
      'inputs',
      'last dimension of 4',
      '[2,3,5]',
    );
    const badMask = tf.ones([2, 4], 'bool');
    refuses(() => layer.apply(x, { mask: badMask }), tf.InvalidArgumentError, 'seq.apply', 'mask', '[2,3]', '[2,4]');
    const floatMask = tf.ones([2, 3]);
    refuses(() => layer.apply(x, { mask: floatMask }), tf.InvalidArgumentError, 'mask', 'bool', 'float32');
    const h = tf.zeros([2, 3]);
    const wrongH = tf.zeros([3, 3]);
    refuses(
      () => layer.apply(x, { initialState: [h] }),
      tf.InvalidArgumentError,
      'seq.apply',
      'initialState',
      '2 tensor(s) [h, c]',
      '1 tensor(s)',
    );
    refuses(
      () => layer.apply(x, { initialState: [h, wrongH] }),
      tf.InvalidArgumentError,
      'initialState[1]',
      '[2,3]',
      '[3,3]',
    );
    refuses(() => layer.apply(x, { initialState: 'zeros' as never }), tf.InvalidArgumentError, 'initialState');
    refuses(() => layer.apply(x, { initalState: [h] } as never), tf.InvalidArgumentError, 'initalState');
    refuses(() => layer.apply([x, h]), tf.InvalidArgumentError, 'seq.apply', 'inputs', 'one Tensor');
    const gru = new GRU(2);
    const symbolic = input({ shape: [3, 4] });
    // Symbolic inputs take symbolic states (the graph feeds them); a concrete one cannot be recorded.
    refuses(
      () => gru.apply(symbolic, { initialState: h as never }),
      tf.InvalidArgumentError,
      'options.initialState',
      'SymbolicTensor',
      'concrete Tensor',
    );
    const symbolicState = input({ shape: [2] });
    refuses(
      () => layer.apply(x, { initialState: [symbolicState, symbolicState] as never }),
      tf.InvalidArgumentError,
      'seq.apply',
      'initialState',
      'symbolic inputs',
    );
    refuses(
      () => layer.apply(x, { mask: input({ shape: [3], dtype: 'bool' }) as never }),
      tf.InvalidArgumentError,
      'mask',
    );
    const wrongUnits = input({ shape: [5] });
    refuses(
      () => gru.apply(symbolic, { initialState: wrongUnits }),
      tf.InvalidArgumentError,
      'initialState[0]',
      '[2,2]',
      '[2,5]',
    );
    expect(gru.built).toBe(false);
    tf.dispose([matrix, wrongDim, badMask, floatMask, h, wrongH]);
    layer.dispose();
  });
});
