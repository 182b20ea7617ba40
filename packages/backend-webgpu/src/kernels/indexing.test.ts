/**
 * @file Gather on WebGPU with indices tensor-core could not check (they live on the GPU, and reads
 * are asynchronous): an index outside [0, axis size) gives zeros, TensorFlow's GPU rule, never a
 * clamped (and so wrong) row, along any axis and for every dtype.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerBoth } from '../test-utils.js';

beforeAll(async () => {
  await registerBoth();
});
afterAll(() => tf.removeBackend('webgpu'));

describe('Gather on WebGPU', () => {
  it('gives zeros for out-of-range indices in a tensor, never a clamped row', async () => {
    await tf.setBackend('webgpu');
    const x = tf.tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    const indices = tf.tensor([2, -1, 3, 0, 2147483647], [5], 'int32');
    const rows = tf.gather(x, indices);
    expect(rows.shape).toEqual([5, 2]);
    expect(Array.from(await rows.data())).toEqual([5, 6, 0, 0, 0, 0, 1, 2, 0, 0]);
    const columns = tf.gather(x, tf.tensor([1, 2, -5], [3], 'int32'), 1);
    expect(Array.from(await columns.data())).toEqual([2, 0, 0, 4, 0, 0, 6, 0, 0]);
    const ints = tf.gather(tf.tensor([7, 8], [2], 'int32'), tf.tensor([1, 9], [2], 'int32'));
    expect(Array.from(await ints.data())).toEqual([8, 0]);
    const bools = tf.gather(tf.tensor([true, true]), tf.tensor([0, 5], [2], 'int32'));
    expect(Array.from(await bools.data())).toEqual([1, 0]);
    tf.dispose([x, indices, rows, columns, ints, bools]);
  });

  it('checks indices given as an array before anything runs, as on the cpu', async () => {
    await tf.setBackend('webgpu');
    const x = tf.tensor([1, 2, 3]);
    expect(() => tf.gather(x, [3])).toThrow(tf.InvalidArgumentError);
    expect(() => tf.gather(x, [1.5])).toThrow(/gather: argument 'indices' expected int32 values/);
    x.dispose();
  });
});
