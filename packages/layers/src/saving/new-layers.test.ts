/**
 * @file save / loadModel round-trips every layer issue 12 adds (BatchNormalization with its moving
 * statistics, LayerNormalization, Reshape, Permute, the global poolings) and regularizers in configs:
 * the same predictions, configs, trainable / non-trainable split and summary after loading; a file
 * whose moving statistics do not fit the architecture is refused before anything is built.
 */
import '../test-setup.js';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tapeflow/tensor-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dense } from '../dense.js';
import { BatchNormalization, LayerNormalization } from '../normalization.js';
import * as regularizers from '../regularizers.js';
import { GlobalAveragePooling2D, GlobalMaxPooling2D, Permute, Reshape } from '../reshaping.js';
import { Sequential } from '../sequential.js';
import { loadModel } from './load.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tapeflow-new-layers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function model(): Sequential {
  return new Sequential([
    new Reshape([2, 3, 4], { inputShape: [24], name: 'image' }),
    new Permute([2, 1, 3], { name: 'swap' }),
    new BatchNormalization({ momentum: 0.5, epsilon: 1e-2, name: 'bn' }),
    new LayerNormalization({ axis: [2, 3], name: 'ln', gammaRegularizer: regularizers.l1(0.002) }),
    new GlobalMaxPooling2D({ keepdims: true, name: 'max' }),
    new GlobalAveragePooling2D({ name: 'flat' }),
    new Dense(3, { seed: 2, name: 'out', kernelRegularizer: regularizers.l1l2({ l1: 0.001, l2: 0.003 }) }),
  ]);
}

describe('saving the issue 12 layers', () => {
  it('round-trips every new layer: configs, moving statistics, predictions, summary', async () => {
    const x = tf.random.normal([16, 24], { seed: 4 });
    const y = tf.random.normal([16, 3], { seed: 5 });
    const original = model();
    original.compile({ optimizer: 'adam', loss: 'mse' });
    await original.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const target = join(dir, 'all');
    await original.save(target);
    const loaded = await loadModel(target);
    expect(loaded.layers.map((l) => l.className)).toEqual([
      'Reshape',
      'Permute',
      'BatchNormalization',
      'LayerNormalization',
      'GlobalMaxPooling2D',
      'GlobalAveragePooling2D',
      'Dense',
    ]);
    expect(loaded.layers.map((l) => l.getConfig())).toEqual(original.layers.map((l) => l.getConfig()));
    const bn = loaded.layers[2] as BatchNormalization;
    const trained = original.layers[2] as BatchNormalization;
    expect(await values(bn.movingMean!)).toEqual(await values(trained.movingMean!));
    expect(await values(bn.movingVariance!)).toEqual(await values(trained.movingVariance!));
    expect(await values(bn.movingVariance!)).not.toEqual([1, 1, 1]);
    expect(loaded.nonTrainableVariables.map((v) => v.name)).toEqual(['bn/moving_mean', 'bn/moving_variance']);
    const [p1, p2] = [original.predict(x), loaded.predict(x)];
    expect(await values(p2)).toEqual(await values(p1));
    expect(loaded.summary(() => {})).toBe(original.summary(() => {}).replace(/\n Optimizer params.*$/, ''));
    const [l1, l2] = [original.losses, loaded.losses];
    expect(await Promise.all(l2.map(values))).toEqual(await Promise.all(l1.map(values)));
    expect(l2).toHaveLength(2);
    tf.dispose([x, y, p1, p2, ...l1, ...l2]);
    original.dispose();
    loaded.dispose();
  });

  it('refuses a model.json whose BatchNormalization does not fit the weights, before building anything', async () => {
    const original = new Sequential([
      new Dense(4, { inputShape: [3], name: 'd' }),
      new BatchNormalization({ name: 'bn' }),
    ]);
    const target = join(dir, 'mismatch');
    await original.save(target);
    const json = JSON.parse(await readFile(join(target, 'model.json'), 'utf8'));
    json.modelConfig.config.layers[0].config.units = 5;
    await writeFile(join(target, 'model.json'), JSON.stringify(json));
    const before = tf.memory();
    await expect(loadModel(target)).rejects.toThrow(/the architectures differ/);
    expect(tf.memory().numVariables).toBe(before.numVariables);
    json.modelConfig.config.layers[1].config.gammaRegularizer = { className: 'L3', config: {} };
    json.modelConfig.config.layers[0].config.units = 4;
    await writeFile(join(target, 'model.json'), JSON.stringify(json));
    await expect(loadModel(target)).rejects.toThrow(/gammaRegularizer.className.*'L1', 'L2', 'L1L2'/);
    expect(tf.memory().numVariables).toBe(before.numVariables);
    original.dispose();
  });
});
