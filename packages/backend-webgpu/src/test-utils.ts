/**
 * @file Test helpers: a WebGPU backend on Dawn + SwiftShader (the npm `webgpu` package and Debian's
 * chromium Vulkan driver, also when the environment names a driver that gives Dawn no adapter), and
 * `compareWithCpu`, which runs the same tensor program on the CPU backend (the living definition) and
 * on WebGPU and checks shapes, dtypes and values. Not exported from
 * index.ts, so the build leaves it out.
 *
 * When no adapter exists the backend's factory rejects with the error that says what to install, and
 * so every test file fails with it: WebGPU tests never skip silently.
 */

// Before `create()`: the Vulkan loader reads it when Dawn makes an instance. Tests run on SwiftShader
// unless the environment names another driver; one that gives Dawn no adapter falls back to it.
process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;

import { cpuBackend } from '@tapeflow/backend-cpu';
import { DEFAULT_TOLERANCE, memoryDrift, memorySnapshot } from '@tapeflow/backend-conformance';
import type { ConformanceCase, ConformanceEnvironment } from '@tapeflow/backend-conformance';
import * as tf from '@tapeflow/tensor-core/internal';
import { create } from 'webgpu';
import { expect, it } from 'vitest';
import { SWIFTSHADER_ICD, nodeGpu, webgpuBackend } from './index.js';
import type { WebGpuBackend, WebGpuBackendOptions } from './index.js';

let gpu: Promise<GPU> | undefined;

/** Node's GPU object (with SwiftShader's fallback, see node-gpu.ts), made once per test file (process). */
export function testGpu(): Promise<GPU> {
  return (gpu ??= nodeGpu(create));
}

/** A fresh WebGPU backend on Node's GPU. */
export async function createTestBackend(options: Omit<WebGpuBackendOptions, 'gpu'> = {}): Promise<WebGpuBackend> {
  return webgpuBackend({ ...options, gpu: await testGpu() });
}

/**
 * Registers 'cpu' and a fresh 'webgpu' on the default Engine; returns the WebGPU backend, which the
 * caller disposes in afterAll (removeBackend destroys its device).
 */
export async function registerBoth(options: Omit<WebGpuBackendOptions, 'gpu'> = {}): Promise<WebGpuBackend> {
  const engine = tf.getEngine();
  if (!engine.registeredBackends().includes('cpu')) tf.registerBackend('cpu', cpuBackend);
  if (engine.registeredBackends().includes('webgpu')) tf.removeBackend('webgpu');
  const backend = await createTestBackend(options);
  tf.registerBackend('webgpu', () => backend);
  await tf.setBackend('webgpu');
  return backend;
}

/** A tensor's shape, dtype and values, read on any backend. */
export interface Snapshot {
  readonly shape: readonly number[];
  readonly dtype: tf.DataType;
  readonly values: number[];
}

async function snapshot(result: tf.Tensor | readonly tf.Tensor[]): Promise<Snapshot[]> {
  const list = result instanceof tf.Tensor ? [result] : result;
  return Promise.all(list.map(async (t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(await t.data()) })));
}

/** Runs `program` on `backend` (inside tidy) and snapshots what it returns. */
export async function runOn(backend: 'cpu' | 'webgpu', program: () => tf.Tensor | tf.Tensor[]): Promise<Snapshot[]> {
  await tf.setBackend(backend);
  const result = tf.tidy(program);
  try {
    return await snapshot(result);
  } finally {
    tf.dispose(result);
  }
}

/**
 * Expects `actual` to match `expected` elementwise: within `tolerance` relative to 1 + |expected| for
 * float32, exactly for int32 and bool; NaN matches NaN and infinities must match exactly.
 */
export function expectSnapshotsClose(
  actual: readonly Snapshot[],
  expected: readonly Snapshot[],
  tolerance = 1e-5,
  label = '',
): void {
  expect(actual.length, label).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    expect(a.shape, `${label} output ${i} shape`).toEqual(e.shape);
    expect(a.dtype, `${label} output ${i} dtype`).toBe(e.dtype);
    if (e.dtype !== 'float32') {
      expect(a.values, `${label} output ${i}`).toEqual(e.values);
      return;
    }
    expectClose(a.values, e.values, tolerance, `${label} output ${i}`);
  });
}

/** Elementwise closeness of float values (see expectSnapshotsClose). */
export function expectClose(
  actual: readonly number[],
  expected: readonly number[],
  tolerance = 1e-5,
  label = '',
): void {
  expect(actual.length, label).toBe(expected.length);
  for (let j = 0; j < expected.length; j++) {
    const x = actual[j]!;
    const y = expected[j]!;
    if (Number.isNaN(y) || !Number.isFinite(y)) {
      expect(x, `${label} element ${j}`).toBe(y);
    } else {
      expect(Math.abs(x - y), `${label} element ${j}: ${x} vs ${y}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(y)));
    }
  }
}

/** Runs `program` on the CPU and on WebGPU and expects the same results. */
export async function compareWithCpu(
  program: () => tf.Tensor | tf.Tensor[],
  tolerance = 1e-5,
  label = '',
): Promise<void> {
  const expected = await runOn('cpu', program);
  const actual = await runOn('webgpu', program);
  expectSnapshotsClose(actual, expected, tolerance, label);
}

/** Writes a tensor on one backend and describes it as a kernel input. */
export type TensorWriter = (values: readonly number[], shape: readonly number[], dtype?: tf.DataType) => tf.TensorInfo;

/**
 * Runs kernel `name` directly (no op front-end) on a fresh CPU backend and on the active WebGPU
 * backend with the same inputs, and expects the same output: for what front-ends never pass (bool
 * reductions, int32 RealDiv) but the kernels accept.
 */
export async function compareKernel<K extends tf.KernelName>(
  name: K,
  inputs: (write: TensorWriter) => tf.KernelInputs<K>,
  attrs: tf.KernelAttrs<K>,
  output: tf.OutputSpec,
  tolerance = 0,
  label: string = name,
): Promise<void> {
  await tf.setBackend('webgpu');
  const results: Snapshot[] = [];
  for (const backend of [cpuBackend(), tf.getEngine().backend]) {
    const written: tf.DataId[] = [];
    const write: TensorWriter = (values, shape, dtype = 'float32') => {
      const array = tf.makeTypedArray(values.length, dtype);
      array.set(values);
      const dataId = backend.write(array, shape, dtype);
      written.push(dataId);
      return { dataId, shape, dtype };
    };
    const kernel = backend.kernels[name] as tf.KernelFunction<K>;
    const out = kernel({ inputs: inputs(write), attrs, output });
    results.push({ shape: output.shape, dtype: output.dtype, values: Array.from(await backend.read(out)) });
    for (const dataId of [...written, out]) backend.disposeData(dataId);
  }
  expectSnapshotsClose([results[1]!], [results[0]!], tolerance, label);
}

/** Runs kernel `name` directly on the active WebGPU backend and returns its output's values. */
export async function webgpuKernelValues<K extends tf.KernelName>(
  name: K,
  inputs: (write: TensorWriter) => tf.KernelInputs<K>,
  attrs: tf.KernelAttrs<K>,
  output: tf.OutputSpec,
): Promise<number[]> {
  await tf.setBackend('webgpu');
  const backend = tf.getEngine().backend;
  const written: tf.DataId[] = [];
  const write: TensorWriter = (values, shape, dtype = 'float32') => {
    const array = tf.makeTypedArray(values.length, dtype);
    array.set(values);
    const dataId = backend.write(array, shape, dtype);
    written.push(dataId);
    return { dataId, shape, dtype };
  };
  const out = (backend.kernels[name] as tf.KernelFunction<K>)({ inputs: inputs(write), attrs, output });
  const values = Array.from(await backend.read(out));
  for (const dataId of [...written, out]) backend.disposeData(dataId);
  return values;
}

/** Deterministic pseudo-random values in [lo, hi) (a linear congruential generator). */
export function seeded(count: number, seed = 1, lo = -2, hi = 2): number[] {
  const out = new Array<number>(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * state) / 2 ** 32;
  }
  return out;
}

/** Deterministic integers in [lo, hi). */
export function seededInts(count: number, seed = 1, lo = -10, hi = 10): number[] {
  return seeded(count, seed, lo, hi).map(Math.floor);
}

/**
 * One test per case of the conformance kit, on the WebGPU backend `backend()` gives (the CPU backend
 * is the reference), each also checking that the case leaves no GPU memory behind. For test files
 * that run a kit group on a backend forced onto one shader.
 */
export function itPassesConformanceCases(cases: readonly ConformanceCase[], backend: () => WebGpuBackend): void {
  for (const conformanceCase of cases) {
    it(conformanceCase.name, async () => {
      await tf.setBackend('webgpu');
      const environment: ConformanceEnvironment = {
        backendName: 'webgpu',
        backend: backend(),
        tolerance: DEFAULT_TOLERANCE,
        onReference: async <T>(fn: () => Promise<T>): Promise<T> => {
          await tf.setBackend('cpu');
          try {
            return await fn();
          } finally {
            await tf.setBackend('webgpu');
          }
        },
      };
      const before = memorySnapshot(environment.backend);
      await conformanceCase.run(environment);
      expect(memoryDrift(before, memorySnapshot(environment.backend))).toBeNull();
    });
  }
}
