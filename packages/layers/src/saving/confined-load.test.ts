/**
 * @file `loadModel` on a hostile model directory: weight paths that leave the directory, symbolic
 * links, FIFOs, devices and directories where files should be, headers and configs asking for absurd
 * sizes, class names that are Object.prototype's properties, deep nesting, and every fs error. Each is
 * a typed error that names the path inside the model directory, arrives in milliseconds, quotes no
 * bytes of any file, and leaves no tensor behind; valid models with custom, nested and frozen layers
 * still load.
 */
import '../test-setup.js';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tapeflow/tensor-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dropout } from '../core-layers.js';
import { Dense } from '../dense.js';
import { Layer } from '../layer.js';
import type { LayerConfig } from '../layer.js';
import { Sequential } from '../sequential.js';
import { loadModel } from './load.js';
import { encodeSafetensors } from './safetensors.js';

let base = '';
let template = '';
let count = 0;
const SECRET = 'SECRET\u0007tapeflow-test-secret';

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'tapeflow-confined-'));
  template = join(base, 'template');
  const model = new Sequential([
    new Dense(3, { inputShape: [4], seed: 1, name: 'hidden' }),
    new Dense(2, { seed: 2, name: 'out' }),
  ]);
  await model.save(template);
  model.dispose();
  await writeFile(join(base, 'outside.txt'), `${SECRET}\n`);
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- model.json as the tests edit it, at any depth
type ModelJson = Record<string, any>;

/** A fresh copy of the template model directory, its model.json and its weights file's name. */
async function copy(): Promise<{ dir: string; json: ModelJson; weights: string }> {
  const dir = join(base, `m${count++}`);
  await cp(template, dir, { recursive: true });
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  return { dir, json, weights: json.weightsManifest.path };
}

async function writeJson(dir: string, json: unknown): Promise<void> {
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
}

/** Asserts a typed rejection with `message`, fast, quoting no secret, leaving no tensor behind. */
async function refuses(
  dir: string,
  type: new (...args: never[]) => Error,
  message: RegExp,
  options = {},
): Promise<void> {
  const before = tf.memory();
  const started = performance.now();
  const error = await loadModel(dir, options).then(
    () => null,
    (e: unknown) => e,
  );
  const elapsed = performance.now() - started;
  expect(error).toBeInstanceOf(type);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).not.toContain('SECRET');
  expect(elapsed).toBeLessThan(1000);
  expect(tf.memory().numTensors).toBe(before.numTensors);
  expect(tf.memory().numVariables).toBe(before.numVariables);
}

describe('loadModel is confined to the model directory', () => {
  it.each([
    ['a parent directory', '../outside.txt'],
    ['an absolute path', '/etc/passwd'],
    ['a subdirectory', 'sub/weights.safetensors'],
    ['a backslash path', '..\\outside.txt'],
    ['an empty name', ''],
    ['a dot', '.'],
    ['a name with a control character', `w\u0000.safetensors`],
  ])('refuses a weights path that is %s, before opening anything', async (_, path) => {
    const { dir, json } = await copy();
    json.weightsManifest.path = path;
    await writeJson(dir, json);
    await refuses(
      dir,
      tf.InvalidArgumentError,
      /loadModel: .*model\.json: field 'weightsManifest\.path' expected a file name inside the model directory/,
    );
  });

  it('refuses symbolic links (to a file outside, to a file inside, to /dev/zero), for the weights and for model.json', async () => {
    for (const target of [join(base, 'outside.txt'), '/dev/zero']) {
      const { dir, weights } = await copy();
      await rm(join(dir, weights));
      await symlink(target, join(dir, weights));
      await refuses(
        dir,
        tf.FailedPreconditionError,
        new RegExp(
          `'.*${weights.replace(/\./g, '\\.')}' is a symbolic link; only regular files inside the model directory are opened \\(ELOOP\\)`,
        ),
      );
    }
    const inside = await copy();
    await cp(join(inside.dir, inside.weights), join(inside.dir, 'real.safetensors'));
    await rm(join(inside.dir, inside.weights));
    await symlink('real.safetensors', join(inside.dir, inside.weights));
    await refuses(inside.dir, tf.FailedPreconditionError, /is a symbolic link/);
    const json = await copy();
    await rm(join(json.dir, 'model.json'));
    await symlink(join(base, 'outside.txt'), join(json.dir, 'model.json'));
    await refuses(json.dir, tf.FailedPreconditionError, /model\.json' is a symbolic link/);
  });

  it('opens only regular files: a FIFO does not hang, a directory is named as one', async () => {
    const fifo = await copy();
    await rm(join(fifo.dir, fifo.weights));
    execFileSync('mkfifo', [join(fifo.dir, fifo.weights)]);
    await refuses(fifo.dir, tf.FailedPreconditionError, /' is a FIFO; only regular files are read/);
    const fifoJson = await copy();
    await rm(join(fifoJson.dir, 'model.json'));
    execFileSync('mkfifo', [join(fifoJson.dir, 'model.json')]);
    await refuses(fifoJson.dir, tf.FailedPreconditionError, /model\.json' is a FIFO/);
    const directory = await copy();
    await rm(join(directory.dir, directory.weights));
    await mkdir(join(directory.dir, directory.weights));
    await refuses(
      directory.dir,
      tf.FailedPreconditionError,
      new RegExp(`m\\d+/${directory.weights.replace(/\./g, '\\.')}' is a directory; only regular files are read`),
    );
    const jsonDirectory = await copy();
    await rm(join(jsonDirectory.dir, 'model.json'));
    await mkdir(join(jsonDirectory.dir, 'model.json'));
    await refuses(jsonDirectory.dir, tf.FailedPreconditionError, /model\.json' is a directory/);
  });

  it('turns every fs error into a typed error naming the path as given and inside the directory', async () => {
    await refuses(join(base, 'missing'), tf.NotFoundError, /loadModel: '.*missing' does not exist \(ENOENT\)/);
    await refuses(
      join(base, 'outside.txt'),
      tf.FailedPreconditionError,
      /loadModel: '.*outside\.txt' is not a directory/,
    );
    await refuses(
      join(base, 'outside.txt', 'below'),
      tf.FailedPreconditionError,
      /loadModel: '.*outside\.txt\/below' is not a directory.*\(ENOTDIR\)/,
    );
    const noJson = await copy();
    await rm(join(noJson.dir, 'model.json'));
    await refuses(noJson.dir, tf.NotFoundError, /loadModel: '.*m\d+\/model\.json' does not exist \(ENOENT\)/);
    const noWeights = await copy();
    await rm(join(noWeights.dir, noWeights.weights));
    await refuses(
      noWeights.dir,
      tf.NotFoundError,
      new RegExp(`loadModel: '.*m\\d+/${noWeights.weights.replace(/\./g, '\\.')}' does not exist \\(ENOENT\\)`),
    );
  });
});

describe('loadModel reads only what headers declare, checked against the real size first', () => {
  it('refuses a header length beyond the file, a huge header, and data shorter or longer than declared', async () => {
    const cases: [string, (bytes: Buffer) => Buffer, RegExp][] = [
      [
        'a header length past the end',
        (b) => {
          const c = Buffer.from(b);
          c.writeBigUInt64LE(10n ** 6n, 0);
          return c;
        },
        /the header says 1000000 bytes of JSON, but only \d+ follow/,
      ],
      [
        'a 2^60 header length',
        (b) => {
          const c = Buffer.from(b);
          c.writeBigUInt64LE(2n ** 60n, 0);
          return c;
        },
        /larger than the 100 MB limit/,
      ],
      [
        'missing data',
        (b) => b.subarray(0, b.length - 4),
        /is truncated: tensor 'out\/bias' ends at data byte 92, but the data section has 88 bytes/,
      ],
      ['extra data', (b) => Buffer.concat([b, Buffer.alloc(4)]), /4 byte\(s\) of data follow the last tensor/],
    ];
    for (const [, change, message] of cases) {
      const { dir, weights } = await copy();
      await writeFile(join(dir, weights), change(await readFile(join(dir, weights))));
      await refuses(dir, tf.InvalidArgumentError, message);
    }
  });

  it('a header claiming a huge tensor, with a file that does not hold it, fails before reading any data', async () => {
    const { dir, weights } = await copy();
    const bytes = encodeSafetensors(
      new Map([['hidden/kernel', { dtype: 'float32', shape: [4, 3], values: new Float32Array(12) }]]),
    );
    const json = Buffer.from(
      JSON.stringify({ 'hidden/kernel': { dtype: 'F32', shape: [100000, 100000], data_offsets: [0, 4e10] } }),
    );
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(json.length));
    await writeFile(join(dir, weights), Buffer.concat([length, json, Buffer.from(bytes.subarray(bytes.length - 48))]));
    await refuses(
      dir,
      tf.InvalidArgumentError,
      /tensor 'hidden\/kernel' ends at data byte 40000000000, but the data section has 48 bytes/,
    );
  });

  it('a weights file far larger than its header declares (3 GB, sparse) is refused from its size alone, without reading it', async () => {
    const { dir, weights } = await copy();
    await truncate(join(dir, weights), 3 * 2 ** 30);
    await refuses(
      dir,
      tf.InvalidArgumentError,
      /\d+ byte\(s\) of data follow the last tensor \(the file is longer than its header says\)/,
    );
    const json = await copy();
    await truncate(join(json.dir, 'model.json'), 3 * 2 ** 30);
    await refuses(
      json.dir,
      tf.ResourceExhaustedError,
      /model\.json' is 3221225472 bytes, more than the 16777216 bytes read from such a file/,
    );
  });

  it('quotes no bytes of a file in any message (V8 quotes JSON it cannot parse; we do not)', async () => {
    const { dir, weights, json } = await copy();
    await writeFile(join(dir, 'model.json'), `{"format": ${SECRET}}`);
    await refuses(dir, tf.InvalidArgumentError, /model\.json is not valid JSON/);
    await writeJson(dir, json);
    const bytes = await readFile(join(dir, weights));
    const header = Buffer.from(`{"x": ${SECRET}}`);
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(header.length));
    await writeFile(join(dir, weights), Buffer.concat([length, header]));
    await refuses(dir, tf.InvalidArgumentError, /header is not UTF-8 JSON \(a syntax error\)/);
    await writeFile(join(dir, weights), bytes);
    json.modelConfig.config.layers[0].className = SECRET;
    json.modelConfig.config.layers[1].config.units = SECRET;
    await writeJson(dir, json);
    await refuses(
      dir,
      tf.InvalidArgumentError,
      /argument 'className' expected a layer class loadModel knows .* but got a string of 27 character\(s\)/,
    );
  });
});

describe('loadModel plans the model before building it', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
    '%s is an unknown class, typed, as a layer and as the model',
    async (name) => {
      const { dir, json } = await copy();
      json.modelConfig.config.layers[1].className = name;
      await writeJson(dir, json);
      await refuses(
        dir,
        tf.InvalidArgumentError,
        new RegExp(
          `layers\\[1\\]: argument 'className' expected a layer class loadModel knows \\(Dense, .*\\) or one given in options\\.customLayers, but got '${name}'`,
        ),
      );
      // Not through options.customLayers' prototype either.
      await refuses(dir, tf.InvalidArgumentError, /argument 'className' expected a layer class/, { customLayers: {} });
      json.modelConfig.config.layers[1].className = 'Dense';
      json.modelConfig.className = name;
      await writeJson(dir, json);
      await refuses(
        dir,
        tf.InvalidArgumentError,
        /model\.json: modelConfig: argument 'className' expected a layer class/,
      );
    },
  );

  it('absurd units or inputShape in a 2 KB model.json fail in milliseconds, allocating nothing', async () => {
    const cases: [string, (json: ModelJson) => void, new (...args: never[]) => Error, RegExp][] = [
      [
        'units 1e6',
        (j) => (j.modelConfig.config.layers[0].config.units = 1e6),
        tf.InvalidArgumentError,
        /weight 'hidden\/kernel' has shape \[4,1000000\] \(float32\) in the model, but the file holds shape \[4,3\]/,
      ],
      [
        'units 1e9',
        (j) => (j.modelConfig.config.layers[0].config.units = 1e9),
        tf.ResourceExhaustedError,
        /building this model on one sample would hold \d+ scalars/,
      ],
      [
        'units 2^52',
        (j) => (j.modelConfig.config.layers[1].config.units = 2 ** 52),
        tf.ResourceExhaustedError,
        /would hold \d+ scalars/,
      ],
      [
        'inputShape [1e6, 1e6]',
        (j) => (j.modelConfig.config.layers[0].config.inputShape = [1e6, 1e6]),
        tf.ResourceExhaustedError,
        /building this model on one sample would hold 1000000000000 scalars/,
      ],
      [
        'inputShape [1e5]',
        (j) => (j.modelConfig.config.layers[0].config.inputShape = [1e5]),
        tf.InvalidArgumentError,
        /weight 'hidden\/kernel' has shape \[100000,3\] \(float32\) in the model, but the file holds shape \[4,3\]/,
      ],
      [
        'buildInputShape of a weightless model',
        (j) => {
          j.modelConfig.config.layers = [{ className: 'Dropout', config: { rate: 0.5, name: 'd' } }];
          j.modelConfig.config.buildInputShape = [null, 1e5, 1e5];
        },
        tf.ResourceExhaustedError,
        /more than the 67108864 loadModel allows/,
      ],
      [
        'units -1',
        (j) => (j.modelConfig.config.layers[0].config.units = -1),
        tf.InvalidArgumentError,
        /'units' expected a positive integer, but got number -1/,
      ],
    ];
    for (const [, change, type, message] of cases) {
      const { dir, json } = await copy();
      change(json);
      await writeJson(dir, json);
      expect((await readFile(join(dir, 'model.json'))).length).toBeLessThan(2048);
      await refuses(dir, type, message);
    }
  });

  it('limits nesting depth with a typed error', async () => {
    const { dir, json } = await copy();
    await writeFile(
      join(dir, 'model.json'),
      `{"format":"tapeflow-layers-model","x":${'['.repeat(100000)}${']'.repeat(100000)}}`,
    );
    await refuses(dir, tf.InvalidArgumentError, /model\.json nests objects and arrays more than 64 levels deep/);
    let config: Record<string, unknown> = {
      name: 'leaf',
      layers: [{ className: 'Dense', config: { units: 2, inputShape: [4], name: 'x' } }],
    };
    for (let i = 0; i < 40; i++) config = { name: `s${i}`, layers: [{ className: 'Sequential', config }] };
    json.modelConfig = { className: 'Sequential', config };
    await writeJson(dir, json);
    await refuses(dir, tf.InvalidArgumentError, /nests objects and arrays more than 64 levels deep/);
  });

  it('refuses a model.json from a newer format version, typed', async () => {
    const { dir, json } = await copy();
    json.formatVersion = 2;
    await writeJson(dir, json);
    await refuses(dir, tf.UnimplementedError, /formatVersion 2; this version of Tapeflow reads version 1/);
  });

  it('still loads custom layers, nested Sequentials and frozen layers (the plan matches what is built)', async () => {
    class Scale extends Layer {
      static readonly className = 'Scale';
      private factor: tf.Variable | null = null;
      constructor(config: LayerConfig = {}) {
        super(config, 'scale');
      }
      override build(inputShape: readonly number[]): void {
        this.factor = this.addWeight('factor', [inputShape[inputShape.length - 1]!], 'ones');
        super.build(inputShape);
      }
      call(x: tf.Tensor): tf.Tensor {
        return tf.mul(x, this.factor!);
      }
    }
    const frozen = new Dense(5, { seed: 3, name: 'frozen' });
    frozen.trainable = false;
    const inner = new Sequential(
      [frozen, new Dropout(0.1, { name: 'drop' }), new Dense(4, { seed: 4, name: 'inner_out' })],
      { name: 'inner' },
    );
    const model = new Sequential([
      new Dense(6, { inputShape: [3], seed: 1, name: 'first' }),
      new Scale({ name: 'scale' }),
      inner,
      new Dense(2, { seed: 5, name: 'last' }),
    ]);
    const dir = join(base, 'rich');
    await model.save(dir);
    await expect(loadModel(dir)).rejects.toThrow(/'Scale'/);
    const loaded = await loadModel(dir, { customLayers: { Scale: (config) => new Scale(config) } });
    const x = tf.random.normal([2, 3], { seed: 7 });
    const [p, q] = [model.predict(x), loaded.predict(x)];
    expect(Array.from(await q.data())).toEqual(Array.from(await p.data()));
    expect(loaded.variables.map((v) => [v.name, v.trainable])).toEqual(
      model.variables.map((v) => [v.name, v.trainable]),
    );
    tf.dispose([x, p, q]);
    model.dispose();
    loaded.dispose();
  });
});
