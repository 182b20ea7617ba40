/**
 * @file The WebGPU backend's storage and its behaviour on bad input: the factory's errors without a GPU
 * or an adapter, writes and reads of every dtype, exact memory accounting, buffer reuse, the pipeline
 * cache, batched submits, dispatches past 65535 workgroups, the device's buffer limit, asynchronous
 * reads only (dataSync names `await t.data()`), disposed tensors, tensors of another backend (moved
 * from a synchronous one, refused from an asynchronous one) and a device lost mid-run.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import {
  FUSED_KERNEL_NAMES,
  FailedPreconditionError,
  NotFoundError,
  PRIMITIVE_KERNEL_NAMES,
  ResourceExhaustedError,
} from '@tapeflow/tensor-core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from 'webgpu';
import { WEBGPU_BACKEND_NAME, webgpuBackend } from './index.js';
import type { WebGpuBackend } from './index.js';
import { createTestBackend, registerBoth, seeded } from './test-utils.js';

let backend: WebGpuBackend;

beforeAll(async () => {
  backend = await registerBoth();
});
afterAll(() => tf.removeBackend('webgpu'));

describe('webgpuBackend factory', () => {
  it('says what to install when Node has no GPU object', async () => {
    const error = await webgpuBackend().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/navigator\.gpu.*'webgpu' package.*VK_ICD_FILENAMES/s);
  });

  it('says what to install when there is no adapter', async () => {
    const noAdapter = { requestAdapter: () => Promise.resolve(null) } as unknown as GPU;
    const error = await webgpuBackend({ gpu: noAdapter }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/no WebGPU adapter.*Vulkan driver.*apt-get install chromium libvulkan1/s);
  });

  it("keeps the GPU object it was given alive: collecting the caller's copy does not take the device down", async () => {
    // Dawn's Node bindings free the instance with its JS object; a crash here kills the test process.
    const inline = await webgpuBackend({ gpu: create([]) });
    for (let i = 0; i < 3; i++) {
      (globalThis as { gc?: () => void }).gc?.();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const id = inline.write(new Float32Array([1, 2]), [2], 'float32');
    expect(Array.from(await inline.read(id))).toEqual([1, 2]);
    inline.dispose();
  });

  it("makes a backend of the current contract with every kernel, on the adapter's limits", () => {
    expect(backend.name).toBe(WEBGPU_BACKEND_NAME);
    expect(backend.specVersion).toBe(tf.BACKEND_SPEC_VERSION);
    expect(typeof backend.readSync).toBe('undefined');
    for (const name of [...PRIMITIVE_KERNEL_NAMES, ...FUSED_KERNEL_NAMES])
      expect(typeof backend.kernels[name], name).toBe('function');
    expect(backend.limits.maxBufferBytes).toBe(
      Math.min(backend.device.limits.maxStorageBufferBindingSize, backend.device.limits.maxBufferSize),
    );
    expect(backend.limits.workgroupSize).toBeLessThanOrEqual(backend.device.limits.maxComputeInvocationsPerWorkgroup);
  });
});

describe('storage', () => {
  it('writes and reads every dtype (bool as 0/1 bytes) and empty tensors', async () => {
    const cases = [
      [new Float32Array([1.5, -0, NaN, Infinity, 3e38]), 'float32'],
      [new Int32Array([0, -1, 2147483647, -2147483648]), 'int32'],
      [new Uint8Array([1, 0, 1, 1]), 'bool'],
      [new Float32Array(0), 'float32'],
    ] as const;
    for (const [values, dtype] of cases) {
      const id = backend.write(values, [values.length], dtype);
      const read = await backend.read(id);
      expect(read.constructor).toBe(values.constructor);
      expect(Array.from(read)).toEqual(Array.from(values));
      backend.disposeData(id);
    }
  });

  it('copies on write, refuses a mismatched array, and counts 4 bytes per element exactly', async () => {
    const before = backend.memory();
    const source = new Float32Array([1, 2, 3]);
    const id = backend.write(source, [3], 'float32');
    source[0] = 99;
    expect(Array.from(await backend.read(id))).toEqual([1, 2, 3]);
    const flag = backend.write(new Uint8Array([1, 0]), [2], 'bool');
    expect(backend.memory()).toEqual({ numBytes: before.numBytes + 20, numDataBuffers: before.numDataBuffers + 2 });
    expect(() => backend.write(new Int32Array(3), [3], 'float32')).toThrow(tf.InvalidArgumentError);
    expect(() => backend.write(new Float32Array(3), [4], 'float32')).toThrow(tf.InvalidArgumentError);
    backend.disposeData(id);
    backend.disposeData(flag);
    expect(backend.memory()).toEqual(before);
  });

  it('reuses freed buffers of the same size class and compiles one pipeline per shader', async () => {
    const a = tf.tensor(seeded(1000), [10, 100]);
    const first = tf.tidy(() => tf.add(tf.mul(a, 2), 1));
    await first.data();
    first.dispose();
    await backend.flush();
    const pipelines = backend.poolStats().pipelines;
    const created = backend.poolStats().liveBuffers + backend.poolStats().pooledBuffers;
    for (let i = 0; i < 5; i++) {
      const b = tf.tidy(() => tf.add(tf.mul(a, i), 1));
      await b.data();
      b.dispose();
    }
    // The same shaders (rank and operand classes decide them, not shapes) and recycled buffers.
    expect(backend.poolStats().pipelines).toBe(pipelines);
    expect(backend.poolStats().liveBuffers + backend.poolStats().pooledBuffers).toBe(created);
    const c = tf.tidy(() => tf.add(tf.tensor(seeded(7), [7]), 2));
    await c.data();
    expect(backend.poolStats().pipelines).toBe(pipelines);
    tf.dispose([a, c]);
  });

  it('batches dispatches and submits every flushEvery ops, at reads and at flush', async () => {
    const small = await createTestBackend({ flushEvery: 3 });
    tf.registerBackend('webgpu-batch', () => small);
    await tf.setBackend('webgpu-batch');
    let x = tf.tensor([1, 2, 3]);
    for (let i = 0; i < 10; i++) {
      const next = x.add(1);
      x.dispose();
      x = next;
    }
    await small.flush();
    expect(Array.from(await x.data())).toEqual([11, 12, 13]);
    x.dispose();
    await tf.setBackend('webgpu');
    tf.removeBackend('webgpu-batch');
  });

  it('folds more than 65535 workgroups into a 2-D grid', async () => {
    const n = 65536 * 64 + 100;
    const values = new Float32Array(n).map((_, i) => i % 1000);
    const y = tf.add(tf.tensor(values), 1);
    const out = await y.data();
    expect(out[0]).toBe(1);
    expect(out[n - 1]).toBe(((n - 1) % 1000) + 1);
    expect(out[65535 * 64 + 7]).toBe(((65535 * 64 + 7) % 1000) + 1);
    y.dispose();
    // With a tiny per-dimension limit, every shader shape (element and workgroup-per-output) folds.
    // One invocation per workgroup makes every tree reduction a single step.
    const folded = await createTestBackend({
      limits: { maxComputeWorkgroupsPerDimension: 3, maxComputeInvocationsPerWorkgroup: 1 },
    });
    expect(folded.limits.workgroupSize).toBe(1);
    tf.registerBackend('webgpu-folded', () => folded);
    await tf.setBackend('webgpu-folded');
    const x = tf.tensor(seeded(20 * 300), [20, 300]);
    const [sum, product, shifted] = [x.reduceSum(1), tf.matmul(x, x, { transposeB: true }), x.add(1)];
    const rows = Array.from({ length: 20 }, (_, r) => seeded(6000).slice(r * 300, r * 300 + 300));
    Array.from(await sum.data()).forEach((v, i) =>
      expect(v).toBeCloseTo(
        rows[i]!.reduce((s, w) => s + Math.fround(w), 0),
        3,
      ),
    );
    const products = await product.data();
    expect(products[21]).toBeCloseTo(
      rows[1]!.reduce((s, w, j) => s + Math.fround(w) * Math.fround(rows[1]![j]!), 0),
      3,
    );
    expect((await shifted.data())[5999]).toBeCloseTo(Math.fround(rows[19]![299]!) + 1, 5);
    tf.dispose([x, sum, product, shifted]);
    await tf.setBackend('webgpu');
    tf.removeBackend('webgpu-folded');
  });

  it('refuses a tensor larger than the device allows, naming the limit, and leaves nothing behind', async () => {
    const before = tf.memory();
    const limit = backend.limits.maxBufferBytes;
    expect(() => tf.zeros([limit / 4 + 1])).toThrow(ResourceExhaustedError);
    expect(() => tf.zeros([limit / 4 + 1])).toThrow(
      new RegExp(`${backend.limits.maxBufferLimitName} = ${limit} bytes`),
    );
    const small = await createTestBackend({ limits: { maxStorageBufferBindingSize: 4096 } });
    expect(() => small.write(new Float32Array(1025), [1025], 'float32')).toThrow(
      /write: a float32 tensor of shape \[1025\] needs 4100 bytes.*maxStorageBufferBindingSize = 4096 bytes/,
    );
    const x = small.write(new Float32Array(1024), [1024], 'float32');
    const info = { dataId: x, shape: [1, 1024], dtype: 'float32' } as const;
    expect(() =>
      small.kernels.BroadcastTo({ inputs: { x: info }, attrs: {}, output: { shape: [2, 1024], dtype: 'float32' } }),
    ).toThrow(/BroadcastTo: a float32 tensor of shape \[2,1024\]/);
    expect(small.memory().numDataBuffers).toBe(1);
    small.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
  });
});

describe('bad input', () => {
  it('reads asynchronously only: dataSync and arraySync name await t.data(); toString names tf.format', async () => {
    const t = tf.tensor([1, 2]);
    expect(() => t.dataSync()).toThrow(/await t\.data\(\)/);
    expect(() => t.arraySync()).toThrow(/await t\.data\(\)/);
    expect(t.toString()).toMatch(/tf\.format/);
    expect(await tf.format(t)).toBe('Tensor(shape=[2], dtype=float32, [1., 2.])');
    t.dispose();
  });

  it('refuses to read or use a disposed tensor', async () => {
    const t = tf.tensor([1, 2, 3]);
    const id = t.dataId;
    t.dispose();
    await expect(t.data()).rejects.toThrow(FailedPreconditionError);
    expect(() => t.add(1)).toThrow(/disposed/);
    await expect(backend.read(id)).rejects.toThrow(/already disposed/);
    expect(() => backend.disposeData(id)).toThrow(FailedPreconditionError);
  });

  it('moves a tensor from the synchronous CPU backend; refuses one from WebGPU on another backend', async () => {
    await tf.setBackend('cpu');
    const onCpu = tf.tensor([1, 2, 3]);
    await tf.setBackend('webgpu');
    const sum = onCpu.add(1);
    expect(Array.from(await sum.data())).toEqual([2, 3, 4]);
    expect(onCpu.storage.backendName).toBe('webgpu');
    await tf.setBackend('cpu');
    expect(() => sum.mul(2)).toThrow(FailedPreconditionError);
    expect(() => sum.mul(2)).toThrow(/reads asynchronously.*tf\.tensor\(await t\.data\(\)/);
    const copy = tf.tensor(await sum.data(), sum.shape, sum.dtype);
    expect(Array.from(copy.mul(2).dataSync())).toEqual([4, 6, 8]);
    await tf.setBackend('webgpu');
    const other = await createTestBackend();
    const info = { dataId: sum.dataId, shape: sum.shape, dtype: sum.dtype } as const;
    expect(() => other.kernels.Neg({ inputs: { x: info }, attrs: {}, output: info })).toThrow(
      /another webgpu backend instance/,
    );
    other.dispose();
    tf.dispose([onCpu, sum, copy]);
  });

  it('throws a clear error, without hanging, once the device is lost mid-run', async () => {
    const doomed = await createTestBackend();
    tf.registerBackend('webgpu-doomed', () => doomed);
    await tf.setBackend('webgpu-doomed');
    const x = tf.tensor(seeded(1000));
    const y = x.exp();
    const inFlight = y.data();
    doomed.device.destroy();
    await expect(inFlight).rejects.toThrow(FailedPreconditionError);
    await expect(x.data()).rejects.toThrow(/WebGPU device was lost \(reason 'destroyed'/);
    expect(() => x.add(1)).toThrow(/device was lost.*Make a new backend/);
    expect(() => tf.zeros([3])).toThrow(/device was lost/);
    await expect(doomed.flush()).rejects.toThrow(/device was lost/);
    tf.dispose([x, y]);
    await tf.setBackend('webgpu');
    tf.removeBackend('webgpu-doomed');
  });

  it('refuses work after dispose', async () => {
    const gone = await createTestBackend();
    const id = gone.write(new Float32Array([1]), [1], 'float32');
    gone.dispose();
    gone.dispose();
    await expect(gone.read(id)).rejects.toThrow(/backend was disposed/);
    expect(() => gone.write(new Float32Array([1]), [1], 'float32')).toThrow(/backend was disposed/);
  });
});
