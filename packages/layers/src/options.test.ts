/**
 * @file Options checked like Keras' keyword arguments, across the package: every layer, model,
 * `apply`, `compile`, `fit` / `evaluate` / `predict`, loss, metric, optimizer, callback and
 * initializer refuses an unknown key (naming it and the nearest valid one) and a value of the wrong
 * type (naming the op and the key) with an `InvalidArgumentError`, making nothing and changing nothing.
 * Names passed as strings (activations, initializers, losses, metrics, optimizers) suggest the
 * nearest name too. Also Keras' positional learning rate: `new SGD(0.1)`.
 */
import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import * as activations from './activations.js';
import { Activation, Dropout, Flatten, ReLU, Softmax } from './core-layers.js';
import { Dense } from './dense.js';
import * as initializers from './initializers.js';
import * as losses from './losses.js';
import * as metrics from './metrics.js';
import { Model } from './model.js';
import * as optimizers from './optimizers/index.js';
import { Sequential } from './sequential.js';
import { EarlyStopping, earlyStopping } from './training/callbacks.js';

/** Expects `fn` to throw an InvalidArgumentError matching `pattern`, leaving no tensor or Variable behind. */
function expectRefused(fn: () => unknown, pattern: RegExp): void {
  const before = tf.memory();
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, String(pattern)).toBeInstanceOf(tf.InvalidArgumentError);
  expect((thrown as Error).message).toMatch(pattern);
  expect(tf.memory().numTensors).toBe(before.numTensors);
  expect(tf.memory().numVariables).toBe(before.numVariables);
}

/** The async form, for fit and evaluate. */
async function expectRejected(fn: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  const before = tf.memory();
  await expect(fn()).rejects.toThrow(tf.InvalidArgumentError);
  await expect(fn()).rejects.toThrow(pattern);
  expect(tf.memory().numTensors).toBe(before.numTensors);
}

class Tiny extends Model {
  out = new Dense(1, { seed: 1 });
  call(x: tf.Tensor): tf.Tensor {
    return this.out.apply(x);
  }
}

describe('options: layers and models', () => {
  it('an unknown key names the layer, the key and the nearest valid one', () => {
    expectRefused(
      () => new Dense(2, { activaton: 'relu' } as never),
      /^Dense: argument 'options' expected known keys \(did you mean 'activation'\?\), but got unknown key 'activaton'\.$/,
    );
    expectRefused(() => new Dense(2, { use_bias: false } as never), /did you mean 'useBias'.*unknown key 'use_bias'/);
    expectRefused(() => new Dense(2, { input_shape: [3] } as never), /did you mean 'inputShape'/);
    expectRefused(() => new Dropout(0.2, { sed: 1 } as never), /^Dropout: .*did you mean 'seed'/);
    expectRefused(() => new Flatten({ nmae: 'f' } as never), /^Flatten: .*did you mean 'name'/);
    expectRefused(() => new ReLU({ max_value: 6 } as never), /^ReLU: .*did you mean 'maxValue'/);
    expectRefused(() => new Softmax({ axes: 1 } as never), /^Softmax: .*did you mean 'axis'/);
    expectRefused(
      () => new Activation('relu', { trainabel: false } as never),
      /^Activation: .*did you mean 'trainable'/,
    );
    expectRefused(() => new Activation({ activaton: 'relu' } as never), /^Activation: .*did you mean 'activation'/);
    expectRefused(() => new Sequential([], { nam: 'm' } as never), /^Sequential: .*did you mean 'name'/);
    expectRefused(() => new Tiny({ trainible: true } as never), /^Tiny: .*did you mean 'trainable'/);
  });

  it('a value of the wrong type names the layer and the key', () => {
    expectRefused(
      () => new Dense('a' as never),
      /^Dense: argument 'units' expected a positive integer, but got string 'a'/,
    );
    expectRefused(() => new Dense(1.5), /'units' expected a positive integer, but got number 1.5/);
    expectRefused(
      () => new Dense(2, { useBias: 'yes' as never }),
      /^Dense: argument 'options.useBias' expected a boolean, but got string 'yes'/,
    );
    expectRefused(() => new Dense(2, { seed: 1.5 }), /'options.seed' expected an integer/);
    expectRefused(
      () => new Dense(2, { inputShape: [0] }),
      /'options.inputShape' expected an array of positive integers/,
    );
    expectRefused(() => new Dense(2, { name: 5 as never }), /'options.name' expected a string, but got number 5/);
    expectRefused(
      () => new Dense(2, 'relu' as never),
      /^Dense: argument 'options' expected an options object, but got string 'relu'/,
    );
    expectRefused(() => new Dropout(2), /^Dropout: argument 'rate' expected a number in \[0, 1\), but got number 2/);
    expectRefused(() => new Dropout(0.5, { seed: 'x' as never }), /'options.seed' expected an integer/);
    expectRefused(() => new ReLU({ maxValue: -1 }), /^ReLU: argument 'options.maxValue' expected a number >= 0/);
    expectRefused(() => new Softmax({ axis: 0.5 }), /^Softmax: argument 'options.axis' expected an integer/);
    expectRefused(
      () => new Sequential([], { trainable: 'no' as never }),
      /^Sequential: argument 'options.trainable' expected a boolean/,
    );
    expectRefused(() => new Activation({} as never), /^Activation: argument 'activation' expected an activation name/);
  });

  it('an unknown activation or initializer name is refused with the nearest name', () => {
    expectRefused(
      () => new Dense(2, { activation: 'rleu' as never }),
      /^Dense: argument 'options.activation' expected one of 'linear', 'relu'.* or a function \(did you mean 'relu'\?\), but got string 'rleu'/,
    );
    expectRefused(
      () => new Dense(2, { kernelInitializer: 'glorot_uniform' as never }),
      /'options.kernelInitializer' expected .*\(did you mean 'glorotUniform'\?\)/,
    );
    expectRefused(
      () => new Dense(2, { biasInitializer: 7 as never }),
      /'options.biasInitializer' expected one of 'zeros'.* or an Initializer, but got number 7/,
    );
    expectRefused(
      () => new Activation('sigmod' as never),
      /^Activation: argument 'activation' expected .*\(did you mean 'sigmoid'\?\)/,
    );
    expectRefused(() => activations.get('tanhh' as never), /^activations.get: .*did you mean 'tanh'/);
    expectRefused(() => initializers.get('he_normal' as never), /^initializers.get: .*did you mean 'heNormal'/);
  });

  it('a failed constructor uses up no default name; the positional Activation works', () => {
    const first = new Dense(1);
    expect(() => new Dense(1, { activaton: 'relu' } as never)).toThrow(tf.InvalidArgumentError);
    const second = new Dense(1);
    const number = (name: string): number => Number(/_(\d+)$/.exec(name)?.[1] ?? 0);
    expect(number(second.name)).toBe(number(first.name) + 1);
    const tanh = new Activation('tanh', { name: 'squash' });
    expect(tanh.name).toBe('squash');
    expect(tanh.activation).toBe(activations.tanh);
  });

  it("apply's options are checked: { trainig: true } is not a silent inference call", () => {
    const layer = new Dropout(0.5, { seed: 1 });
    const x = tf.ones([2, 2]);
    expectRefused(
      () => layer.apply(x, { trainig: true } as never),
      /^dropout(_\d+)?\.apply: argument 'options' expected known keys \(did you mean 'training'\?\)/,
    );
    expectRefused(() => layer.apply(x, { training: 'yes' as never }), /'options.training' expected a boolean/);
    x.dispose();
  });
});

describe('options: compile, fit, evaluate, predict', () => {
  function model(): Sequential {
    const m = new Sequential([new Dense(3, { seed: 2, inputShape: [2] })]);
    m.compile({ optimizer: 'sgd', loss: new losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
    return m;
  }

  it('compile: unknown keys and unknown names suggest the nearest; the old compile stays', () => {
    const m = model();
    const optimizer = m.optimizer;
    expectRefused(
      () => m.compile({ loss: 'mse', metric: ['accuracy'] } as never),
      /^compile: argument 'args' expected known keys \(did you mean 'metrics'\?\), but got unknown key 'metric'/,
    );
    expectRefused(() => m.compile({ loss: 'mse', loss_weights: [1] } as never), /unknown key 'loss_weights'/);
    expectRefused(
      () => m.compile({ optimizer: 'adma' as never, loss: 'mse' }),
      /^compile: argument 'args.optimizer' expected one of 'sgd', 'adam'.*\(did you mean 'adam'\?\), but got string 'adma'/,
    );
    expectRefused(
      () => m.compile({ loss: 'sparse_categorical_crossentropy' as never }),
      /^compile: argument 'args.loss' expected .*\(did you mean 'sparseCategoricalCrossentropy'\?\)/,
    );
    expectRefused(
      () => m.compile({ loss: 'mse', metrics: ['acuracy' as never] }),
      /^compile: argument 'args.metrics\[0\]' expected .*\(did you mean 'accuracy'\?\), but got string 'acuracy'/,
    );
    expectRefused(
      () => m.compile({ loss: 'mse', metrics: [5 as never] }),
      /'args.metrics\[0\]' expected one of 'accuracy'.*, but got number 5/,
    );
    expectRefused(() => m.compile({ loss: 5 as never }), /^compile: argument 'args.loss' expected a loss name/);
    expectRefused(
      () => m.compile({ loss: 'mse', optimizer: { learningRate: 0.1 } as never }),
      /'args.optimizer' expected an optimizer name/,
    );
    expectRefused(() => m.compile({ loss: 'mse', metrics: 'accuracy' as never }), /'args.metrics' expected an array/);
    expect(m.optimizer).toBe(optimizer);
    m.dispose();
  });

  it('fit, evaluate and predict: unknown keys and wrong types, before any step', async () => {
    const m = model();
    const x = tf.ones([4, 2]);
    const y = tf.tensor([0, 1, 2, 1], [4], 'int32');
    const before = m.getWeights();
    let began = 0;
    const callbacks = [{ onTrainBegin: () => void began++ }];
    await expectRejected(
      () => m.fit(x, y, { epoch: 3, callbacks } as never),
      /^fit: argument 'options' expected known keys \(did you mean 'epochs'\?\), but got unknown key 'epoch'/,
    );
    await expectRejected(() => m.fit(x, y, { batch_size: 2, callbacks } as never), /did you mean 'batchSize'/);
    await expectRejected(
      () => m.fit(x, y, { epochs: 'x' as never, callbacks }),
      /^fit: argument 'options.epochs' expected a non-negative integer, but got string 'x'/,
    );
    await expectRejected(
      () => m.fit(x, y, { batchSize: 0, callbacks }),
      /'options.batchSize' expected a positive integer, but got number 0/,
    );
    await expectRejected(
      () => m.fit(x, y, { validationSplit: 2, callbacks }),
      /'options.validationSplit' expected a number in \[0, 1\), but got number 2/,
    );
    await expectRejected(
      () => m.fit(x, y, { shuffle: 'yes' as never, callbacks }),
      /'options.shuffle' expected a boolean/,
    );
    await expectRejected(
      () => m.fit(x, y, { verbose: 3 as never, callbacks }),
      /'options.verbose' expected one of 0, 1, 2, but got number 3/,
    );
    await expectRejected(
      () => m.fit(x, y, { validationData: [x] as never, callbacks }),
      /'options.validationData' expected a pair \[x, y\] of tensors/,
    );
    await expectRejected(
      () => m.fit(x, y, { callbacks: [...callbacks, { onEpochEnds: () => {} } as never] }),
      /^fit: argument 'options.callbacks\[1\]' expected known hooks: .*\(did you mean 'onEpochEnd'\?\), but got the unknown hook 'onEpochEnds'/,
    );
    await expectRejected(
      () => m.fit(x, y, { callbacks: [{ onEpochEnd: 'log' as never }] }),
      /'options.callbacks\[0\].onEpochEnd' expected a function/,
    );
    await expectRejected(() => m.evaluate(x, y, { batch_size: 2 } as never), /^evaluate: .*did you mean 'batchSize'/);
    await expectRejected(
      () => m.evaluate(x, y, { verbose: 'silent' as never }),
      /^evaluate: argument 'options.verbose'/,
    );
    expectRefused(() => m.predict(x, { batchsize: 2 } as never), /^predict: .*did you mean 'batchSize'/);
    expectRefused(
      () => m.predict(x, { batchSize: 1.5 }),
      /^predict: argument 'options.batchSize' expected a positive integer/,
    );
    expect(began).toBe(0);
    const after = m.getWeights();
    for (let i = 0; i < before.length; i++)
      expect(Array.from(await after[i]!.data())).toEqual(Array.from(await before[i]!.data()));
    tf.dispose([x, y, ...before, ...after]);
    m.dispose();
  });
});

describe('options: losses and metrics', () => {
  it('loss functions refuse unknown keys and wrong-typed values', () => {
    const y = tf.tensor([[1], [0]]);
    const p = tf.tensor([[0.8], [0.3]]);
    const labels = tf.tensor([0, 1], [2], 'int32');
    const logits = tf.tensor([
      [1, 0],
      [0, 1],
    ]);
    expectRefused(
      () => losses.binaryCrossentropy(y, p, { from_logits: true } as never),
      /^binaryCrossentropy: argument 'options' expected known keys \(did you mean 'fromLogits'\?\)/,
    );
    expectRefused(
      () => losses.binaryCrossentropy(y, p, { fromLogits: 'yes' as never }),
      /^binaryCrossentropy: argument 'options.fromLogits' expected a boolean, but got string 'yes'/,
    );
    expectRefused(
      () => losses.binaryCrossentropy(y, p, { labelSmoothing: 7 }),
      /^binaryCrossentropy: argument 'options.labelSmoothing' expected a number in \[0, 1\], but got number 7/,
    );
    expectRefused(
      () => losses.categoricalCrossentropy(logits, logits, { labelSmoothing: NaN }),
      /^categoricalCrossentropy: argument 'options.labelSmoothing' expected a number in \[0, 1\]/,
    );
    expectRefused(
      () => losses.categoricalCrossentropy(logits, logits, { fromLogits: 1 as never }),
      /'options.fromLogits' expected a boolean/,
    );
    expectRefused(
      () => losses.sparseCategoricalCrossentropy(labels, logits, { labelSmoothing: 0.1 } as never),
      /^sparseCategoricalCrossentropy: .*unknown key 'labelSmoothing'/,
    );
    expectRefused(
      () => losses.sparseCategoricalCrossentropy(labels, logits, 'logits' as never),
      /expected an options object, but got string 'logits'/,
    );
    expectRefused(
      () => metrics.binaryAccuracy(y, p, 'half' as never),
      /^binaryAccuracy: argument 'threshold' expected a number/,
    );
    tf.dispose([y, p, labels, logits]);
  });

  it('loss classes refuse the options their loss does not take', () => {
    expectRefused(
      () => new losses.MeanSquaredError({ fromLogits: true } as never),
      /^MeanSquaredError: .*unknown key 'fromLogits'/,
    );
    expectRefused(
      () => new losses.BinaryCrossentropy({ labelSmoothing: -0.1 }),
      /^BinaryCrossentropy: argument 'options.labelSmoothing'/,
    );
    expectRefused(
      () => new losses.SparseCategoricalCrossentropy({ fromlogits: true } as never),
      /^SparseCategoricalCrossentropy: .*did you mean 'fromLogits'/,
    );
    expectRefused(() => losses.get('mae', { fromLogits: true }), /^MeanAbsoluteError: .*unknown key 'fromLogits'/);
    expectRefused(
      () => losses.get('categorical_crossentropy' as never),
      /^losses.get: .*did you mean 'categoricalCrossentropy'/,
    );
    expectRefused(() => metrics.get('maee' as never), /^metrics.get: .*did you mean 'mae'/);
  });
});

describe('options: optimizers', () => {
  it("Keras' positional learning rate: new SGD(0.1), new Adam(0.01), new SGD(0.05, { momentum: 0.9 })", () => {
    expect(new optimizers.SGD(0.1).learningRate).toBe(0.1);
    expect(new optimizers.Adam(0.01).learningRate).toBe(0.01);
    const sgd = new optimizers.SGD(0.05, { momentum: 0.9 });
    expect([sgd.learningRate, sgd.momentum]).toEqual([0.05, 0.9]);
    const adamW = new optimizers.AdamW(0.01);
    expect([adamW.className, adamW.name, adamW.learningRate, adamW.weightDecay]).toEqual([
      'AdamW',
      'adamw',
      0.01,
      0.004,
    ]);
    expect(new optimizers.AdamW(0.01, { weightDecay: 0.1 }).weightDecay).toBe(0.1);
    const rms = new optimizers.RMSprop(0.02, { rho: 0.8 });
    expect([rms.learningRate, rms.rho]).toEqual([0.02, 0.8]);
    expect(new optimizers.Adam({ learningRate: 0.02 }).learningRate).toBe(0.02);
  });

  it('unknown keys, wrong types and a rate given twice are refused', () => {
    expectRefused(
      () => new optimizers.SGD({ learning_rate: 0.1 } as never),
      /^SGD: argument 'options' expected known keys \(did you mean 'learningRate'\?\), but got unknown key 'learning_rate'/,
    );
    expectRefused(() => new optimizers.Adam({ beta_1: 0.8 } as never), /^Adam: .*did you mean 'beta1'/);
    expectRefused(() => new optimizers.AdamW({ weight_decay: 0.1 } as never), /^AdamW: .*did you mean 'weightDecay'/);
    expectRefused(() => new optimizers.RMSprop({ clipnorm: 1 } as never), /^RMSprop: .*unknown key 'clipnorm'/);
    expectRefused(
      () => new optimizers.SGD({ learningRate: -1 }),
      /^SGD: argument 'options.learningRate' expected a finite number > 0, but got number -1/,
    );
    expectRefused(
      () => new optimizers.SGD(-1),
      /^SGD: argument 'options.learningRate' expected a finite number > 0, but got number -1/,
    );
    expectRefused(
      () => new optimizers.Adam({ learningRate: 'x' as never }),
      /^Adam: argument 'options.learningRate' expected a finite number > 0 or a LearningRateSchedule, but got string 'x'/,
    );
    expectRefused(
      () => new optimizers.SGD('0.1' as never),
      /^SGD: argument 'learningRate' expected a learning rate \(a number\) or an options object, but got string '0.1'/,
    );
    expectRefused(
      () => new optimizers.SGD(0.1, { learningRate: 0.2 } as never),
      /^SGD: argument 'options.learningRate' expected the learning rate once/,
    );
    expectRefused(
      () => new optimizers.SGD({} as never, {}),
      /^SGD: argument 'options' expected nothing after an options object/,
    );
    expectRefused(
      () => new optimizers.SGD(0.1, { momentum: 1.5 }),
      /'options.momentum' expected a number in \[0, 1\), but got number 1.5/,
    );
    expectRefused(
      () => new optimizers.SGD({ nesterov: 'yes' as never }),
      /^SGD: argument 'options.nesterov' expected a boolean/,
    );
    expectRefused(
      () => new optimizers.Adam({ amsgrad: 1 as never }),
      /^Adam: argument 'options.amsgrad' expected a boolean/,
    );
    expectRefused(
      () => new optimizers.RMSprop({ centered: 'no' as never }),
      /^RMSprop: argument 'options.centered' expected a boolean/,
    );
    expectRefused(() => optimizers.get('rmsporp'), /^optimizers.get: .*did you mean 'rmsprop'/);
  });
});

describe('options: callbacks and initializers', () => {
  it('EarlyStopping refuses unknown keys and wrong types', () => {
    expectRefused(() => new EarlyStopping({ patiense: 2 } as never), /^EarlyStopping: .*did you mean 'patience'/);
    expectRefused(
      () => earlyStopping({ restore_best_weights: true } as never),
      /^EarlyStopping: .*did you mean 'restoreBestWeights'/,
    );
    expectRefused(
      () => earlyStopping({ mode: 'maximum' as never }),
      /'options.mode' expected one of "auto", "min", "max", but got string 'maximum'/,
    );
    expectRefused(
      () => earlyStopping({ restoreBestWeights: 'yes' as never }),
      /'options.restoreBestWeights' expected a boolean/,
    );
    expectRefused(() => earlyStopping({ patience: -1 }), /'options.patience' expected a non-negative integer/);
    expectRefused(() => earlyStopping({ baseline: 'low' as never }), /'options.baseline' expected a finite number/);
  });

  it('initializers refuse unknown keys and wrong types', () => {
    expectRefused(
      () => initializers.glorotUniform({ sead: 1 } as never),
      /^initializers.glorotUniform: .*did you mean 'seed'/,
    );
    expectRefused(() => initializers.heNormal({ seed: 'one' as never }), /'options.seed' expected an integer/);
    expectRefused(
      () => initializers.randomNormal({ stddev: -1 }),
      /^initializers.randomNormal: argument 'options.stddev' expected a number >= 0/,
    );
    expectRefused(() => initializers.randomNormal({ stdev: 1 } as never), /did you mean 'stddev'/);
    expectRefused(
      () => initializers.randomUniform({ minval: 1, maxval: 0 }),
      /^initializers.randomUniform: argument 'options.maxval' expected a number > minval \(1\)/,
    );
  });
});
