/**
 * @file Adagrad, Adadelta, Adamax and Nadam against Keras 3's update rules stepped by hand in float64
 * (three steps, changing gradients), their defaults, positional learning rates, names for `get`; and
 * the learning-rate schedules: values at chosen steps computed by hand, an optimizer stepping with a
 * schedule, a schedule's config through `get` and through `model.save` / `loadModel`, bad arguments.
 */
import '../test-setup.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dense } from '../dense.js';
import { loadModel } from '../saving/load.js';
import { Sequential } from '../sequential.js';
import * as optimizers from './index.js';
import { expectSteps, reference, stepThrough } from './__fixtures__/three-steps.js';

const { schedules } = optimizers;

describe('optimizers: Adagrad, Adadelta, Adamax, Nadam (Keras 3 rules)', () => {
  it('Adagrad: a = 0.1 + Σg²; w -= lr·g/√(a + ε)', async () => {
    const [lr, eps] = [0.1, 1e-7];
    expectSteps(
      await stepThrough(new optimizers.Adagrad(lr)),
      reference((w, g, s) => {
        s.a = (s.a ?? 0.1) + g * g;
        return w - (lr * g) / Math.sqrt(s.a + eps);
      }),
    );
    // The first step by hand for w = 1, g = 0.5: 1 - 0.1·0.5/√(0.35)
    const [first] = await stepThrough(new optimizers.Adagrad({ learningRate: 0.1 }));
    expect(first![0]).toBeCloseTo(1 - 0.05 / Math.sqrt(0.35), 6);
  });

  it('Adagrad with initialAccumulatorValue and epsilon', async () => {
    const [lr, a0, eps] = [0.5, 1, 0.01];
    expectSteps(
      await stepThrough(new optimizers.Adagrad({ learningRate: lr, initialAccumulatorValue: a0, epsilon: eps })),
      reference((w, g, s) => {
        s.a = (s.a ?? a0) + g * g;
        return w - (lr * g) / Math.sqrt(s.a + eps);
      }),
    );
  });

  it('Adadelta: E[g²], Δ = -√(E[Δ²]+ε)·g/√(E[g²]+ε), E[Δ²]; w += lr·Δ', async () => {
    const [lr, rho, eps] = [1, 0.9, 1e-6];
    expectSteps(
      await stepThrough(new optimizers.Adadelta(lr, { rho, epsilon: eps })),
      reference((w, g, s) => {
        s.eg = rho * (s.eg ?? 0) + (1 - rho) * g * g;
        const delta = (-Math.sqrt((s.ed ?? 0) + eps) * g) / Math.sqrt(s.eg + eps);
        s.ed = rho * (s.ed ?? 0) + (1 - rho) * delta * delta;
        return w + lr * delta;
      }),
    );
  });

  it('Adamax: m += (g-m)(1-β₁); u = max(β₂u, |g|); w -= lr·m/((1-β₁ᵗ)(u+ε))', async () => {
    const [lr, b1, b2, eps] = [0.02, 0.8, 0.95, 1e-7];
    expectSteps(
      await stepThrough(new optimizers.Adamax({ learningRate: lr, beta1: b1, beta2: b2 })),
      reference((w, g, s, t) => {
        s.m = (s.m ?? 0) + (g - (s.m ?? 0)) * (1 - b1);
        s.u = Math.max(b2 * (s.u ?? 0), Math.abs(g));
        return w - (lr * s.m) / ((1 - b1 ** t) * (s.u + eps));
      }),
    );
  });

  it('Nadam: μₜ = β₁(1 - ½·0.96ᵗ), Πμ per step, m̂ = μₜ₊₁m/(1-Πμ·μₜ₊₁) + (1-μₜ)g/(1-Πμ), v̂ = v/(1-β₂ᵗ)', async () => {
    const [lr, b1, b2, eps] = [0.01, 0.9, 0.999, 1e-7];
    const mu = (t: number): number => b1 * (1 - 0.5 * 0.96 ** t);
    let product = 1;
    let lastStep = 0;
    expectSteps(
      await stepThrough(new optimizers.Nadam(lr)),
      reference((w, g, s, t) => {
        if (t !== lastStep) {
          product *= mu(t); // once per step, shared by every element
          lastStep = t;
        }
        s.m = (s.m ?? 0) + (g - (s.m ?? 0)) * (1 - b1);
        s.v = (s.v ?? 0) + (g * g - (s.v ?? 0)) * (1 - b2);
        const mHat = (mu(t + 1) * s.m) / (1 - product * mu(t + 1)) + ((1 - mu(t)) * g) / (1 - product);
        const vHat = s.v / (1 - b2 ** t);
        return w - (lr * mHat) / (Math.sqrt(vHat) + eps);
      }),
    );
  });

  it("has Keras' defaults and names; get() makes each from its Keras string", () => {
    const adagrad = new optimizers.Adagrad();
    expect([adagrad.learningRate, adagrad.initialAccumulatorValue, adagrad.epsilon]).toEqual([0.001, 0.1, 1e-7]);
    const adadelta = new optimizers.Adadelta();
    expect([adadelta.learningRate, adadelta.rho, adadelta.epsilon]).toEqual([0.001, 0.95, 1e-7]);
    for (const opt of [new optimizers.Adamax(), new optimizers.Nadam()])
      expect([opt.learningRate, opt.beta1, opt.beta2, opt.epsilon]).toEqual([0.001, 0.9, 0.999, 1e-7]);
    expect(optimizers.get('adagrad')).toBeInstanceOf(optimizers.Adagrad);
    expect(optimizers.get('Adadelta')).toBeInstanceOf(optimizers.Adadelta);
    expect(optimizers.get('adamax', { beta1: 0.5 })).toMatchObject({ className: 'Adamax', beta1: 0.5 });
    expect(optimizers.get('nadam').getConfig()).toEqual({
      name: 'nadam',
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    });
    expect(new optimizers.Adadelta(0.5, { rho: 0.5 }).getConfig()).toEqual({
      name: 'adadelta',
      learningRate: 0.5,
      rho: 0.5,
      epsilon: 1e-7,
    });
  });

  it('checks options by the schema: unknown keys, ranges, the rate given twice', () => {
    expect(() => new optimizers.Adagrad({ initialAccumulatorValue: -1 })).toThrow(/initialAccumulatorValue.*>= 0/);
    expect(() => new optimizers.Adadelta({ rho: 1 })).toThrow(/rho.*\[0, 1\)/);
    expect(() => new optimizers.Nadam({ beta_1: 0.9 } as never)).toThrow(/did you mean 'beta1'/);
    expect(() => new optimizers.Adamax(0.1, { learningRate: 0.2 } as never)).toThrow(/learning rate once/);
    expect(() => new optimizers.Adamax(-1)).toThrow(
      /Adamax: argument 'options.learningRate' expected a finite number > 0, but got number -1/,
    );
    expect(() => new optimizers.Nadam({ learningRate: 'fast' as never })).toThrow(
      /> 0 or a LearningRateSchedule, but got string 'fast'/,
    );
  });
});

describe('learning-rate schedules', () => {
  it('ExponentialDecay: lr·rate^(step/decaySteps), floored with staircase', () => {
    const smooth = new schedules.ExponentialDecay(0.1, 4, 0.5);
    const stairs = new schedules.ExponentialDecay(0.1, 4, 0.5, { staircase: true });
    expect(smooth.call(0)).toBe(0.1);
    expect(smooth.call(6)).toBeCloseTo(0.1 * 0.5 ** 1.5, 12);
    expect(stairs.call(3)).toBe(0.1);
    expect(stairs.call(6)).toBeCloseTo(0.05, 12);
    expect(stairs.call(8)).toBeCloseTo(0.025, 12);
  });

  it('CosineDecay: half a cosine from lr to alpha·lr over decaySteps, then flat; linear warm-up', () => {
    const cosine = new schedules.CosineDecay(0.2, 10, { alpha: 0.1 });
    expect(cosine.call(0)).toBeCloseTo(0.2, 12);
    // step 5: cos(π/2) = 0 → 0.2·(0.9·0.5 + 0.1)
    expect(cosine.call(5)).toBeCloseTo(0.2 * 0.55, 12);
    expect(cosine.call(10)).toBeCloseTo(0.02, 12);
    expect(cosine.call(25)).toBeCloseTo(0.02, 12);
    const warm = new schedules.CosineDecay(0, 10, { warmupTarget: 0.4, warmupSteps: 4 });
    expect(warm.call(1)).toBeCloseTo(0.1, 12);
    expect(warm.call(4)).toBeCloseTo(0.4, 12);
    expect(warm.call(9)).toBeCloseTo(0.2, 12);
  });

  it('PiecewiseConstantDecay: values[i] up to and including boundaries[i]', () => {
    const piecewise = new schedules.PiecewiseConstantDecay([2, 5], [1, 0.5, 0.1]);
    expect([0, 1, 2, 3, 5, 6, 100].map((s) => piecewise.call(s))).toEqual([1, 1, 1, 0.5, 0.5, 0.1, 0.1]);
  });

  it("every optimizer takes a schedule (object or Keras' positional form), read at `iterations`", async () => {
    const piecewise = new schedules.PiecewiseConstantDecay([1], [0.1, 0.01]);
    // Steps 0 and 1 use 0.1, step 2 uses 0.01.
    const expected = reference((w, g, _s, t) => w - (t <= 2 ? 0.1 : 0.01) * g);
    expectSteps(await stepThrough(new optimizers.SGD(piecewise)), expected);
    expectSteps(await stepThrough(new optimizers.SGD({ learningRate: piecewise })), expected);
    const adagrad = new optimizers.Adagrad(new schedules.ExponentialDecay(0.1, 1, 0.5));
    expectSteps(
      await stepThrough(adagrad),
      reference((w, g, s, t) => {
        s.a = (s.a ?? 0.1) + g * g;
        return w - (0.1 * 0.5 ** (t - 1) * g) / Math.sqrt(s.a + 1e-7);
      }),
    );
    const opt = new optimizers.Adam(piecewise);
    expect(opt.learningRate).toBe(0.1);
    expect(opt.learningRateSchedule).toBe(piecewise);
    expect(() => (opt.learningRate = 0.5)).toThrow(
      /learning rate is a schedule \(PiecewiseConstantDecay\), so it cannot be set/,
    );
    const fixed = new optimizers.Adam(0.1);
    fixed.learningRate = 0.05;
    expect(fixed.learningRate).toBe(0.05);
    expect(() => (fixed.learningRate = -1)).toThrow(/learningRate.*> 0/);
  });

  it('a schedule goes through getConfig and get(), and through model.save / loadModel', async () => {
    const schedule = new schedules.CosineDecay(0.05, 100, { alpha: 0.2 });
    const opt = new optimizers.Nadam(schedule);
    const config = opt.getConfig();
    expect(config.learningRate).toEqual({
      className: 'CosineDecay',
      config: { initialLearningRate: 0.05, decaySteps: 100, alpha: 0.2, warmupSteps: 0 },
    });
    const copy = optimizers.get('nadam', config);
    expect(copy.learningRateSchedule).toBeInstanceOf(schedules.CosineDecay);
    expect(copy.getConfig()).toEqual(config);
    expect(() => optimizers.get('sgd', { learningRate: { className: 'Linear', config: {} } })).toThrow(
      /optimizer.learningRate.className.*'ExponentialDecay'/,
    );
    const dir = await mkdtemp(join(tmpdir(), 'tapeflow-schedules-'));
    try {
      const model = new Sequential([new Dense(1, { inputShape: [2], seed: 1 })]);
      model.compile({
        optimizer: new optimizers.Adamax(new schedules.PiecewiseConstantDecay([10, 20], [0.3, 0.2, 0.1])),
        loss: 'mse',
      });
      await model.save(dir);
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      expect(json.trainingConfig.optimizer.config.learningRate).toEqual({
        className: 'PiecewiseConstantDecay',
        config: { boundaries: [10, 20], values: [0.3, 0.2, 0.1] },
      });
      const loaded = await loadModel(dir);
      expect(loaded.optimizer!.className).toBe('Adamax');
      expect(loaded.optimizer!.getConfig()).toEqual(model.optimizer!.getConfig());
      model.optimizer!.dispose();
      model.dispose();
      loaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    opt.dispose();
    copy.dispose();
  });

  it('refuses bad schedule arguments, naming them', () => {
    expect(() => new schedules.ExponentialDecay(0.1, 0, 0.5)).toThrow(/ExponentialDecay: argument 'decaySteps'.*> 0/);
    expect(() => new schedules.ExponentialDecay(0.1, 10, 0.5, { stair: true } as never)).toThrow(/staircase/);
    expect(() => new schedules.CosineDecay(0.1, 10, { alpha: -1 })).toThrow(/alpha.*>= 0/);
    expect(() => new schedules.PiecewiseConstantDecay([1, 2], [1, 2])).toThrow(/3 values.*got 2/);
    expect(() => new schedules.PiecewiseConstantDecay([2, 1], [1, 2, 3])).toThrow(/increasing/);
  });
});
