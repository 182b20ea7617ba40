/**
 * @file ModelCheckpoint (Keras' path placeholders, every epoch or every `saveFreq` batches, saveBestOnly
 * by mode, weights only, written through the atomic save and loadable), ReduceLROnPlateau (Keras 3's
 * patience / cooldown / minDelta / minLr rules on scripted logs, and on a real optimizer in fit), and
 * CSVLogger (Keras' rows and header, append, separator; killed with SIGKILL at random instants, the
 * file never holds a half-written row).
 */
import '../test-setup.js';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tapeflow/tensor-core';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Dense } from '../dense.js';
import * as optimizers from '../optimizers/index.js';
import { loadModel } from '../saving/load.js';
import { Sequential } from '../sequential.js';
import type { CallbackModel } from './callbacks.js';
import { CSVLogger } from './csv-logger.js';
import { ModelCheckpoint, formatPath } from './model-checkpoint.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tapeflow-callbacks-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function problem(): { x: tf.Tensor; y: tf.Tensor; model: Sequential } {
  const x = tf.random.normal([12, 3], { seed: 1 });
  const y = tf.tidy(() => tf.reduceSum(x, 1, true));
  const model = new Sequential([new Dense(1, { inputShape: [3], seed: 2 })]);
  return { x, y, model };
}

/** A callback model that records saves and holds an optimizer. */
function fakeModel(learningRate = 0.1): CallbackModel & { saves: string[]; optimizer: { learningRate: number } } {
  const saves: string[] = [];
  return {
    stopTraining: false,
    getWeights: () => [],
    setWeights: () => {},
    optimizer: { learningRate },
    saves,
    save: async (path: string) => void saves.push(path),
    saveWeights: async (path: string) => void saves.push(`weights:${path}`),
  };
}

describe('ModelCheckpoint', () => {
  it("fills Keras' placeholders: {epoch:02d} (1-based), {key:.Nf}, {key:.Ne}, a missing key is an error", () => {
    expect(formatPath('m-{epoch:02d}-{val_loss:.2f}', { epoch: 3, val_loss: 0.4567 })).toBe('m-03-0.46');
    expect(formatPath('{epoch}/{loss:.3e}/{acc:6.2f}', { epoch: 12, loss: 0.000123, acc: 0.5 })).toBe(
      '12/1.230e-04/  0.50',
    );
    expect(() => formatPath('m-{val_acc}', { epoch: 1, loss: 1 })).toThrow(
      /placeholders naming the epoch or a log key.*'\{val_acc\}'/,
    );
  });

  it('saves at every epoch end through model.save, each checkpoint loadable with the weights of its epoch', async () => {
    const { x, y, model } = problem();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const weightsAt: number[][] = [];
    const checkpoint = new ModelCheckpoint(join(dir, 'every-{epoch:02d}'));
    await model.fit(x, y, {
      epochs: 3,
      verbose: 0,
      callbacks: [
        checkpoint,
        { onEpochEnd: async () => void weightsAt.push(Array.from(await model.layers[0]!.variables[0]!.data())) },
      ],
    });
    expect(checkpoint.saved).toEqual(['every-01', 'every-02', 'every-03'].map((d) => join(dir, d)));
    for (let epoch = 0; epoch < 3; epoch++) {
      const loaded = await loadModel(checkpoint.saved[epoch]!);
      expect(Array.from(await loaded.layers[0]!.variables[0]!.data())).toEqual(weightsAt[epoch]);
      loaded.dispose();
    }
    tf.dispose([x, y]);
    model.dispose();
  });

  it("saveBestOnly: saves only improvements, by mode ('auto' maximises accuracy keys); initialValueThreshold", async () => {
    const run = async (options: ConstructorParameters<typeof ModelCheckpoint>[1], key: string, values: number[]) => {
      const model = fakeModel();
      const checkpoint = new ModelCheckpoint('m-{epoch}', { saveBestOnly: true, ...options });
      checkpoint.setModel(model);
      for (let epoch = 0; epoch < values.length; epoch++) await checkpoint.onEpochEnd(epoch, { [key]: values[epoch]! });
      return model.saves;
    };
    expect(await run({ monitor: 'loss' }, 'loss', [1, 0.8, 0.9, 0.5])).toEqual(['m-1', 'm-2', 'm-4']);
    expect(await run({ monitor: 'val_accuracy' }, 'val_accuracy', [0.5, 0.4, 0.7])).toEqual(['m-1', 'm-3']);
    expect(await run({ monitor: 'score', mode: 'max' }, 'score', [1, 2, 2])).toEqual(['m-1', 'm-2']);
    expect(await run({ monitor: 'loss', initialValueThreshold: 0.85 }, 'loss', [1, 0.8, 0.9])).toEqual(['m-2']);
    expect(await run({ monitor: 'loss', saveWeightsOnly: true }, 'loss', [1])).toEqual(['weights:m-1']);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(await run({}, 'loss', [1, 0.5])).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it('saveFreq: every N batches across epochs; saveWeightsOnly writes a weights file loadWeights reads', async () => {
    const { x, y, model } = problem();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const checkpoint = new ModelCheckpoint(join(dir, 'w-{epoch}-{loss:.4f}.safetensors'), {
      saveFreq: 2,
      saveWeightsOnly: true,
    });
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [checkpoint] });
    // 3 batches an epoch, 6 in all: saves after batches 2, 4, 6 (epochs 1, 2, 2).
    expect(
      checkpoint.saved.map((p) =>
        p
          .slice(dir.length + 1)
          .split('-')
          .slice(0, 2)
          .join('-'),
      ),
    ).toEqual(['w-1', 'w-2', 'w-2']);
    const copy = new Sequential([new Dense(1, { inputShape: [3], seed: 9 })]);
    await copy.loadWeights(checkpoint.saved[2]!);
    expect(Array.from(await copy.layers[0]!.variables[0]!.data())).toEqual(
      Array.from(await model.layers[0]!.variables[0]!.data()),
    );
    tf.dispose([x, y]);
    model.dispose();
    copy.dispose();
  });

  it('refuses bad arguments', () => {
    expect(() => new ModelCheckpoint('')).toThrow(/filepath.*a path/);
    expect(() => new ModelCheckpoint('m', { saveFreq: 0 })).toThrow(/saveFreq.*'epoch' or a positive integer/);
    expect(() => new ModelCheckpoint('m', { save_best_only: true } as never)).toThrow(/unknown key 'save_best_only'/);
  });
});

describe('ReduceLROnPlateau', () => {
  /** The learning rate after each epoch of scripted `values`. */
  function rates(
    options: ConstructorParameters<typeof ReduceLROnPlateau>[0],
    values: number[],
    key = 'val_loss',
  ): number[] {
    const model = fakeModel(0.1);
    const callback = new ReduceLROnPlateau(options);
    callback.setModel(model);
    callback.onTrainBegin();
    return values.map((v, epoch) => {
      callback.onEpochEnd(epoch, { [key]: v });
      return model.optimizer.learningRate;
    });
  }

  it("Keras' rules: patience, factor, cooldown, minLr; a minDelta-sized change is no improvement", () => {
    const flat = [1, 1, 1, 1, 1, 1, 1];
    expect(rates({ patience: 2, factor: 0.5 }, flat)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125]);
    // cooldown 2: after a reduction, two epochs that do not count.
    expect(rates({ patience: 2, factor: 0.5, cooldown: 2 }, flat)).toEqual([0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025]);
    expect(rates({ patience: 1, factor: 0.5, minLr: 0.04 }, flat)).toEqual([0.1, 0.05, 0.04, 0.04, 0.04, 0.04, 0.04]);
    expect(rates({ patience: 1, factor: 0.5, minDelta: 0.1 }, [1, 0.95, 0.8, 0.75])).toEqual([0.1, 0.05, 0.05, 0.025]);
    expect(rates({ monitor: 'val_accuracy', patience: 1, factor: 0.5 }, [0.5, 0.6, 0.4], 'val_accuracy')).toEqual([
      0.1, 0.1, 0.05,
    ]);
    expect(rates({ patience: 1, factor: 0.5, mode: 'max' }, [1, 2, 2])).toEqual([0.1, 0.1, 0.05]);
  });

  it('lowers the real optimizer rate during fit', async () => {
    const { x, y, model } = problem();
    const sgd = new optimizers.SGD(0.1);
    model.compile({ optimizer: sgd, loss: 'mse' });
    const seen: number[] = [];
    // minDelta 1e9: only the first epoch counts as an improvement.
    const reduce = new ReduceLROnPlateau({ monitor: 'loss', patience: 1, factor: 0.5, minDelta: 1e9 });
    await model.fit(x, y, {
      epochs: 3,
      verbose: 0,
      callbacks: [reduce, { onEpochEnd: () => void seen.push(sgd.learningRate) }],
    });
    expect(seen).toEqual([0.1, 0.05, 0.025]);
    tf.dispose([x, y]);
    model.dispose();
    sgd.dispose();
  });

  it('refuses a factor >= 1 and bad options', () => {
    expect(() => new ReduceLROnPlateau({ factor: 1 })).toThrow(/factor.*\(0, 1\)/);
    expect(() => new ReduceLROnPlateau({ patience: -1 })).toThrow(/patience.*non-negative integer/);
    expect(() => new ReduceLROnPlateau({ min_lr: 0 } as never)).toThrow(/unknown key 'min_lr'/);
  });
});

describe('CSVLogger', () => {
  it("writes Keras' rows: epoch (0-based) and the sorted keys, header once, \\r\\n; append adds rows; separator", async () => {
    const { x, y, model } = problem();
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const file = join(dir, 'log.csv');
    const { history } = await model.fit(x, y, {
      epochs: 2,
      verbose: 0,
      validationSplit: 0.25,
      callbacks: [new CSVLogger(file)],
    });
    const rows = (history: Record<string, number[] | undefined>, epochs: number[], separator = ','): string[] =>
      epochs.map((e, i) =>
        [String(e), ...['loss', 'mae', 'val_loss', 'val_mae'].map((k) => String(history[k]![i]))].join(separator),
      );
    expect(await readFile(file, 'utf8')).toBe(
      ['epoch,loss,mae,val_loss,val_mae', ...rows(history, [0, 1])].map((l) => `${l}\r\n`).join(''),
    );
    const again = await model.fit(x, y, {
      epochs: 1,
      verbose: 0,
      validationSplit: 0.25,
      callbacks: [new CSVLogger(file, { append: true })],
    });
    expect((await readFile(file, 'utf8')).split('\r\n')).toEqual([
      'epoch,loss,mae,val_loss,val_mae',
      ...rows(history, [0, 1]),
      ...rows(again.history, [0]),
      '',
    ]);
    const semicolons = join(dir, 'semicolons.csv');
    await model.fit(x, y, {
      epochs: 1,
      verbose: 0,
      callbacks: [new CSVLogger(semicolons, { separator: ';', append: true })],
    });
    expect((await readFile(semicolons, 'utf8')).split('\r\n')[0]).toBe('epoch;loss;mae');
    // Without append, a new run starts the file over; the atomic rewrite leaves no temporary files.
    await writeFile(file, 'old\r\n');
    await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new CSVLogger(file)] });
    expect((await readFile(file, 'utf8')).split('\r\n')[0]).toBe('epoch,loss,mae');
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('killed (SIGKILL) at random instants, in append and in write mode, the file never holds a half-written row', async () => {
    const bundle = join(dir, 'csv-loop.mjs');
    await build({
      entryPoints: [join(dirname(fileURLToPath(import.meta.url)), '__fixtures__/csv-loop.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      conditions: ['@tapeflow/source'],
      outfile: bundle,
      logLevel: 'error',
    });
    let rowsSeen = 0;
    for (const mode of ['append', 'write'] as const) {
      const file = join(dir, `killed-${mode}.csv`);
      for (let round = 0; round < 4; round++) {
        const child = spawn(process.execPath, [bundle, file, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
        await new Promise<void>((resolve) =>
          child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()),
        );
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 150));
        const exited = new Promise((resolve) => child.on('exit', resolve));
        child.kill('SIGKILL');
        await exited;
        const text = await readFile(file, 'utf8');
        const lines = text.split('\r\n');
        expect(lines.pop(), `${mode}, round ${round}: the file ends with a whole row`).toBe('');
        // Killed before its first row, a run leaves an empty file (write) or the previous rows (append).
        if (lines.length === 0) continue;
        expect(lines[0]!.startsWith('epoch,metric_000,')).toBe(true);
        for (const line of lines) expect(line.split(',')).toHaveLength(201);
        // Append keeps one header at the top, whatever the number of runs.
        expect(lines.filter((l) => l.startsWith('epoch')).length).toBe(1);
        rowsSeen += lines.length - 1;
      }
    }
    expect(rowsSeen).toBeGreaterThan(0);
  }, 60_000);
});
