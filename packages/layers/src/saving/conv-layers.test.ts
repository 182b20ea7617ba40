/**
 * @file save / loadModel round-trips the convolution, pooling, padding and up-sampling layers: the same
 * configs, weights, predictions and summary after loading; a model.json whose geometry does not fit
 * the weights file is refused before anything is built.
 */
import '../test-setup.js';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tapeflow/tensor-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D } from '../convolutional.js';
import { Flatten } from '../core-layers.js';
import { Dense } from '../dense.js';
import { AveragePooling2D, MaxPooling2D, UpSampling2D, ZeroPadding2D } from '../pooling-layers.js';
import * as regularizers from '../regularizers.js';
import { Reshape } from '../reshaping.js';
import { Sequential } from '../sequential.js';
import { loadModel } from './load.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tapeflow-conv-layers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function model(): Sequential {
  return new Sequential([
    new Conv2D(4, 3, {
      inputShape: [10, 10, 2],
      padding: 'same',
      activation: 'relu',
      name: 'conv',
      kernelRegularizer: regularizers.l2(0.01),
      seed: 1,
    }),
    new ZeroPadding2D(
      [
        [1, 0],
        [0, 1],
      ],
      { name: 'pad' },
    ),
    new MaxPooling2D({ poolSize: 3, strides: 2, padding: 'same', name: 'max' }),
    new DepthwiseConv2D([2, 2], { depthMultiplier: 2, name: 'depthwise', seed: 2 }),
    new UpSampling2D([2, 1], { name: 'up' }),
    new Conv2DTranspose(3, 3, { strides: 2, name: 'transpose', activation: 'elu', seed: 3 }),
    new AveragePooling2D({ name: 'mean' }),
    new Reshape([-1, 3], { name: 'steps' }),
    new Conv1D(2, 2, { dilationRate: 2, useBias: false, name: 'conv1d', seed: 4 }),
    new Flatten({ name: 'flat' }),
    new Dense(2, { name: 'out', seed: 5 }),
  ]);
}

describe('saving the convolution layers', () => {
  it('round-trips every new layer: configs, weights, predictions, summary', async () => {
    const x = tf.random.normal([6, 10, 10, 2], { seed: 6 });
    const y = tf.random.normal([6, 2], { seed: 7 });
    const original = model();
    original.compile({ optimizer: 'adam', loss: 'mse' });
    await original.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0 });
    const target = join(dir, 'all');
    await original.save(target);
    const loaded = await loadModel(target);
    expect(loaded.layers.map((l) => l.className)).toEqual([
      'Conv2D',
      'ZeroPadding2D',
      'MaxPooling2D',
      'DepthwiseConv2D',
      'UpSampling2D',
      'Conv2DTranspose',
      'AveragePooling2D',
      'Reshape',
      'Conv1D',
      'Flatten',
      'Dense',
    ]);
    expect(loaded.layers.map((l) => l.getConfig())).toEqual(original.layers.map((l) => l.getConfig()));
    expect(loaded.variables.map((v) => `${v.name} ${v.shape.join('x')}`)).toEqual([
      'conv/kernel 3x3x2x4',
      'conv/bias 4',
      'depthwise/depthwise_kernel 2x2x4x2',
      'depthwise/bias 8',
      'transpose/kernel 3x3x3x8',
      'transpose/bias 3',
      'conv1d/kernel 2x3x2',
      'out/kernel 96x2',
      'out/bias 2',
    ]);
    const [p1, p2] = [original.predict(x), loaded.predict(x)];
    expect(await values(p2)).toEqual(await values(p1));
    expect(loaded.summary(() => {})).toBe(original.summary(() => {}).replace(/\n Optimizer params.*$/, ''));
    const [l1, l2] = [original.losses, loaded.losses];
    expect(l2).toHaveLength(1);
    expect(await Promise.all(l2.map(values))).toEqual(await Promise.all(l1.map(values)));
    tf.dispose([x, y, p1, p2, ...l1, ...l2]);
    original.dispose();
    loaded.dispose();
  });

  it('refuses a model.json whose convolution geometry does not fit the weights, before building anything', async () => {
    const original = new Sequential([
      new Conv2D(3, 3, { inputShape: [6, 6, 1], name: 'c' }),
      new MaxPooling2D({ name: 'p' }),
      new Flatten({ name: 'f' }),
      new Dense(2, { name: 'd' }),
    ]);
    const target = join(dir, 'mismatch');
    await original.save(target);
    const json = JSON.parse(await readFile(join(target, 'model.json'), 'utf8'));
    const before = tf.memory();
    json.modelConfig.config.layers[0].config.kernelSize = [2, 2];
    await writeFile(join(target, 'model.json'), JSON.stringify(json));
    await expect(loadModel(target)).rejects.toThrow(tf.InvalidArgumentError);
    expect(tf.memory().numVariables).toBe(before.numVariables);
    json.modelConfig.config.layers[0].config.kernelSize = [3, 3];
    json.modelConfig.config.layers[1].config.padding = 'full';
    await writeFile(join(target, 'model.json'), JSON.stringify(json));
    await expect(loadModel(target)).rejects.toThrow(/padding.*'valid', 'same'/);
    json.modelConfig.config.layers[1].config.padding = 'valid';
    json.modelConfig.config.layers[0].config.filters = 0;
    await writeFile(join(target, 'model.json'), JSON.stringify(json));
    await expect(loadModel(target)).rejects.toThrow(/filters.*positive integer/);
    expect(tf.memory().numVariables).toBe(before.numVariables);
    original.dispose();
  });
});
