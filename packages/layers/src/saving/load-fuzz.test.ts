/**
 * @file A property-based fuzzer (fast-check) over model directories: starting from a valid saved model,
 * it mutates model.json (any field replaced by a hostile value or removed, the text cut or a byte
 * changed), the weights file (its header length, any header field, its bytes, its length) and the
 * files' kinds (a directory, a FIFO, a symbolic link out or to /dev/zero, nothing), then loads. Every
 * run ends, within seconds, in either a whole model (every weight readable, a prediction made) or a
 * typed Tapeflow error that quotes no bytes of any file; and no tensor is left behind either way.
 */
import '../test-setup.js';
import { execFileSync } from 'node:child_process';
import { cp, lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tapeflow/tensor-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dropout } from '../core-layers.js';
import { Dense } from '../dense.js';
import { Sequential } from '../sequential.js';
import { loadModel } from './load.js';

const SECRET = 'SECRET\u0001fuzz';
let base = '';
let template = '';
let runs = 0;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'tapeflow-fuzz-'));
  template = join(base, 'template');
  const model = new Sequential([
    new Dense(3, { inputShape: [4], seed: 1, name: 'hidden', activation: 'relu' }),
    new Dropout(0.25, { seed: 3, name: 'drop' }),
    new Dense(2, { seed: 2, name: 'out' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['mae'] });
  await model.save(template);
  model.dispose();
  await writeFile(join(base, 'outside.txt'), `${SECRET}\n`);
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path (list of keys) in a JSON value, the root included. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

/** `root` with the value at `path` replaced (or removed when `replacement` is undefined). */
function edit(root: Json, path: (string | number)[], replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (replacement === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = replacement;
  return copy;
}

const hostile: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    '../outside.txt',
    '/dev/zero',
    '/etc/passwd',
    SECRET,
    '',
    'Dense',
    'Sequential',
    'Dropout',
    'F32',
    'I32',
    'BOOL',
    'relu',
  ),
  fc.constantFrom<Json>(
    0,
    -1,
    1,
    2,
    3,
    4,
    1e6,
    1e9,
    2 ** 31,
    2 ** 53,
    2 ** 64,
    -0,
    0.5,
    null,
    true,
    false,
    [],
    {},
    [null, 1e6, 1e6],
    [1e9],
    [4, 1e9],
    [0, 1e12],
  ),
  fc.integer({ min: -10, max: 100 }),
  fc.array(fc.integer({ min: -2, max: 70000 }), { maxLength: 4 }),
  fc.string({ maxLength: 12 }),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

type Mutation =
  | { kind: 'jsonField'; pick: number; value: Json | undefined }
  | { kind: 'jsonText'; at: number; byte: number; cut: boolean }
  | { kind: 'headerLength'; length: bigint }
  | { kind: 'headerField'; pick: number; value: Json | undefined }
  | { kind: 'weightsBytes'; at: number; byte: number; cut: boolean; extra: number }
  | {
      kind: 'fileKind';
      file: 'model.json' | 'weights';
      becomes: 'directory' | 'fifo' | 'link-out' | 'link-zero' | 'missing';
    };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('jsonField' as const),
      pick: fc.nat(),
      value: fc.option(hostile, { nil: undefined }),
    }),
    weight: 6,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('jsonText' as const),
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
      cut: fc.boolean(),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('headerLength' as const),
      length: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 600n })),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('headerField' as const),
      pick: fc.nat(),
      value: fc.option(hostile, { nil: undefined }),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('weightsBytes' as const),
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
      cut: fc.boolean(),
      extra: fc.integer({ min: 0, max: 9 }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('fileKind' as const),
      file: fc.constantFrom('model.json' as const, 'weights' as const),
      becomes: fc.constantFrom(
        'directory' as const,
        'fifo' as const,
        'link-out' as const,
        'link-zero' as const,
        'missing' as const,
      ),
    }),
    weight: 1,
  },
);

function splitWeights(bytes: Buffer): { header: Json; data: Buffer } {
  const length = Number(bytes.readBigUInt64LE(0));
  return {
    header: JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')) as Json,
    data: bytes.subarray(8 + length),
  };
}

function joinWeights(header: Json, data: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, data]);
}

async function apply(dir: string, m: Mutation): Promise<void> {
  const jsonPath = join(dir, 'model.json');
  // The fuzzer's own reads must not open a FIFO an earlier mutation made (that would wait for ever).
  const readable = async (path: string): Promise<Buffer | null> =>
    (await lstat(path).catch(() => null))?.isFile() === true ? readFile(path) : null;
  let json: { weightsManifest?: { path?: unknown } } = {};
  try {
    json = JSON.parse((await readable(jsonPath))?.toString('utf8') ?? '{}') as typeof json;
  } catch {
    // a model.json an earlier mutation broke
  }
  const weightsName =
    typeof json?.weightsManifest?.path === 'string' && /^[\w.-]+$/.test(json.weightsManifest.path)
      ? json.weightsManifest.path
      : 'weights.safetensors';
  const weightsPath = join(dir, weightsName);
  switch (m.kind) {
    case 'jsonField': {
      const text = await readable(jsonPath);
      if (text === null) return;
      let root: Json;
      try {
        root = JSON.parse(text.toString('utf8')) as Json;
      } catch {
        return;
      }
      const all = paths(root);
      await writeFile(jsonPath, JSON.stringify(edit(root, all[m.pick % all.length]!, m.value)));
      return;
    }
    case 'jsonText': {
      const text = await readable(jsonPath);
      if (text === null || text.length === 0) return;
      const at = m.at % text.length;
      if (m.cut) await writeFile(jsonPath, text.subarray(0, at));
      else {
        const changed = Buffer.from(text);
        changed[at] = m.byte;
        await writeFile(jsonPath, changed);
      }
      return;
    }
    case 'headerLength': {
      const bytes = await readable(weightsPath);
      if (bytes === null || bytes.length < 8) return;
      const changed = Buffer.from(bytes);
      changed.writeBigUInt64LE(m.length);
      await writeFile(weightsPath, changed);
      return;
    }
    case 'headerField': {
      const bytes = await readable(weightsPath);
      if (bytes === null) return;
      let parts: { header: Json; data: Buffer };
      try {
        parts = splitWeights(bytes);
      } catch {
        return;
      }
      const all = paths(parts.header);
      await writeFile(weightsPath, joinWeights(edit(parts.header, all[m.pick % all.length]!, m.value), parts.data));
      return;
    }
    case 'weightsBytes': {
      const bytes = await readable(weightsPath);
      if (bytes === null || bytes.length === 0) return;
      const at = m.at % bytes.length;
      if (m.cut) await writeFile(weightsPath, bytes.subarray(0, at));
      else {
        const changed = Buffer.concat([bytes, Buffer.alloc(m.extra, m.byte)]);
        changed[at] = m.byte;
        await writeFile(weightsPath, changed);
      }
      return;
    }
    case 'fileKind': {
      const path = m.file === 'model.json' ? jsonPath : weightsPath;
      await rm(path, { recursive: true, force: true });
      if (m.becomes === 'directory') await mkdir(path);
      else if (m.becomes === 'fifo') execFileSync('mkfifo', [path]);
      else if (m.becomes === 'link-out') await symlink(join(base, 'outside.txt'), path);
      else if (m.becomes === 'link-zero') await symlink('/dev/zero', path);
      return;
    }
  }
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`loadModel did not settle within ${ms} ms`)), ms),
    ),
  ]);

describe('loadModel fuzzed', () => {
  // eslint-disable-next-line no-control-regex -- the control characters are what it looks for
  const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f]/;

  it('a mutated model directory loads whole or fails with a typed error that quotes no file bytes (200 runs)', async () => {
    const outcomes = { loaded: 0, refused: new Map<string, number>() };
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const dir = join(base, `run${runs++}`);
        await cp(template, dir, { recursive: true });
        for (const m of mutations) await apply(dir, m);
        const before = tf.memory();
        let model: Awaited<ReturnType<typeof loadModel<tf.Tensor>>> | null = null;
        try {
          model = await withTimeout(loadModel(dir), 5000);
        } catch (error) {
          expect(tf.TapeflowError.isInstance(error), `not a typed error: ${String(error)}`).toBe(true);
          expect((error as Error).message, 'a message that quotes a file').not.toContain('SECRET');
          expect((error as Error).message, 'a message with control characters').not.toMatch(CONTROL_CHARACTERS);
          const name = (error as Error).name;
          outcomes.refused.set(name, (outcomes.refused.get(name) ?? 0) + 1);
        }
        if (model !== null) {
          // A whole model: every weight readable, and it predicts.
          for (const v of model.variables) await v.data();
          const input = model.inputShape ?? [4];
          const x = tf.ones([1, ...input]);
          const y = model.predict(x);
          await y.data();
          tf.dispose([x, y]);
          model.dispose();
          outcomes.loaded++;
        }
        expect(tf.memory().numTensors).toBe(before.numTensors);
        expect(tf.memory().numVariables).toBe(before.numVariables);
        await rm(dir, { recursive: true, force: true });
      }),
      {
        numRuns: 200,
        ...(process.env.TAPEFLOW_FUZZ_SEED === undefined ? {} : { seed: Number(process.env.TAPEFLOW_FUZZ_SEED) }),
      },
    );
    console.log(
      `load fuzz: ${outcomes.loaded} loaded whole, refused: ${[...outcomes.refused].map(([k, v]) => `${k} ${v}`).join(', ')}`,
    );
    expect([...outcomes.refused.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
  }, 120_000);
});
