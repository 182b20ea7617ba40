/**
 * @file Activations against hand-computed values, and the error for an unknown name.
 */
import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import * as activations from './activations.js';

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('activations', () => {
  const input = [-2, -0.5, 0, 0.5, 2];

  it.each([
    ['linear', input],
    ['relu', [0, 0, 0, 0.5, 2]],
    ['sigmoid', input.map((v) => 1 / (1 + Math.exp(-v)))],
    ['tanh', input.map((v) => Math.tanh(v))],
  ] as const)('%s matches hand-computed values', async (name, expected) => {
    const x = tf.tensor(input);
    const y = activations.get(name)(x);
    const got = await values(y);
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    tf.dispose([x, y]);
  });

  it('softmax normalises over the last axis', async () => {
    const x = tf.tensor([
      [0, Math.log(3)],
      [1, 1],
    ]);
    const y = activations.get('softmax')(x);
    const got = await values(y);
    [0.25, 0.75, 0.5, 0.5].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
    tf.dispose([x, y]);
  });

  const erf = (v: number): number => {
    // Abramowitz-Stegun 7.1.26 is too coarse; integrate e^(-t²) by Simpson's rule instead.
    const steps = 2000;
    const h = v / steps;
    let sum = 0;
    for (let k = 0; k <= steps; k += 1) {
      const t = k * h;
      const weight = k === 0 || k === steps ? 1 : k % 2 === 1 ? 4 : 2;
      sum += weight * Math.exp(-t * t);
    }
    return ((2 / Math.sqrt(Math.PI)) * sum * h) / 3;
  };
  const seluAlpha = 1.6732632423543772;
  const seluScale = 1.0507009873554805;

  it.each([
    ['relu6', [-2, 7, 3].map((v) => Math.min(Math.max(v, 0), 6)), [-2, 7, 3]],
    ['elu', input.map((v) => (v > 0 ? v : Math.exp(v) - 1)), input],
    ['selu', input.map((v) => seluScale * (v > 0 ? v : seluAlpha * (Math.exp(v) - 1))), input],
    ['gelu', input.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2))), input],
    ['silu', input.map((v) => v / (1 + Math.exp(-v))), input],
    ['swish', input.map((v) => v / (1 + Math.exp(-v))), input],
    ['softplus', input.map((v) => Math.log1p(Math.exp(v))), input],
    ['softsign', input.map((v) => v / (1 + Math.abs(v))), input],
    ['leakyRelu', input.map((v) => (v > 0 ? v : 0.2 * v)), input],
  ] as const)(
    'the tf.nn activation %s is reachable by name and matches hand-computed values',
    async (name, expected, x0) => {
      const x = tf.tensor([...x0]);
      const y = activations.get(name)(x);
      const got = await values(y);
      got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
      tf.dispose([x, y]);
    },
  );

  it('logSoftmax by name is the log of the softmax over the last axis', async () => {
    const x = tf.tensor([[0, Math.log(3)]]);
    const y = activations.get('logSoftmax')(x);
    const got = await values(y);
    [Math.log(0.25), Math.log(0.75)].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    tf.dispose([x, y]);
  });

  it('serialize round-trips every name but the swish alias, which writes silu', () => {
    for (const name of activations.ACTIVATION_NAMES) {
      expect(activations.serialize(activations.get(name))).toBe(name === 'swish' ? 'silu' : name);
    }
  });

  it('undefined gives linear and a function is returned as is', () => {
    expect(activations.get(undefined)).toBe(activations.linear);
    const f = (x: tf.Tensor): tf.Tensor => x;
    expect(activations.get(f)).toBe(f);
  });

  it('an unknown name names the argument and the allowed values', () => {
    const bad = (): unknown => activations.get('swishy' as activations.ActivationName);
    expect(bad).toThrow(tf.InvalidArgumentError);
    expect(bad).toThrow(/activation.*'linear', 'relu', 'sigmoid', 'tanh', 'softmax'.*'swishy'/);
  });
});
