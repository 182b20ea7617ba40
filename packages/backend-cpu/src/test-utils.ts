/**
 * @file Test helpers for the kernel tests: the kernel paths every test runs on, a harness that writes
 * inputs and runs one kernel, a closeness check for float results, and a seeded generator for random
 * data. Not exported from index.ts, so the build leaves it out.
 */

import type {
  DataType,
  KernelAttrs,
  KernelInputs,
  KernelName,
  TensorInfo,
  TypedArray,
} from '@tapeflow/tensor-core/internal';
import { makeTypedArray } from '@tapeflow/tensor-core/internal';
import { afterAll, describe, expect } from 'vitest';
import { seededRandom } from '../../backend-conformance/src/reference/data.js';
import { CpuBackend, type CpuBackendOptions } from './cpu-backend.js';
import { detectFeatures } from './features.js';
import { WasmBufferStore } from './wasm/wasm-buffer-store.js';
import { createWasmKernelTable } from './wasm/wasm-kernel-table.js';

// The kit's seeded generator, by path as conformance.test.ts imports the kit (a package dependency
// on it would be a cycle: the kit depends on this package).
export { seededRandom };

/** One way of running the kernels, as the tests name it. */
export interface TestPath {
  readonly label: string;
  readonly options: CpuBackendOptions;
}

/**
 * The paths every kernel test runs on: plain JavaScript, WebAssembly SIMD on one thread, and SIMD with
 * every kernel cut into the smallest chunks and shared with a worker. Relaxed SIMD needs a V8 flag
 * that only a fresh process can take: relaxed-simd.test.ts runs this suite again in one, with
 * TAPEFLOW_CPU_TEST_PATHS=relaxed.
 */
export const TEST_PATHS: readonly TestPath[] =
  process.env.TAPEFLOW_CPU_TEST_PATHS === 'relaxed'
    ? [
        { label: 'relaxed simd', options: { simd: 'relaxed', threads: 1 } },
        { label: 'relaxed simd, 2 threads', options: { simd: 'relaxed', threads: 2, parallelThreshold: 0 } },
      ]
    : [
        { label: 'js', options: { simd: false } },
        { label: 'simd', options: { simd: true, threads: 1 } },
        { label: 'simd, 2 threads', options: { simd: true, threads: 2, parallelThreshold: 0 } },
      ];

/** The `simd` option of the SIMD paths under test: `'relaxed'` in the relaxed-SIMD run. */
export const SIMD_UNDER_TEST: true | 'relaxed' = process.env.TAPEFLOW_CPU_TEST_PATHS === 'relaxed' ? 'relaxed' : true;

/** `describe(name, body)` once per test path; `body` gets the path's backend options. */
export function describeEachPath(name: string, body: (options: CpuBackendOptions) => void): void {
  for (const path of TEST_PATHS) describe(`${name} [${path.label}]`, () => body(path.options));
}

// One backend per path and test file: a threaded backend starts a worker, too slow to do per test.
// Kernel tests only add buffers, so sharing cannot make one test see another's state.
const backends = new Map<string, CpuBackend>();
afterAll(() => {
  for (const backend of backends.values()) backend.dispose();
  backends.clear();
});

/** A backend for `options` plus shorthands to write tensors and run kernels on it. */
export class KernelHarness {
  readonly backend: CpuBackend;

  constructor(options: CpuBackendOptions = {}) {
    const key = JSON.stringify(options);
    let backend = backends.get(key);
    if (backend === undefined) backends.set(key, (backend = new CpuBackend(options)));
    this.backend = backend;
  }

  /** Writes `values` as a tensor of `shape` and `dtype` and describes it as a kernel input. */
  tensor(values: ArrayLike<number>, shape: readonly number[], dtype: DataType = 'float32'): TensorInfo {
    const array = makeTypedArray(values.length, dtype);
    array.set(Array.from(values));
    return { dataId: this.backend.write(array, shape, dtype), shape, dtype };
  }

  /** Runs kernel `name` with an output of `shape` and `dtype`; returns the output's stored array. */
  run<K extends KernelName>(
    name: K,
    inputs: KernelInputs<K>,
    attrs: KernelAttrs<K>,
    shape: readonly number[],
    dtype: DataType = 'float32',
  ): TypedArray {
    const kernel = this.backend.kernels[name];
    return this.backend.readSync(kernel({ inputs, attrs, output: { shape, dtype } }));
  }

  /** Like `run`, as a plain array for `toEqual`. */
  values<K extends KernelName>(
    name: K,
    inputs: KernelInputs<K>,
    attrs: KernelAttrs<K>,
    shape: readonly number[],
    dtype: DataType = 'float32',
  ): number[] {
    return Array.from(this.run(name, inputs, attrs, shape, dtype));
  }
}

/** Expects `actual` to match `expected` elementwise within a relative `tolerance`; NaN matches NaN. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      expect(a, `element ${i}`).toBe(e);
    } else {
      expect(Math.abs(a - e), `element ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(e)));
    }
  }
}

/** `size` random floats in [-1, 1) rounded to float32, from `random`. */
export function randomValues(size: number, random: () => number): number[] {
  return Array.from({ length: size }, () => Math.fround(random() * 2 - 1));
}

/** Row-major strides, for the naive reference implementations in tests. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides: number[] = [];
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d]!;
  }
  return strides;
}

/** Every multi-index of `shape` in row-major order. */
export function* indicesOf(shape: readonly number[]): Generator<number[]> {
  const size = shape.reduce((a, b) => a * b, 1);
  const index = new Array<number>(shape.length).fill(0);
  for (let n = 0; n < size; n++) {
    yield index.slice();
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d] = index[d]! + 1;
      if (index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
}

/** A WebAssembly buffer store a kernel test runs on, with the name the test titles give it. */
export interface StoreUnderTest {
  readonly label: string;
  readonly store: WasmBufferStore;
}

/**
 * The buffer stores a WebAssembly kernel test file runs on, on the SIMD path under test: one thread
 * with parallel threshold `oneThreadThreshold`, then, where the runtime has shared memory and
 * workers, two threads at each of `twoThreads`' thresholds (0: the smallest chunks, so every thread's
 * code path runs). They are disposed after the file's tests.
 */
export function wasmStoresUnderTest(
  oneThreadThreshold: number,
  twoThreads: readonly { readonly label: string; readonly threshold: number }[],
): StoreUnderTest[] {
  const features = detectFeatures();
  const relaxed = SIMD_UNDER_TEST === 'relaxed';
  const threaded = features.sharedMemory && features.workers !== undefined;
  const stores: StoreUnderTest[] = [
    {
      label: 'one thread',
      store: new WasmBufferStore({ relaxed, threads: 1, workers: undefined, parallelThreshold: oneThreadThreshold }),
    },
    ...(threaded ? twoThreads : []).map(({ label, threshold }) => ({
      label,
      store: new WasmBufferStore({ relaxed, threads: 2, workers: features.workers, parallelThreshold: threshold }),
    })),
  ];
  afterAll(() => {
    for (const { store } of stores) store.dispose();
  });
  return stores;
}

/**
 * Writes float32 `inputs` into `store`, runs its WebAssembly kernel `name` for an output of `shape`
 * (through `around`, which makes the call and may look at the store before and after), reads the
 * output back and frees every buffer it made.
 */
export function runOnStore<K extends KernelName>(
  store: WasmBufferStore,
  name: K,
  inputs: Record<string, { values: Float32Array; shape: readonly number[] }>,
  attrs: KernelAttrs<K>,
  shape: readonly number[],
  around: (call: () => unknown) => unknown = (call) => call(),
): TypedArray {
  const kernel = createWasmKernelTable(store)[name] as (call: unknown) => unknown;
  const infos: Record<string, TensorInfo> = {};
  for (const [key, { values, shape: inputShape }] of Object.entries(inputs)) {
    infos[key] = { dataId: store.write(values, 'float32'), shape: inputShape, dtype: 'float32' };
  }
  const out = around(() => kernel({ inputs: infos, attrs, output: { shape, dtype: 'float32' } }));
  const values = store.read(out as never);
  store.free(out as never);
  for (const info of Object.values(infos)) store.free(info.dataId);
  return values;
}
