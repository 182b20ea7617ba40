/**
 * @file compile / fit / evaluate on a small separable problem: the history's Keras keys, learning,
 * validationSplit taking the last samples, seeded shuffling, callbacks in Keras' order, memory flat
 * across epochs, trainable honoured, and the bad input the issue lists: fit before compile, labels of
 * the wrong shape, dtype or range, a batch size larger than the data, and a NaN loss.
 */
import '../test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { Dense } from '../dense.js';
import * as losses from '../losses.js';
import * as optimizers from '../optimizers/index.js';
import { Sequential } from '../sequential.js';

/** 60 points in 2-D, labelled by which of three directions they point most along. */
function problem(samples = 60): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const x = tf.random.normal([samples, 2], { seed: 17 });
    const directions = tf.tensor([
      [1, -0.5, -0.5],
      [0, 0.87, -0.87],
    ]);
    return { x, y: tf.argMax(tf.matmul(x, directions), -1) };
  });
}

function classifier(seed = 1): Sequential {
  return new Sequential([
    new Dense(8, { activation: 'tanh', seed, inputShape: [2] }),
    new Dense(3, { seed: seed + 10 }),
  ]);
}

function compileSparse(model: Sequential, learningRate = 0.05): void {
  model.compile({
    optimizer: new optimizers.Adam({ learningRate }),
    loss: new losses.SparseCategoricalCrossentropy({ fromLogits: true }),
    metrics: ['accuracy'],
  });
}

async function snapshot(variables: readonly tf.Tensor[]): Promise<number[][]> {
  return Promise.all(variables.map(async (v) => Array.from(await v.data())));
}

describe('compile / fit / evaluate', () => {
  it('learns: Keras history keys, the loss falls, evaluate agrees with predict', async () => {
    const { x, y } = problem();
    const model = classifier();
    compileSparse(model);
    const { history, epoch, params } = await model.fit(x, y, { epochs: 8, batchSize: 16, verbose: 0, seed: 3 });
    expect(Object.keys(history).sort()).toEqual(['accuracy', 'loss']);
    expect(epoch).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(params).toEqual({ epochs: 8, steps: 4, verbose: 0 });
    expect(history.loss[7]!).toBeLessThan(history.loss[0]! * 0.6);
    expect(history.accuracy![7]!).toBeGreaterThan(0.85);
    const result = await model.evaluate(x, y, { verbose: 0 });
    expect(Object.keys(result)).toEqual(['loss', 'accuracy']);
    const predicted = tf.tidy(() => tf.reduceMean(tf.cast(tf.equal(tf.argMax(model.predict(x), -1), y), 'float32')));
    expect(result.accuracy).toBeCloseTo((await predicted.data())[0]!, 6);
    tf.dispose([x, y, predicted]);
    model.dispose();
  });

  it("takes Keras strings: 'sgd' with 'categoricalCrossentropy' and softmax outputs, 'accuracy' by shapes", async () => {
    const { x, y } = problem();
    const oneHot = tf.oneHot(y, 3);
    const model = new Sequential([new Dense(3, { activation: 'softmax', seed: 2, inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy', 'mse'] });
    expect(model.optimizer).toBeInstanceOf(optimizers.SGD);
    const { history } = await model.fit(x, oneHot, { epochs: 2, verbose: 0 });
    expect(Object.keys(history).sort()).toEqual(['accuracy', 'loss', 'mse']);
    tf.dispose([x, y, oneHot]);
    model.dispose();
  });

  it('validationSplit holds out the last fraction (before shuffling), reported as val_ keys', async () => {
    const { x, y } = problem(10);
    const model = classifier();
    compileSparse(model);
    let batches = 0;
    const { history } = await model.fit(x, y, {
      epochs: 1,
      batchSize: 4,
      validationSplit: 0.2,
      verbose: 0,
      callbacks: [{ onBatchEnd: () => void batches++ }],
    });
    expect(batches).toBe(2); // 8 training samples in batches of 4
    expect(Object.keys(history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    const [xLast, yLast] = [tf.slice(x, 8, 2), tf.slice(y, 8, 2)];
    const held = await model.evaluate(xLast, yLast, { verbose: 0 });
    expect(history.val_loss![0]).toBeCloseTo(held.loss!, 5);
    await expect(model.fit(x, y, { validationSplit: 1 })).rejects.toThrow(/validationSplit.*\[0, 1\)/);
    tf.dispose([x, y, xLast, yLast]);
    model.dispose();
  });

  it('the same seed gives the same batches and history; shuffle: false is the order given', async () => {
    const { x, y } = problem();
    const runs: number[][] = [];
    for (const options of [{ seed: 7 }, { seed: 7 }, { seed: 8 }]) {
      const model = classifier(3);
      compileSparse(model);
      runs.push((await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, ...options })).history.loss);
      model.dispose();
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).not.toEqual(runs[0]);
    tf.dispose([x, y]);
  });

  it('calls callbacks in Keras order, awaiting async ones, with running logs', async () => {
    const { x, y } = problem(8);
    const model = classifier();
    compileSparse(model);
    const calls: string[] = [];
    await model.fit(x, y, {
      epochs: 2,
      batchSize: 4,
      verbose: 0,
      callbacks: [
        {
          onTrainBegin: () => void calls.push('trainBegin'),
          onEpochBegin: (e) => void calls.push(`epochBegin ${e}`),
          onBatchEnd: async (b, logs) => {
            await new Promise((resolve) => setTimeout(resolve, 1));
            calls.push(`batchEnd ${b} ${Object.keys(logs).join(',')}`);
          },
          onEpochEnd: (e, logs) => void calls.push(`epochEnd ${e} ${Object.keys(logs).join(',')}`),
          onTrainEnd: () => void calls.push('trainEnd'),
        },
      ],
    });
    expect(calls).toEqual([
      'trainBegin',
      'epochBegin 0',
      'batchEnd 0 loss,accuracy',
      'batchEnd 1 loss,accuracy',
      'epochEnd 0 loss,accuracy',
      'epochBegin 1',
      'batchEnd 0 loss,accuracy',
      'batchEnd 1 loss,accuracy',
      'epochEnd 1 loss,accuracy',
      'trainEnd',
    ]);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('keeps tf.memory() flat across epochs and leaves nothing after dispose', async () => {
    const start = tf.memory();
    const { x, y } = problem();
    const model = classifier();
    const optimizer = new optimizers.Adam();
    model.compile({
      optimizer,
      loss: new losses.SparseCategoricalCrossentropy({ fromLogits: true }),
      metrics: ['accuracy'],
    });
    const perEpoch: number[] = [];
    await model.fit(x, y, {
      epochs: 4,
      batchSize: 16,
      validationSplit: 0.25,
      verbose: 0,
      callbacks: [{ onEpochEnd: () => void perEpoch.push(tf.memory().numTensors) }],
    });
    await model.evaluate(x, y, { verbose: 0 });
    tf.dispose(model.predict(x));
    expect(new Set(perEpoch).size).toBe(1);
    tf.dispose([x, y]);
    model.dispose();
    // An optimizer passed in stays the caller's: its slots live until it is disposed.
    expect(tf.memory().numVariables).toBe(start.numVariables + 8);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(start.numTensors);
    expect(tf.memory().numVariables).toBe(start.numVariables);
  });

  it('honours trainable: a frozen layer keeps its weights through fit', async () => {
    const { x, y } = problem();
    const model = classifier();
    model.layers[0]!.trainable = false;
    compileSparse(model);
    const frozen = await snapshot(model.layers[0]!.variables);
    const head = await snapshot(model.layers[1]!.variables);
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(await snapshot(model.layers[0]!.variables)).toEqual(frozen);
    expect(await snapshot(model.layers[1]!.variables)).not.toEqual(head);
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('fit: bad input', () => {
  it('compile refuses unknown names and repeated metrics; compiling again disposes the optimizer it made', () => {
    const model = classifier();
    expect(() => model.compile({ optimizer: 'lion' as 'adam', loss: 'mse' })).toThrow(
      /optimizer.*'sgd', 'adam', 'adamw', 'rmsprop'.*'nadam'.*lion/,
    );
    expect(() => model.compile({ optimizer: 'adam', loss: 'hinge' as 'mse' })).toThrow(/loss.*'meanSquaredError'/);
    expect(() => model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['f1' as 'mae'] })).toThrow(
      /metric.*'accuracy'.*f1/,
    );
    expect(() => model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae', 'mae'] })).toThrow(/'mae' twice/);
    expect(model.compiled).toBeNull();
    model.compile({ loss: 'mse' });
    const first = model.optimizer!;
    expect(first).toBeInstanceOf(optimizers.RMSprop); // Keras' default optimizer
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(() => first.applyGradients([], [])).toThrow(/disposed/);
    model.dispose();
  });

  it('fit and evaluate before compile say to compile', async () => {
    const { x, y } = problem(4);
    const model = classifier();
    await expect(model.fit(x, y)).rejects.toThrow(tf.FailedPreconditionError);
    await expect(model.fit(x, y)).rejects.toThrow(
      /must be compiled before training: call model.compile\(\{ optimizer, loss \}\)/,
    );
    await expect(model.evaluate(x, y)).rejects.toThrow(/compiled before evaluation/);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('refuses labels of the wrong shape, dtype or range before training starts', async () => {
    const { x, y } = problem(6);
    const oneHot = tf.oneHot(y, 3);
    const model = classifier();
    compileSparse(model);
    const before = await snapshot(model.variables);
    let began = 0;
    const callbacks = [{ onTrainBegin: () => void began++ }];
    await expect(model.fit(x, oneHot, { callbacks })).rejects.toThrow(
      /sparseCategoricalCrossentropy.*\[1,3\]; these look like one-hot targets/,
    );
    const bools = tf.cast(y, 'bool');
    await expect(model.fit(x, bools, { callbacks })).rejects.toThrow(/yTrue.*bool tensor/);
    const outOfRange = tf.tensor([0, 1, 2, 3, 1, 0], [6], 'int32');
    await expect(model.fit(x, outOfRange, { callbacks })).rejects.toThrow(
      /label 3 at sample 3, outside the valid range \[0, 3\)/,
    );
    const fractional = tf.tensor([0, 1, 1.5, 2, 1, 0]);
    await expect(model.fit(x, fractional, { callbacks })).rejects.toThrow(/label 1.5 at sample 2/);
    const short = tf.tensor([0, 1], [2], 'int32');
    await expect(model.fit(x, short, { callbacks })).rejects.toThrow(/argument 'y' expected 6 samples.*but got 2/);
    await expect(model.fit(x, y, { batchSize: 0 })).rejects.toThrow(/batchSize.*positive integer/);
    await expect(model.fit(x, y, { epochs: 1.5 })).rejects.toThrow(/epochs/);
    expect(began).toBe(0);
    expect(await snapshot(model.variables)).toEqual(before);
    tf.dispose([x, y, oneHot, bools, outOfRange, fractional, short]);
    model.dispose();
  });

  it('a label out of range under a loss function (no upfront check) is refused by the loss, before that step', async () => {
    const { x } = problem(6);
    const model = classifier();
    // A plain function: fit cannot know it takes integer labels, so only the loss itself can check them.
    const optimizer = new optimizers.SGD(0.1);
    model.compile({
      optimizer,
      loss: (yTrue, yPred) => losses.sparseCategoricalCrossentropy(yTrue, yPred, { fromLogits: true }),
    });
    const before = await snapshot(model.variables);
    const start = tf.memory().numTensors;
    // Sample 0 (which fit runs through the loss before training) is fine; the first batch is not.
    const labels = tf.tensor([0, 7, 2, 1, 1, 0], [6], 'int32');
    await expect(model.fit(x, labels, { batchSize: 2, shuffle: false, verbose: 0 })).rejects.toThrow(
      /^sparseCategoricalCrossentropy: argument 'yTrue' expected class indices: whole numbers in \[0, 3\).*the label 7 at index 1/,
    );
    await expect(model.evaluate(x, labels, { verbose: 0 })).rejects.toThrow(/the label 7/);
    labels.dispose();
    expect(tf.memory().numTensors).toBe(start);
    expect(await snapshot(model.variables)).toEqual(before);
    x.dispose();
    optimizer.dispose();
    model.dispose();
  });

  it('a batch size larger than the data trains on one batch of all of it, as Keras', async () => {
    const { x, y } = problem(5);
    const model = classifier();
    compileSparse(model);
    const sizes: number[] = [];
    const { history, params } = await model.fit(x, y, {
      epochs: 2,
      batchSize: 1000,
      verbose: 0,
      callbacks: [{ onBatchEnd: (b) => void sizes.push(b) }],
    });
    expect(sizes).toEqual([0, 0]);
    expect(params.steps).toBe(1);
    expect(history.loss).toHaveLength(2);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('stops on a NaN loss with the epoch and batch, before applying that step (TerminateOnNaN)', async () => {
    const { x, y } = problem(12);
    // Samples 8-11 (batch 3 of 3 without shuffling) are NaN.
    const poisoned = tf.tidy(() => tf.concat([tf.slice(x, 0, 8), tf.fill([4, 2], NaN)], 0));
    const model = classifier();
    compileSparse(model);
    let lastGood: number[][] = [];
    let ended = 0;
    const run = model.fit(poisoned, y, {
      epochs: 3,
      batchSize: 4,
      shuffle: false,
      verbose: 0,
      callbacks: [
        {
          onBatchEnd: async (b) => void (b === 1 && (lastGood = await snapshot(model.variables))),
          onTrainEnd: () => void ended++,
        },
      ],
    });
    await expect(run).rejects.toThrow(tf.InvalidArgumentError);
    await expect(run).rejects.toThrow(
      /the loss is NaN at epoch 1\/3, batch 3\/3; training stopped before applying that step \(TerminateOnNaN\)/,
    );
    const weights = await snapshot(model.variables);
    expect(weights).toEqual(lastGood);
    expect(weights.flat().every(Number.isFinite)).toBe(true);
    expect(ended).toBe(0);
    tf.dispose([x, y, poisoned]);
    model.dispose();
  });
});
