/**
 * @file Saving and loading functional models: `getConfig` is Keras' functional config (layers with
 * `inboundNodes`, `inputLayers`, `outputLayers`); `model.save` / `loadModel` round-trip a model with
 * several inputs and outputs, a shared layer, a nested model, a multi-output layer and a tensor among
 * call options, with identical weights, predictions and compile settings; and a hostile functional
 * config (a cycle, an unknown layer, a bad call or output index, a bad input shape) gets a typed
 * error naming the field, never a crash or a hang.
 */
import '../test-setup.js';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tapeflow/tensor-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dense } from '../dense.js';
import type { LayerConfig } from '../layer.js';
import { Model } from '../model.js';
import { loadModel } from '../saving/load.js';
import { input } from './input.js';
import { Fork, Gate, Join } from './__fixtures__/test-layers.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tapeflow-functional-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const customLayers = {
  Join: (config: LayerConfig) => new Join(config),
  Fork: (config: LayerConfig) => new Fork(config),
  Gate: (config: LayerConfig) => new Gate(config),
};

/** Two inputs, a shared Dense, two outputs (no custom layer: every class is built in). */
function twoTowers(): Model<tf.Tensor[]> {
  const a = input({ shape: [4], name: 'a' });
  const b = input({ shape: [4], name: 'b' });
  const shared = new Dense(3, { activation: 'tanh', name: 'shared', seed: 1 });
  const left = new Dense(1, { name: 'left', seed: 2 }).apply(shared.apply(a));
  const right = new Dense(2, { activation: 'softmax', name: 'right', seed: 3 }).apply(shared.apply(b));
  return new Model<tf.Tensor[]>({ inputs: [a, b], outputs: [left, right], name: 'towers' });
}

/** Everything at once: a nested model, a multi-output layer, a merge, and a tensor among call options. */
function everything(): Model<tf.Tensor[]> {
  const x = input({ shape: [3], name: 'x' });
  const inner = new Model({
    inputs: x,
    outputs: new Dense(3, { name: 'inner_dense', seed: 4 }).apply(x),
    name: 'inner',
  });
  const values = input({ shape: [3], name: 'values' });
  const gateValues = input({ shape: [3], name: 'gate_values' });
  const [doubled, negated] = new Fork({ name: 'fork' }).apply(inner.apply(values));
  const once = new Gate({ name: 'gate' }).apply(doubled!, { gate: gateValues });
  const gated = new Gate({ name: 'gate_twice' }).apply(once, { gate: [gateValues, gateValues] });
  const joined = new Join({ name: 'join' }).apply([gated, negated!]);
  const out = new Dense(2, { name: 'out', seed: 5 }).apply(joined);
  return new Model<tf.Tensor[]>({ inputs: [values, gateValues], outputs: [out, negated!], name: 'everything' });
}

describe('functional config', () => {
  it("is Keras' functional config: layers with inboundNodes, inputLayers, outputLayers", () => {
    const model = twoTowers();
    const config = model.getConfig() as {
      layers: { className: string; name: string; inboundNodes: unknown[] }[];
      inputLayers: unknown;
      outputLayers: unknown;
    };
    expect(model.className).toBe('Functional');
    expect(config.layers.map((l) => [l.className, l.name])).toEqual([
      ['InputLayer', 'a'],
      ['InputLayer', 'b'],
      ['Dense', 'shared'],
      ['Dense', 'left'],
      ['Dense', 'right'],
    ]);
    expect(config.layers[0]!.inboundNodes).toEqual([]);
    expect((config.layers[0] as unknown as { config: unknown }).config).toEqual({
      name: 'a',
      batchShape: [null, 4],
      dtype: 'float32',
      sparse: false,
    });
    expect(config.layers[2]!.inboundNodes).toEqual([[['a', 0, 0, {}]], [['b', 0, 0, {}]]]);
    expect(config.layers[4]!.inboundNodes).toEqual([[['shared', 1, 0, {}]]]);
    expect(config.inputLayers).toEqual([
      ['a', 0, 0],
      ['b', 0, 0],
    ]);
    expect(config.outputLayers).toEqual([
      ['left', 0, 0],
      ['right', 0, 0],
    ]);
  });
});

describe('functional save / load', () => {
  it('round-trips a two-input two-output model: weights, predictions and compile settings', async () => {
    const model = twoTowers();
    model.compile({
      optimizer: 'adam',
      loss: { left: 'mse', right: 'sparseCategoricalCrossentropy' },
      lossWeights: { right: 0.25 },
      metrics: { right: ['accuracy'] },
    });
    const a = tf.random.uniform([16, 4], { minval: -1, maxval: 1, seed: 7 });
    const b = tf.random.uniform([16, 4], { minval: -1, maxval: 1, seed: 8 });
    const yLeft = tf.reduceSum(a, 1, true);
    const yRight = tf.cast(tf.greater(tf.reduceSum(b, 1), 0), 'float32');
    await model.fit([a, b], [yLeft, yRight], { epochs: 2, verbose: 0, seed: 1 });
    const path = join(dir, 'towers');
    await model.save(path);
    const loaded = await loadModel<tf.Tensor[]>(path);
    expect(loaded.className).toBe('Functional');
    expect(loaded.name).toBe('towers');
    expect(loaded.layers.map((l) => l.name)).toEqual(['a', 'b', 'shared', 'left', 'right']);
    const before = model.getWeights();
    const after = loaded.getWeights();
    expect(after.map((w) => w.shape)).toEqual(before.map((w) => w.shape));
    after.forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(before[i]!.dataSync())));
    const [p1, p2] = model.predict([a, b]);
    const [q1, q2] = loaded.predict([a, b]);
    expect(Array.from(q1!.dataSync())).toEqual(Array.from(p1!.dataSync()));
    expect(Array.from(q2!.dataSync())).toEqual(Array.from(p2!.dataSync()));
    expect(loaded.compiled!.outputs.map((o) => [o.name, o.lossName, o.weight])).toEqual([
      ['left', 'meanSquaredError', 1],
      ['right', 'sparseCategoricalCrossentropy', 0.25],
    ]);
    const expected = await model.evaluate([a, b], [yLeft, yRight], { verbose: 0 });
    const got = await loaded.evaluate([a, b], [yLeft, yRight], { verbose: 0 });
    expect(Object.keys(got)).toEqual(['loss', 'left_loss', 'right_loss', 'right_accuracy']);
    for (const key of Object.keys(expected)) expect(got[key]).toBeCloseTo(expected[key]!, 5);
    loaded.dispose();
  });

  it('round-trips a nested model, a multi-output layer, a merge and a tensor among call options', async () => {
    const model = everything();
    const path = join(dir, 'everything');
    await model.save(path);
    const loaded = await loadModel<tf.Tensor[]>(path, { customLayers });
    expect(loaded.layers.map((l) => `${l.name}:${l.className}`)).toEqual(
      model.layers.map((l) => `${l.name}:${l.className}`),
    );
    const feed = [
      tf.random.uniform([5, 3], { minval: -1, maxval: 1, seed: 9 }),
      tf.random.uniform([5, 3], { minval: 0, maxval: 1, seed: 10 }),
    ];
    const expected = model.predict(feed);
    const got = loaded.predict(feed);
    expect(got).toHaveLength(2);
    got.forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(Array.from(expected[i]!.dataSync())));
  });
});

describe('hostile functional configs', () => {
  async function withConfig(name: string, edit: (config: Record<string, unknown>) => void): Promise<string> {
    const path = join(dir, name);
    await twoTowers().save(path);
    const file = join(path, 'model.json');
    const json = JSON.parse(await readFile(file, 'utf8')) as { modelConfig: { config: Record<string, unknown> } };
    edit(json.modelConfig.config);
    await writeFile(file, JSON.stringify(json));
    return path;
  }
  type Entry = { name: string; inboundNodes: unknown[][] };
  const layers = (config: Record<string, unknown>): Entry[] => config.layers as Entry[];

  it.each([
    [
      'a cycle',
      (c: Record<string, unknown>) => {
        layers(c)[2]!.inboundNodes[0] = [['left', 0, 0, {}]];
      },
      /argument 'layers' expected an acyclic graph .* but got a cycle through layer/,
    ],
    [
      'an unknown layer',
      (c: Record<string, unknown>) => {
        layers(c)[3]!.inboundNodes[0] = [['nowhere', 0, 0, {}]];
      },
      /layers\[3\].*argument 'inboundNodes\[0\]\[0\]' expected the name of a layer in this model, but got the unknown layer/,
    ],
    [
      'a call index out of range',
      (c: Record<string, unknown>) => {
        layers(c)[3]!.inboundNodes[0] = [['shared', 5, 0, {}]];
      },
      /argument 'inboundNodes\[0\]\[0\]' expected a call index below 2/,
    ],
    [
      'an output index out of range',
      (c: Record<string, unknown>) => {
        c.outputLayers = [
          ['left', 0, 3],
          ['right', 0, 0],
        ];
      },
      /argument 'outputLayers\[0\]' expected an output index below 1/,
    ],
    [
      'a malformed reference',
      (c: Record<string, unknown>) => {
        c.inputLayers = [['a', -1, 0], 'b'];
      },
      /argument 'inputLayers\[0\]' expected a tensor reference/,
    ],
    [
      'an input that is not an InputLayer',
      (c: Record<string, unknown>) => {
        c.inputLayers = [
          ['shared', 0, 0],
          ['b', 0, 0],
        ];
      },
      /argument 'inputLayers\[0\]' expected a reference to an InputLayer/,
    ],
    [
      'a bad batch shape',
      (c: Record<string, unknown>) => {
        (layers(c)[0] as unknown as { config: Record<string, unknown> }).config.batchShape = [null, -4];
      },
      /argument 'batchShape' expected a shape \[null, \.\.\.\] of positive integers/,
    ],
    [
      'two layers of one name',
      (c: Record<string, unknown>) => {
        const list = layers(c) as unknown as { name: string; config: { name: string } }[];
        list[4]!.name = 'left';
        list[4]!.config.name = 'left';
      },
      /argument 'name' expected a name no other layer of the model has/,
    ],
    [
      'no layers',
      (c: Record<string, unknown>) => {
        c.layers = {};
      },
      /argument 'layers' expected a list of 1 to 4096 layer entries/,
    ],
  ])('%s is refused with a typed error and nothing left behind', async (name, edit, message) => {
    const path = await withConfig(name.replace(/ /g, '-'), edit);
    const before = tf.memory();
    await expect(loadModel(path)).rejects.toThrow(tf.InvalidArgumentError);
    await expect(loadModel(path)).rejects.toThrow(message);
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numVariables).toBe(before.numVariables);
  });
});
