/**
 * @file Bidirectional against a plain-array reference of SimpleRNN's recurrence written here
 * (`h_t = tanh(x_t · kernel + h_{t-1} · recurrentKernel + bias)`): the copies' names and goBackwards, the backward
 * sequence turned back into time order, every merge mode, returnState's order, initial states split
 * between the directions, a timestep mask reaching both, weights forward then backward, gradients
 * into both, config, summary, save / load, and bad arguments; LSTM and GRU copies against a
 * standalone layer running backwards on the same weights.
 */
import './test-setup.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GradientTape } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { Bidirectional } from './bidirectional.js';
import { Dense } from './dense.js';
import type { Layer } from './layer.js';
import { Embedding } from './embedding.js';
import { input } from './functional/input.js';
import { GRU } from './recurrent/gru.js';
import { LSTM } from './recurrent/lstm.js';
import { SimpleRNN } from './recurrent/simple-rnn.js';
import { maskOf } from './masks.js';
import { Sequential } from './sequential.js';
import { loadModel } from './saving/load.js';

const X = [
  [
    [0.5, -1, 0.25],
    [1, 0.5, -0.5],
    [-0.75, 0.2, 1],
    [0.3, 0.3, -0.3],
  ],
  [
    [-1, 0, 0.5],
    [0.25, -0.5, 0.75],
    [0.6, 1, -1],
    [-0.2, 0.4, 0.1],
  ],
];

/**
 * SimpleRNN's recurrence on plain arrays: x [batch][time][features]; returns each step's state in
 * the order read, and the final state. A masked step keeps the state.
 */
function referenceRun(
  x: number[][][],
  [kernel, recurrent, bias]: [number[][], number[][], number[]],
  options: { backwards?: boolean; initial?: number[][]; mask?: boolean[][] } = {},
): { steps: number[][][]; final: number[][] } {
  const units = recurrent.length;
  const steps: number[][][] = [];
  const final: number[][] = [];
  x.forEach((sequence, b) => {
    let h = options.initial?.[b]?.slice() ?? new Array<number>(units).fill(0);
    const order = sequence.map((_, t) => t);
    if (options.backwards === true) order.reverse();
    const perStep: number[][] = [];
    for (const t of order) {
      const next = Array.from({ length: units }, (_, j) => {
        let sum = bias[j]!;
        sequence[t]!.forEach((v, i) => (sum += v * kernel[i]![j]!));
        h.forEach((v, i) => (sum += v * recurrent[i]![j]!));
        return Math.tanh(sum);
      });
      if (options.mask === undefined || options.mask[b]![t]!) h = next;
      perStep.push(h.slice());
    }
    steps.push(perStep);
    final.push(h);
  });
  return { steps, final };
}

const weightsOf = (layer: Layer<tf.Tensor | tf.Tensor[]>): [number[][], number[][], number[]] => {
  const rnn = layer as SimpleRNN;
  return [
    rnn.kernel.arraySync() as number[][],
    rnn.recurrentKernel.arraySync() as number[][],
    rnn.bias!.arraySync() as number[],
  ];
};

/** Bias the copies away from zero, so the reference checks the bias too. */
function randomizeBiases(bi: Bidirectional<tf.Tensor | tf.Tensor[]>): void {
  for (const [i, layer] of [bi.forwardLayer, bi.backwardLayer].entries())
    (layer as SimpleRNN).bias!.assign(
      tf.random.uniform((layer as SimpleRNN).bias!.shape, { minval: -0.5, maxval: 0.5, seed: 7 + i }),
    );
}

function expectClose(actual: unknown, expected: unknown): void {
  const a = (actual as number[]).flat(3);
  const e = (expected as number[]).flat(3);
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => expect(v).toBeCloseTo(e[i]!, 5));
}

/** Forward steps and backward steps (in time order) by the reference, for both copies' weights. */
function reference(
  bi: Bidirectional<tf.Tensor | tf.Tensor[]>,
  options: { mask?: boolean[][]; initial?: [number[][], number[][]] } = {},
): { forward: ReturnType<typeof referenceRun>; backwardInTime: number[][][]; backwardFinal: number[][] } {
  const forward = referenceRun(X, weightsOf(bi.forwardLayer), {
    ...(options.mask === undefined ? {} : { mask: options.mask }),
    ...(options.initial === undefined ? {} : { initial: options.initial[0] }),
  });
  const backward = referenceRun(X, weightsOf(bi.backwardLayer), {
    backwards: true,
    ...(options.mask === undefined ? {} : { mask: options.mask }),
    ...(options.initial === undefined ? {} : { initial: options.initial[1] }),
  });
  return {
    forward,
    backwardInTime: backward.steps.map((steps) => steps.slice().reverse()),
    backwardFinal: backward.final,
  };
}

describe('Bidirectional', () => {
  it('makes forward_ and backward_ copies (goBackwards flipped) and concatenates them in time order', () => {
    const rnn = new SimpleRNN(2, { returnSequences: true, name: 'rnn' });
    const bi = new Bidirectional(rnn);
    expect(bi.name).toMatch(/^bidirectional/);
    expect(bi.forwardLayer.name).toBe('forward_rnn');
    expect(bi.backwardLayer.name).toBe('backward_rnn');
    expect(bi.forwardLayer.getConfig().goBackwards).toBe(false);
    expect(bi.backwardLayer.getConfig().goBackwards).toBe(true);
    bi.apply(tf.tensor(X));
    randomizeBiases(bi);
    const out = bi.apply(tf.tensor(X));
    expect(out.shape).toEqual([2, 4, 4]);
    const ref = reference(bi);
    const expected = ref.forward.steps.map((steps, b) => steps.map((h, t) => [...h, ...ref.backwardInTime[b]![t]!]));
    expectClose(out.arraySync(), expected);
    // Weights: the forward copy's, then the backward copy's.
    expect(bi.variables.map((v) => v.name)).toEqual([
      'forward_rnn/kernel',
      'forward_rnn/recurrent_kernel',
      'forward_rnn/bias',
      'backward_rnn/kernel',
      'backward_rnn/recurrent_kernel',
      'backward_rnn/bias',
    ]);
    expect(bi.countParams()).toBe(2 * (3 * 2 + 2 * 2 + 2));
    // The two copies start from different weights (each its own initializer draw).
    expect(bi.forwardLayer.getWeights()[0]!.arraySync()).not.toEqual(bi.backwardLayer.getWeights()[0]!.arraySync());
    bi.dispose();
    rnn.dispose();
  });

  it('merges with sum, mul, ave and null (both outputs); last-step outputs are not reversed', () => {
    for (const mode of ['sum', 'mul', 'ave', null] as const) {
      const bi = new Bidirectional<tf.Tensor | tf.Tensor[]>(new SimpleRNN(3), { mergeMode: mode });
      const out = bi.apply(tf.tensor(X));
      const ref = reference(bi);
      const f = ref.forward.final;
      const b = ref.backwardFinal;
      const combine = (g: (u: number, v: number) => number): number[][] =>
        f.map((row, i) => row.map((u, j) => g(u, b[i]![j]!)));
      if (mode === null) {
        expect(Array.isArray(out)).toBe(true);
        const [forward, backward] = out as tf.Tensor[];
        expectClose(forward!.arraySync(), f);
        expectClose(backward!.arraySync(), b);
      } else {
        const expected = combine(
          mode === 'sum' ? (u, v) => u + v : mode === 'mul' ? (u, v) => u * v : (u, v) => (u + v) / 2,
        );
        expectClose((out as tf.Tensor).arraySync(), expected);
      }
      bi.dispose();
    }
  });

  it('with returnState gives [output, forward state, backward state]; initial states split half and half', () => {
    const bi = new Bidirectional<tf.Tensor[]>(new SimpleRNN(2, { returnSequences: true, returnState: true }));
    const initialForward = [
      [0.1, -0.2],
      [0.3, 0.4],
    ];
    const initialBackward = [
      [-0.5, 0.5],
      [0.2, 0.9],
    ];
    const out = bi.apply(tf.tensor(X), { initialState: [tf.tensor(initialForward), tf.tensor(initialBackward)] });
    expect(out.map((t) => t.shape)).toEqual([
      [2, 4, 4],
      [2, 2],
      [2, 2],
    ]);
    const ref = reference(bi, { initial: [initialForward, initialBackward] });
    expectClose(out[1]!.arraySync(), ref.forward.final);
    expectClose(out[2]!.arraySync(), ref.backwardFinal);
    expectClose(
      out[0]!.arraySync(),
      ref.forward.steps.map((steps, b) => steps.map((h, t) => [...h, ...ref.backwardInTime[b]![t]!])),
    );
    expect(() => bi.apply(tf.tensor(X), { initialState: [tf.tensor(initialForward)] })).toThrow(
      "argument 'initialState' expected an array of Tensors, as many for the forward layer as for the backward one (forward's first), but got 1 tensor(s).",
    );
    // Each half is checked by its layer.
    expect(() => bi.apply(tf.tensor(X), { initialState: [tf.zeros([2, 3]), tf.zeros([2, 2])] })).toThrow(
      'forward_simple_rnn',
    );
    bi.dispose();
  });

  it('passes a timestep mask (from Embedding maskZero) to both directions and on to the next layer', () => {
    const mask = [
      [true, true, true, false],
      [true, false, true, true],
    ];
    const bi = new Bidirectional(new SimpleRNN(2, { returnSequences: true }));
    const out = bi.apply(tf.tensor(X), { mask: tf.tensor(mask, [2, 4], 'bool') });
    const ref = reference(bi, { mask });
    expectClose(
      out.arraySync(),
      ref.forward.steps.map((steps, b) => steps.map((h, t) => [...h, ...ref.backwardInTime[b]![t]!])),
    );
    expect(maskOf(out)!.arraySync()).toEqual(mask);
    // Through an Embedding with maskZero, the mask travels without being passed.
    const embed = new Embedding(5, 3, { maskZero: true });
    const ids = tf.tensor([[1, 2, 0, 0]], [1, 4], 'int32');
    const viaEmbedding = bi.apply(embed.apply(ids));
    const explicit = bi.apply(embed.apply(ids), { mask: tf.tensor([[true, true, false, false]]) });
    expect(viaEmbedding.arraySync()).toEqual(explicit.arraySync());
    const unmasked = bi.apply(embed.apply(ids), { mask: null });
    expect(unmasked.arraySync()).not.toEqual(viaEmbedding.arraySync());
    bi.dispose();
    embed.dispose();
  });

  it('applies to symbolic tensors (tf.input), after an Embedding', () => {
    const ids = input({ shape: [6], dtype: 'int32' });
    const embedded = new Embedding(10, 4, { maskZero: true }).apply(ids);
    expect(embedded.shape).toEqual([null, 6, 4]);
    const bi = new Bidirectional(new LSTM(3, { returnSequences: true }));
    expect(bi.apply(embedded).shape).toEqual([null, 6, 6]);
    const summed = new Bidirectional(new GRU(5), { mergeMode: 'sum' }).apply(embedded);
    expect(summed.shape).toEqual([null, 5]);
  });

  it('gives gradients to both directions; trainable = false freezes both', () => {
    const bi = new Bidirectional(new SimpleRNN(2));
    const tape = new GradientTape();
    const loss = tape.record(() => tf.reduceSum(tf.square(bi.apply(tf.tensor(X)))));
    const grads = tape.gradient(loss, bi.trainableVariables);
    expect(grads).toHaveLength(6);
    for (const g of grads) expect(Math.max(...Array.from(g!.dataSync()).map(Math.abs))).toBeGreaterThan(0);
    bi.trainable = false;
    expect(bi.trainableVariables).toEqual([]);
    expect(bi.nonTrainableVariables).toHaveLength(6);
    expect(bi.forwardLayer.trainable).toBe(false);
    expect(bi.backwardLayer.trainable).toBe(false);
    bi.dispose();
  });

  it('takes a backwardLayer that runs the other way, and refuses bad arguments', () => {
    const forward = new SimpleRNN(2, { name: 'f' });
    const backward = new SimpleRNN(3, { name: 'b', goBackwards: true });
    const bi = new Bidirectional(forward, { backwardLayer: backward, name: 'both' });
    expect(bi.forwardLayer.name).toBe('forward_f');
    expect(bi.backwardLayer.name).toBe('backward_b');
    expect(bi.apply(tf.tensor(X)).shape).toEqual([2, 5]);
    expect(bi.getConfig()).toMatchObject({
      name: 'both',
      mergeMode: 'concat',
      layer: { className: 'SimpleRNN', config: { name: 'f', goBackwards: false } },
      backwardLayer: { className: 'SimpleRNN', config: { name: 'b', goBackwards: true } },
    });
    bi.dispose();
    expect(() => new Bidirectional(forward, { backwardLayer: new SimpleRNN(2) })).toThrow(
      "Bidirectional: argument 'options.backwardLayer' expected goBackwards true (the opposite of the forward layer's), but got goBackwards false.",
    );
    expect(
      () =>
        new Bidirectional(forward, { backwardLayer: new SimpleRNN(2, { goBackwards: true, returnSequences: true }) }),
    ).toThrow(
      "Bidirectional: argument 'options.backwardLayer' expected returnSequences false (the forward layer's), but got returnSequences true.",
    );
    expect(() => new Bidirectional(new Dense(2, { name: 'd' }))).toThrow(
      "Bidirectional: argument 'layer' expected a recurrent layer (its config has goBackwards, returnSequences and returnState: SimpleRNN, LSTM, GRU), but got Dense 'd'.",
    );
    expect(() => new Bidirectional(forward, { mergeMode: 'max' as never })).toThrow(tf.InvalidArgumentError);
    expect(() => new Bidirectional(forward, { mergeMode: 'max' as never })).toThrow(/mergeMode/);
    const built = new Bidirectional(new SimpleRNN(2), { name: 'bi_rank' });
    expect(() => built.apply(tf.ones([2, 3]))).toThrow(
      "bi_rank.apply: argument 'inputs' expected a tensor of rank 3 ([batch, time, features]), but got shape [2,3].",
    );
    expect(built.built).toBe(false);
    expect(() => built.apply([tf.ones([1, 2, 3]), tf.ones([1, 2])])).toThrow(
      "bi_rank.apply: argument 'inputs' expected one Tensor [batch, time, features] (give states as the initialState option)",
    );
    // A mask of the wrong shape is refused by the direction that reads it, named.
    expect(() => built.apply(tf.ones([1, 2, 3]), { mask: tf.tensor([[true, false, true]]) })).toThrow(
      /forward_simple_rnn.*\.apply: argument 'mask' expected a bool Tensor of shape \[1,2\]/,
    );
    built.dispose();
    expect(() => new Bidirectional('lstm' as never)).toThrow(
      "Bidirectional: argument 'layer' expected a recurrent Layer (SimpleRNN, LSTM, GRU), but got",
    );
  });

  it('shows in summary and round-trips through save and loadModel', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapeflow-bidirectional-'));
    try {
      const model = new Sequential([
        new Bidirectional(new SimpleRNN(2, { name: 'rnn' }), { mergeMode: 'sum', name: 'bi', inputShape: [4, 3] }),
        new Dense(1, { name: 'out' }),
      ]);
      const text = model.summary(() => undefined);
      expect(text).toContain('bi (Bidirectional)');
      expect(text).toMatch(/bi \(Bidirectional\)\s+│ \(None, 2\)\s+│\s+24 │/);
      await model.save(join(dir, 'm'));
      const loaded = await loadModel(join(dir, 'm'));
      const bi = loaded.layers[0] as Bidirectional;
      expect(bi.className).toBe('Bidirectional');
      expect(bi.mergeMode).toBe('sum');
      expect(bi.variables.map((v) => v.name)).toEqual((model.layers[0] as Bidirectional).variables.map((v) => v.name));
      const x = tf.tensor(X);
      expect(loaded.predict(x).arraySync()).toEqual(model.predict(x).arraySync());
      model.dispose();
      loaded.dispose();
      // An Embedding with maskZero into a Bidirectional LSTM with a backward layer of its own (3 units):
      // the given backward layer is saved and re-created too.
      const masked = new Sequential([
        new Embedding(6, 3, { maskZero: true, inputShape: [4], name: 'embed' }),
        new Bidirectional(new LSTM(2, { name: 'lstm' }), {
          backwardLayer: new LSTM(3, { goBackwards: true, name: 'back' }),
          name: 'bi_lstm',
        }),
      ]);
      const ids = tf.tensor(
        [
          [1, 5, 0, 0],
          [2, 3, 4, 0],
        ],
        [2, 4],
        'int32',
      );
      await masked.save(join(dir, 'masked'));
      const reloaded = await loadModel(join(dir, 'masked'));
      expect(reloaded.layers[1]!.variables.map((v) => v.name)).toEqual([
        'forward_lstm/kernel',
        'forward_lstm/recurrent_kernel',
        'forward_lstm/bias',
        'backward_back/kernel',
        'backward_back/recurrent_kernel',
        'backward_back/bias',
      ]);
      expect(reloaded.predict(ids).shape).toEqual([2, 5]);
      expect(reloaded.predict(ids).arraySync()).toEqual(masked.predict(ids).arraySync());
      masked.dispose();
      reloaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('wraps LSTM and GRU: the backward copy is the layer run with goBackwards on the same weights', () => {
    const x = tf.tensor(X);
    for (const make of [
      () => new LSTM<true>(3, { returnSequences: true, returnState: true, name: 'lstm_cell' }),
      () => new GRU<true>(3, { returnSequences: true, returnState: true, name: 'gru_cell' }),
    ]) {
      const bi = new Bidirectional<tf.Tensor[]>(make(), { mergeMode: null });
      const outputs = bi.apply(x);
      const states = bi.forwardLayer instanceof LSTM ? 2 : 1;
      expect(outputs).toHaveLength(2 + 2 * states);
      // A standalone copy of each direction, with the wrapper's weights.
      const forward = make();
      forward.apply(x);
      forward.setWeights(bi.forwardLayer.getWeights());
      const backward =
        bi.forwardLayer instanceof LSTM
          ? new LSTM<true>(3, { returnSequences: true, returnState: true, goBackwards: true })
          : new GRU<true>(3, { returnSequences: true, returnState: true, goBackwards: true });
      backward.apply(x);
      backward.setWeights(bi.backwardLayer.getWeights());
      const [f, ...fStates] = forward.apply(x);
      const [b, ...bStates] = backward.apply(x);
      expectClose(outputs[0]!.arraySync(), f!.arraySync());
      expectClose(outputs[1]!.arraySync(), tf.reverse(b!, 1).arraySync());
      [...fStates, ...bStates].forEach((s, i) => expectClose(outputs[2 + i]!.arraySync(), s.arraySync()));
      for (const layer of [bi, forward, backward]) layer.dispose();
    }
  });
});
