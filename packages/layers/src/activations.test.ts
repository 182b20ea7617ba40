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
