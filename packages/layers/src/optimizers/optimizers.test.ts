/**
 * @file Optimizers against TensorFlow's update rules stepped by hand: each expected value is computed
 * here in float64 from the Keras 3 formula written out beside it, for three steps with changing
 * gradients (bias correction, Nesterov, centered RMSprop and decoupled weight decay included). Also:
 * Keras' defaults, the pair form of applyGradients, nulls and non-trainable variables skipped,
 * all-or-nothing errors, minimize, lazy slots freed by dispose, no leaks, no tape recording.
 */
import '../test-setup.js';
import { GradientTape } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as optimizers from './index.js';
import { GRADIENTS, W0, expectSteps, reference, stepThrough } from './__fixtures__/three-steps.js';

afterEach(() => vi.restoreAllMocks());

describe('optimizers: update rules', () => {
  it('SGD: w -= lr·g', async () => {
    const lr = 0.1;
    expectSteps(
      await stepThrough(new optimizers.SGD({ learningRate: lr })),
      reference((w, g) => w - lr * g),
    );
  });

  it('SGD with momentum: m = μm - lr·g; w += m', async () => {
    const [lr, mu] = [0.1, 0.9];
    expectSteps(
      await stepThrough(new optimizers.SGD({ learningRate: lr, momentum: mu })),
      reference((w, g, s) => {
        s.m = mu * (s.m ?? 0) - lr * g;
        return w + s.m;
      }),
    );
  });

  it("Keras' positional learning rate steps as the option does: SGD(0.1), SGD(0.05, { momentum: 0.9 }), Adam(0.01)", async () => {
    expectSteps(
      await stepThrough(new optimizers.SGD(0.1)),
      reference((w, g) => w - 0.1 * g),
    );
    const [lr, mu] = [0.05, 0.9];
    expectSteps(
      await stepThrough(new optimizers.SGD(lr, { momentum: mu })),
      reference((w, g, s) => {
        s.m = mu * (s.m ?? 0) - lr * g;
        return w + s.m;
      }),
    );
    expectSteps(
      await stepThrough(new optimizers.Adam(0.01)),
      await stepThrough(new optimizers.Adam({ learningRate: 0.01 })),
      6,
    );
    expect(await stepThrough(new optimizers.Adam(0.01))).not.toEqual(await stepThrough(new optimizers.Adam()));
  });

  it('SGD with Nesterov momentum: m = μm - lr·g; w += μm - lr·g', async () => {
    const [lr, mu] = [0.1, 0.9];
    expectSteps(
      await stepThrough(new optimizers.SGD({ learningRate: lr, momentum: mu, nesterov: true })),
      reference((w, g, s) => {
        s.m = mu * (s.m ?? 0) - lr * g;
        return w + mu * s.m - lr * g;
      }),
    );
  });

  const adamRule = (lr: number, b1: number, b2: number, eps: number, decay = 0, amsgrad = false) =>
    reference((w0, g, s, t) => {
      const w = w0 - lr * decay * w0; // decoupled weight decay comes first (Keras 3)
      s.m = (s.m ?? 0) + (g - (s.m ?? 0)) * (1 - b1);
      s.v = (s.v ?? 0) + (g * g - (s.v ?? 0)) * (1 - b2);
      s.vHat = Math.max(s.vHat ?? 0, s.v);
      const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t); // bias correction folded into the step
      return w - (alpha * s.m) / (Math.sqrt(amsgrad ? s.vHat : s.v) + eps);
    });

  it('Adam: bias-corrected α = lr·√(1-β₂ᵗ)/(1-β₁ᵗ); w -= α·m/(√v + ε)', async () => {
    expectSteps(await stepThrough(new optimizers.Adam({ learningRate: 0.01 })), adamRule(0.01, 0.9, 0.999, 1e-7));
  });

  it('Adam: the first step moves each weight by lr against the sign of its gradient (bias correction at t = 1)', async () => {
    const [first] = await stepThrough(new optimizers.Adam({ learningRate: 0.01 }));
    first!.forEach((v, i) => expect(v).toBeCloseTo(W0[i]! - 0.01 * Math.sign(GRADIENTS[0]![i]!), 5));
  });

  it('Adam with AMSGrad and non-default betas', async () => {
    expectSteps(
      await stepThrough(new optimizers.Adam({ learningRate: 0.05, beta1: 0.5, beta2: 0.9, amsgrad: true })),
      adamRule(0.05, 0.5, 0.9, 1e-7, 0, true),
    );
  });

  it('AdamW: w -= lr·λ·w (λ = 0.004 by default), then the Adam step', async () => {
    expectSteps(
      await stepThrough(new optimizers.AdamW({ learningRate: 0.01 })),
      adamRule(0.01, 0.9, 0.999, 1e-7, 0.004),
    );
    expectSteps(
      await stepThrough(new optimizers.AdamW({ learningRate: 0.01, weightDecay: 0.5 })),
      adamRule(0.01, 0.9, 0.999, 1e-7, 0.5),
    );
  });

  it('RMSprop: s = ρs + (1-ρ)g²; w -= lr·g/√(s + ε)', async () => {
    const [lr, rho, eps] = [0.01, 0.9, 1e-7];
    expectSteps(
      await stepThrough(new optimizers.RMSprop({ learningRate: lr })),
      reference((w, g, s) => {
        s.v = rho * (s.v ?? 0) + (1 - rho) * g * g;
        return w - (lr * g) / Math.sqrt(s.v + eps);
      }),
    );
  });

  it('RMSprop centered with momentum: denominator s - ḡ² + ε; m = μm + Δ; w -= m', async () => {
    const [lr, rho, mu, eps] = [0.01, 0.8, 0.5, 1e-7];
    expectSteps(
      await stepThrough(new optimizers.RMSprop({ learningRate: lr, rho, momentum: mu, centered: true })),
      reference((w, g, s) => {
        s.v = rho * (s.v ?? 0) + (1 - rho) * g * g;
        s.a = rho * (s.a ?? 0) + (1 - rho) * g;
        s.m = mu * (s.m ?? 0) + (lr * g) / Math.sqrt(s.v - s.a * s.a + eps);
        return w - s.m;
      }),
      4,
    );
  });

  it('weightDecay works on any optimizer (Keras 3): SGD with decay', async () => {
    const [lr, wd] = [0.1, 0.2];
    expectSteps(
      await stepThrough(new optimizers.SGD({ learningRate: lr, weightDecay: wd })),
      reference((w, g) => w - lr * wd * w - lr * g),
    );
  });
});

describe('optimizers: API', () => {
  it("has Keras' names and defaults, and get() makes one from a Keras string", () => {
    const sgd = new optimizers.SGD();
    expect([sgd.learningRate, sgd.momentum, sgd.nesterov]).toEqual([0.01, 0, false]);
    const adam = new optimizers.Adam();
    expect([adam.learningRate, adam.beta1, adam.beta2, adam.epsilon, adam.amsgrad]).toEqual([
      0.001,
      0.9,
      0.999,
      1e-7,
      false,
    ]);
    const adamw = new optimizers.AdamW();
    expect([adamw.className, adamw.learningRate, adamw.weightDecay]).toEqual(['AdamW', 0.001, 0.004]);
    const rms = new optimizers.RMSprop();
    expect([rms.learningRate, rms.rho, rms.momentum, rms.epsilon, rms.centered]).toEqual([0.001, 0.9, 0, 1e-7, false]);
    expect(optimizers.get('sgd')).toBeInstanceOf(optimizers.SGD);
    expect(optimizers.get('Adam')).toBeInstanceOf(optimizers.Adam);
    expect(optimizers.get('adamw')).toBeInstanceOf(optimizers.AdamW);
    expect(optimizers.get('rmsprop', { learningRate: 0.5 }).learningRate).toBe(0.5);
    expect(optimizers.get(adam)).toBe(adam);
    expect(() => optimizers.get('lion')).toThrow(
      /'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'adadelta', 'adamax', 'nadam'.*lion/,
    );
    expect(() => new optimizers.SGD({ learningRate: -1 })).toThrow(/learningRate.*> 0/);
    expect(() => new optimizers.SGD({ momentum: 1 })).toThrow(/momentum.*\[0, 1\)/);
    expect(adam.getConfig()).toEqual({
      name: 'adam',
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      amsgrad: false,
    });
  });

  it('takes (gradient, variable) pairs as Keras does, and counts iterations', async () => {
    const w = tf.variable([1, 2]);
    const g = tf.tensor([1, 1]);
    const opt = new optimizers.SGD({ learningRate: 0.5 });
    opt.applyGradients([[g, w]]);
    opt.applyGradients([g], [w]);
    expect(Array.from(await w.data())).toEqual([0, 1]);
    expect(opt.iterations).toBe(2);
    tf.dispose([w, g]);
  });

  it('skips null gradients (warning once) and non-trainable variables; all null is an error', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const a = tf.variable([1], { name: 'a' });
    const b = tf.variable([1], { name: 'b' });
    const frozen = tf.variable([1], { name: 'frozen', trainable: false });
    const g = tf.tensor([1]);
    const opt = new optimizers.SGD({ learningRate: 1 });
    opt.applyGradients([g, null, g], [a, b, frozen]);
    opt.applyGradients([g, null, g], [a, b, frozen]);
    expect([...(await a.data()), ...(await b.data()), ...(await frozen.data())]).toEqual([-1, 1, 1]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/gradients do not exist for variable 'b'/);
    expect(() => opt.applyGradients([null, null], [a, b])).toThrow(/no gradients provided for any variable: \[a, b\]/);
    tf.dispose([a, b, frozen, g]);
  });

  it('checks every pair before changing anything', async () => {
    const a = tf.variable([1, 1], { name: 'a' });
    const b = tf.variable([1, 1], { name: 'b' });
    const good = tf.tensor([1, 1]);
    const bad = tf.tensor([1, 1, 1]);
    const opt = new optimizers.SGD({ learningRate: 1 });
    expect(() => opt.applyGradients([good, bad], [a, b])).toThrow(
      /gradients\[1\]' expected shape \[2\] and dtype float32 \(those of Variable 'b'\), but got shape \[3\]/,
    );
    expect(() => opt.applyGradients([good], [a, b])).toThrow(/expected 2 gradient\(s\), one per variable, but got 1/);
    expect(Array.from(await a.data())).toEqual([1, 1]);
    expect(opt.iterations).toBe(0);
    tf.dispose([a, b, good, bad]);
  });

  it('minimize records the loss on a tape and applies its gradients; returns the loss', async () => {
    const w = tf.variable([3, -1]);
    const opt = new optimizers.SGD({ learningRate: 0.25 });
    const loss = opt.minimize(() => tf.reduceSum(tf.square(w)));
    expect(Array.from(await loss.data())).toEqual([10]);
    // w -= 0.25 · 2w = w / 2
    expect(Array.from(await w.data())).toEqual([1.5, -0.5]);
    expect(() => opt.minimize(() => tf.square(w))).toThrow(/lossFn.*scalar Tensor/);
    tf.dispose([w, loss]);
  });

  it('makes slots lazily per variable, names them, frees them on dispose, and leaks nothing', () => {
    const start = tf.memory();
    const w = tf.variable([1, 2], { name: 'w' });
    const v = tf.variable([3], { name: 'v' });
    const opt = new optimizers.Adam();
    expect(opt.variables).toEqual([]);
    const gw = tf.tensor([1, 1]);
    const gv = tf.tensor([1]);
    opt.applyGradients([gw], [w]);
    expect(opt.variables.map((s) => s.name)).toEqual(['adam/w/momentum', 'adam/w/velocity']);
    opt.applyGradients([gw, gv], [w, v]);
    expect(opt.variables).toHaveLength(4);
    expect(opt.variables.every((s) => !s.trainable)).toBe(true);
    const withSlots = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) opt.applyGradients([gw, gv], [w, v]);
    expect(tf.memory().numTensors).toBe(withSlots);
    opt.dispose();
    expect(opt.variables).toEqual([]);
    expect(() => opt.applyGradients([gw], [w])).toThrow(tf.FailedPreconditionError);
    tf.dispose([w, v, gw, gv]);
    expect(tf.memory().numTensors).toBe(start.numTensors);
    expect(tf.memory().numVariables).toBe(start.numVariables);
  });

  it('updates are invisible to a tape recording around them', () => {
    const w = tf.variable([1, 2]);
    const g = tf.tensor([1, 1]);
    const opt = new optimizers.RMSprop({ momentum: 0.5, centered: true });
    const tape = new GradientTape();
    tape.record(() => opt.applyGradients([g], [w]));
    expect(tape.size).toBe(0);
    tape.dispose();
    opt.dispose();
    tf.dispose([w, g]);
  });
});
