/**
 * @file Recurrent layers in functional models with symbolic call options: an encoder-decoder whose
 * decoder starts from the encoder's symbolic states (`initialState: [h, c]`), which fits, predicts
 * what the same layers compute on concrete tensors, and saves/loads; and an explicit bool mask input
 * given as a symbolic `mask:` (to a Dense, whose mask then reaches the LSTM, and to the LSTM itself).
 */
import '../test-setup.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tapeflow/tensor-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bidirectional } from '../bidirectional.js';
import { Dense } from '../dense.js';
import { input } from '../functional/input.js';
import { Model } from '../model.js';
import { Adam } from '../optimizers/index.js';
import { loadModel } from '../saving/load.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tapeflow-rnn-functional-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function expectClose(actual: tf.Tensor, expected: tf.Tensor, tolerance = 1e-5): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.dataSync();
  const e = expected.dataSync();
  a.forEach((v, i) => expect(Math.abs(v - e[i]!)).toBeLessThan(tolerance));
}

describe('recurrent layers with symbolic initial states and masks', () => {
  it('an encoder-decoder (decoder initialState from the encoder) fits, predicts, and saves/loads', async () => {
    const source = input({ shape: [4, 3], name: 'source' });
    const target = input({ shape: [5, 2], name: 'target' });
    const encoder = new LSTM(6, { returnState: true, name: 'encoder', seed: 1 });
    const [, h, c] = encoder.apply(source);
    const decoder = new LSTM(6, { returnSequences: true, name: 'decoder', seed: 2 });
    const decoded = decoder.apply(target, { initialState: [h!, c!] });
    expect(decoded.shape).toEqual([null, 5, 6]);
    const head = new Dense(1, { name: 'head', seed: 3 });
    const model = new Model({ inputs: [source, target], outputs: head.apply(decoded), name: 'seq2seq' });

    const x = tf.random.uniform([8, 4, 3], { minval: -1, maxval: 1, seed: 4 });
    const y = tf.random.uniform([8, 5, 2], { minval: -1, maxval: 1, seed: 5 });
    // The answer needs the encoder's state: every decoder step predicts the sum of the source.
    const answer = tf.tile(tf.reshape(tf.mul(tf.reduceSum(x, [1, 2]), 0.25), [8, 1, 1]), [1, 5, 1]);

    // The graph computes what the layers compute on concrete tensors, the decoder started from [h, c].
    const predicted = model.predict([x, y]);
    const [, hValue, cValue] = encoder.apply(x);
    const direct = head.apply(decoder.apply(y, { initialState: [hValue!, cValue!] }));
    expectClose(predicted, direct);
    const unseeded = head.apply(decoder.apply(y));
    expect(Math.max(...tf.abs(tf.sub(predicted, unseeded)).dataSync())).toBeGreaterThan(1e-3);

    model.compile({ optimizer: new Adam({ learningRate: 0.03 }), loss: 'mse' });
    const { history } = await model.fit([x, y], answer, { epochs: 40, batchSize: 8, verbose: 0, seed: 1 });
    const losses = history.loss;
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.5);
    // The encoder trained too: its gradient came through the decoder's initial state.
    const encoderKernel = encoder.kernel.dataSync().slice();
    const trained = model.predict([x, y]);

    const path = join(dir, 'seq2seq');
    await model.save(path);
    const loaded = await loadModel(path);
    expect(loaded.layers.map((l) => l.name)).toEqual(['source', 'target', 'encoder', 'decoder', 'head']);
    expectClose(loaded.predict([x, y]), trained, 1e-6);
    const loadedEncoder = loaded.layers[2] as LSTM;
    expect(Array.from(loadedEncoder.kernel.dataSync())).toEqual(Array.from(encoderKernel));
    tf.dispose([x, y, answer, predicted, hValue!, cValue!, direct, unseeded, trained]);
    model.dispose();
    loaded.dispose();
  });

  it('the encoder is trained through the decoder initial state alone (its gradient is not zero)', async () => {
    const source = input({ shape: [3, 2] });
    const target = input({ shape: [3, 2] });
    const encoder = new GRU(4, { returnState: true, seed: 6 });
    const [, h] = encoder.apply(source);
    const decoder = new GRU(4, { seed: 7 });
    const model = new Model({ inputs: [source, target], outputs: decoder.apply(target, { initialState: h! }) });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const before = encoder.recurrentKernel.dataSync().slice();
    const x = tf.random.uniform([4, 3, 2], { minval: -1, maxval: 1, seed: 8 });
    const y = tf.random.uniform([4, 3, 2], { minval: -1, maxval: 1, seed: 9 });
    const goal = tf.ones([4, 4]);
    await model.fit([x, y], goal, { epochs: 1, verbose: 0 });
    const after = encoder.recurrentKernel.dataSync();
    expect(after.some((v, i) => Math.abs(v - before[i]!) > 1e-7)).toBe(true);
    tf.dispose([x, y, goal]);
    model.dispose();
  });

  it('a functional model with an explicit bool mask input: a symbolic mask given to a Dense reaches the LSTM', () => {
    const values = input({ shape: [5, 3], name: 'values' });
    const steps = input({ shape: [5], dtype: 'bool', name: 'steps' });
    const dense = new Dense(3, { name: 'project', seed: 10 });
    const lstm = new LSTM(4, { name: 'reader', seed: 11 });
    const projected = dense.apply(values, { mask: steps });
    expect(projected.hasMask).toBe(true);
    const model = new Model({ inputs: [values, steps], outputs: lstm.apply(projected) });
    const x = tf.random.uniform([2, 5, 3], { minval: -1, maxval: 1, seed: 12 });
    const mask = tf.tensor(
      [
        [true, true, false, true, false],
        [true, false, true, true, true],
      ],
      [2, 5],
      'bool',
    );
    const got = model.predict([x, mask]);
    const expected = lstm.apply(dense.apply(x), { mask });
    expectClose(got, expected);
    const unmasked = lstm.apply(dense.apply(x));
    expect(Math.max(...tf.abs(tf.sub(got, unmasked)).dataSync())).toBeGreaterThan(1e-3);
    // A symbolic mask goes with symbolic inputs only: with a concrete input it is refused, naming it.
    const before = tf.memory().numTensors;
    expect(() => dense.apply(x, { mask: steps } as never)).toThrow(tf.InvalidArgumentError);
    expect(() => dense.apply(x, { mask: steps } as never)).toThrow(/project\.apply: argument 'mask'.*symbolic inputs/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, mask, got, expected, unmasked]);
    model.dispose();
  });

  it('an LSTM takes a symbolic mask directly, and saved/loaded the model still applies it', async () => {
    const values = input({ shape: [4, 2], name: 'values' });
    const steps = input({ shape: [4], dtype: 'bool', name: 'steps' });
    const lstm = new LSTM(3, { name: 'reader', seed: 13 });
    const model = new Model({ inputs: [values, steps], outputs: lstm.apply(values, { mask: steps }) });
    const x = tf.random.uniform([2, 4, 2], { minval: -1, maxval: 1, seed: 14 });
    const mask = tf.tensor(
      [
        [true, false, true, false],
        [true, true, true, false],
      ],
      [2, 4],
      'bool',
    );
    const got = model.predict([x, mask]);
    const expected = lstm.apply(x, { mask });
    expectClose(got, expected);
    const path = join(dir, 'masked');
    await model.save(path);
    const loaded = await loadModel(path);
    expectClose(loaded.predict([x, mask]), expected, 1e-6);
    tf.dispose([x, mask, got, expected]);
    model.dispose();
    loaded.dispose();
  });

  it('a Bidirectional decoder takes symbolic initial states (forward then backward) in a functional model', () => {
    const source = input({ shape: [3, 2] });
    const target = input({ shape: [4, 2] });
    const encoder = new LSTM(3, { returnState: true, seed: 15 });
    const [, h, c] = encoder.apply(source);
    const bi = new Bidirectional(new LSTM(3, { seed: 16 }));
    const model = new Model({
      inputs: [source, target],
      outputs: bi.apply(target, { initialState: [h!, c!, h!, c!] }),
    });
    const x = tf.random.uniform([2, 3, 2], { minval: -1, maxval: 1, seed: 17 });
    const y = tf.random.uniform([2, 4, 2], { minval: -1, maxval: 1, seed: 18 });
    const got = model.predict([x, y]);
    const [, hValue, cValue] = encoder.apply(x);
    const expected = bi.apply(y, { initialState: [hValue!, cValue!, hValue!, cValue!] });
    expectClose(got, expected);
    const unseeded = bi.apply(y);
    expect(Math.max(...tf.abs(tf.sub(got, unseeded)).dataSync())).toBeGreaterThan(1e-3);
    tf.dispose([x, y, got, hValue!, cValue!, expected, unseeded]);
    model.dispose();
  });
});
