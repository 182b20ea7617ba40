/**
 * @file `model.save(dir)` is atomic, proved with real processes: children saving models A and B
 * (different architectures) into one directory, both at once, are killed with SIGKILL at random
 * instants spread over their saves, 52 times; after each round the directory loads as exactly A or
 * exactly B (architecture and every weight bit). Loads while a child saves see A or B too; saves that
 * run concurrently in one process or in two all complete whole; the next save removes the leftovers of
 * killed ones; a save that fails leaves the old model and no files of its own.
 */
import '../test-setup.js';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tapeflow/tensor-core';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../model.js';
import { modelA, modelB } from './__fixtures__/models.js';
import { loadModel } from './load.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../../..');
const child = join(here, '__fixtures__/save-loop.ts');

interface Expected {
  readonly config: string;
  readonly weights: Float32Array[];
}

let base = '';
// The child bundled once into one file: a child then starts in about 0.15 s instead of 0.6 s through
// tsx, which is what lets 60 of them run in seconds on two cores.
let bundle = '';
const expected: Record<'A' | 'B', Expected> = { A: { config: '', weights: [] }, B: { config: '', weights: [] } };

async function describeModel(model: Model): Promise<Expected> {
  return {
    config: JSON.stringify(model.getConfig()),
    weights: (await Promise.all(model.variables.map((v) => v.data()))) as Float32Array[],
  };
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'tapeflow-atomic-'));
  bundle = join(base, 'save-loop.mjs');
  await build({
    entryPoints: [child],
    bundle: true,
    platform: 'node',
    format: 'esm',
    conditions: ['@tapeflow/source'],
    outfile: bundle,
    logLevel: 'error',
  });
  for (const [key, make] of [
    ['A', modelA],
    ['B', modelB],
  ] as const) {
    const model = make();
    expected[key] = await describeModel(model);
    model.dispose();
  }
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Which of A and B `dir` holds, exactly; throws when it holds neither (or does not load). */
async function whichModel(dir: string): Promise<'A' | 'B'> {
  const model = await loadModel(dir);
  try {
    const got = await describeModel(model);
    for (const key of ['A', 'B'] as const) {
      const want = expected[key];
      if (got.config !== want.config) continue;
      const same =
        got.weights.length === want.weights.length &&
        got.weights.every((w, i) =>
          Buffer.from(w.buffer, w.byteOffset, w.byteLength).equals(
            Buffer.from(want.weights[i]!.buffer, want.weights[i]!.byteOffset, want.weights[i]!.byteLength),
          ),
        );
      if (!same) throw new Error(`${dir} has model ${key}'s architecture but other weights`);
      return key;
    }
    throw new Error(`${dir} holds neither A's nor B's architecture`);
  } finally {
    model.dispose();
  }
}

/** A seeded generator (mulberry32), so a failing run can be replayed from the seed it prints. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Saver {
  readonly process: ChildProcess;
  /** Resolves when the child is about to start saving. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code (null when killed) once the child has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

function startSaver(dir: string, first: 'A' | 'B', count = 0): Saver {
  const saver = spawn(process.execPath, [bundle, dir, first, String(count)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let onReady = (): void => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  saver.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('ready')) onReady();
  });
  saver.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    saver.on('exit', (code, signal) => {
      onReady();
      resolve({ code, signal, output });
    }),
  );
  return { process: saver, ready, exited };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('model.save is atomic', () => {
  it('two children saving A and B into one directory, killed (SIGKILL) at 52 random instants: the directory always loads as exactly A or B, and the next save cleans up', async () => {
    const seed = Number(process.env.TAPEFLOW_KILL_SEED ?? Date.now() % 2 ** 31);
    const random = generator(seed);
    const dir = join(base, 'killed');
    const a = modelA();
    await a.save(dir);
    const seen = { A: 0, B: 0, midSave: 0, outsideFiles: 0 };
    const rounds = 26;
    for (let round = 0; round < rounds; round++) {
      const savers = [startSaver(dir, 'B'), startSaver(dir, 'A')];
      await Promise.all(savers.map((s) => s.ready));
      // Each kill lands somewhere in 0-200 ms of back-to-back saves (a save takes 10-40 ms here): in
      // encoding, writing or syncing the weights, writing model.json, the switch, or the cleanup.
      await Promise.all(
        savers.map(async (s) => {
          await sleep(random() * 200);
          s.process.kill('SIGKILL');
        }),
      );
      const exits = await Promise.all(savers.map((s) => s.exited));
      for (const exit of exits)
        expect(exit.signal, `seed ${seed}, round ${round}: a child ended by itself:\n${exit.output}`).toBe('SIGKILL');
      const entries = await readdir(dir);
      // A kill between a child's first file and its switch leaves files with its pid that model.json
      // does not name; a kill while it encoded, or after its cleanup, leaves none.
      const current = (
        JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { path: string } }
      ).weightsManifest.path;
      for (const s of savers) {
        if (entries.some((name) => name !== current && name.includes(`-${s.process.pid}-`))) seen.midSave++;
        else seen.outsideFiles++;
      }
      seen[
        await whichModel(dir).catch((error: unknown) => {
          throw new Error(
            `seed ${seed}, round ${round}: after the kills the directory does not load as A or B: ${String(error)}\nfiles: ${entries.join(', ')}`,
          );
        })
      ]++;
    }
    console.log(
      `atomic save: ${2 * rounds} kills (seed ${seed}): loaded A ${seen.A} times, B ${seen.B} times; ` +
        `${seen.midSave} kills between a save's first file and its switch or cleanup, ${seen.outsideFiles} while encoding or after a cleanup`,
    );
    expect(seen.A + seen.B).toBe(rounds);
    // Kills landed both before and after switches, inside the file phase of saves and outside it.
    expect(seen.A).toBeGreaterThan(0);
    expect(seen.B).toBeGreaterThan(0);
    expect(seen.midSave).toBeGreaterThan(0);
    expect(seen.outsideFiles).toBeGreaterThan(0);
    // The next save removes what the killed processes left: one model.json and the weights it names.
    await a.save(dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect((await readdir(dir)).sort()).toEqual(['model.json', json.weightsManifest.path].sort());
    expect(await whichModel(dir)).toBe('A');
    a.dispose();
  }, 120_000);

  it('loads while another process saves see exactly A or B, and two processes saving at once both complete whole', async () => {
    const dir = join(base, 'busy');
    const b = modelB();
    await b.save(dir);
    b.dispose();
    const savers = [startSaver(dir, 'A', 12), startSaver(dir, 'B', 12)];
    await Promise.all(savers.map((s) => s.ready));
    let loads = 0;
    while (loads < 30) {
      await whichModel(dir);
      loads++;
      if (
        (await Promise.race([Promise.all(savers.map((s) => s.exited)).then(() => true), sleep(0).then(() => false)])) &&
        loads > 5
      )
        break;
    }
    const exits = await Promise.all(savers.map((s) => s.exited));
    for (const exit of exits) expect(exit, exit.output).toMatchObject({ code: 0 });
    expect(['A', 'B']).toContain(await whichModel(dir));
  }, 60_000);

  it('concurrent saves in one process all complete, and the directory holds one of them whole', async () => {
    const dir = join(base, 'concurrent');
    const [a, b] = [modelA(), modelB()];
    await Promise.all([a.save(dir), b.save(dir), a.save(dir), b.save(dir)]);
    expect(['A', 'B']).toContain(await whichModel(dir));
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect((await readdir(dir)).sort()).toEqual(['model.json', json.weightsManifest.path].sort());
    // Through another spelling of the same directory too: saves are queued by the real path.
    await Promise.all([a.save(`${dir}/`), b.save(join(dir, '..', 'concurrent'))]);
    expect(['A', 'B']).toContain(await whichModel(dir));
    expect(await readdir(dir)).toHaveLength(2);
    a.dispose();
    b.dispose();
  }, 30_000);

  it('a save that fails before its switch leaves the old model whole and none of its own files', async () => {
    const dir = join(base, 'failing');
    const [a, b] = [modelA(), modelB()];
    await a.save(dir);
    const before = (await readdir(dir)).sort();
    // A model.json that cannot be replaced: the switch fails, typed, naming the file.
    const json = await readFile(join(dir, 'model.json'));
    await rm(join(dir, 'model.json'));
    await mkdir(join(dir, 'model.json', 'inside'), { recursive: true });
    await expect(b.save(dir)).rejects.toThrow(tf.FailedPreconditionError);
    await expect(b.save(dir)).rejects.toThrow(
      /save: '.*failing\/model\.json' is a directory that is not empty \(ENOTEMPTY\)|save: '.*failing\/model\.json' is a directory, not a regular file \(EISDIR\)/,
    );
    await rm(join(dir, 'model.json'), { recursive: true });
    await writeFile(join(dir, 'model.json'), json);
    expect((await readdir(dir)).sort()).toEqual(before);
    expect(await whichModel(dir)).toBe('A');
    // A directory path that is a file.
    await expect(b.save(join(dir, 'model.json'))).rejects.toThrow(
      /save: '.*model\.json' (already exists and is not a directory|is not a directory)/,
    );
    a.dispose();
    b.dispose();
  });

  it('understands file:// (stripping it, as TensorFlow.js does) and refuses other schemes; never makes a folder named file:', async () => {
    const a = modelA();
    try {
      // Relative to the working directory (worker threads cannot chdir), as './m' would be.
      await a.save(`file://./${relative(process.cwd(), join(base, 'scheme'))}`);
      expect(await whichModel(join(base, 'scheme'))).toBe('A');
      expect(await readdir(process.cwd())).not.toContain('file:');
      await a.save(`file://${join(base, 'absolute')}`);
      expect(await whichModel(`file://${join(base, 'absolute')}`)).toBe('A');
      for (const url of ['http://example.com/m', 'indexeddb://m', 'localstorage://m', 'HTTPS://x/y']) {
        await expect(a.save(url)).rejects.toThrow(tf.UnimplementedError);
        await expect(a.save(url)).rejects.toThrow(
          /save: argument 'dir' expected a local path or a file:\/\/ URL, but got a '[a-z]+:\/\/' URL/,
        );
        await expect(loadModel(url)).rejects.toThrow(tf.UnimplementedError);
        await expect(a.saveWeights(url)).rejects.toThrow(tf.UnimplementedError);
      }
      expect(await readdir(process.cwd())).not.toContain('file:');
      expect(await readdir(process.cwd())).not.toContain('http:');
      expect(await readdir(base)).not.toContain('file:');
    } finally {
      a.dispose();
    }
  });
});
