/**
 * @file Reshape (one -1 inferred), Permute (1-based dims as Keras), GlobalAveragePooling2D and
 * GlobalMaxPooling2D (channels last and first, keepdims): values against hand-computed ones, their
 * gradients, summary shapes, and bad arguments.
 */
import './test-setup.js';
import { GradientTape } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { Dense } from './dense.js';
import { GlobalAveragePooling2D, GlobalMaxPooling2D, Permute, Reshape } from './reshaping.js';
import { Sequential } from './sequential.js';

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

const iota = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('Reshape', () => {
  it('reshapes each sample, keeping the batch and inferring one -1', async () => {
    const x = tf.tensor(iota(12), [2, 6]);
    const a = new Reshape([3, 2]).apply(x);
    const b = new Reshape([-1, 3]).apply(x);
    expect(a.shape).toEqual([2, 3, 2]);
    expect(b.shape).toEqual([2, 2, 3]);
    expect(await values(b)).toEqual(iota(12));
    tf.dispose([x, a, b]);
  });

  it('refuses two -1, zero or fractional dims, and samples that do not fit', () => {
    expect(() => new Reshape([-1, -1])).toThrow(/at most one -1.*\[-1, -1\]/);
    expect(() => new Reshape([0, 2])).toThrow(/positive integers/);
    expect(() => new Reshape([1.5])).toThrow(tf.InvalidArgumentError);
    const x = tf.ones([2, 6]);
    expect(() => new Reshape([4]).apply(x)).toThrow(/samples of 4 elements.*shape \[6\] \(6 elements\)/);
    expect(() => new Reshape([4, -1]).apply(x)).toThrow(/a multiple of 4/);
    tf.dispose(x);
  });
});

describe('Permute', () => {
  it("permutes the sample axes with Keras' 1-based dims; the batch stays first", async () => {
    const x = tf.tensor(iota(24), [2, 3, 4]);
    const y = new Permute([2, 1]).apply(x);
    expect(y.shape).toEqual([2, 4, 3]);
    const v = await values(y);
    // y[b, i, j] = x[b, j, i]
    expect(v[0 * 12 + 1 * 3 + 2]).toBe(0 * 12 + 2 * 4 + 1);
    expect(v[1 * 12 + 3 * 3 + 0]).toBe(1 * 12 + 0 * 4 + 3);
    tf.dispose([x, y]);
  });

  it('refuses dims that are not a permutation of 1..n, and inputs of another rank', () => {
    expect(() => new Permute([0, 1])).toThrow(/permutation of 1..n.*\[0, 1\]/);
    expect(() => new Permute([1, 1])).toThrow(/permutation/);
    const x = tf.ones([2, 3]);
    expect(() => new Permute([2, 1]).apply(x)).toThrow(/rank 3.*shape \[2,3\]/);
    tf.dispose(x);
  });
});

describe('global pooling', () => {
  it('averages and maxes over height and width, channels last (default) or first, keepdims', async () => {
    // x[b, h, w, c] = b·100 + h·10 + w + c/10 over [2, 2, 3, 2]
    const data: number[] = [];
    for (let b = 0; b < 2; b++)
      for (let h = 0; h < 2; h++)
        for (let w = 0; w < 3; w++) for (let c = 0; c < 2; c++) data.push(b * 100 + h * 10 + w + c / 10);
    const x = tf.tensor(data, [2, 2, 3, 2]);
    const average = new GlobalAveragePooling2D().apply(x);
    const maximum = new GlobalMaxPooling2D({ keepdims: true }).apply(x);
    expect(average.shape).toEqual([2, 2]);
    expect(await values(average)).toEqual([6, 6.1, 106, 106.1].map((v) => expect.closeTo(v, 4)));
    expect(maximum.shape).toEqual([2, 1, 1, 2]);
    expect(await values(maximum)).toEqual([12, 12.1, 112, 112.1].map((v) => expect.closeTo(v, 4)));
    const first = tf.transpose(x, [0, 3, 1, 2]);
    const averageFirst = new GlobalAveragePooling2D({ dataFormat: 'channelsFirst', keepdims: true }).apply(first);
    expect(averageFirst.shape).toEqual([2, 2, 1, 1]);
    expect(await values(averageFirst)).toEqual(await values(average));
    tf.dispose([x, average, maximum, first, averageFirst]);
  });

  it('differentiates: the average spreads 1/(H·W), the max routes to the argmax', async () => {
    const x = tf.tensor([1, 5, 3, 2], [1, 2, 2, 1]);
    const tape = new GradientTape({ persistent: true });
    tape.watch(x);
    const [a, m] = tape.record(() => [new GlobalAveragePooling2D().apply(x), new GlobalMaxPooling2D().apply(x)]);
    const [da] = tape.gradient(a, [x]);
    const [dm] = tape.gradient(m, [x]);
    expect(await values(da!)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(await values(dm!)).toEqual([0, 1, 0, 0]);
    tf.dispose([x, a, m, da, dm]);
    tape.dispose();
  });

  it('refuses inputs that are not 4-D, and unknown data formats', () => {
    const x = tf.ones([2, 3, 4]);
    expect(() => new GlobalAveragePooling2D().apply(x)).toThrow(/rank 4 \[batch, height, width, channels\].*\[2,3,4\]/);
    expect(() => new GlobalMaxPooling2D({ dataFormat: 'channels_last' as 'channelsLast' })).toThrow(/dataFormat/);
    tf.dispose(x);
  });
});

describe('reshaping layers in a model', () => {
  it('summary() shows their output shapes and no parameters', () => {
    const model = new Sequential([
      new Reshape([4, 4, 2], { inputShape: [32], name: 'image' }),
      new Permute([2, 1, 3], { name: 'swap' }),
      new GlobalAveragePooling2D({ name: 'pool' }),
      new Dense(3, { name: 'out' }),
    ]);
    const text = model.summary(() => {});
    expect(text).toMatch(/│ image \(Reshape\) +│ \(None, 4, 4, 2\) +│ +0 │/);
    expect(text).toMatch(/│ swap \(Permute\) +│ \(None, 4, 4, 2\) +│ +0 │/);
    expect(text).toMatch(/│ pool \(GlobalAveragePooling2D\) +│ \(None, 2\) +│ +0 │/);
    expect(text).toMatch(/│ out \(Dense\) +│ \(None, 3\) +│ +9 │/);
    model.dispose();
  });
});
