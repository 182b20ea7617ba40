/**
 * @file Embedding: lookups of int32 and whole float32 ids of any shape, the gradient of the table
 * (a sparse accumulation through unsortedSegmentSum, checked by the kernels that ran and by values
 * against a hand computation), maskZero's mask reaching the next layer, configs, save / load, and
 * bad ids and arguments refused with typed errors naming the layer.
 */
import './test-setup.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GradientTape } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core';
import * as internal from '@tapeflow/tensor-core/internal';
import { describe, expect, it } from 'vitest';
import { Dense } from './dense.js';
import { Embedding } from './embedding.js';
import { maskOf } from './masks.js';
import * as regularizers from './regularizers.js';
import { Sequential } from './sequential.js';
import { loadModel } from './saving/load.js';

const ids = (values: number[][]): tf.Tensor => tf.tensor(values, [values.length, values[0]!.length], 'int32');

/** The kernel names run while `fn` runs (every kernel the engine dispatches, recorded or not). */
function kernelsRun(fn: () => void): string[] {
  const names: string[] = [];
  const recorder: internal.Recorder = {
    recordOperation: (record) => void names.push(record.kernelName),
    recordCustomOperation: () => undefined,
    recordVariableRead: () => undefined,
  };
  const engine = internal.getEngine();
  engine.addRecorder(recorder);
  try {
    fn();
  } finally {
    engine.removeRecorder(recorder);
  }
  return names;
}

describe('Embedding', () => {
  it('maps ids of any shape to rows of the table: [...ids.shape, outputDim]', () => {
    const layer = new Embedding(5, 3, { seed: 1 });
    const out = layer.apply(
      tf.tensor(
        [
          [
            [4, 0],
            [2, 2],
          ],
        ],
        [1, 2, 2],
        'int32',
      ),
    );
    expect(out.shape).toEqual([1, 2, 2, 3]);
    const table = layer.embeddings.arraySync() as number[][];
    const rows = out.arraySync() as number[][][][];
    expect(rows[0]![0]![0]).toEqual(table[4]);
    expect(rows[0]![0]![1]).toEqual(table[0]);
    expect(rows[0]![1]![1]).toEqual(table[2]);
    expect(layer.variables.map((v) => v.name)).toEqual([`${layer.name}/embeddings`]);
    expect(layer.embeddings.shape).toEqual([5, 3]);
    // Keras' default: uniform in [-0.05, 0.05].
    expect(table.flat().every((v) => Math.abs(v) <= 0.05)).toBe(true);
    expect(new Set(table.flat()).size).toBe(15);
    // Whole-valued float32 ids give the same rows; a scalar id gives one vector.
    expect(layer.apply(tf.tensor([[4, 0]])).arraySync()).toEqual([[table[4], table[0]]]);
    expect(layer.apply(tf.scalar(3, 'int32')).arraySync()).toEqual(table[3]);
    layer.dispose();
  });

  it('gives the table a sparse gradient: unsortedSegmentSum of the upstream rows, no one-hot product', () => {
    const layer = new Embedding(6, 2, { seed: 3 });
    const input = ids([
      [1, 4, 1],
      [0, 1, 5],
    ]);
    // Weights per example, broadcast over time: [2, 1, 2].
    const weights = tf.tensor([[[1, 2]], [[3, -1]]]);
    const tape = new GradientTape();
    let loss: tf.Tensor | null = null;
    const forward = kernelsRun(() => {
      loss = tape.record(() => tf.reduceSum(tf.mul(layer.apply(input), weights)));
    });
    // The forward pass is a gather; nothing turns the ids into a one-hot matrix.
    expect(forward).toContain('Gather');
    expect(forward.some((k) => k === 'OneHot' || k.includes('MatMul'))).toBe(false);
    const result: { gradient?: tf.Tensor | null } = {};
    const ran = kernelsRun(() => {
      result.gradient = tape.gradient(loss!, layer.embeddings);
    });
    expect(ran).toContain('UnsortedSegmentSum');
    expect(ran).not.toContain('OneHot');
    expect(ran.some((k) => k.includes('MatMul'))).toBe(false);
    // By hand: row r of the gradient is the sum of `weights` over the positions holding id r.
    // Positions: (0,0)=1 (0,1)=4 (0,2)=1 (1,0)=0 (1,1)=1 (1,2)=5; every position is weighted [1,2] in
    // example 0 and [3,-1] in example 1 (weights broadcast over time).
    const expected = [
      [3, -1], // id 0 once in example 1
      [1 + 1 + 3, 2 + 2 - 1], // id 1 twice in example 0, once in example 1
      [0, 0],
      [0, 0],
      [1, 2], // id 4
      [3, -1], // id 5
    ];
    expect(result.gradient!.arraySync()).toEqual(expected);
    layer.dispose();
  });

  it('with maskZero attaches ids != 0 to its output, which the next layer inherits', () => {
    const embed = new Embedding(4, 2, { maskZero: true, seed: 2 });
    const dense = new Dense(3, { seed: 1 });
    const out = embed.apply(
      ids([
        [3, 1, 0, 0],
        [2, 0, 0, 0],
      ]),
    );
    const mask = maskOf(out);
    expect(mask).not.toBeNull();
    expect(mask!.dtype).toBe('bool');
    expect(mask!.arraySync()).toEqual([
      [true, true, false, false],
      [true, false, false, false],
    ]);
    // Dense supports masking: it passes the mask on.
    expect(maskOf(dense.apply(out))!.arraySync()).toEqual(mask!.arraySync());
    // Without maskZero no mask travels.
    const plain = new Embedding(4, 2);
    expect(maskOf(plain.apply(ids([[3, 0]])))).toBeNull();
    // The mask is off the tape: a gradient through the output still reaches only the table.
    const tape = new GradientTape();
    const loss = tape.record(() => tf.reduceSum(embed.apply(ids([[1, 0]]))));
    expect((tape.gradient(loss, embed.embeddings) as tf.Tensor).arraySync()).toEqual([
      [1, 1],
      [1, 1],
      [0, 0],
      [0, 0],
    ]);
    for (const layer of [embed, dense, plain]) layer.dispose();
  });

  it('refuses ids out of range, fractional or boolean, naming the layer; nothing is made', () => {
    const layer = new Embedding(5, 2, { name: 'words' });
    layer.apply(ids([[1]]));
    const before = tf.memory().numTensors;
    const bad = ids([[1, 5]]);
    expect(() => layer.apply(bad)).toThrow(tf.InvalidArgumentError);
    expect(() => layer.apply(bad)).toThrow(
      "words.apply: argument 'inputs' expected whole-number ids in [0, 5) (layer 'words', inputDim 5), but got inputs[0,1] = 5.",
    );
    expect(() => layer.apply(ids([[-1]]))).toThrow('but got inputs[0,0] = -1.');
    expect(() => layer.apply(tf.tensor([[0.5]]))).toThrow('but got inputs[0,0] = 0.5.');
    expect(() => layer.apply(tf.tensor([[true]], [1, 1], 'bool'))).toThrow(
      "words.apply: argument 'inputs' expected int32 ids (or float32 whole numbers), but got a bool tensor.",
    );
    bad.dispose();
    // The three id tensors made by the test stay; the layer made nothing.
    expect(tf.memory().numTensors).toBe(before + 3);
    const fixed = new Embedding(5, 2, { inputLength: 3, name: 'fixed' });
    expect(() => fixed.apply(ids([[1, 2]]))).toThrow(
      "fixed.apply: argument 'inputs' expected a shape [batch, 3] (inputLength [3]), but got shape [1,2].",
    );
    expect(fixed.apply(ids([[1, 2, 3]])).shape).toEqual([1, 3, 2]);
    layer.dispose();
    fixed.dispose();
  });

  it('refuses bad constructor arguments as Keras does', () => {
    expect(() => new Embedding(0, 2)).toThrow(
      "Embedding: argument 'inputDim' expected a positive integer (the vocabulary size), but got number 0.",
    );
    expect(() => new Embedding(3, 1.5)).toThrow("Embedding: argument 'outputDim' expected a positive integer");
    expect(() => new Embedding(3, 2, { maskZeros: true } as never)).toThrow(/did you mean 'maskZero'/);
    expect(() => new Embedding(3, 2, { embeddingsInitializer: 'uniformm' as never })).toThrow(tf.InvalidArgumentError);
    expect(() => new Embedding(3, 2, { inputLength: 0 })).toThrow(tf.InvalidArgumentError);
  });

  it('adds its regularizer penalty to losses and reports Keras config keys', () => {
    const layer = new Embedding(3, 2, {
      embeddingsInitializer: 'ones',
      embeddingsRegularizer: regularizers.l2(0.5),
      maskZero: true,
      inputLength: 4,
      name: 'e',
    });
    layer.apply(ids([[1, 2, 0, 0]]));
    expect(layer.losses.map((l) => l.arraySync())).toEqual([3]); // 0.5 · 6 ones
    expect(layer.getConfig()).toEqual({
      name: 'e',
      trainable: true,
      inputDim: 3,
      outputDim: 2,
      embeddingsInitializer: 'ones',
      embeddingsRegularizer: { className: 'L2', config: { l2: 0.5 } },
      maskZero: true,
      inputLength: [4],
    });
    layer.dispose();
  });

  it('round-trips through save and loadModel, and trains in a Sequential', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapeflow-embedding-'));
    try {
      const model = new Sequential([
        new Embedding(7, 4, { inputShape: [3], maskZero: true, name: 'embed', seed: 5 }),
        new Dense(2, { seed: 1, name: 'out' }),
      ]);
      model.compile({ optimizer: 'adam', loss: 'mse' });
      const x = ids([
        [1, 2, 0],
        [6, 5, 4],
        [3, 0, 0],
      ]);
      const y = tf.random.normal([3, 3, 2], { seed: 9 });
      const history = await model.fit(x, y, { epochs: 5, batchSize: 3, verbose: 0 });
      expect(history.history.loss[4]!).toBeLessThan(history.history.loss[0]!);
      await model.save(join(dir, 'm'));
      const loaded = await loadModel(join(dir, 'm'));
      expect(loaded.layers.map((l) => l.className)).toEqual(['Embedding', 'Dense']);
      expect(loaded.layers[0]!.getConfig()).toEqual(model.layers[0]!.getConfig());
      expect(loaded.predict(x).arraySync()).toEqual(model.predict(x).arraySync());
      expect(loaded.summary(() => undefined)).toContain('embed (Embedding)');
      model.dispose();
      loaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
