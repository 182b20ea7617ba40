import './test-setup.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { memory, registerBackend, setBackend } from './api.js';
import { cpuBackend } from '../../backend-cpu/src/index.js';
import type { Backend } from './backend.js';
import { getEngine } from './engine.js';
import type { MemoryInfo } from './engine.js';
import type { Tensor } from './tensor.js';
import { FailedPreconditionError } from './errors.js';
import * as tf from './ops/index.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('removeBackend', () => {
  it('leaves dead handles: dispose is a no-op for the backend, an op names the removed backend', async () => {
    const start = memory();
    registerBackend('doomed', cpuBackend);
    await setBackend('doomed');
    let a: Tensor;
    let b: Tensor;
    try {
      a = tf.tensor([1, 2, 3]);
      b = tf.reshape(a, [3, 1]);
      expect(memory().numBytesByBackend['doomed']).toBe(12);
    } finally {
      await setBackend('cpu');
      getEngine().removeBackend('doomed');
    }
    // The backend freed its buffers: they are no longer counted.
    expect(memory().numDataBuffers).toBe(start.numDataBuffers);
    expect(memory().numBytes).toBe(start.numBytes);
    expect(memory().numBytesByBackend['doomed']).toBeUndefined();
    expect(() => tf.add(a, 1)).toThrow(FailedPreconditionError);
    expect(() => tf.add(a, 1)).toThrow(/add: argument 'a' is tensor \d+ of the removed backend 'doomed'/i);
    expect(() => a.dataSync()).toThrow(/dataSync: tensor \d+ belongs to the removed backend 'doomed'/);
    await expect(b.data()).rejects.toThrow(FailedPreconditionError);
    a.dispose();
    b.dispose();
    b.dispose();
    expect(a.isDisposed).toBe(true);
    const end = memory();
    expect(end.numTensors).toBe(start.numTensors);
    expect(end.numDataBuffers).toBe(start.numDataBuffers);
    expect(end.numBytes).toBe(start.numBytes);
  });

  it('a backend registered again under the removed name starts a fresh account', async () => {
    registerBackend('again', cpuBackend);
    await setBackend('again');
    let old: Tensor;
    try {
      old = tf.tensor([1, 2]);
    } finally {
      await setBackend('cpu');
      getEngine().removeBackend('again');
    }
    registerBackend('again', cpuBackend);
    await setBackend('again');
    try {
      const fresh = tf.tensor([1, 2, 3, 4]);
      old.dispose();
      expect(memory().numBytesByBackend['again']).toBe(16);
      fresh.dispose();
      expect(memory().numBytesByBackend['again']).toBe(0);
    } finally {
      await setBackend('cpu');
      getEngine().removeBackend('again');
    }
  });

  it("garbage collection of the removed backend's tensors never throws in the finalization callback", () => {
    // A child process: an exception inside a FinalizationRegistry callback ends the process (code 1).
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', 'packages/tensor-core/src/__fixtures__/remove-backend-gc.ts'],
      {
        cwd: REPOSITORY_ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const report = JSON.parse(child.stdout.trim().split('\n').pop()!) as MemoryInfo;
    expect(report.numReclaimed).toBe(20);
    expect(report.numTensors).toBe(0);
    expect(report.numDataBuffers).toBe(0);
    expect(report.numBytes).toBe(0);
  }, 60_000);

  it('a finalization callback that fails is reported once, not thrown', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const engine = getEngine();
      registerBackend('faulty', () => {
        const base = cpuBackend();
        const faulty: Backend = {
          specVersion: base.specVersion,
          name: 'faulty',
          kernels: base.kernels,
          write: (values, shape, dtype) => base.write(values, shape, dtype),
          read: (dataId) => base.read(dataId),
          disposeData: () => {
            throw new Error('faulty: cannot free');
          },
          memory: () => base.memory(),
        };
        return faulty;
      });
      await setBackend('faulty');
      try {
        (() => {
          for (let i = 0; i < 4; i++) tf.tensor([i]);
        })();
      } finally {
        await setBackend('cpu');
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
      for (let i = 0; i < 50 && warn.mock.calls.length === 0; i++) {
        collect();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/faulty: cannot free/);
      engine.removeBackend('faulty');
    } finally {
      warn.mockRestore();
    }
  });
});
