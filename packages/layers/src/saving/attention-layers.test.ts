/**
 * @file loadModel's table knows the merge layers and MultiHeadAttention: each saved config plans
 * (MultiHeadAttention's eight weights under Keras' names, open where the query's shape cannot tell)
 * and makes the same layer back; bad saved values are refused naming the key.
 */
import '../test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { MultiHeadAttention } from '../attention/multi-head-attention.js';
import type { Layer, LayerOutput } from '../layer.js';
import { Dot } from '../dot.js';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from '../merge.js';
import { makeEntry, planEntry } from './layer-table.js';

const context = { customLayers: {} };
const entry = (layer: { className: string; getConfig(): unknown }) => ({
  className: layer.className,
  config: layer.getConfig(),
});

describe('merge layers and MultiHeadAttention in the layer table', () => {
  it('makes every merge layer back from its config', () => {
    const layers = [
      new Add({ name: 'a' }),
      new Subtract({ name: 's' }),
      new Multiply({ name: 'm' }),
      new Average({ name: 'avg' }),
      new Maximum({ name: 'max' }),
      new Minimum({ name: 'min' }),
      new Concatenate({ axis: 1, name: 'cat' }),
      new Dot({ axes: [2, 1], normalize: true, name: 'dot' }),
    ];
    for (const layer of layers) {
      const made = makeEntry(entry(layer), 'model.json', context);
      expect(made.className).toBe(layer.className);
      expect(made.getConfig()).toEqual(layer.getConfig());
    }
    const plan = planEntry(entry(new Concatenate({ axis: 1, name: 'c' })), 'model.json', [null, 3, 4], context);
    expect(plan.output).toEqual([null, null, 4]);
  });

  it("plans MultiHeadAttention's weights and makes it back; the weights load with setWeights", () => {
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 4, outputShape: 5, name: 'mha' });
    const x = tf.random.normal([2, 3, 6], { seed: 1 });
    const y = layer.apply(x, x);
    const plan = planEntry(entry(layer), 'model.json', [null, 3, 6], context);
    expect(plan.output).toEqual([null, 3, 5]);
    expect(plan.weights!.map((w) => w.name)).toEqual(layer.variables.map((v) => v.name));
    plan.weights!.forEach((w, i) =>
      w.shape.forEach((d, axis) => {
        if (d !== null) expect(d).toBe(layer.variables[i]!.shape[axis]);
      }),
    );
    const made = makeEntry(entry(layer), 'model.json', context) as unknown as MultiHeadAttention;
    expect(made.getConfig()).toEqual(layer.getConfig());
    tf.dispose(made.apply(x, x));
    made.setWeights(layer.getWeights());
    expect(Array.from(made.apply(x, x).dataSync())).toEqual(Array.from(y.dataSync()));
  });

  it('refuses bad saved values, naming the key', () => {
    const bad =
      (className: string, config: Record<string, unknown>): (() => Layer<LayerOutput>) =>
      () =>
        makeEntry({ className, config }, 'model.json.layers[0]', context);
    expect(bad('MultiHeadAttention', { name: 'm', keyDim: 2 })).toThrow(/numHeads.*positive integer.*nothing/);
    expect(bad('MultiHeadAttention', { name: 'm', numHeads: 2, keyDim: -1 })).toThrow(tf.InvalidArgumentError);
    expect(bad('Dot', { name: 'd', axes: [1, 2, 3] })).toThrow(/axes.*a list of 3/);
    expect(bad('Dot', { name: 'd' })).toThrow(/axes.*nothing/);
    expect(bad('Concatenate', { name: 'c', axis: 'last' })).toThrow(/axis/);
  });
});
