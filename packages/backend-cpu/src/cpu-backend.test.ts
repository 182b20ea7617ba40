/**
 * @file Tests of CpuBackend's storage and table: writes copy, reads see the stored values, memory is
 * exact, misuse of handles throws, instances are independent, and every kernel is present.
 */

import {
  BACKEND_SPEC_VERSION,
  FUSED_KERNEL_NAMES,
  FailedPreconditionError,
  InvalidArgumentError,
  PRIMITIVE_KERNEL_NAMES,
  UnimplementedError,
} from '@tapeflow/tensor-core/internal';
import type { Backend } from '@tapeflow/tensor-core/internal';
import { describe, expect, it } from 'vitest';
import { detectFeatures } from './features.js';
import { CPU_BACKEND_NAME, CpuBackend, cpuBackend } from './index.js';

describe('cpuBackend', () => {
  it('makes a fresh, independent backend each call', () => {
    const first: Backend = cpuBackend();
    const second = cpuBackend();
    expect(first).not.toBe(second);
    expect(first.name).toBe(CPU_BACKEND_NAME);
    // Fails when tensor-core bumps the contract: update the kernels, then the backend's version.
    expect(first.specVersion).toBe(BACKEND_SPEC_VERSION);
    first.write(new Float32Array([1, 2]), [2], 'float32');
    expect(second.memory()).toEqual({ numBytes: 0, numDataBuffers: 0 });
  });

  it('has every primitive and fused kernel', () => {
    const { kernels } = cpuBackend();
    for (const name of [...PRIMITIVE_KERNEL_NAMES, ...FUSED_KERNEL_NAMES]) {
      expect(typeof kernels[name], name).toBe('function');
    }
  });
});

describe('CpuBackend storage', () => {
  it('copies on write, so later changes to the source do not leak in', () => {
    const backend = new CpuBackend();
    const source = new Float32Array([1, 2, 3]);
    const id = backend.write(source, [3], 'float32');
    source[0] = 100;
    expect(Array.from(backend.readSync(id))).toEqual([1, 2, 3]);
  });

  it('copies only the view of a subarray', () => {
    const backend = new CpuBackend();
    const id = backend.write(new Int32Array([1, 2, 3, 4]).subarray(1, 3), [2], 'int32');
    expect(backend.readSync(id)).toEqual(new Int32Array([2, 3]));
    expect(backend.memory().numBytes).toBe(8);
  });

  it('reads asynchronously and synchronously with the storage type of each dtype', async () => {
    const backend = new CpuBackend();
    const f = backend.write(new Float32Array([1.5]), [], 'float32');
    const i = backend.write(new Int32Array([-7, 8]), [2], 'int32');
    const b = backend.write(new Uint8Array([1, 0, 1]), [3], 'bool');
    expect(await backend.read(f)).toEqual(new Float32Array([1.5]));
    expect(backend.readSync(i)).toEqual(new Int32Array([-7, 8]));
    expect(backend.readSync(b)).toEqual(new Uint8Array([1, 0, 1]));
  });

  it('accounts memory exactly across writes, kernel outputs and disposals', () => {
    const backend = new CpuBackend();
    const a = backend.write(new Float32Array(6), [2, 3], 'float32');
    const b = backend.write(new Uint8Array(5), [5], 'bool');
    const z = backend.write(new Int32Array(0), [0, 4], 'int32');
    expect(backend.memory()).toEqual({ numBytes: 24 + 5, numDataBuffers: 3 });
    const info = { dataId: a, shape: [2, 3], dtype: 'float32' } as const;
    const c = backend.kernels.Neg({ inputs: { x: info }, attrs: {}, output: info });
    expect(backend.memory()).toEqual({ numBytes: 48 + 5, numDataBuffers: 4 });
    backend.disposeData(a);
    backend.disposeData(b);
    backend.disposeData(z);
    expect(backend.memory()).toEqual({ numBytes: 24, numDataBuffers: 1 });
    backend.disposeData(c);
    expect(backend.memory()).toEqual({ numBytes: 0, numDataBuffers: 0 });
  });

  it('throws FailedPreconditionError on a second dispose and on reading a disposed buffer', async () => {
    const backend = new CpuBackend();
    const id = backend.write(new Float32Array([1]), [1], 'float32');
    backend.disposeData(id);
    expect(() => backend.disposeData(id)).toThrow(FailedPreconditionError);
    expect(() => backend.readSync(id)).toThrow(/already disposed/);
    await expect(backend.read(id)).rejects.toThrow(FailedPreconditionError);
    expect(backend.memory()).toEqual({ numBytes: 0, numDataBuffers: 0 });
  });

  it('refuses handles it did not make', () => {
    const backend = new CpuBackend();
    const other = new CpuBackend();
    const foreign = other.write(new Float32Array([1]), [1], 'float32');
    expect(() => backend.readSync(foreign)).toThrow(FailedPreconditionError);
    expect(() => backend.readSync({})).toThrow(/not made by a cpu backend/);
    const x = { dataId: foreign, shape: [1], dtype: 'float32' } as const;
    expect(() => backend.kernels.Exp({ inputs: { x }, attrs: {}, output: x })).toThrow(FailedPreconditionError);
  });

  it('rejects values of the wrong array type or length', () => {
    const backend = new CpuBackend();
    expect(() => backend.write(new Float32Array(3), [3], 'int32')).toThrow(InvalidArgumentError);
    expect(() => backend.write(new Float32Array(3), [2, 2], 'float32')).toThrow(/4 values for shape \[2,2\]/);
    expect(backend.memory().numDataBuffers).toBe(0);
  });

  it('frees everything on dispose', () => {
    const backend = new CpuBackend();
    const id = backend.write(new Float32Array(4), [4], 'float32');
    backend.dispose();
    expect(backend.memory()).toEqual({ numBytes: 0, numDataBuffers: 0 });
    expect(() => backend.readSync(id)).toThrow(FailedPreconditionError);
  });
});

describe('cpuBackend options', () => {
  const features = detectFeatures();

  it('takes the fastest path by default, on every core', () => {
    const backend = cpuBackend();
    expect(backend.path).toBe(features.relaxedSimd ? 'relaxed-simd' : 'simd');
    expect(backend.threads).toBe(features.cores);
    backend.dispose();
  });

  it('runs plain JavaScript with simd: false, always on one thread', () => {
    const backend = cpuBackend({ simd: false, threads: 4 });
    expect([backend.path, backend.threads, backend.workerChunks]).toEqual(['js', 1, 0]);
  });

  it('runs SIMD without relaxed instructions with simd: true', () => {
    expect(cpuBackend({ simd: true, threads: 1 }).path).toBe('simd');
  });

  it("gives relaxed SIMD with simd: 'relaxed', or says why not", () => {
    if (features.relaxedSimd) expect(cpuBackend({ simd: 'relaxed', threads: 1 }).path).toBe('relaxed-simd');
    else expect(() => cpuBackend({ simd: 'relaxed' })).toThrow(UnimplementedError);
  });

  it('rejects a thread count that is not a positive integer', () => {
    expect(() => cpuBackend({ threads: 1.5 })).toThrow(InvalidArgumentError);
  });

  for (const options of [
    { simd: false },
    { simd: true, threads: 1 },
    { simd: true, threads: 2, parallelThreshold: 0 },
  ] as const) {
    it(`keeps reads valid and owned by the caller (${JSON.stringify(options)})`, () => {
      const backend = cpuBackend(options);
      const id = backend.write(new Float32Array([1, 2, 3]), [3], 'float32');
      const values = backend.readSync(id);
      values[0] = 100;
      // Lots of allocation (the heap grows, blocks are reused) must not touch the array read before.
      const ids = Array.from({ length: 50 }, (_, i) =>
        backend.write(new Float32Array(20000 * (i + 1)), [20000 * (i + 1)], 'float32'),
      );
      ids.forEach((other) => backend.disposeData(other));
      expect(Array.from(backend.readSync(id))).toEqual([1, 2, 3]);
      expect(Array.from(values)).toEqual([100, 2, 3]);
      backend.dispose();
    });
  }
});
