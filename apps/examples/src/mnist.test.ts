/**
 * @file The MNIST examples, shortened for CI (2,000 training / 500 held-out digits, 3 epochs, a few
 * seconds each on the CPU backend): held-out accuracy must reach 85% (chance is 10%, and an untrained
 * or wrongly-updated model stays far below; these runs reach 89-90%), the training loss must fall
 * every epoch, the chart must be an
 * SVG with both panels, and nothing may leak. The full runs are `pnpm examples mnist-fit` and
 * `pnpm examples mnist-custom-loop` (figures in apps/examples/README.md).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { ALL_EXAMPLES, EXAMPLES, FORWARD_EXAMPLES, TRAINING_EXAMPLES } from './examples/index.js';
import { loadMnist } from './examples/mnist-data.js';
import { FULL_RUN, trainMnistFit } from './examples/mnist-fit.js';
import type { MnistConfig } from './examples/mnist-fit.js';
import { trainMnistCustomLoop } from './examples/mnist-custom-loop.js';
import { chartSpec } from './examples/training-chart.js';

const SHORT: MnistConfig = { ...FULL_RUN, train: 2000, test: 500, epochs: 3, verbose: 0, chartFile: null };

function falling(values: readonly number[] | undefined): void {
  expect(values).toBeDefined();
  values!.slice(1).forEach((v, i) => expect(v, `epoch ${i + 2} vs ${i + 1}`).toBeLessThan(values![i]!));
}

describe('MNIST examples (short runs)', () => {
  it('loads disjoint, seeded splits of the mnist package: [n, 784] in [0, 1] and int32 labels 0-9', async () => {
    const a = loadMnist({ train: 50, test: 20, seed: 7 });
    const b = loadMnist({ train: 50, test: 20, seed: 7 });
    expect(a.xTrain.shape).toEqual([50, 784]);
    expect(a.yTest.shape).toEqual([20]);
    expect(a.yTrain.dtype).toBe('int32');
    const pixels = await a.xTrain.data();
    expect(Math.min(...pixels)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...pixels)).toBeLessThanOrEqual(1);
    const labels = Array.from(await a.yTrain.data());
    expect(labels.every((l) => Number.isInteger(l) && l >= 0 && l <= 9)).toBe(true);
    expect(new Set(labels).size).toBeGreaterThan(5);
    expect(Array.from(await b.yTrain.data())).toEqual(labels);
    expect(() => loadMnist({ train: 9000, test: 2000 })).toThrow(/10000/);
    tf.dispose([a, b] as unknown as tf.TensorContainer);
  });

  it('mnist-fit: >= 85% held-out after 3 short epochs, the loss falling, an SVG chart, no leak', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapeflow-mnist-'));
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    try {
      const result = await trainMnistFit((line) => lines.push(line), { ...SHORT, chartFile: join(dir, 'curves.svg') });
      expect(result.testAccuracy).toBeGreaterThanOrEqual(0.85);
      expect(Object.keys(result.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
      expect(result.history.loss).toHaveLength(3);
      falling(result.history.loss);
      expect(result.history.val_loss![2]!).toBeLessThan(result.history.val_loss![0]!);
      expect(result.history.val_accuracy![2]).toBeCloseTo(result.testAccuracy, 6);
      const svg = await readFile(join(dir, 'curves.svg'), 'utf8');
      expect(svg).toBe(result.chart);
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('accuracy');
      expect(svg).toContain('held-out');
      expect(lines.some((l) => l.includes('Total params: 101,770'))).toBe(true);
      expect(lines.some((l) => /held-out loss .* accuracy .*% on 500 digits/.test(l))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('mnist-custom-loop: GradientTape + applyGradients reaches >= 85% held-out, loss falling, no leak', async () => {
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    const result = await trainMnistCustomLoop((line) => lines.push(line), SHORT);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.85);
    falling(result.losses);
    expect(lines.filter((l) => /^epoch \d\/3: loss/.test(l))).toHaveLength(3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the chart spec has a loss and an accuracy panel with training and held-out curves', () => {
    const spec = chartSpec(
      { loss: [1, 0.5], val_loss: [1.1, 0.6], accuracy: [0.7, 0.9], val_accuracy: [0.6, 0.8] },
      'title',
    ) as {
      data: { values: { metric: string; curve: string }[] };
      hconcat: unknown[];
    };
    expect(spec.hconcat).toHaveLength(2);
    expect(spec.data.values).toHaveLength(8);
    expect(new Set(spec.data.values.map((v) => `${v.metric}/${v.curve}`))).toEqual(
      new Set(['loss/training', 'loss/held-out', 'accuracy/training', 'accuracy/held-out']),
    );
  });

  it('registers both training examples beside the notebook ones, and the umbrella exports the training API', () => {
    // Later issues' training examples (the transformer, ...) follow the MNIST ones.
    expect(TRAINING_EXAMPLES.map((e) => e.name).slice(0, 3)).toEqual(['mnist-fit', 'mnist-custom-loop', 'mnist-cnn']);
    expect(ALL_EXAMPLES.map((e) => e.name)).toEqual([
      ...EXAMPLES.map((e) => e.name),
      ...FORWARD_EXAMPLES.map((e) => e.name),
      ...TRAINING_EXAMPLES.map((e) => e.name),
    ]);
    expect(typeof tf.Sequential).toBe('function');
    expect(typeof tf.Model).toBe('function');
    expect(typeof tf.loadModel).toBe('function');
    expect(typeof tf.optimizers.Adam).toBe('function');
    expect(typeof tf.losses.sparseCategoricalCrossentropy).toBe('function');
    expect(typeof tf.metrics.sparseCategoricalAccuracy).toBe('function');
    expect(typeof tf.callbacks.earlyStopping).toBe('function');
  });
});
