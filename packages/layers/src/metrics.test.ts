/**
 * @file Metrics against hand-counted values, and Keras' choice of accuracy for `'accuracy'` by shapes.
 */
import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import * as metrics from './metrics.js';

async function scalar(t: tf.Tensor): Promise<number> {
  const [v] = await t.data();
  t.dispose();
  return v!;
}

describe('metrics', () => {
  it('binaryAccuracy thresholds at 0.5 (or the threshold given)', async () => {
    const y = tf.tensor([[1], [0], [1], [0]]);
    const p = tf.tensor([[0.9], [0.8], [0.4], [0.1]]);
    expect(await scalar(metrics.binaryAccuracy(y, p))).toBeCloseTo(0.5, 6);
    expect(await scalar(metrics.binaryAccuracy(y, p, 0.3))).toBeCloseTo(0.75, 6);
    tf.dispose([y, p]);
  });

  it('categoricalAccuracy and sparseCategoricalAccuracy compare arg-maxes', async () => {
    const oneHot = tf.tensor([
      [0, 1, 0],
      [1, 0, 0],
      [0, 0, 1],
    ]);
    const labels = tf.tensor([1, 0, 2], [3], 'int32');
    const p = tf.tensor([
      [0.1, 0.8, 0.1],
      [0.2, 0.7, 0.1],
      [0.1, 0.2, 0.7],
    ]);
    expect(await scalar(metrics.categoricalAccuracy(oneHot, p))).toBeCloseTo(2 / 3, 6);
    expect(await scalar(metrics.sparseCategoricalAccuracy(labels, p))).toBeCloseTo(2 / 3, 6);
    expect(() => metrics.categoricalAccuracy(labels, p)).toThrow(/shape \[3,3\].*shape \[3\]/);
    tf.dispose([oneHot, labels, p]);
  });

  it("'accuracy' picks as Keras: binary for one output column, sparse for labels of lower rank, else categorical", () => {
    expect(metrics.accuracyFor([8], [8, 10])).toBe(metrics.sparseCategoricalAccuracy);
    expect(metrics.accuracyFor([8, 1], [8, 10])).toBe(metrics.sparseCategoricalAccuracy);
    expect(metrics.accuracyFor([8, 10], [8, 10])).toBe(metrics.categoricalAccuracy);
    expect(metrics.accuracyFor([8, 1], [8, 1])).not.toBe(metrics.categoricalAccuracy);
    expect(metrics.get('mae')).toBe(metrics.meanAbsoluteError);
    expect(() => metrics.get('auc' as 'mae')).toThrow(/'accuracy'.*auc/);
  });

  it("'accuracy' thresholds logits at 0 when the binary loss is on logits", async () => {
    const y = tf.tensor([[1], [0]]);
    const logits = tf.tensor([[0.2], [-0.3]]);
    expect(await scalar(metrics.accuracyFor([2, 1], [2, 1], 0)(y, logits))).toBe(1);
    expect(await scalar(metrics.accuracyFor([2, 1], [2, 1])(y, logits))).toBe(0.5);
    tf.dispose([y, logits]);
  });
});
