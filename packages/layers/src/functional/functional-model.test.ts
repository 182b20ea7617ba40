/**
 * @file Functional models (`new tf.Model({ inputs, outputs })`): the graph runs as the layers applied
 * by hand would, shared layers are one set of weights, models nest, tensors among call options and
 * timestep masks travel through the graph, a model with several inputs and outputs learns a toy task
 * with per-output losses and loss weights (Keras' history keys), the summary shows connections, and
 * every bad input gets a typed error naming what is wrong.
 */
import '../test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { Dropout } from '../core-layers.js';
import { Dense } from '../dense.js';
import { Model, ModelBase } from '../model.js';
import { Sequential } from '../sequential.js';
import { Adam } from '../optimizers/index.js';
import type { LossIdentifier } from '../training/compile.js';
import { input } from './input.js';
import type { SymbolicTensor } from './symbolic-tensor.js';
import { Fork, Gate, Join, MaskSpy, NonZeroMask } from './__fixtures__/test-layers.js';

const near = (a: tf.Tensor, b: tf.Tensor, tolerance = 1e-5): void => {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  x.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThan(tolerance));
};

describe('functional graph', () => {
  it('runs the layers as applied by hand; layers, weights and names follow the graph', () => {
    const x = input({ shape: [3], name: 'features' });
    const hidden = new Dense(4, { activation: 'relu' });
    const out = new Dense(2);
    const model = new Model({ inputs: x, outputs: out.apply(hidden.apply(x)) });
    expect(model.className).toBe('Functional');
    expect(model.name).toMatch(/^functional(_[0-9]+)?$/);
    expect(model.layers.map((l) => l.className)).toEqual(['InputLayer', 'Dense', 'Dense']);
    expect(model.layers[0]!.name).toBe('features');
    expect(model.trainableVariables).toEqual([...hidden.trainableVariables, ...out.trainableVariables]);
    expect(model.inputNames).toEqual(['features']);
    expect(model.outputNames).toEqual([out.name]);
    const data = tf.random.uniform([5, 3], { minval: -1, maxval: 1, seed: 1 });
    const expected = out.apply(hidden.apply(data));
    near(model.apply(data), expected);
    near(model.predict(data, { batchSize: 2 }), expected);
  });

  it('leaves only the outputs behind (the intermediates are disposed)', () => {
    const x = input({ shape: [3] });
    const model = new Model({ inputs: x, outputs: new Dense(2).apply(new Dense(8).apply(x)) });
    const data = tf.ones([2, 3]);
    tf.dispose(model.apply(data));
    const before = tf.memory().numTensors;
    const y = model.apply(data);
    expect(tf.memory().numTensors).toBe(before + 1);
    y.dispose();
  });

  it('a shared layer is two calls with one set of weights', () => {
    const a = input({ shape: [3], name: 'left' });
    const b = input({ shape: [3], name: 'right' });
    const shared = new Dense(2, { name: 'shared' });
    const model = new Model<tf.Tensor[]>({ inputs: [a, b], outputs: [shared.apply(a), shared.apply(b)] });
    expect(model.layers.map((l) => l.name)).toEqual(['left', 'right', 'shared']);
    expect(model.graph!.nodes).toHaveLength(2);
    expect(model.trainableVariables).toHaveLength(2);
    expect(model.outputNames).toEqual(['shared', 'shared_1']);
    const left = tf.tensor([[1, 2, 3]]);
    const right = tf.tensor([[-1, 0, 4]]);
    const [ya, yb] = model.apply([left, right]);
    near(ya!, shared.apply(left));
    near(yb!, shared.apply(right));
  });

  it('a functional model nests as a layer, in a functional model and in a Sequential', () => {
    const x = input({ shape: [3] });
    const inner = new Model({ inputs: x, outputs: new Dense(4, { activation: 'tanh' }).apply(x), name: 'inner' });
    const y = input({ shape: [3] });
    const head = new Dense(1);
    const outer = new Model({ inputs: y, outputs: head.apply(inner.apply(y)) });
    expect(outer.layers.map((l) => l.name)).toContain('inner');
    expect(outer.trainableVariables).toHaveLength(4);
    const data = tf.random.uniform([3, 3], { minval: -1, maxval: 1, seed: 2 });
    near(outer.apply(data), head.apply(inner.apply(data)));
    const stacked = new Sequential([inner, new Dense(2)]);
    expect(stacked.apply(data).shape).toEqual([3, 2]);
  });

  it('a multi-output layer and a multi-input layer connect in the graph', () => {
    const x = input({ shape: [2] });
    const [doubled, negated] = new Fork().apply(x);
    const joined = new Join().apply([doubled!, negated!]);
    expect(joined.shape).toEqual([null, 4]);
    const model = new Model({ inputs: x, outputs: joined });
    expect(model.apply(tf.tensor([[1, 2]])).arraySync()).toEqual([[2, 4, -1, -2]]);
  });

  it('a symbolic tensor among the call options is an edge of the graph, fed at run time', () => {
    const x = input({ shape: [3], name: 'values' });
    const g = input({ shape: [3], name: 'gate_values' });
    const gate = new Gate();
    const gated = gate.apply(x, { gate: g });
    expect(gated.node!.tensorOptions).toEqual({ gate: g });
    const model = new Model({ inputs: [x, g], outputs: gated });
    const result = model.apply([tf.tensor([[1, 2, 3]]), tf.tensor([[0, 1, 10]])]);
    expect(result.arraySync()).toEqual([[0, 2, 30]]);
    // Not fed as an input: the gate's source is disconnected.
    expect(() => new Model({ inputs: x, outputs: gated })).toThrow(
      /graph disconnected: cannot obtain the value of the input 'gate_values'.*at layer 'gate/,
    );
  });

  it('an array of symbolic tensors among the call options (an initialState) is fed as an array', () => {
    const x = input({ shape: [2], name: 'x_values' });
    const g1 = input({ shape: [2], name: 'first_gate' });
    const g2 = input({ shape: [2], name: 'second_gate' });
    const gated = new Gate().apply(x, { gate: [g1, g2] });
    expect(gated.node!.tensorOptions).toEqual({ gate: [g1, g2] });
    const model = new Model({ inputs: [x, g1, g2], outputs: gated });
    const result = model.apply([tf.tensor([[1, 2]]), tf.tensor([[3, 4]]), tf.tensor([[-1, 0.5]])]);
    expect(result.arraySync()).toEqual([[-3, 4]]);
    const mixed: unknown = [g1, tf.ones([1, 2])];
    expect(() => new Gate().apply(x, { gate: mixed as SymbolicTensor[] })).toThrow(
      /argument 'options.gate\[1\]' expected a SymbolicTensor/,
    );
  });

  it('timestep masks travel through the graph as they do eagerly, and out of a nested model', () => {
    const ids = input({ shape: [3], dtype: 'int32' });
    const masked = new NonZeroMask().apply(ids);
    expect(masked.hasMask).toBe(true);
    const spy = new MaskSpy();
    const model = new Model({ inputs: ids, outputs: spy.apply(new Dense(2).apply(masked)) });
    tf.dispose(model.apply(tf.tensor([[4, 0, 7]], undefined, 'int32')));
    expect(spy.seen[spy.seen.length - 1]).toEqual([[true, false, true]]);
    // The nested model's output keeps its mask for the next layer.
    const outerSpy = new MaskSpy();
    const ids2 = input({ shape: [3], dtype: 'int32' });
    const outer = new Model({ inputs: ids2, outputs: outerSpy.apply(model.apply(ids2)) });
    tf.dispose(outer.apply(tf.tensor([[0, 5, 0]], undefined, 'int32')));
    expect(outerSpy.seen[outerSpy.seen.length - 1]).toEqual([[false, true, false]]);
  });

  it('the call-time training flag reaches the layers of the graph; trainable: false freezes them all', () => {
    const x = input({ shape: [64] });
    const dense = new Dense(64, { kernelInitializer: 'ones', useBias: false });
    const model = new Model({ inputs: x, outputs: new Dropout(0.5, { seed: 3 }).apply(dense.apply(x)) });
    const ones = tf.ones([2, 64]);
    // At inference Dropout passes everything; in training it zeroes about half.
    expect(Array.from(model.predict(ones).dataSync()).every((v) => v === 64)).toBe(true);
    const trained = Array.from(model.apply(ones, { training: true }).dataSync());
    expect(trained.filter((v) => v === 0).length).toBeGreaterThan(20);
    const frozen = new Model({ inputs: x, outputs: new Dense(2).apply(x), trainable: false });
    expect(frozen.trainableVariables).toEqual([]);
    expect(frozen.nonTrainableVariables).toHaveLength(2);
  });

  it('a record of inputs and outputs (Keras dict form) names them', async () => {
    const a = input({ shape: [2] });
    const b = input({ shape: [1] });
    const model = new Model<tf.Tensor[]>({
      inputs: { pair: a, single: b },
      outputs: { total: new Dense(1).apply(new Join().apply([a, b])) },
    });
    expect(model.inputNames).toEqual(['pair', 'single']);
    expect(model.outputNames).toEqual(['total']);
    const prediction = model.predict({ single: tf.ones([4, 1]), pair: tf.ones([4, 2]) });
    expect(prediction[0]!.shape).toEqual([4, 1]);
    model.compile({ optimizer: 'sgd', loss: { total: 'mse' } });
    const logs = await model.evaluate(
      { pair: tf.ones([4, 2]), single: tf.ones([4, 1]) },
      { total: tf.ones([4, 1]) },
      { verbose: 0 },
    );
    expect(Object.keys(logs)).toEqual(['loss']);
  });
});

describe('functional training', () => {
  /** Two inputs, two outputs: the sum of all features (regression) and whether a[0] > b[0] (binary). */
  function toyData(n: number, seed: number): { a: tf.Tensor; b: tf.Tensor; sum: tf.Tensor; larger: tf.Tensor } {
    const a = tf.random.uniform([n, 4], { minval: -1, maxval: 1, seed: seed });
    const b = tf.random.uniform([n, 3], { minval: -1, maxval: 1, seed: seed + 1 });
    const sum = tf.add(tf.reduceSum(a, 1, true), tf.reduceSum(b, 1, true));
    const larger = tf.cast(tf.greater(tf.slice(a, [0, 0], [n, 1]), tf.slice(b, [0, 0], [n, 1])), 'float32');
    return { a, b, sum, larger };
  }

  function toyModel(): Model<tf.Tensor[]> {
    const a = input({ shape: [4], name: 'a' });
    const b = input({ shape: [3], name: 'b' });
    const hidden = new Dense(32, { activation: 'relu' }).apply(new Join().apply([a, b]));
    const sum = new Dense(1, { name: 'sum' }).apply(hidden);
    const larger = new Dense(1, { activation: 'sigmoid', name: 'larger' }).apply(hidden);
    return new Model<tf.Tensor[]>({ inputs: [a, b], outputs: [sum, larger], name: 'toy' });
  }

  it('learns a two-input two-output task with per-output losses, loss weights and Keras history keys', async () => {
    const model = toyModel();
    model.compile({
      optimizer: new Adam({ learningRate: 0.01 }),
      loss: { sum: 'mse', larger: 'binaryCrossentropy' },
      lossWeights: [1, 0.5],
      metrics: { larger: ['accuracy'] },
    });
    const { a, b, sum, larger } = toyData(512, 3);
    const { history } = await model.fit({ a, b }, [sum, larger], {
      epochs: 40,
      batchSize: 64,
      verbose: 0,
      seed: 1,
      validationSplit: 0.25,
    });
    expect(Object.keys(history).sort()).toEqual(
      [
        'larger_accuracy',
        'larger_loss',
        'loss',
        'sum_loss',
        'val_larger_accuracy',
        'val_larger_loss',
        'val_loss',
        'val_sum_loss',
      ].sort(),
    );
    const last = (key: string): number => history[key]![history[key]!.length - 1]!;
    // The total is the weighted sum of the per-output losses.
    expect(last('loss')).toBeCloseTo(last('sum_loss') + 0.5 * last('larger_loss'), 4);
    expect(last('sum_loss')).toBeLessThan(history.sum_loss![0]! / 10);
    expect(last('val_larger_accuracy')).toBeGreaterThan(0.9);
    const test = toyData(128, 11);
    const logs = await model.evaluate([test.a, test.b], { sum: test.sum, larger: test.larger }, { verbose: 0 });
    expect(logs.larger_accuracy).toBeGreaterThan(0.9);
    expect(logs.sum_loss).toBeLessThan(0.1);
    const [predictedSum, predictedLarger] = model.predict([test.a, test.b]);
    expect(predictedSum!.shape).toEqual([128, 1]);
    expect(predictedLarger!.shape).toEqual([128, 1]);
  });

  it('one loss applies to every output; validationData takes arrays; memory stays flat', async () => {
    const model = toyModel();
    model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
    const { a, b, sum, larger } = toyData(64, 5);
    await model.fit([a, b], [sum, larger], { epochs: 1, verbose: 0 });
    const before = tf.memory().numTensors;
    const { history } = await model.fit([a, b], [sum, larger], {
      epochs: 2,
      batchSize: 16,
      verbose: 0,
      validationData: [
        [a, b],
        [sum, larger],
      ],
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(history)).toEqual(
      expect.arrayContaining(['loss', 'sum_loss', 'larger_loss', 'sum_mae', 'larger_mae', 'val_sum_mae']),
    );
  });

  it('a single-input single-output functional model trains as a Sequential does', async () => {
    const x = input({ shape: [2] });
    const model = new Model({ inputs: x, outputs: new Dense(1).apply(x) });
    model.compile({ optimizer: new Adam({ learningRate: 0.1 }), loss: 'mse', metrics: ['mae'] });
    const data = tf.random.uniform([64, 2], { minval: -1, maxval: 1, seed: 4 });
    const target = tf.matmul(data, tf.tensor([[2], [-1]]));
    const { history } = await model.fit(data, target, { epochs: 30, verbose: 0, seed: 2 });
    expect(Object.keys(history)).toEqual(['loss', 'mae']);
    expect(history.loss[history.loss.length - 1]!).toBeLessThan(0.01);
  });
});

describe('functional summary', () => {
  it("prints Keras 3's functional table with InputLayer rows and a Connected to column", () => {
    const a = input({ shape: [4], name: 'a' });
    const b = input({ shape: [3], name: 'b' });
    const joined = new Join({ name: 'join' }).apply([a, b]);
    const out = new Dense(2, { name: 'out' }).apply(joined);
    const model = new Model({ inputs: [a, b], outputs: out, name: 'two_inputs' });
    const text = model.summary(() => {});
    expect(text).toBe(
      [
        'Model: "two_inputs"',
        '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┓',
        '┃ Layer (type)              ┃ Output Shape            ┃    Param # ┃ Connected to         ┃',
        '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━┩',
        '│ a (InputLayer)            │ (None, 4)               │          0 │ -                    │',
        '├───────────────────────────┼─────────────────────────┼────────────┼──────────────────────┤',
        '│ b (InputLayer)            │ (None, 3)               │          0 │ -                    │',
        '├───────────────────────────┼─────────────────────────┼────────────┼──────────────────────┤',
        '│ join (Join)               │ (None, 7)               │          0 │ a[0][0],             │',
        '│                           │                         │            │ b[0][0]              │',
        '├───────────────────────────┼─────────────────────────┼────────────┼──────────────────────┤',
        '│ out (Dense)               │ (None, 2)               │         16 │ join[0][0]           │',
        '└───────────────────────────┴─────────────────────────┴────────────┴──────────────────────┘',
        ' Total params: 16 (64.00 B)',
        ' Trainable params: 16 (64.00 B)',
        ' Non-trainable params: 0 (0.00 B)',
      ].join('\n'),
    );
  });

  it('a shared layer lists each call; a multi-output layer shows every shape', () => {
    const x = input({ shape: [2], name: 'x' });
    const shared = new Dense(2, { name: 'shared' });
    const fork = new Fork({ name: 'fork' });
    const [first, second] = fork.apply(shared.apply(shared.apply(x)));
    const model = new Model<tf.Tensor[]>({ inputs: x, outputs: [first!, second!] });
    const text = model.summary(() => {});
    expect(text).toMatch(/│ shared \(Dense\) +│ \(None, 2\) +│ +6 │ x\[0\]\[0\], +│\n│ +│ +│ +│ shared\[0\]\[0\] +│/);
    expect(text).toMatch(/│ fork \(Fork\) +│ \[\(None, 2\), \(None, 2\)\] +│ +0 │ shared\[1\]\[0\] +│/);
  });
});

describe('functional bad input', () => {
  it('outputs that do not depend on the inputs: graph disconnected, naming the input and the layer', () => {
    const a = input({ shape: [2], name: 'given' });
    const b = input({ shape: [2], name: 'missing' });
    const dense = new Dense(1, { name: 'needs_missing' });
    const out = dense.apply(new Join().apply([a, b]));
    expect(() => new Model({ inputs: a, outputs: out })).toThrow(tf.InvalidArgumentError);
    expect(() => new Model({ inputs: a, outputs: out })).toThrow(
      /Model: graph disconnected: cannot obtain the value of the input 'missing' .* at layer 'join(_[0-9]+)?'; the following inputs were given: \['given'\]/,
    );
    expect(() => new Model({ inputs: a, outputs: new Dense(1).apply(b) })).toThrow(/graph disconnected.*'missing'/);
  });

  it('duplicate layer names in one model are named', () => {
    const x = input({ shape: [2], name: 'x' });
    const out = new Dense(1, { name: 'twin' }).apply(new Dense(2, { name: 'twin' }).apply(x));
    expect(() => new Model({ inputs: x, outputs: out })).toThrow(
      /Model: argument 'outputs' expected layers with unique names .* but got the name 'twin' used by 2 layers/,
    );
    const clash = input({ shape: [2], name: 'dense_clash' });
    expect(() => new Model({ inputs: clash, outputs: new Dense(1, { name: 'dense_clash' }).apply(clash) })).toThrow(
      /the name 'dense_clash' used by 2 layers/,
    );
  });

  it('inputs that are not tf.input tensors, and outputs that are not symbolic', () => {
    const x = input({ shape: [2] });
    const hidden = new Dense(2, { name: 'hidden_layer' }).apply(x);
    expect(() => new Model({ inputs: hidden, outputs: new Dense(1).apply(hidden) })).toThrow(
      /Model: argument 'inputs' expected tf.input tensors .* but got SymbolicTensor.*the output of layer 'hidden_layer'/,
    );
    expect(() => new Model({ inputs: tf.ones([1, 2]) as never, outputs: hidden })).toThrow(
      /argument 'inputs' expected a SymbolicTensor.* but got a concrete Tensor of shape \[1,2\]/,
    );
    expect(() => new Model({ inputs: x, outputs: [hidden, 3 as never] })).toThrow(
      /argument 'outputs\[1\]' expected a SymbolicTensor, but got number 3/,
    );
    expect(() => new Model({ inputs: x, outputs: hidden, units: 3 } as never)).toThrow(/unknown key 'units'/);
  });

  it('tf.input without an options object, or without a shape', () => {
    expect(() => input(undefined as never)).toThrow(
      /input: argument 'options' expected \{ shape, dtype\?, name\? \}, but got undefined/,
    );
    expect(() => input({} as never)).toThrow(/input: argument 'shape' expected a sample shape/);
    expect(() => input({ shape: [0] })).toThrow(
      /argument 'options.shape' expected an array of positive integers or null/,
    );
  });

  it('mixing symbolic and concrete tensors in one call is refused', () => {
    const x = input({ shape: [2] });
    expect(() => new Join().apply([x, tf.ones([1, 2])] as never)).toThrow(
      /join(_[0-9]+)?\.apply: argument 'inputs\[1\]' expected symbolic tensors only .* but got a concrete Tensor of shape \[1,2\]/,
    );
    expect(() => new Join().apply([tf.ones([1, 2]), x] as never)).toThrow(/argument 'inputs\[0\]'.*concrete Tensor/);
    expect(() => new Gate().apply(x, { gate: tf.ones([1, 2]) })).toThrow(
      /argument 'options.gate' expected a SymbolicTensor \(the inputs are symbolic\)/,
    );
  });

  it('feeding the wrong number, shape or dtype of arrays names the input', async () => {
    const a = input({ shape: [4], name: 'a' });
    const ids = input({ shape: [null], dtype: 'int32', name: 'ids' });
    const out = new Dense(1, { name: 'out' }).apply(a);
    const model = new Model({ inputs: [a, ids], outputs: out });
    const good = [tf.ones([2, 4]), tf.zeros([2, 5], 'int32')];
    expect(model.predict(good).shape).toEqual([2, 1]);
    expect(() => model.predict([good[0]!])).toThrow(
      /predict: argument 'x' expected 2 tensors \['a', 'ids'\], as an array in that order or a record by name, but got an array of 1/,
    );
    expect(() => model.predict(good[0]!)).toThrow(
      /argument 'x' expected 2 tensors.*but got one Tensor of shape \[2,4\]/,
    );
    expect(() => model.predict([tf.ones([2, 3]), good[1]!])).toThrow(
      /predict: argument 'x\[0\]' expected a tensor of shape \[null,4\] for the input 'a'.*but got shape \[2,3\]/,
    );
    expect(() => model.predict([good[0]!, tf.zeros([2, 5])])).toThrow(
      /argument 'x\[1\]' expected dtype int32 for the input 'ids', but got dtype float32/,
    );
    expect(() => model.predict({ a: good[0]!, idz: good[1]! })).toThrow(
      /argument 'x' expected keys among \['a', 'ids'\].*'idz'/,
    );
    expect(() => model.apply([good[0]!])).toThrow(
      /apply: argument 'inputs' expected 2 tensor\(s\), one per model input \['a', 'ids'\]/,
    );
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(model.fit([tf.ones([3, 4]), good[1]!], tf.ones([3, 1]), { verbose: 0 })).rejects.toThrow(
      /fit: argument 'x\[1\]' expected 3 samples \(x\[0\]'s first dimension; shape \[3,4\]\): every array must have as many samples, but got 2/,
    );
    await expect(model.fit(good, tf.ones([5, 1]), { verbose: 0 })).rejects.toThrow(/argument 'y' expected 2 samples/);
    await expect(model.fit(good, [tf.ones([2, 1]), tf.ones([2, 1])], { verbose: 0 })).rejects.toThrow(
      /fit: argument 'y' expected a Tensor for the output 'out' \(or an array or record of one\), but got an array of 2/,
    );
  });

  it('compile checks per-output losses and weights against the output names', () => {
    const x = input({ shape: [2] });
    const model = new Model<tf.Tensor[]>({
      inputs: x,
      outputs: [new Dense(1, { name: 'p' }).apply(x), new Dense(1, { name: 'q' }).apply(x)],
    });
    expect(() => model.compile({ loss: ['mse'] })).toThrow(
      /compile: argument 'args.loss' expected one entry per model output \(2: \['p', 'q'\]\), but got 1/,
    );
    expect(() => model.compile({ loss: { p: 'mse', r: 'mse' } })).toThrow(
      /args.loss' expected keys among the output names \['p', 'q'\].*'r'/,
    );
    expect(() => model.compile({ loss: { p: 'mse' } })).toThrow(
      /args.loss' expected an entry for every output.*none for 'q'/,
    );
    expect(() => model.compile({ loss: 'mse', lossWeights: [1, -1] })).toThrow(/args.lossWeights/);
    const losses: unknown = ['mse', 'nope'];
    expect(() => model.compile({ loss: losses as LossIdentifier[] })).toThrow(/args.loss\[1\]/);
  });

  it('a Model with neither a graph nor a call of its own throws a typed error when called', () => {
    const model = new Model();
    expect(ModelBase).toBe(Model);
    expect(model).toBeInstanceOf(ModelBase);
    expect(() => model.apply(tf.ones([1, 2]))).toThrow(tf.FailedPreconditionError);
    expect(() => model.apply(tf.ones([1, 2]))).toThrow(
      /has no layer graph and no call of its own: make it with new tf.Model\(\{ inputs, outputs \}\)/,
    );
  });
});
