/**
 * @file GatherNd and ScatterNd on WebGPU with index rows tensor-core could not check (a tensor's values
 * live on the GPU, reads are asynchronous): a gathered row outside x gives zeros (TensorFlow's GPU
 * rule) and a scattered row outside the output is dropped, never clamped onto a wrong element. Index
 * rows given as arrays are checked before anything runs, as on the cpu (BAD-INPUT.md row 42).
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerBoth } from '../test-utils.js';

beforeAll(async () => {
  await registerBoth();
});
afterAll(() => tf.removeBackend('webgpu'));

describe('GatherNd and ScatterNd on WebGPU', () => {
  it('gathers zeros for rows outside x, never a clamped row', async () => {
    await tf.setBackend('webgpu');
    const x = tf.tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    const indices = tf.tensor([2, 1, 3, 0, 0, -1, 1, 0], [4, 2], 'int32');
    const picked = tf.gatherNd(x, indices);
    expect(Array.from(await picked.data())).toEqual([6, 0, 0, 3]);
    const rows = tf.gatherNd(x, tf.tensor([1, 7], [2, 1], 'int32'));
    expect(Array.from(await rows.data())).toEqual([3, 4, 0, 0]);
    tf.dispose([x, indices, picked, rows]);
  });

  it('drops scattered rows outside the output and adds repeated ones', async () => {
    await tf.setBackend('webgpu');
    const indices = tf.tensor([1, 5, 1, -2], [4, 1], 'int32');
    const updates = tf.tensor([1, 10, 100, 1000]);
    const out = tf.scatterNd(indices, updates, [3]);
    expect(Array.from(await out.data())).toEqual([0, 101, 0]);
    tf.dispose([indices, updates, out]);
  });

  it('checks index rows given as arrays before anything runs, as on the cpu', async () => {
    await tf.setBackend('webgpu');
    const x = tf.tensor([1, 2, 3]);
    expect(() => tf.gatherNd(x, [[3]])).toThrow(/^gatherNd: argument 'indices' expected values in \[0, 3\)/);
    expect(() => tf.scatterNd([[-1]], x, [3])).toThrow(tf.InvalidArgumentError);
    x.dispose();
  });
});
