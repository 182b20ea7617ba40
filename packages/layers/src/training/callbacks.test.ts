/**
 * @file EarlyStopping's Keras 3 rules on scripted logs (patience, minDelta, mode, baseline,
 * startFromEpoch, a missing key), and restoreBestWeights in a real `fit`.
 */
import '../test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Dense } from '../dense.js';
import { Sequential } from '../sequential.js';
import { EarlyStopping, earlyStopping } from './callbacks.js';
import type { CallbackModel, EarlyStoppingOptions } from './callbacks.js';

afterEach(() => vi.restoreAllMocks());

/** Feeds `values` of `key` epoch by epoch; returns the epoch at which training was told to stop, or null. */
function stopsAt(options: EarlyStoppingOptions, key: string, values: number[]): number | null {
  const model: CallbackModel = { stopTraining: false, getWeights: () => [], setWeights: () => {} };
  const callback = new EarlyStopping(options);
  callback.setModel(model);
  callback.onTrainBegin();
  for (let epoch = 0; epoch < values.length; epoch++) {
    callback.onEpochEnd(epoch, { [key]: values[epoch]! });
    if (model.stopTraining) return epoch;
  }
  return null;
}

describe('EarlyStopping', () => {
  it("has Keras' defaults: monitor val_loss, patience 0, min mode", () => {
    const callback = earlyStopping();
    expect([callback.monitor, callback.patience, callback.best]).toEqual(['val_loss', 0, Infinity]);
    expect(stopsAt({}, 'val_loss', [1, 0.9, 0.95])).toBe(2);
  });

  it('waits `patience` epochs without improvement', () => {
    expect(stopsAt({ patience: 2 }, 'val_loss', [1, 0.8, 0.85, 0.9, 0.7])).toBe(3);
    expect(stopsAt({ patience: 3 }, 'val_loss', [1, 0.8, 0.85, 0.9, 0.7])).toBeNull();
  });

  it('counts only improvements larger than minDelta', () => {
    expect(stopsAt({ patience: 1, minDelta: 0.15 }, 'val_loss', [1, 0.9, 0.8, 0.7])).toBe(1);
    expect(stopsAt({ patience: 1, minDelta: 0.05 }, 'val_loss', [1, 0.9, 0.8, 0.7])).toBeNull();
  });

  it("mode 'auto' maximises accuracy-like keys; 'max' and 'min' force it", () => {
    expect(stopsAt({ monitor: 'val_accuracy' }, 'val_accuracy', [0.5, 0.6, 0.55])).toBe(2);
    expect(stopsAt({ monitor: 'score', mode: 'max' }, 'score', [1, 2, 3])).toBeNull();
    expect(stopsAt({ monitor: 'score', mode: 'min' }, 'score', [1, 2])).toBe(1);
  });

  it('keeps waiting out patience until the baseline is beaten; startFromEpoch skips warm-up epochs', () => {
    expect(stopsAt({ patience: 2, baseline: 0.5 }, 'val_loss', [1.0, 1.1])).toBe(1);
    expect(stopsAt({ patience: 2 }, 'val_loss', [1.0, 1.1])).toBeNull();
    expect(stopsAt({ startFromEpoch: 2 }, 'val_loss', [1, 2, 3, 4])).toBe(3);
  });

  it('warns once when the monitored key is not in the logs', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(stopsAt({}, 'loss', [1, 2, 3])).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/'val_loss'.*Available: loss/);
  });

  it("stops fit and restores the best epoch's weights (restoreBestWeights), leaking nothing", async () => {
    const start = tf.memory().numTensors;
    const x = tf.tensor([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    const y = tf.tensor([[1], [2], [3], [4]]);
    const model = new Sequential([new Dense(1, { inputShape: [2], seed: 3 })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    let afterFirst: number[][] = [];
    const stop = earlyStopping({ monitor: 'loss', minDelta: 1e9, restoreBestWeights: true });
    const snapshot = async (): Promise<number[][]> =>
      Promise.all(model.variables.map(async (v) => Array.from(await v.data())));
    const { history } = await model.fit(x, y, {
      epochs: 10,
      verbose: 0,
      callbacks: [{ onEpochEnd: async (epoch) => void (epoch === 0 && (afterFirst = await snapshot())) }, stop],
    });
    expect(history.loss).toHaveLength(2);
    expect(stop.stoppedEpoch).toBe(1);
    expect(stop.bestEpoch).toBe(0);
    expect(await snapshot()).toEqual(afterFirst);
    tf.dispose([x, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
