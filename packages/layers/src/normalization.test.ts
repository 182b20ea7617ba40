/**
 * @file BatchNormalization and LayerNormalization: forward values and gradients (x, γ, β) against
 * PyTorch float64 (`__fixtures__/normalization-oracle.json`, made by generate_normalization.py beside
 * it), the moving statistics (updated only in a training call of a trainable layer, by Keras' rule,
 * hidden from tapes), training vs inference through fit / predict / evaluate, parameter counts in
 * summary(), configs, and bad arguments.
 */
import './test-setup.js';
import { readFileSync } from 'node:fs';
import { GradientTape } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { Dense } from './dense.js';
import { BatchNormalization, LayerNormalization } from './normalization.js';
import { Sequential } from './sequential.js';

interface Flat {
  readonly shape: number[];
  readonly values: number[];
}
interface Case {
  readonly name: string;
  readonly layer: 'BatchNormalization' | 'LayerNormalization';
  readonly options: { readonly axis: number | number[]; readonly epsilon: number; readonly momentum?: number };
  readonly training: boolean;
  readonly inputs: Record<'x' | 'gamma' | 'beta', Flat> & Partial<Record<'movingMean' | 'movingVariance', Flat>>;
  readonly upstream: Flat;
  readonly value: Flat;
  readonly gradients: Record<'x' | 'gamma' | 'beta', Flat>;
  readonly mean?: Flat;
  readonly variance?: Flat;
}

// tsconfig.base.json has no `resolveJsonModule`, so the fixture is read rather than imported.
const oracle = JSON.parse(
  readFileSync(new URL('./__fixtures__/normalization-oracle.json', import.meta.url), 'utf8'),
) as { cases: Case[] };

const toTensor = (f: Flat): tf.Tensor => tf.tensor(f.values, f.shape);

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function expectClose(actual: readonly number[], expected: Flat, what: string, tolerance = 2e-5): void {
  expect(actual.length, what).toBe(expected.values.length);
  actual.forEach((v, i) => {
    const e = expected.values[i]!;
    expect(Math.abs(v - e), `${what}[${i}]: ${v} vs ${e}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(e)));
  });
}

describe('normalization against PyTorch float64', () => {
  for (const c of oracle.cases) {
    it(c.name, async () => {
      const start = tf.memory().numTensors;
      const layer =
        c.layer === 'BatchNormalization'
          ? new BatchNormalization({
              axis: c.options.axis as number,
              epsilon: c.options.epsilon,
              momentum: c.options.momentum!,
            })
          : new LayerNormalization({ axis: c.options.axis, epsilon: c.options.epsilon });
      const x = toTensor(c.inputs.x);
      layer.apply(x).dispose(); // build
      const weights = [c.inputs.gamma, c.inputs.beta, c.inputs.movingMean, c.inputs.movingVariance]
        .filter((f): f is Flat => f !== undefined)
        .map(toTensor);
      layer.setWeights(weights);
      const u = toTensor(c.upstream);
      const tape = new GradientTape();
      tape.watch(x);
      const [y, target] = tape.record(() =>
        tf.tidy(() => {
          const out = layer.apply(x, { training: c.training });
          return [out, tf.reduceSum(tf.mul(out, u))] as const;
        }),
      );
      const [dx, dGamma, dBeta] = tape.gradient(target, [x, ...layer.trainableVariables]);
      expectClose(await values(y), c.value, 'y');
      expectClose(await values(dx!), c.gradients.x, 'dx', 1e-4);
      expectClose(await values(dGamma!), c.gradients.gamma, 'dgamma', 1e-4);
      expectClose(await values(dBeta!), c.gradients.beta, 'dbeta', 1e-4);
      if (layer instanceof BatchNormalization) {
        const m = c.options.momentum!;
        const [mean0, variance0] = [c.inputs.movingMean!, c.inputs.movingVariance!];
        // Keras: moving = moving · momentum + batch · (1 - momentum), with the biased batch variance.
        const expectMean = c.mean ? c.mean.values.map((b, i) => mean0.values[i]! * m + b * (1 - m)) : mean0.values;
        const expectVariance = c.variance
          ? c.variance.values.map((b, i) => variance0.values[i]! * m + b * (1 - m))
          : variance0.values;
        expectClose(await values(layer.movingMean!), { shape: mean0.shape, values: expectMean }, 'moving mean');
        expectClose(
          await values(layer.movingVariance!),
          { shape: mean0.shape, values: expectVariance },
          'moving variance',
        );
      }
      tf.dispose([x, u, y, target, dx, dGamma, dBeta, ...weights]);
      tape.dispose();
      layer.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });
  }
});

describe('BatchNormalization', () => {
  it("has Keras' defaults and weights: γ, β trainable; moving mean and variance non-trainable (4·C params)", async () => {
    const bn = new BatchNormalization();
    expect([bn.axis, bn.momentum, bn.epsilon, bn.center, bn.scale]).toEqual([-1, 0.99, 1e-3, true, true]);
    const x = tf.ones([2, 5]);
    bn.apply(x).dispose();
    expect(bn.trainableVariables.map((v) => v.name)).toEqual([`${bn.name}/gamma`, `${bn.name}/beta`]);
    expect(bn.nonTrainableVariables.map((v) => v.name)).toEqual([
      `${bn.name}/moving_mean`,
      `${bn.name}/moving_variance`,
    ]);
    expect(bn.countParams()).toBe(20);
    expect(await values(bn.movingMean!)).toEqual([0, 0, 0, 0, 0]);
    expect(await values(bn.movingVariance!)).toEqual([1, 1, 1, 1, 1]);
    const bare = new BatchNormalization({ center: false, scale: false });
    bare.apply(x).dispose();
    expect(bare.variables.map((v) => v.name.split('/')[1])).toEqual(['moving_mean', 'moving_variance']);
    tf.dispose(x);
    bn.dispose();
    bare.dispose();
  });

  it('inference uses the moving statistics and changes nothing; a frozen layer stays in inference in training calls', async () => {
    const bn = new BatchNormalization({ epsilon: 0.25 });
    const x = tf.tensor([
      [1, 10],
      [3, 30],
    ]);
    const inference = bn.apply(x);
    // mean 0, variance 1: y = x / √(1 + 0.25)
    expect(await values(inference)).toEqual(
      [1, 10, 3, 30].map((v) => Math.fround(v / Math.sqrt(1.25))).map((v) => expect.closeTo(v, 5)),
    );
    expect(await values(bn.movingMean!)).toEqual([0, 0]);
    bn.trainable = false;
    const frozen = bn.apply(x, { training: true });
    expect(await values(frozen)).toEqual(await values(inference));
    expect(await values(bn.movingMean!)).toEqual([0, 0]);
    bn.trainable = true;
    const training = bn.apply(x, { training: true });
    // batch mean [2, 20], biased variance [1, 100]
    expect(await values(training)).toEqual(
      [-1 / Math.sqrt(1.25), -10 / Math.sqrt(100.25), 1 / Math.sqrt(1.25), 10 / Math.sqrt(100.25)].map((v) =>
        expect.closeTo(v, 5),
      ),
    );
    expect(await values(bn.movingMean!)).toEqual([expect.closeTo(0.02, 6), expect.closeTo(0.2, 6)]);
    expect(await values(bn.movingVariance!)).toEqual([expect.closeTo(0.99 + 0.01, 6), expect.closeTo(0.99 + 1, 5)]);
    tf.dispose([x, inference, frozen, training]);
    bn.dispose();
  });

  it('the moving-statistics update is hidden from tapes: only γ and β get gradients', () => {
    const bn = new BatchNormalization();
    const x = tf.tensor([
      [1, 2],
      [3, 5],
    ]);
    bn.apply(x).dispose();
    const tape = new GradientTape();
    const loss = tape.record(() => tf.reduceSum(tf.square(bn.apply(x, { training: true }))));
    expect(tape.watchedVariables().map((v) => v.name)).toEqual([`${bn.name}/gamma`, `${bn.name}/beta`]);
    const gradients = tape.gradient(loss, bn.variables);
    expect(gradients.map((g) => g === null)).toEqual([false, false, true, true]);
    tf.dispose([x, loss, ...gradients.filter((g): g is tf.Tensor => g !== null)]);
    bn.dispose();
  });

  it('fit uses batch statistics and updates the moving ones; predict and evaluate use the moving ones', async () => {
    const x = tf.tidy(() => tf.add(tf.mul(tf.random.normal([64, 3], { seed: 5 }), 3), 7));
    const y = tf.tidy(() => tf.reduceSum(x, 1, true));
    const bn = new BatchNormalization({ inputShape: [3], momentum: 0.5 });
    const model = new Sequential([bn, new Dense(1, { seed: 1 })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const beforePredict = await values(bn.movingMean!);
    const p = model.predict(x);
    await model.evaluate(x, y, { verbose: 0 });
    expect(await values(bn.movingMean!)).toEqual(beforePredict);
    await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, seed: 1 });
    const mean = await values(bn.movingMean!);
    // 12 updates with momentum 0.5 bring the moving mean close to the data's mean (≈ 7).
    mean.forEach((m) => expect(m).toBeGreaterThan(5));
    const afterFit = await values(bn.movingVariance!);
    const predictions = model.predict(x);
    await model.evaluate(x, y, { verbose: 0 });
    expect(await values(bn.movingVariance!)).toEqual(afterFit);
    // predict normalises with the moving statistics: the same as applying at inference by hand.
    const byHand = model.apply(x, { training: false });
    expect(await values(predictions)).toEqual(await values(byHand));
    tf.dispose([x, y, p, predictions, byHand]);
    model.dispose();
  });

  it('summary() shows the output shape and 4·C parameters, 2·C of them non-trainable', () => {
    const model = new Sequential([
      new Dense(8, { inputShape: [4], name: 'hidden' }),
      new BatchNormalization({ name: 'bn' }),
    ]);
    const text = model.summary(() => {});
    expect(text).toMatch(/│ bn \(BatchNormalization\) +│ \(None, 8\) +│ +32 │/);
    expect(text).toContain(' Total params: 72 (288.00 B)');
    expect(text).toContain(' Trainable params: 56 (224.00 B)');
    expect(text).toContain(' Non-trainable params: 16 (64.00 B)');
    model.dispose();
  });

  it('refuses bad options and inputs that do not fit, naming what was expected', () => {
    expect(() => new BatchNormalization({ momentum: 1 })).toThrow(/momentum.*\[0, 1\)/);
    expect(() => new BatchNormalization({ epsilon: 0 })).toThrow(/epsilon.*> 0/);
    expect(() => new BatchNormalization({ axis: 1.5 })).toThrow(/axis.*integer/);
    expect(() => new BatchNormalization({ moment: 0.9 } as never)).toThrow(
      /did you mean 'momentum'.*unknown key 'moment'/,
    );
    const bn = new BatchNormalization({ axis: 3 });
    const x = tf.ones([2, 3]);
    expect(() => bn.apply(x)).toThrow(tf.InvalidArgumentError);
    expect(() => bn.apply(x)).toThrow(/axis.*\[-2, 2\).*got 3/);
    const ok = new BatchNormalization();
    ok.apply(x).dispose();
    const other = tf.ones([2, 4]);
    expect(() => ok.apply(other)).toThrow(/axis 1 of size 3.*shape \[2,4\]/);
    tf.dispose([x, other]);
    bn.dispose();
    ok.dispose();
  });
});

describe('LayerNormalization', () => {
  it("normalises each sample on its own, the same in training and inference; Keras' defaults", async () => {
    const ln = new LayerNormalization();
    expect([ln.axis, ln.epsilon, ln.center, ln.scale]).toEqual([-1, 1e-3, true, true]);
    const x = tf.tensor([
      [1, 2, 3],
      [10, 10, 10],
    ]);
    const a = ln.apply(x);
    const b = ln.apply(x, { training: true });
    const s = Math.sqrt(2 / 3 + 1e-3);
    expect(await values(a)).toEqual([-1 / s, 0, 1 / s, 0, 0, 0].map((v) => expect.closeTo(v, 5)));
    expect(await values(b)).toEqual(await values(a));
    expect(ln.countParams()).toBe(6);
    expect(ln.nonTrainableVariables).toEqual([]);
    tf.dispose([x, a, b]);
    ln.dispose();
  });

  it('refuses an axis out of range or repeated', () => {
    const x = tf.ones([2, 3]);
    const far = new LayerNormalization({ axis: 2 });
    expect(() => far.apply(x)).toThrow(/axis.*\[-2, 2\)/);
    const twice = new LayerNormalization({ axis: [1, -1] });
    expect(() => twice.apply(x)).toThrow(/distinct axes/);
    expect(() => new LayerNormalization({ axis: [] })).toThrow(/non-empty array/);
    tf.dispose(x);
    far.dispose();
    twice.dispose();
  });
});
