/**
 * @file Tests of the worker pool: threaded kernels give results bit-identical to single-threaded ones
 * (with the finest chunks and with the default ones), workers really take part, the single-threaded
 * fallback says so once, and workers neither keep Node alive nor outlive `dispose()`.
 */

import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataType, KernelAttrs, KernelInputs, KernelName, TensorInfo } from '@tapeflow/tensor-core/internal';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CpuBackend, chooseThreads } from '../cpu-backend.js';
import { WASM_BINARY_OPS, WASM_UNARY_OPS } from '../wasm/emit-elementwise.js';
import { SIMD_UNDER_TEST, randomValues, seededRandom } from '../test-utils.js';
import { createWasmKernelTable } from '../wasm/wasm-kernel-table.js';
import { WasmBufferStore } from '../wasm/wasm-buffer-store.js';

const simd = SIMD_UNDER_TEST;
const single = new CpuBackend({ simd, threads: 1 });
const fine = new CpuBackend({ simd, threads: 2, parallelThreshold: 0 });
const coarse = new CpuBackend({ simd, threads: 2 });
const backends = [single, fine, coarse];
afterAll(() => backends.forEach((backend) => backend.dispose()));

function input(
  backend: CpuBackend,
  values: readonly number[],
  shape: readonly number[],
  dtype: DataType = 'float32',
): TensorInfo {
  return { dataId: backend.write(Float32Array.from(values), shape, dtype), shape, dtype };
}

/** Runs one kernel on every backend with the same inputs; returns each result's bit patterns. */
function runEverywhere<K extends KernelName>(
  name: K,
  inputs: Record<string, { values: readonly number[]; shape: readonly number[] }>,
  attrs: KernelAttrs<K>,
  shape: readonly number[],
): Uint32Array[] {
  return backends.map((backend) => {
    const infos = Object.fromEntries(
      Object.entries(inputs).map(([key, v]) => [key, input(backend, v.values, v.shape)]),
    );
    const kernel = backend.kernels[name];
    const out = backend.readSync(
      kernel({ inputs: infos as KernelInputs<K>, attrs, output: { shape, dtype: 'float32' } }),
    );
    return new Uint32Array(out.buffer, out.byteOffset, out.length);
  });
}

/** Expects every result to have the first's bits; reports the first difference (toEqual is slow here). */
function expectIdentical(results: Uint32Array[]): void {
  const [reference, ...others] = results;
  for (const other of others) {
    expect(other.length).toBe(reference!.length);
    const differs = other.findIndex((bits, i) => bits !== reference![i]);
    expect(differs, `first differing element: ${differs}`).toBe(-1);
  }
}

const random = seededRandom(2024);
const data = (size: number): number[] => randomValues(size, random);

describe('threaded kernels', () => {
  beforeAll(async () => {
    // Workers start asynchronously; until one has taken a chunk, the main thread alone could pass.
    const deadline = Date.now() + 20000;
    while (fine.workerChunks === 0 || coarse.workerChunks === 0) {
      if (Date.now() > deadline) throw new Error('no worker joined within 20 s');
      runEverywhere(
        'MatMul',
        { a: { values: data(256 * 256), shape: [256, 256] }, b: { values: data(256 * 256), shape: [256, 256] } },
        { transposeA: false, transposeB: false },
        [256, 256],
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }, 30000);

  const products: [string, number[], number[], boolean, boolean, number[]][] = [
    ['plain', [67, 45], [45, 131], false, false, [67, 131]],
    ['transposeA', [45, 67], [45, 131], true, false, [67, 131]],
    ['transposeB', [67, 45], [131, 45], false, true, [67, 131]],
    ['both transposed', [45, 67], [131, 45], true, true, [67, 131]],
    ['batched, broadcast B', [3, 33, 300], [300, 70], false, false, [3, 33, 70]],
    ['large (default chunks split too)', [300, 400], [400, 500], false, false, [300, 500]],
  ];
  for (const [label, aShape, bShape, transposeA, transposeB, outShape] of products) {
    it(`MatMul ${label}: bit-identical to one thread`, () => {
      const a = { values: data(aShape.reduce((x, y) => x * y)), shape: aShape };
      const b = { values: data(bShape.reduce((x, y) => x * y)), shape: bShape };
      expectIdentical(runEverywhere('MatMul', { a, b }, { transposeA, transposeB }, outShape));
    });
  }

  it('binary ops, every operand layout and a broadcast row: bit-identical to one thread', () => {
    const n = 150001;
    const a = { values: data(n), shape: [n] };
    const b = { values: data(n), shape: [n] };
    const scalar = { values: [0.75], shape: [] };
    for (const op of WASM_BINARY_OPS) {
      expectIdentical(runEverywhere(op, { a, b }, {}, [n]));
      expectIdentical(runEverywhere(op, { a, b: scalar }, {}, [n]));
      expectIdentical(runEverywhere(op, { a: scalar, b }, {}, [n]));
    }
    const matrix = { values: data(300 * 501), shape: [300, 501] };
    const row = { values: data(501), shape: [501] };
    expectIdentical(runEverywhere('Add', { a: matrix, b: row }, {}, [300, 501]));
  });

  it('unary ops: bit-identical to one thread', () => {
    const n = 200003;
    const x = { values: data(n).map((v) => v * 3), shape: [n] };
    for (const op of WASM_UNARY_OPS) expectIdentical(runEverywhere(op, { x }, {}, [n]));
  });

  it('workers took part', () => {
    expect(fine.workerChunks).toBeGreaterThan(0);
    expect(coarse.workerChunks).toBeGreaterThan(0);
    expect(single.workerChunks).toBe(0);
  });
});

describe('thread count', () => {
  const noSharing = { simd: true, relaxedSimd: false, sharedMemory: false, workers: 'web', cores: 8 } as const;

  it('falls back to one thread without shared memory, and says so once', () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    expect(chooseThreads(undefined, 'simd', noSharing)).toBe(1);
    expect(chooseThreads(4, 'simd', noSharing)).toBe(1);
    expect(info).toHaveBeenCalledTimes(1);
    expect(String(info.mock.calls[0]?.[0])).toMatch(/single-threaded.*cross-origin isolated/);
    info.mockRestore();
  });

  it('uses the cores by default, one thread on the JavaScript path, and rejects a bad count', () => {
    const full = { ...noSharing, sharedMemory: true } as const;
    expect(chooseThreads(undefined, 'simd', full)).toBe(8);
    expect(chooseThreads(3, 'relaxed-simd', full)).toBe(3);
    expect(chooseThreads(8, 'js', full)).toBe(1);
    expect(() => chooseThreads(0, 'simd', full)).toThrow(/positive integer/);
  });
});

describe('worker lifetime', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
  // A child Node process: this test's own process keeps vitest's workers, so it cannot show an exit.
  const runChild = (dispose: boolean): string =>
    execFileSync(
      process.execPath,
      [
        '--conditions=@tapeflow/source',
        '--import',
        'tsx',
        join(dirname(fileURLToPath(import.meta.url)), 'lifetime-child.ts'),
        String(dispose),
      ],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 60000,
      },
    );

  it('workers do not keep Node alive when the backend is never disposed', () => {
    expect(runChild(false)).toMatch(/workers joined: [1-9]/);
  }, 70000);

  it('dispose() stops the workers, and the process exits', () => {
    expect(runChild(true)).toMatch(/workers joined: [1-9].*disposed/s);
  }, 70000);

  it('dispose() ends the worker threads', async () => {
    const store = new WasmBufferStore({
      relaxed: simd === 'relaxed',
      threads: 3,
      workers: 'node',
      parallelThreshold: 0,
    });
    const kernels = createWasmKernelTable(store);
    const x = {
      dataId: store.write(new Float32Array(4096).fill(2), 'float32'),
      shape: [4096],
      dtype: 'float32',
    } as const;
    kernels.Relu({ inputs: { x }, attrs: {}, output: x });
    expect(store.pool?.started).toBe(true);
    store.dispose();
    await expect(store.pool?.exited).resolves.toBeUndefined();
    expect(() => kernels.Relu({ inputs: { x }, attrs: {}, output: x })).toThrow(/disposed/);
  }, 30000);
});

describe('small products', () => {
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  it('a stream of 64³ products goes to the awake workers (bit-identical); an isolated one stays on the calling thread', async () => {
    // The default threshold: a 64³ product (32768 work units) is below it.
    const store = new WasmBufferStore({
      relaxed: simd === 'relaxed',
      threads: 2,
      workers: 'node',
      parallelThreshold: 131072,
    });
    const pool = store.pool!;
    const kernels = createWasmKernelTable(store);
    const operand = (): TensorInfo => ({
      dataId: store.write(Float32Array.from(data(64 * 64)), 'float32'),
      shape: [64, 64],
      dtype: 'float32',
    });
    const [a, b] = [operand(), operand()];
    const product = (): Uint32Array => {
      const out = kernels.MatMul({
        inputs: { a, b },
        attrs: { transposeA: false, transposeB: false },
        output: { shape: [64, 64], dtype: 'float32' },
      });
      const values = store.read(out);
      store.free(out);
      return new Uint32Array(values.buffer, values.byteOffset, values.length);
    };
    try {
      const alone = product();
      expect(pool.started).toBe(false);
      const deadline = Date.now() + 20000;
      while (pool.workerChunks === 0) {
        if (Date.now() > deadline) throw new Error('no worker took part in a stream of products within 20 s');
        for (let i = 0; i < 50; i++) expectIdentical([alone, product()]);
        await sleep(1);
      }
      // Once the workers sleep, an isolated product does not wake them.
      while (pool.awakeWorkers > 0) {
        if (Date.now() > deadline) throw new Error('the workers did not go to sleep within 20 s');
        await sleep(5);
      }
      const before = pool.workerChunks;
      expectIdentical([alone, product()]);
      expect(pool.workerChunks).toBe(before);
    } finally {
      store.dispose();
    }
  }, 30000);
});
