import '../test-setup.js';
import { describe, expect, it } from 'vitest';
import { memory } from '../api.js';
import { InvalidArgumentError } from '../errors.js';
import * as main from '../index.js';
import { setSeed, uniform } from '../random.js';
import type { Tensor } from '../tensor.js';
import * as tf from './index.js';
import * as nn from './nn.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());

function expectClose(actual: Tensor, expected: readonly number[], digits = 5): void {
  const got = values(actual);
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, digits));
}

function expectCleanError(fn: () => unknown, message: string | RegExp): void {
  const before = memory().numTensors;
  expect(fn).toThrow(InvalidArgumentError);
  expect(fn).toThrow(message);
  expect(memory().numTensors).toBe(before);
}

describe('the tf.nn namespace', () => {
  it("is the main entry's `nn`, sharing the top-level functions where TensorFlow does", () => {
    expect(main.nn).toBe(nn);
    for (const name of [
      'relu',
      'sigmoid',
      'tanh',
      'softplus',
      'softmax',
      'logSoftmax',
      'maxPool2d',
      'avgPool2d',
    ] as const)
      expect(nn[name], name).toBe(main[name]);
  });
});

describe('batchNormalization', () => {
  it('normalizes with the given statistics, scale and offset (by hand)', () => {
    const x = tf.tensor([1, 3]);
    expectClose(nn.batchNormalization(x, 2, 1, null, null, 0), [-1, 1]);
    // (x - 2) / sqrt(1 + 3) * 2 + 0.5
    expectClose(nn.batchNormalization(x, 2, 1, 0.5, 2, 3), [-0.5, 1.5]);
  });

  it('broadcasts per-channel statistics against the last axis', () => {
    const x = tf.tensor([1, 10, 3, 30], [2, 2]);
    const mean = tf.tensor([2, 20]);
    const variance = tf.tensor([1, 100]);
    const out = nn.batchNormalization(x, mean, variance, tf.tensor([0, 1]), tf.tensor([1, 2]), 0);
    // channel 0: (1-2)/1, (3-2)/1; channel 1: (10-20)/10*2+1, (30-20)/10*2+1
    expectClose(out, [-1, -1, 1, 3]);
  });

  it('refuses a negative epsilon and int32 operands', () => {
    const x = tf.tensor([1, 3]);
    expectCleanError(
      () => nn.batchNormalization(x, 0, 1, null, null, -1),
      "batchNormalization: argument 'varianceEpsilon' expected a non-negative number, but got number -1.",
    );
    const ints = tf.tensor([1, 2], [2], 'int32');
    expectCleanError(
      () => nn.batchNormalization(x, ints, 1, null, null, 0),
      "batchNormalization: argument 'mean' expected a float32 tensor, but got a int32 tensor.",
    );
  });
});

describe('moments', () => {
  it('gives the mean and the population variance over the axes', () => {
    const { mean, variance } = nn.moments(tf.tensor([1, 2, 3, 4]), [0]);
    expect(mean.shape).toEqual([]);
    expectClose(mean, [2.5]);
    expectClose(variance, [1.25]);
    const m = nn.moments(tf.tensor([1, 2, 3, 6], [2, 2]), 0, { keepDims: true });
    expect(m.mean.shape).toEqual([1, 2]);
    expectClose(m.mean, [2, 4]);
    expectClose(m.variance, [1, 4]);
  });

  it('refuses an unknown option and an axis out of range', () => {
    const x = tf.tensor([1, 2]);
    expectCleanError(() => nn.moments(x, [0], { keepdims: true } as never), /moments: .*keepdims/);
    expectCleanError(() => nn.moments(x, [1]), /moments: /);
  });
});

describe('l2Normalize', () => {
  it('divides by the L2 norm over the axis', () => {
    expectClose(nn.l2Normalize(tf.tensor([3, 4])), [0.6, 0.8]);
    expectClose(nn.l2Normalize(tf.tensor([3, 4, 0, 5], [2, 2]), 1), [0.6, 0.8, 0, 1]);
    expectClose(nn.l2Normalize(tf.tensor([3, 0, 4, 5], [2, 2]), 0), [0.6, 0, 0.8, 1]);
  });

  it("puts TensorFlow's epsilon (1e-12) on the squared sum: zeros stay zeros, tiny vectors are not blown up", () => {
    expect(values(nn.l2Normalize(tf.tensor([0, 0])))).toEqual([0, 0]);
    // sum of squares 1e-14 < 1e-12: divided by sqrt(1e-12) = 1e-6, not by the norm 1e-7.
    expectClose(nn.l2Normalize(tf.tensor([1e-7, 0])), [0.1, 0]);
  });
});

describe('dropout', () => {
  it('keeps each element with probability 1 - rate, scaled by 1 / (1 - rate)', () => {
    const x = tf.ones([2000]);
    const out = values(nn.dropout(x, 0.25, { seed: 3 }));
    const kept = out.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(kept.length / out.length).toBeGreaterThan(0.7);
    expect(kept.length / out.length).toBeLessThan(0.8);
  });

  it("draws its mask from tensor-core's seeded uniform: the same seed gives the same mask", () => {
    const x = tf.range(1, 51);
    setSeed(11);
    const first = values(nn.dropout(x, 0.5, { seed: 5 }));
    setSeed(11);
    const second = values(nn.dropout(x, 0.5, { seed: 5 }));
    setSeed(11);
    const draw = values(uniform([50], { seed: 5 }));
    expect(second).toEqual(first);
    expect(first.map((v) => v !== 0)).toEqual(draw.map((u) => u >= 0.5));
    expect(first.filter((v) => v !== 0).every((v, i, kept) => v === 2 * (first.indexOf(kept[i]!) + 1))).toBe(true);
  });

  it('is the identity at rate 0, and refuses a rate outside [0, 1) or a bad seed', () => {
    const x = tf.tensor([1, 2, 3]);
    expect(values(nn.dropout(x, 0))).toEqual([1, 2, 3]);
    expectCleanError(() => nn.dropout(x, 1), "dropout: argument 'rate' expected a number in [0, 1), but got number 1.");
    expectCleanError(() => nn.dropout(x, -0.1), /argument 'rate' expected a number in \[0, 1\)/);
    expectCleanError(() => nn.dropout(x, 0.5, { seed: 1.5 }), /dropout: .*seed/);
  });
});

describe('embeddingLookup', () => {
  it('gathers rows of params at ids (nested arrays or an int32 tensor)', () => {
    const params = tf.tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    const rows = nn.embeddingLookup(params, [2, 0, 2]);
    expect(rows.shape).toEqual([3, 2]);
    expect(values(rows)).toEqual([5, 6, 1, 2, 5, 6]);
    const ids = tf.tensor([1, 1, 0, 2], [2, 2], 'int32');
    expect(nn.embeddingLookup(params, ids).shape).toEqual([2, 2, 2]);
  });

  it('refuses an id out of range', () => {
    const params = tf.tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    expectCleanError(() => nn.embeddingLookup(params, [3]), /gather: argument 'indices' expected values in \[0, 3\)/);
  });
});

describe('the cross-entropies with logits (per-example losses)', () => {
  it('softmaxCrossEntropyWithLogits: -sum(labels * logSoftmax(logits)) along the axis, stable for large logits', () => {
    expectClose(nn.softmaxCrossEntropyWithLogits(tf.tensor([[0, 1]]), tf.tensor([[0, 0]])), [Math.LN2]);
    // log(1 + e^-1000) underflows to 0, so the loss of picking the smaller logit is 1000.
    expectClose(nn.softmaxCrossEntropyWithLogits(tf.tensor([[0, 1]]), tf.tensor([[1000, 0]])), [1000], 3);
    // Soft labels, axis 0: column 0 has logits [0, ln 3] (softmax [1/4, 3/4]).
    const loss = nn.softmaxCrossEntropyWithLogits(
      tf.tensor([
        [0.5, 1],
        [0.5, 0],
      ]),
      tf.tensor([
        [0, 0],
        [Math.log(3), 0],
      ]),
      0,
    );
    expectClose(loss, [-(0.5 * Math.log(0.25) + 0.5 * Math.log(0.75)), Math.LN2]);
  });

  it('sparseSoftmaxCrossEntropyWithLogits: -logSoftmax(logits)[label]', () => {
    const logits = tf.tensor([
      [0, 0],
      [0, Math.log(3)],
    ]);
    expectClose(nn.sparseSoftmaxCrossEntropyWithLogits([1, 1], logits), [Math.LN2, -Math.log(0.75)]);
    const labels = tf.tensor([0, 0], [2], 'int32');
    expectClose(nn.sparseSoftmaxCrossEntropyWithLogits(labels, logits), [Math.LN2, -Math.log(0.25)]);
  });

  it('sigmoidCrossEntropyWithLogits: the logistic loss without overflow', () => {
    expectClose(nn.sigmoidCrossEntropyWithLogits(tf.tensor([1, 0, 0.5]), tf.tensor([0, 0, 0])), [
      Math.LN2,
      Math.LN2,
      Math.LN2,
    ]);
    // label 0, logit 100: loss 100 (a naive log(1 - sigmoid) gives Infinity); label 0, logit -100: e^-100.
    const extreme = values(nn.sigmoidCrossEntropyWithLogits(tf.tensor([0, 0, 1]), tf.tensor([100, -100, 2])));
    expect(extreme[0]).toBeCloseTo(100, 4);
    // e^-100 is a float32 subnormal (few significant bits): within 5%.
    expect(extreme[1]! / Math.exp(-100)).toBeCloseTo(1, 1);
    expect(extreme[2]).toBeCloseTo(Math.log1p(Math.exp(-2)), 6);
  });

  it('refuses mismatched shapes, naming both', () => {
    const labels = tf.tensor([0, 1, 0]);
    const logits = tf.tensor([[0, 0]]);
    expectCleanError(
      () => nn.softmaxCrossEntropyWithLogits(labels, logits),
      "softmaxCrossEntropyWithLogits: argument 'labels' expected the shape of logits [1,2], but got shape [3].",
    );
    expectCleanError(
      () => nn.sigmoidCrossEntropyWithLogits(labels, logits),
      "sigmoidCrossEntropyWithLogits: argument 'labels' expected the shape of logits [1,2], but got shape [3].",
    );
    expectCleanError(
      () => nn.sparseSoftmaxCrossEntropyWithLogits([0, 1], logits),
      "sparseSoftmaxCrossEntropyWithLogits: argument 'labels' expected shape [1] (logits' shape [1,2] without its last dim), but got shape [2].",
    );
  });

  it('sparseSoftmaxCrossEntropyWithLogits refuses class ids out of range and non-integer labels', () => {
    const logits = tf.tensor([[0, 0]]);
    expectCleanError(
      () => nn.sparseSoftmaxCrossEntropyWithLogits([2], logits),
      "sparseSoftmaxCrossEntropyWithLogits: argument 'labels' expected class ids in [0, 2) (the last dim of logits), but got labels[0] = 2.",
    );
    const floats = tf.tensor([1]);
    expectCleanError(
      () => nn.sparseSoftmaxCrossEntropyWithLogits(floats, logits),
      "sparseSoftmaxCrossEntropyWithLogits: argument 'labels' expected an int32 tensor, but got a float32 tensor.",
    );
    expectCleanError(
      () => nn.sparseSoftmaxCrossEntropyWithLogits([0.5], logits),
      /sparseSoftmaxCrossEntropyWithLogits: /,
    );
  });
});

describe('the composites keep no intermediate tensor', () => {
  it('each leaves exactly its outputs behind, numbers converted and freed', () => {
    const x = tf.tensor([0.5, -1, 2, 3], [2, 2]);
    const labels = tf.tensor([0, 1, 1, 0], [2, 2]);
    const calls: [string, () => Tensor[]][] = [
      ['batchNormalization', () => [nn.batchNormalization(x, 1, 2, 0.5, null, 1e-3)]],
      ['moments', () => Object.values(nn.moments(x, [0, 1]))],
      ['moments keepDims', () => Object.values(nn.moments(x, 1, { keepDims: true }))],
      ['l2Normalize', () => [nn.l2Normalize(x, 1)]],
      ['dropout', () => [nn.dropout(x, 0.5, { seed: 1 })]],
      ['embeddingLookup', () => [nn.embeddingLookup(x, [1, 0])]],
      ['softmaxCrossEntropyWithLogits', () => [nn.softmaxCrossEntropyWithLogits(labels, x)]],
      ['sparseSoftmaxCrossEntropyWithLogits', () => [nn.sparseSoftmaxCrossEntropyWithLogits([1, 0], x)]],
      ['sigmoidCrossEntropyWithLogits', () => [nn.sigmoidCrossEntropyWithLogits(labels, x)]],
    ];
    for (const [name, call] of calls) {
      const before = memory().numTensors;
      const outputs = call();
      expect(memory().numTensors - before, name).toBe(outputs.length);
      outputs.forEach((t) => t.dispose());
    }
  });
});
