/**
 * @file Regularizers: l1, l2, l1l2 values and Keras' defaults, configs, `get` by name; a layer's and a
 * model's `losses` (trainable regularized weights only); `fit` minimising and reporting the loss plus
 * the penalties (one SGD step checked against the closed-form gradient), and `evaluate` reporting it.
 */
import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { Dense } from './dense.js';
import { BatchNormalization } from './normalization.js';
import * as optimizers from './optimizers/index.js';
import * as regularizers from './regularizers.js';
import { Sequential } from './sequential.js';

async function scalar(t: tf.Tensor): Promise<number> {
  const [v] = await t.data();
  t.dispose();
  return v!;
}

describe('regularizers', () => {
  it("l1 = f·Σ|w|, l2 = f·Σw², l1l2 both; Keras' default factor 0.01", async () => {
    const w = tf.tensor([1, -2, 3]);
    expect(await scalar(regularizers.l1(0.5).apply(w))).toBeCloseTo(3, 6);
    expect(await scalar(regularizers.l2(0.5).apply(w))).toBeCloseTo(7, 6);
    expect(await scalar(regularizers.l1l2({ l1: 0.1, l2: 0.2 }).apply(w))).toBeCloseTo(0.6 + 2.8, 6);
    expect(await scalar(regularizers.get('l2')!.apply(w))).toBeCloseTo(0.14, 6);
    expect(await scalar(regularizers.get('l1')!.apply(w))).toBeCloseTo(0.06, 6);
    expect(await scalar(regularizers.get('l1l2')!.apply(w))).toBeCloseTo(0.2, 6);
    expect(regularizers.l1l2().getConfig()).toEqual({ l1: 0.01, l2: 0.01 });
    expect(regularizers.serialize(regularizers.l2(0.3))).toEqual({ className: 'L2', config: { l2: 0.3 } });
    expect(regularizers.deserialize({ className: 'L1', config: { l1: 0.2 } }).getConfig()).toEqual({ l1: 0.2 });
    expect(regularizers.get(undefined)).toBeNull();
    w.dispose();
  });

  it('refuses unknown names, negative factors and unknown option keys', () => {
    expect(() => regularizers.get('l3' as 'l2', 'kernelRegularizer', 'Dense')).toThrow(
      /^Dense: argument 'kernelRegularizer' expected one of 'l1', 'l2', 'l1l2' or a Regularizer.*'l3'/,
    );
    expect(() => regularizers.l2(-1)).toThrow(/regularizers.l2: argument 'l2' expected a finite number >= 0/);
    expect(() => regularizers.l1l2({ l3: 1 } as never)).toThrow(/unknown key 'l3'/);
    expect(() => new Dense(2, { kernelRegularizer: 'l_2' as 'l2' })).toThrow(/kernelRegularizer.*did you mean 'l2'/);
  });
});

describe('layer.losses and model.losses', () => {
  it("one penalty per regularized trainable weight, from the weights' current values", async () => {
    const dense = new Dense(2, { kernelRegularizer: 'l2', biasRegularizer: regularizers.l1(0.5), seed: 1 });
    const x = tf.ones([1, 3]);
    dense.apply(x).dispose();
    dense.setWeights([
      tf.tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      tf.tensor([-1, 2]),
    ]);
    const [kernelPenalty, biasPenalty] = dense.losses;
    expect(await scalar(kernelPenalty!)).toBeCloseTo(0.01 * 91, 5);
    expect(await scalar(biasPenalty!)).toBeCloseTo(1.5, 6);
    const bn = new BatchNormalization({ gammaRegularizer: regularizers.l2(1) });
    const model = new Sequential([dense, new Dense(1), bn]);
    model.apply(x).dispose();
    const all = model.losses;
    expect(all).toHaveLength(3);
    expect(await scalar(all[2]!)).toBeCloseTo(1, 6); // γ starts at ones([1])
    tf.dispose(all.slice(0, 2));
    dense.trainable = false;
    expect(dense.losses).toEqual([]);
    const rest = model.losses;
    expect(rest).toHaveLength(1);
    tf.dispose(rest);
    x.dispose();
    model.dispose();
  });

  it('fit minimises and reports loss + penalty; evaluate reports it too', async () => {
    const xs = [
      [1, 2],
      [0, 1],
      [-1, 3],
      [2, -1],
    ];
    const ys = [1, -1, 2, 0.5];
    const x = tf.tensor(xs);
    const y = tf.tensor(ys, [4, 1]);
    const factor = 0.25;
    const dense = new Dense(1, {
      useBias: false,
      inputShape: [2],
      kernelRegularizer: regularizers.l2(factor),
      seed: 3,
    });
    const model = new Sequential([dense]);
    const lr = 0.1;
    model.compile({ optimizer: new optimizers.SGD(lr), loss: 'mse' });
    const k = Array.from(await dense.kernel.data());
    const residuals = xs.map(([a, b], i) => a! * k[0]! + b! * k[1]! - ys[i]!);
    const mse = residuals.reduce((s, r) => s + r * r, 0) / 4;
    const penalty = factor * (k[0]! ** 2 + k[1]! ** 2);
    const evaluated = await model.evaluate(x, y, { verbose: 0 });
    expect(evaluated.loss).toBeCloseTo(mse + penalty, 5);
    const { history } = await model.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
    expect(history.loss[0]).toBeCloseTo(mse + penalty, 5);
    // One SGD step on d/dk [mean(r²) + f·Σk²] = (2/n)·xᵀr + 2f·k.
    const expected = k.map(
      (kj, j) => kj - lr * ((2 / 4) * xs.reduce((s, row, i) => s + row[j]! * residuals[i]!, 0) + 2 * factor * kj),
    );
    const after = Array.from(await dense.kernel.data());
    after.forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 5));
    tf.dispose([x, y]);
    model.optimizer!.dispose();
    model.dispose();
  });
});
