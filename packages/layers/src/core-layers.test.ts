/**
 * @file The weightless layers: Flatten's shapes, Dropout (inverted scaling, off at inference, seeded
 * masks that change per call but repeat per seed, its gradient is the mask), ReLU's cap and slope,
 * Softmax and Activation as layers, their configs, and bad arguments.
 */
import './test-setup.js';
import { GradientTape } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { Activation, Dropout, Flatten, ReLU, Softmax } from './core-layers.js';

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('Flatten', () => {
  it('flattens all but the batch dimension; rank 1 becomes [batch, 1]', () => {
    const flatten = new Flatten();
    const images = tf.ones([2, 28, 28]);
    const vector = tf.ones([5]);
    const a = flatten.apply(images);
    const b = flatten.apply(vector);
    expect(a.shape).toEqual([2, 784]);
    expect(b.shape).toEqual([5, 1]);
    expect(flatten.className).toBe('Flatten');
    expect(flatten.countParams()).toBe(0);
    tf.dispose([images, vector, a, b]);
  });
});

describe('Dropout', () => {
  it('passes its input through at inference (the default) and with rate 0', async () => {
    const x = tf.tensor([[1, 2, 3, 4]]);
    const drop = new Dropout(0.5, { seed: 1 });
    const y = drop.apply(x);
    const z = drop.apply(x, { training: false });
    const none = new Dropout(0).apply(x, { training: true });
    for (const t of [y, z, none]) expect(await values(t)).toEqual([1, 2, 3, 4]);
    expect(y).not.toBe(x);
    tf.dispose([x, y, z, none]);
  });

  it('in training zeroes about `rate` of the inputs and scales the rest by 1/(1 - rate)', async () => {
    const x = tf.ones([100, 100]);
    const y = new Dropout(0.25, { seed: 3 }).apply(x, { training: true });
    const v = await values(y);
    const kept = v.filter((e) => e !== 0);
    expect(kept.every((e) => Math.abs(e - 1 / 0.75) < 1e-6)).toBe(true);
    expect(kept.length / v.length).toBeGreaterThan(0.72);
    expect(kept.length / v.length).toBeLessThan(0.78);
    tf.dispose([x, y]);
  });

  it('with a seed: a new mask per call, the same sequence of masks for the same seed', async () => {
    const x = tf.ones([1, 64]);
    const [a, b] = [new Dropout(0.5, { seed: 11 }), new Dropout(0.5, { seed: 11 })];
    const a1 = await values(a.apply(x, { training: true }));
    const a2 = await values(a.apply(x, { training: true }));
    const b1 = await values(b.apply(x, { training: true }));
    const b2 = await values(b.apply(x, { training: true }));
    expect(a1).not.toEqual(a2);
    expect([b1, b2]).toEqual([a1, a2]);
    x.dispose();
  });

  it('its gradient is the scaled mask', async () => {
    const x = tf.variable(tf.ones([1, 32]));
    const drop = new Dropout(0.5, { seed: 5 });
    const tape = new GradientTape();
    const [y, sum] = tape.record(() => {
      const out = drop.apply(x, { training: true });
      return [out, tf.reduceSum(out)] as const;
    });
    const grad = tape.gradient(sum, x) as tf.Tensor;
    // y = x ⊙ mask / (1 - rate) with x = 1, so y is the mask the gradient must equal.
    expect(await values(grad)).toEqual(await values(y));
    tf.dispose([x, y, sum, grad]);
  });

  it('refuses a rate outside [0, 1) and a fractional seed', () => {
    expect(() => new Dropout(1)).toThrow(/rate.*\[0, 1\)/);
    expect(() => new Dropout(-0.1)).toThrow(tf.InvalidArgumentError);
    expect(() => new Dropout(0.5, { seed: 0.5 })).toThrow(/seed.*integer/);
    expect(new Dropout(0.3, { seed: 2, name: 'd' }).getConfig()).toEqual({
      name: 'd',
      trainable: true,
      rate: 0.3,
      seed: 2,
    });
  });
});

describe('activation layers', () => {
  it('ReLU: max(x, 0), capped by maxValue, leaky with negativeSlope', async () => {
    const x = tf.tensor([[-2, -0.5, 0, 3, 8]]);
    const plain = new ReLU().apply(x);
    const six = new ReLU({ maxValue: 6 }).apply(x);
    const leaky = new ReLU({ negativeSlope: 0.1 }).apply(x);
    expect(await values(plain)).toEqual([0, 0, 0, 3, 8]);
    expect(await values(six)).toEqual([0, 0, 0, 3, 6]);
    (await values(leaky)).forEach((v, i) => expect(v).toBeCloseTo([-0.2, -0.05, 0, 3, 8][i]!, 6));
    expect(() => new ReLU({ maxValue: -1 })).toThrow(/maxValue/);
    tf.dispose([x, plain, six, leaky]);
  });

  it('Softmax and Activation as layers', async () => {
    const x = tf.tensor([[0, Math.log(3)]]);
    const soft = new Softmax().apply(x);
    const sig = new Activation({ activation: 'sigmoid' }).apply(x);
    const linear = new Activation({ activation: 'linear' }).apply(x);
    (await values(soft)).forEach((v, i) => expect(v).toBeCloseTo([0.25, 0.75][i]!, 6));
    expect((await values(sig))[0]).toBeCloseTo(0.5, 6);
    expect(linear).not.toBe(x);
    expect(new Softmax({ axis: 0 }).getConfig().axis).toBe(0);
    expect(new Activation({ activation: 'tanh', name: 'act' }).getConfig()).toEqual({
      name: 'act',
      trainable: true,
      activation: 'tanh',
    });
    expect(() => new Activation({ activation: (t) => t }).getConfig()).toThrow(/user function/);
    tf.dispose([x, soft, sig, linear]);
  });
});
