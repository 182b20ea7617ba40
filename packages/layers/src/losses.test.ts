/**
 * @file Losses against hand-computed values (each formula written out here), the stable `fromLogits`
 * forms on huge logits, Keras' epsilon clipping, label smoothing, the shape and dtype errors, loss
 * objects and `get`, and gradients against numeric ones (`checkGradients`). At the edges: a logit of
 * -Infinity (a masked class) gives the finite loss and finite gradients, and an integer label out of
 * range is an InvalidArgumentError wherever the loss runs (directly, in `minimize`, in `fit` under a
 * loss function), or a NaN row on a backend that cannot read labels synchronously, never a loss of 0.
 */
import './test-setup.js';
import { GradientTape, checkGradients } from '@tapeflow/autodiff-tape';
import { cpuBackend } from '@tapeflow/backend-cpu';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import * as losses from './losses.js';
import * as optimizers from './optimizers/index.js';

async function scalar(t: tf.Tensor): Promise<number> {
  expect(t.shape).toEqual([]);
  const [v] = await t.data();
  t.dispose();
  return v!;
}

const ln = Math.log;
const lse = (xs: number[]): number => ln(xs.reduce((s, x) => s + Math.exp(x), 0));

describe('losses: values', () => {
  it('meanSquaredError and meanAbsoluteError average over every element', async () => {
    const yTrue = tf.tensor([
      [0, 1],
      [2, 3],
    ]);
    const yPred = tf.tensor([
      [1, 1],
      [1, 5],
    ]);
    expect(await scalar(losses.meanSquaredError(yTrue, yPred))).toBeCloseTo((1 + 0 + 1 + 4) / 4, 6);
    expect(await scalar(losses.meanAbsoluteError(yTrue, yPred))).toBeCloseTo((1 + 0 + 1 + 2) / 4, 6);
    // Keras squeezes a trailing 1: [2] against [2, 1], and int32 targets are cast.
    const flat = tf.tensor([1, 2], [2], 'int32');
    const column = tf.tensor([[0], [4]]);
    expect(await scalar(losses.meanSquaredError(flat, column))).toBeCloseTo((1 + 4) / 2, 6);
    tf.dispose([yTrue, yPred, flat, column]);
  });

  it('binaryCrossentropy on probabilities: -(y ln p + (1-y) ln(1-p)), mean', async () => {
    const y = tf.tensor([[1], [0], [1]]);
    const p = tf.tensor([[0.8], [0.3], [0.6]]);
    expect(await scalar(losses.binaryCrossentropy(y, p))).toBeCloseTo(-(ln(0.8) + ln(0.7) + ln(0.6)) / 3, 5);
    tf.dispose([y, p]);
  });

  it('binaryCrossentropy clips p to [1e-7, 1 - 1e-7] (Keras epsilon): p = 0 with y = 1 is -ln(1e-7)', async () => {
    const y = tf.tensor([[1]]);
    const p = tf.tensor([[0]]);
    expect(await scalar(losses.binaryCrossentropy(y, p))).toBeCloseTo(-ln(Math.fround(1e-7)), 4);
    tf.dispose([y, p]);
  });

  it('binaryCrossentropy fromLogits: max(x,0) - x y + ln(1 + e^-|x|), finite for x = ±1000', async () => {
    const x = [2, -1, 0, 1000, -1000];
    const yv = [1, 0, 1, 0, 0];
    const expected =
      x.reduce((s, xi, i) => s + Math.max(xi, 0) - xi * yv[i]! + ln(1 + Math.exp(-Math.abs(xi))), 0) / x.length;
    const logits = tf.tensor(x, [5, 1]);
    const y = tf.tensor(yv, [5, 1]);
    const value = await scalar(losses.binaryCrossentropy(y, logits, { fromLogits: true }));
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeCloseTo(expected, 3);
    tf.dispose([logits, y]);
  });

  it('binaryCrossentropy label smoothing moves targets to y(1-s) + s/2', async () => {
    const y = tf.tensor([[1]]);
    const p = tf.tensor([[0.8]]);
    const t = 1 * 0.8 + 0.1;
    expect(await scalar(losses.binaryCrossentropy(y, p, { labelSmoothing: 0.2 }))).toBeCloseTo(
      -(t * ln(0.8) + (1 - t) * ln(0.2)),
      5,
    );
    tf.dispose([y, p]);
  });

  it('categoricalCrossentropy: -Σ y ln p per row, mean over rows; rows are renormalised first (Keras 3)', async () => {
    const y = tf.tensor([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const p = tf.tensor([
      [0.2, 0.7, 0.1],
      [0.5, 0.25, 0.25],
    ]);
    expect(await scalar(losses.categoricalCrossentropy(y, p))).toBeCloseTo((-ln(0.7) - ln(0.5)) / 2, 5);
    const unnormalised = tf.tensor([[1, 3]]);
    const second = tf.tensor([[0, 1]]);
    expect(await scalar(losses.categoricalCrossentropy(second, unnormalised))).toBeCloseTo(-ln(0.75), 5);
    tf.dispose([y, p, unnormalised, second]);
  });

  it('categoricalCrossentropy fromLogits is -Σ y log-softmax(x): exact for logits of 1000', async () => {
    const y = tf.tensor([
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const logits = tf.tensor([
      [1, 2, 3],
      [0, 0, 0],
      [0, 1000, 0],
    ]);
    const expected = (lse([1, 2, 3]) - 3 + ln(3) + 1000) / 3;
    expect(await scalar(losses.categoricalCrossentropy(y, logits, { fromLogits: true }))).toBeCloseTo(expected, 3);
    tf.dispose([y, logits]);
  });

  it('categoricalCrossentropy label smoothing: y(1-s) + s/classes', async () => {
    const y = tf.tensor([[0, 1, 0]]);
    const p = tf.tensor([[0.2, 0.7, 0.1]]);
    const s = 0.3;
    const t = [s / 3, 1 - s + s / 3, s / 3];
    const expected = -(t[0]! * ln(0.2) + t[1]! * ln(0.7) + t[2]! * ln(0.1));
    expect(await scalar(losses.categoricalCrossentropy(y, p, { labelSmoothing: s }))).toBeCloseTo(expected, 5);
    tf.dispose([y, p]);
  });

  it('sparseCategoricalCrossentropy equals the one-hot form, from labels of shape [N] or [N, 1], int32 or float32', async () => {
    const p = tf.tensor([
      [0.2, 0.7, 0.1],
      [0.5, 0.25, 0.25],
    ]);
    const expected = (-ln(0.7) - ln(0.5)) / 2;
    const labels = tf.tensor([1, 0], [2], 'int32');
    const column = tf.tensor([[1], [0]]);
    expect(await scalar(losses.sparseCategoricalCrossentropy(labels, p))).toBeCloseTo(expected, 5);
    expect(await scalar(losses.sparseCategoricalCrossentropy(column, p))).toBeCloseTo(expected, 5);
    const logits = tf.tensor([
      [0, 1000, 0],
      [3, 1, 2],
    ]);
    const fromLogits = await scalar(losses.sparseCategoricalCrossentropy(labels, logits, { fromLogits: true }));
    expect(fromLogits).toBeCloseTo((0 + lse([3, 1, 2]) - 3) / 2, 4);
    tf.dispose([p, labels, column, logits]);
  });

  it('loss objects bind options; get resolves Keras names and aliases', async () => {
    const y = tf.tensor([1], [1], 'int32');
    const logits = tf.tensor([[0, Math.log(3)]]);
    const loss = new losses.SparseCategoricalCrossentropy({ fromLogits: true });
    expect(loss.name).toBe('sparseCategoricalCrossentropy');
    expect(loss.fromLogits).toBe(true);
    expect(await scalar(loss.call(y, logits))).toBeCloseTo(-ln(0.75), 5);
    expect(losses.get('mse')).toBeInstanceOf(losses.MeanSquaredError);
    expect(losses.get('mae').name).toBe('meanAbsoluteError');
    expect(losses.get('binaryCrossentropy', { fromLogits: true }).fromLogits).toBe(true);
    expect(losses.get(loss)).toBe(loss);
    expect(() => losses.get('hinge' as 'mse')).toThrow(/'meanSquaredError'.*'mse'.*string 'hinge'/);
    tf.dispose([y, logits]);
  });
});

describe('losses: bad input', () => {
  it('targets of the wrong shape name the loss and both shapes, with a hint for labels in the wrong form', () => {
    const p = tf.zeros([4, 3]);
    const oneHot = tf.zeros([4, 3]);
    const labels = tf.zeros([4], 'int32');
    const wrong = tf.zeros([4, 2]);
    expect(() => losses.meanSquaredError(wrong, p)).toThrow(tf.InvalidArgumentError);
    expect(() => losses.meanSquaredError(wrong, p)).toThrow(
      /meanSquaredError: argument 'yTrue' expected shape \[4,3\] \(the shape of yPred\), but got shape \[4,2\]/,
    );
    expect(() => losses.categoricalCrossentropy(labels, p)).toThrow(
      /integer class labels need sparseCategoricalCrossentropy.*shape \[4\]/,
    );
    expect(() => losses.sparseCategoricalCrossentropy(oneHot, p)).toThrow(
      /class indices of shape \[4\] for yPred of shape \[4,3\]; these look like one-hot targets.*shape \[4,3\]/,
    );
    tf.dispose([p, oneHot, labels, wrong]);
  });

  it('wrong dtypes are refused: int32 predictions, bool sparse labels', () => {
    const intPred = tf.zeros([2, 3], 'int32');
    const p = tf.zeros([2, 3]);
    const boolLabels = tf.zeros([2], 'bool');
    const labels = tf.zeros([2], 'int32');
    expect(() => losses.sparseCategoricalCrossentropy(labels, intPred)).toThrow(
      /argument 'yPred' expected a float32 tensor, but got a int32 tensor/,
    );
    expect(() => losses.sparseCategoricalCrossentropy(boolLabels, p)).toThrow(/yTrue.*class indices.*bool tensor/);
    expect(() => losses.binaryCrossentropy(p, p, { labelSmoothing: 2 })).toThrow(/labelSmoothing.*\[0, 1\]/);
    tf.dispose([intPred, p, boolLabels, labels]);
  });

  it('leaves no tensors behind, on success and on error', () => {
    const start = tf.memory().numTensors;
    const p = tf.tensor([[0.2, 0.8]]);
    const y = tf.tensor([[0, 1]]);
    tf.dispose([
      losses.categoricalCrossentropy(y, p),
      losses.binaryCrossentropy(y, p, { labelSmoothing: 0.1 }),
      losses.meanSquaredError(y, p),
    ]);
    const bad = tf.zeros([3]);
    expect(() => losses.meanSquaredError(bad, p)).toThrow();
    tf.dispose([p, y, bad]);
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('losses: gradients match numeric ones', () => {
  const cases: [string, (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor, number[][], number[][]][] = [
    [
      'meanSquaredError',
      losses.meanSquaredError,
      [
        [0.1, 0.9],
        [0.4, 0.3],
      ],
      [
        [0.5, -0.2],
        [1.1, 0.8],
      ],
    ],
    [
      'meanAbsoluteError',
      losses.meanAbsoluteError,
      [
        [0.1, 0.9],
        [0.4, 0.3],
      ],
      [
        [0.5, -0.2],
        [1.1, 0.8],
      ],
    ],
    [
      'binaryCrossentropy',
      (y, p) => losses.binaryCrossentropy(y, p),
      [
        [1, 0],
        [0, 1],
      ],
      [
        [0.7, 0.2],
        [0.4, 0.6],
      ],
    ],
    [
      'binaryCrossentropy fromLogits',
      (y, p) => losses.binaryCrossentropy(y, p, { fromLogits: true }),
      [
        [1, 0],
        [0.3, 1],
      ],
      [
        [1.5, -0.7],
        [0.4, -2],
      ],
    ],
    // At a logit of exactly 0 the derivative is σ(0) - y = 0.5 - y (the kink of max(x, 0) must not show).
    [
      'binaryCrossentropy fromLogits at a logit of 0',
      (y, p) => losses.binaryCrossentropy(y, p, { fromLogits: true }),
      [[1, 0.25]],
      [[0, 0]],
    ],
    [
      'categoricalCrossentropy',
      (y, p) => losses.categoricalCrossentropy(y, p),
      [
        [0, 1],
        [1, 0],
      ],
      [
        [0.3, 0.7],
        [0.6, 0.4],
      ],
    ],
    [
      'categoricalCrossentropy fromLogits',
      (y, p) => losses.categoricalCrossentropy(y, p, { fromLogits: true, labelSmoothing: 0.1 }),
      [
        [0, 1],
        [1, 0],
      ],
      [
        [0.3, -1.2],
        [2, 0.5],
      ],
    ],
  ];
  it.each(cases)('%s, with respect to targets and predictions', async (_, loss, yTrueValues, yPredValues) => {
    const yTrue = tf.tensor(yTrueValues);
    const yPred = tf.tensor(yPredValues);
    const report = await checkGradients((t, p) => loss(t, p), [yTrue, yPred], { delta: 1e-3 });
    expect(report.ok, report.summary).toBe(true);
    tf.dispose([yTrue, yPred]);
  });

  it.each([false, true])(
    'sparseCategoricalCrossentropy (fromLogits %s), with respect to predictions',
    async (fromLogits) => {
      const labels = tf.tensor([2, 0], [2], 'int32');
      const yPred = tf.tensor(
        fromLogits
          ? [
              [0.3, -1.2, 2],
              [1, 0.5, -0.5],
            ]
          : [
              [0.2, 0.3, 0.5],
              [0.6, 0.3, 0.1],
            ],
      );
      const report = await checkGradients(
        (p) => losses.sparseCategoricalCrossentropy(labels, p, { fromLogits }),
        [yPred],
        { delta: 1e-3 },
      );
      expect(report.ok, report.summary).toBe(true);
      tf.dispose([labels, yPred]);
    },
  );
});

/** The CPU kernels behind reads that are only asynchronous (no `readSync`), as on WebGPU. */
function asynchronousCpu(): tf.Backend {
  const cpu = cpuBackend();
  return {
    specVersion: cpu.specVersion,
    name: 'async-cpu',
    kernels: cpu.kernels,
    write: (values, shape, dtype) => cpu.write(values, shape, dtype),
    read: (dataId) => cpu.read(dataId),
    disposeData: (dataId) => cpu.disposeData(dataId),
    memory: () => cpu.memory(),
  };
}

describe('losses: at the edges', () => {
  const masked = (): tf.Tensor => tf.tensor([[2, 1, -Infinity]]);

  it('sparseCategoricalCrossentropy fromLogits with a -Infinity logit: log(e² + e) - 2 ≈ 0.3133, finite gradient', async () => {
    const logits = tf.variable(masked());
    const label = tf.tensor([0], [1], 'int32');
    const tape = new GradientTape();
    const loss = tape.record(() => losses.sparseCategoricalCrossentropy(label, logits, { fromLogits: true }));
    const [gradient] = tape.gradient(loss, [logits]);
    const expected = ln(Math.exp(2) + Math.exp(1)) - 2;
    expect(expected).toBeCloseTo(0.3133, 4);
    expect(await scalar(loss)).toBeCloseTo(expected, 5);
    // softmax - onehot: [e²/(e²+e) - 1, e/(e²+e), 0]
    const softmax0 = Math.exp(2) / (Math.exp(2) + Math.exp(1));
    const g = Array.from(await gradient!.data());
    expect(g.every(Number.isFinite)).toBe(true);
    [softmax0 - 1, 1 - softmax0, 0].forEach((v, i) => expect(g[i]).toBeCloseTo(v, 5));
    tape.dispose();
    tf.dispose([logits, label, gradient!]);
  });

  it('categoricalCrossentropy fromLogits, and the probability forms, are finite at a masked class too', async () => {
    const logits = tf.variable(masked());
    const oneHot = tf.tensor([[1, 0, 0]]);
    const expected = ln(Math.exp(2) + Math.exp(1)) - 2;
    const tape = new GradientTape();
    const loss = tape.record(() => losses.categoricalCrossentropy(oneHot, logits, { fromLogits: true }));
    const [gradient] = tape.gradient(loss, [logits]);
    expect(await scalar(loss)).toBeCloseTo(expected, 5);
    expect(Array.from(await gradient!.data()).every(Number.isFinite)).toBe(true);
    // Probabilities from a softmax of the masked logits: the 0 is clipped to ε, as Keras does.
    const probabilities = tf.softmax(masked(), -1);
    expect(await scalar(losses.categoricalCrossentropy(oneHot, probabilities))).toBeCloseTo(expected, 5);
    const label = tf.tensor([0], [1], 'int32');
    expect(await scalar(losses.sparseCategoricalCrossentropy(label, probabilities))).toBeCloseTo(expected, 5);
    tape.dispose();
    tf.dispose([logits, oneHot, gradient!, probabilities, label]);
  });

  it('binaryCrossentropy fromLogits: a logit of ∓Infinity with the target 0 / 1 is a loss of 0, with finite gradients', async () => {
    const logits = tf.variable(tf.tensor([[-Infinity, Infinity]]));
    const targets = tf.tensor([[0, 1]]);
    const tape = new GradientTape();
    const loss = tape.record(() => losses.binaryCrossentropy(targets, logits, { fromLogits: true }));
    const [gradient] = tape.gradient(loss, [logits]);
    expect(await scalar(loss)).toBe(0);
    expect(Array.from(await gradient!.data())).toEqual([0, 0]);
    tape.dispose();
    tf.dispose([logits, targets, gradient!]);
  });

  it('a label out of range or fractional is an InvalidArgumentError from the loss itself, not a loss of 0', () => {
    const logits = tf.tensor([
      [2, 1, 0],
      [0, 1, 2],
    ]);
    const start = tf.memory().numTensors;
    for (const [values, dtype, given] of [
      [[0, 3], 'int32', 'the label 3 at index 1'],
      [[-1, 0], 'int32', 'the label -1 at index 0'],
      [[0, 1.5], 'float32', 'the label 1.5 at index 1'],
    ] as const) {
      const labels = tf.tensor([...values], [2], dtype);
      const before = tf.memory().numTensors;
      expect(() => losses.sparseCategoricalCrossentropy(labels, logits, { fromLogits: true })).toThrow(
        tf.InvalidArgumentError,
      );
      expect(() => losses.sparseCategoricalCrossentropy(labels, logits)).toThrow(
        new RegExp(
          `^sparseCategoricalCrossentropy: argument 'yTrue' expected class indices: whole numbers in \\[0, 3\\) \\(yPred has 3 classes\\), but got ${given.replace('.', '\\.')}\\.$`,
        ),
      );
      expect(() => new losses.SparseCategoricalCrossentropy({ fromLogits: true }).call(labels, logits)).toThrow(
        /the label/,
      );
      expect(tf.memory().numTensors).toBe(before);
      labels.dispose();
    }
    logits.dispose();
    expect(tf.memory().numTensors).toBe(start - 1);
  });

  it('minimize with a label out of range throws and leaves the variables as they were', async () => {
    const w = tf.variable(
      tf.tensor([
        [1, 0, 0],
        [0, 1, 0],
      ]),
    );
    const x = tf.tensor([[1, 2]]);
    const labels = tf.tensor([3], [1], 'int32');
    const optimizer = new optimizers.SGD(0.1);
    const before = Array.from(await w.data());
    const start = tf.memory().numTensors;
    expect(() =>
      optimizer.minimize(
        () => losses.sparseCategoricalCrossentropy(labels, tf.matmul(x, w), { fromLogits: true }),
        [w],
      ),
    ).toThrow(
      /sparseCategoricalCrossentropy: argument 'yTrue' expected class indices: whole numbers in \[0, 3\).*the label 3 at index 0/,
    );
    expect(Array.from(await w.data())).toEqual(before);
    expect(tf.memory().numTensors).toBe(start);
    optimizer.dispose();
    tf.dispose([w, x, labels]);
  });

  it('on a backend that reads only asynchronously, an out-of-range row is NaN (as TensorFlow on GPU), never 0', async () => {
    tf.registerBackend('async-cpu', asynchronousCpu);
    await tf.setBackend('async-cpu');
    try {
      const logits = tf.tensor([
        [2, 1, 0],
        [0, 1, 2],
      ]);
      const bad = tf.tensor([0, 3], [2], 'int32');
      const fractional = tf.tensor([0, 1.5], [2]);
      const good = tf.tensor([0, 2], [2], 'int32');
      const results = [bad, fractional, good].map((labels) =>
        losses.sparseCategoricalCrossentropy(labels, logits, { fromLogits: true }),
      );
      const [badLoss, fractionalLoss, goodLoss] = await Promise.all(results.map(async (t) => (await t.data())[0]));
      tf.dispose([logits, bad, fractional, good, ...results]);
      expect(badLoss).toBeNaN();
      expect(fractionalLoss).toBeNaN();
      expect(goodLoss).toBeCloseTo(lse([2, 1, 0]) - 2, 5);
    } finally {
      await tf.setBackend('cpu');
      tf.removeBackend('async-cpu');
    }
  });
});
