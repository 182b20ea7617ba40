/**
 * @file Sequential and subclassed Models: building (inputShape, build, first apply), layer tracking,
 * variables and `trainable` through the tree, Keras' summary text, predict in batches, apply's
 * training flag reaching Dropout, and disposal.
 */
import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { Dropout, Flatten, Softmax } from './core-layers.js';
import { Dense } from './dense.js';
import type { ApplyOptions } from './layer.js';
import { Model } from './model.js';
import { Sequential } from './sequential.js';

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

class TwoTower extends Model {
  readonly left = new Dense(3, { name: 'left', seed: 1 });
  readonly right = [new Dense(3, { name: 'right', seed: 2 }), new Dropout(0.5, { name: 'drop', seed: 3 })];

  call(x: tf.Tensor, options?: ApplyOptions): tf.Tensor {
    return tf.tidy(() =>
      tf.add(this.left.apply(x, options), this.right[1]!.apply(this.right[0]!.apply(x, options), options)),
    );
  }
}

describe('Sequential', () => {
  it('is built at once when the first layer has inputShape; summary matches Keras', () => {
    const model = new Sequential(
      [new Dense(128, { activation: 'relu', inputShape: [784], name: 'hidden' }), new Dense(10, { name: 'logits' })],
      { name: 'mnist' },
    );
    expect(model.built).toBe(true);
    expect(model.buildInputShape).toEqual([null, 784]);
    const printed: string[] = [];
    const text = model.summary((line) => printed.push(line));
    expect(text).toBe(
      [
        'Model: "mnist"',
        '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓',
        '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃',
        '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩',
        '│ hidden (Dense)                  │ (None, 128)            │       100,480 │',
        '├─────────────────────────────────┼────────────────────────┼───────────────┤',
        '│ logits (Dense)                  │ (None, 10)             │         1,290 │',
        '└─────────────────────────────────┴────────────────────────┴───────────────┘',
        ' Total params: 101,770 (397.54 KB)',
        ' Trainable params: 101,770 (397.54 KB)',
        ' Non-trainable params: 0 (0.00 B)',
      ].join('\n'),
    );
    expect(printed.join('\n')).toBe(text);
    model.dispose();
  });

  it('summarises an unbuilt model with ? and 0 (unbuilt), and counts frozen weights as non-trainable', () => {
    const model = new Sequential([
      new Flatten({ name: 'flat' }),
      new Dense(4, { name: 'd1' }),
      new Dense(2, { name: 'd2' }),
    ]);
    expect(model.built).toBe(false);
    expect(model.summary(() => {})).toContain(
      '│ d1 (Dense)                      │ ?                      │   0 (unbuilt) │',
    );
    model.build([null, 2, 3]);
    model.layers[1]!.trainable = false;
    const text = model.summary(() => {});
    expect(text).toContain('│ flat (Flatten)                  │ (None, 6)              │             0 │');
    expect(text).toContain(' Total params: 38 (152.00 B)');
    expect(text).toContain(' Trainable params: 10 (40.00 B)');
    expect(text).toContain(' Non-trainable params: 28 (112.00 B)');
    model.dispose();
  });

  it('add builds a built model again; names must be unique; a layer that does not fit is not kept', () => {
    const model = new Sequential([new Dense(4, { inputShape: [3], name: 'a' })]);
    model.add(new Dense(2, { name: 'b' }));
    expect(model.layers.map((l) => l.outputShape)).toEqual([
      [1, 4],
      [1, 2],
    ]);
    const duplicate = new Dense(2, { name: 'b' });
    expect(() => model.add(duplicate)).toThrow(/unique name.*second layer named 'b'/);
    const misfit = new Softmax({ axis: 5, name: 'misfit' });
    expect(() => model.add(misfit)).toThrow(/softmax.*axis/);
    expect(model.layers.map((l) => l.name)).toEqual(['a', 'b']);
    expect(model.built).toBe(true);
    const x = tf.ones([1, 2]);
    expect(() => new Sequential([]).apply(x)).toThrow(/empty Sequential/);
    tf.dispose(x);
    duplicate.dispose();
    model.dispose();
  });

  it('applies layers in order and predicts in batches with the same result', async () => {
    const model = new Sequential([new Dense(5, { activation: 'relu', seed: 1 }), new Dense(3, { seed: 2 })]);
    const x = tf.random.normal([70, 4], { seed: 9 });
    const direct = model.apply(x);
    const batched = model.predict(x, { batchSize: 16 });
    expect(batched.shape).toEqual([70, 3]);
    expect(await values(batched)).toEqual(await values(direct));
    expect(() => model.predict(x, { batchSize: 0 })).toThrow(/batchSize.*positive integer/);
    tf.dispose([x, direct, batched]);
    model.dispose();
  });

  it('passes training to Dropout: on in apply(x, { training: true }), off in predict', async () => {
    const model = new Sequential([new Dropout(0.5, { seed: 4 })]);
    const x = tf.ones([1, 50]);
    const trained = await values(model.apply(x, { training: true }));
    const predicted = await values(model.predict(x));
    expect(trained.some((v) => v === 0)).toBe(true);
    expect(predicted.every((v) => v === 1)).toBe(true);
    x.dispose();
    model.dispose();
  });
});

describe('Model (subclassed)', () => {
  it('finds its layers in properties and arrays, and owns their variables', () => {
    const model = new TwoTower();
    expect(model.name).toMatch(/^two_tower(_\d+)?$/);
    expect(model.layers.map((l) => l.name)).toEqual(['left', 'right', 'drop']);
    const x = tf.ones([2, 4]);
    model.apply(x).dispose();
    expect(model.trainableVariables.map((v) => v.name)).toEqual([
      'left/kernel',
      'left/bias',
      'right/kernel',
      'right/bias',
    ]);
    expect(model.countParams()).toBe(30);
    x.dispose();
    model.dispose();
  });

  it('trainable = false freezes every layer and their Variables; true thaws them', () => {
    const model = new TwoTower();
    model.build([null, 4]);
    model.trainable = false;
    expect(model.trainableVariables).toEqual([]);
    expect(model.nonTrainableVariables).toHaveLength(4);
    expect(model.layers.every((l) => !l.trainable)).toBe(true);
    expect(model.variables.every((v) => !v.trainable)).toBe(true);
    model.trainable = true;
    expect(model.trainableVariables).toHaveLength(4);
    model.layers[0]!.trainable = false;
    expect(model.trainableVariables.map((v) => v.name)).toEqual(['right/kernel', 'right/bias']);
    model.dispose();
  });

  it('getWeights / setWeights cover every layer; dispose frees them all', async () => {
    const start = tf.memory();
    const model = new TwoTower();
    model.build([null, 2]);
    const weights = model.getWeights();
    expect(weights.map((w) => w.shape)).toEqual([[2, 3], [3], [2, 3], [3]]);
    const ones = weights.map((w) => tf.onesLike(w));
    model.setWeights(ones);
    expect(await values(model.layers[0]!.variables[0]!)).toEqual([1, 1, 1, 1, 1, 1]);
    tf.dispose([weights, ones]);
    model.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(start.numTensors);
    expect(tf.memory().numVariables).toBe(start.numVariables);
    const x = tf.ones([1, 2]);
    expect(() => model.apply(x)).toThrow(tf.FailedPreconditionError);
    x.dispose();
  });

  it('build refuses a bad shape; a subclassed model has no JSON config', () => {
    const model = new TwoTower();
    expect(() => model.build([null, 0])).toThrow(/inputShape.*positive integers/);
    expect(() => model.getConfig()).toThrow(tf.UnimplementedError);
    expect(() => model.getConfig()).toThrow(/saveWeights/);
    model.dispose();
  });
});
