/**
 * @file model.save / loadModel / saveWeights / loadWeights on disk: the files written (model.json's
 * config, safetensors weights), a trained model round-tripping to the same predictions and compile
 * settings, and every failure the issue lists — a truncated or corrupted file, a missing one, weights
 * of another architecture — refused with a typed error naming the file (and the layer and both
 * shapes), leaving no half-loaded model and no tensors behind.
 */
import '../test-setup.js';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tapeflow/tensor-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dropout } from '../core-layers.js';
import { Dense } from '../dense.js';
import type { ApplyOptions } from '../layer.js';
import * as losses from '../losses.js';
import { Model } from '../model.js';
import { Sequential } from '../sequential.js';
import { loadModel } from './load.js';
import { decodeSafetensors } from './safetensors.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tapeflow-saving-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function mlp(hidden = 6, seed = 1): Sequential {
  return new Sequential([
    new Dense(hidden, { activation: 'relu', inputShape: [4], seed, name: 'hidden' }),
    new Dropout(0.2, { seed: 9, name: 'drop' }),
    new Dense(3, { activation: 'softmax', seed: seed + 1, name: 'probabilities' }),
  ]);
}

class Pair extends Model {
  readonly a = new Dense(3, { seed: 4 });
  readonly b = new Dense(2, { seed: 5 });
  call(x: tf.Tensor, options?: ApplyOptions): tf.Tensor {
    return tf.tidy(() => this.b.apply(this.a.apply(x, options), options));
  }
}

/** Asserts that `fn` rejects with `type` and `message`, and that it left no tensor or Variable behind. */
async function rejectsCleanly(
  fn: () => Promise<unknown>,
  type: new (...args: never[]) => Error,
  message: RegExp,
): Promise<void> {
  const before = tf.memory();
  await expect(fn()).rejects.toThrow(type);
  await expect(fn()).rejects.toThrow(message);
  expect(tf.memory().numTensors).toBe(before.numTensors);
  expect(tf.memory().numVariables).toBe(before.numVariables);
}

describe('save / loadModel', () => {
  it('writes model.json (the layer configs) and weights.safetensors (F32, by layer), and round-trips a trained model', async () => {
    const x = tf.random.normal([16, 4], { seed: 2 });
    const y = tf.tensor(
      Array.from({ length: 16 }, (_, i) => i % 3),
      [16],
      'int32',
    );
    const model = mlp();
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(x, y, { epochs: 2, verbose: 0 });
    const target = join(dir, 'mlp');
    await model.save(target);

    const json = JSON.parse(await readFile(join(target, 'model.json'), 'utf8'));
    expect(json.format).toBe('tapeflow-layers-model');
    expect(json.modelConfig.className).toBe('Sequential');
    expect(json.modelConfig.config.buildInputShape).toEqual([null, 4]);
    expect(json.modelConfig.config.layers).toEqual([
      {
        className: 'Dense',
        config: {
          name: 'hidden',
          trainable: true,
          inputShape: [4],
          units: 6,
          activation: 'relu',
          useBias: true,
          kernelInitializer: 'glorotUniform',
          biasInitializer: 'zeros',
        },
      },
      { className: 'Dropout', config: { name: 'drop', trainable: true, rate: 0.2, seed: 9 } },
      {
        className: 'Dense',
        config: {
          name: 'probabilities',
          trainable: true,
          units: 3,
          activation: 'softmax',
          useBias: true,
          kernelInitializer: 'glorotUniform',
          biasInitializer: 'zeros',
        },
      },
    ]);
    expect(json.trainingConfig).toMatchObject({
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
      optimizer: { className: 'Adam' },
    });
    expect(json.weightsManifest.path).toMatch(/^weights-[0-9a-f]{8}-\d+-[0-9a-f]{12}\.safetensors$/);
    const { tensors } = decodeSafetensors(new Uint8Array(await readFile(join(target, json.weightsManifest.path))), 'w');
    expect([...tensors].map(([name, t]) => [name, t.dtype, t.shape])).toEqual([
      ['hidden/kernel', 'float32', [4, 6]],
      ['hidden/bias', 'float32', [6]],
      ['probabilities/kernel', 'float32', [6, 3]],
      ['probabilities/bias', 'float32', [3]],
    ]);

    const loaded = await loadModel(target);
    expect(loaded).toBeInstanceOf(Sequential);
    expect(loaded.layers.map((l) => `${l.className}:${l.name}`)).toEqual([
      'Dense:hidden',
      'Dropout:drop',
      'Dense:probabilities',
    ]);
    const [p1, p2] = [model.predict(x), loaded.predict(x)];
    expect(await values(p2)).toEqual(await values(p1));
    expect(loaded.compiled?.lossName).toBe('sparseCategoricalCrossentropy');
    expect(await loaded.evaluate(x, y, { verbose: 0 })).toEqual(await model.evaluate(x, y, { verbose: 0 }));
    expect(loaded.summary(() => {})).toBe(model.summary(() => {}).replace(/\n Optimizer params.*$/, ''));
    tf.dispose([x, y, p1, p2]);
    model.dispose();
    loaded.dispose();
  });

  it("loads a Dense made with an initializer of the user's own (recorded by name only)", async () => {
    const twos = { name: 'twos', initialize: (shape: readonly number[]) => tf.fill(shape, 2) };
    const model = new Sequential([new Dense(2, { inputShape: [2], kernelInitializer: twos, name: 'custom' })]);
    await model.save(join(dir, 'custom-init'));
    const loaded = await loadModel(join(dir, 'custom-init'));
    expect(await values(loaded.variables[0]!)).toEqual([2, 2, 2, 2]);
    const withFunction = new Sequential([new Dense(2, { inputShape: [2], activation: (t) => tf.abs(t), name: 'fn' })]);
    await expect(withFunction.save(join(dir, 'fn'))).rejects.toThrow(
      /fn\.getConfig: argument 'activation'.*user function/,
    );
    [model, loaded, withFunction].forEach((m) => m.dispose());
  });

  it('keeps loss options, and loads without compiling on request', async () => {
    const model = mlp();
    model.compile({ optimizer: 'rmsprop', loss: new losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
    await model.save(join(dir, 'logits'));
    const compiled = await loadModel(join(dir, 'logits'));
    expect(compiled.compiled?.lossOptions).toEqual({ fromLogits: true });
    expect(compiled.optimizer?.className).toBe('RMSprop');
    const bare = await loadModel(join(dir, 'logits'), { compile: false });
    expect(bare.compiled).toBeNull();
    [model, compiled, bare].forEach((m) => m.dispose());
  });

  it('refuses a truncated or corrupted weights file with the file and fault named, and no half-loaded model', async () => {
    const model = mlp();
    const target = join(dir, 'damaged');
    await model.save(target);
    model.dispose();
    const weights = join(target, JSON.parse(await readFile(join(target, 'model.json'), 'utf8')).weightsManifest.path);
    const good = await readFile(weights);
    await writeFile(weights, good.subarray(0, good.length - 10));
    await rejectsCleanly(
      () => loadModel(target),
      tf.InvalidArgumentError,
      /weights-[0-9a-f-]+\.safetensors: not a valid safetensors file: it is truncated: tensor 'probabilities\/bias' ends at data byte 204, but the data section has 194 bytes/,
    );
    await writeFile(weights, good.subarray(0, 5));
    await rejectsCleanly(() => loadModel(target), tf.InvalidArgumentError, /truncated: 5 byte\(s\)/);
    await writeFile(weights, good);
    await writeFile(join(target, 'model.json'), '{"format": "tapeflow-layers-model", "modelConf');
    await rejectsCleanly(() => loadModel(target), tf.InvalidArgumentError, /model\.json is not valid JSON/);
  });

  it('refuses a model.json with an unknown layer class or a bad config, naming the file and the layer', async () => {
    const model = mlp();
    const target = join(dir, 'config');
    await model.save(target);
    model.dispose();
    const path = join(target, 'model.json');
    const json = JSON.parse(await readFile(path, 'utf8'));
    json.modelConfig.config.layers[1].className = 'Conv3D';
    await writeFile(path, JSON.stringify(json));
    await rejectsCleanly(
      () => loadModel(target),
      tf.InvalidArgumentError,
      /model\.json: modelConfig \(Sequential\)\.layers\[1\]: argument 'className' expected a layer class loadModel knows \(Dense, .*'Conv3D'/,
    );
    json.modelConfig.config.layers[1].className = 'Dropout';
    json.modelConfig.config.layers[0].config.units = 'six';
    await writeFile(path, JSON.stringify(json));
    await rejectsCleanly(
      () => loadModel(target),
      tf.InvalidArgumentError,
      /layers\[0\] \(Dense\).*'units' expected a positive integer, but got string 'six'/,
    );
    json.modelConfig.config.layers[0].config.units = 7;
    await writeFile(path, JSON.stringify(json));
    await rejectsCleanly(
      () => loadModel(target),
      tf.InvalidArgumentError,
      /layer 'hidden' weight 'hidden\/kernel' has shape \[4,7\] \(float32\) in the model, but the file holds shape \[4,6\]/,
    );
    await rejectsCleanly(
      () => loadModel(join(dir, 'nowhere')),
      tf.NotFoundError,
      /loadModel: '.*nowhere' does not exist \(ENOENT\)/,
    );
  });
});

describe('the format on disk', () => {
  it('loads a model saved by the earlier layout (a fixed weights.safetensors), and the next save replaces it whole', async () => {
    const model = mlp();
    const target = join(dir, 'legacy');
    await model.save(target);
    const json = JSON.parse(await readFile(join(target, 'model.json'), 'utf8'));
    await rename(join(target, json.weightsManifest.path), join(target, 'weights.safetensors'));
    json.weightsManifest.path = 'weights.safetensors';
    await writeFile(join(target, 'model.json'), JSON.stringify(json));
    const loaded = await loadModel(target);
    expect(await values(loaded.variables[0]!)).toEqual(await values(model.variables[0]!));
    await loaded.save(target);
    const entries = await readdir(target);
    expect(entries).not.toContain('weights.safetensors');
    expect(entries).toHaveLength(2);
    model.dispose();
    loaded.dispose();
  });
});

describe('saveWeights / loadWeights', () => {
  it('loads the current weights of a saved model directory, and refuses a FIFO without waiting on it', async () => {
    const source = mlp(6, 1);
    const target = mlp(6, 5);
    const saved = join(dir, 'for-weights');
    await source.save(saved);
    await target.loadWeights(saved);
    expect(await Promise.all(target.variables.map(values))).toEqual(await Promise.all(source.variables.map(values)));
    const fifo = join(dir, 'fifo.safetensors');
    execFileSync('mkfifo', [fifo]);
    await expect(target.loadWeights(fifo)).rejects.toThrow(tf.FailedPreconditionError);
    await expect(target.loadWeights(fifo)).rejects.toThrow(
      /loadWeights: '.*fifo\.safetensors' is a FIFO; only regular files are read/,
    );
    await expect(target.loadWeights(join(dir, 'absent.safetensors'))).rejects.toThrow(tf.NotFoundError);
    source.dispose();
    target.dispose();
  });

  it('round-trips a subclassed model (whose architecture is code, so save() refuses it)', async () => {
    const [a, b] = [new Pair(), new Pair()];
    a.build([null, 2]);
    b.build([null, 2]);
    const file = join(dir, 'pair.safetensors');
    await a.saveWeights(file);
    await b.loadWeights(file);
    for (let i = 0; i < a.variables.length; i++)
      expect(await values(b.variables[i]!)).toEqual(await values(a.variables[i]!));
    await expect(a.save(join(dir, 'pair'))).rejects.toThrow(tf.UnimplementedError);
    a.dispose();
    b.dispose();
  });

  it('loading weights into another architecture names the layer and both shapes, and changes nothing', async () => {
    const source = mlp(6);
    const file = join(dir, 'six.safetensors');
    await source.saveWeights(file);
    const wider = mlp(8, 3);
    const before = await Promise.all(wider.variables.map(values));
    await expect(wider.loadWeights(file)).rejects.toThrow(tf.InvalidArgumentError);
    await expect(wider.loadWeights(file)).rejects.toThrow(
      /six\.safetensors: layer 'hidden' weight 'hidden\/kernel' has shape \[4,8\] \(float32\) in the model, but the file holds shape \[4,6\] \(float32\) for it: the architectures differ/,
    );
    expect(await Promise.all(wider.variables.map(values))).toEqual(before);
    const shorter = new Sequential([new Dense(3, { inputShape: [4] })]);
    await expect(shorter.loadWeights(file)).rejects.toThrow(
      /the file has weights for 2 layer\(s\) \[hidden, probabilities\], but model '.*' has 1 layer\(s\) with weights \[dense.*\]/,
    );
    const unbuilt = new Sequential([new Dense(3)]);
    await expect(unbuilt.loadWeights(file)).rejects.toThrow(/is not built.*build it first/);
    [source, wider, shorter, unbuilt].forEach((m) => m.dispose());
  });

  it('matches by layer position, so a fresh model with other layer names loads the weights', async () => {
    const source = new Sequential([new Dense(2, { inputShape: [3], seed: 1 })]);
    const target = new Sequential([new Dense(2, { inputShape: [3], seed: 2 })]);
    expect(source.layers[0]!.name).not.toBe(target.layers[0]!.name);
    const file = join(dir, 'renamed.safetensors');
    await source.saveWeights(file);
    await target.loadWeights(file);
    expect(await values(target.variables[0]!)).toEqual(await values(source.variables[0]!));
    source.dispose();
    target.dispose();
  });
});
