/**
 * @file Tests of the machinery behind `describeBackend` (ConformanceRun): set-up failures become one
 * clear message, missing and declared kernels are reported by name and their cases skipped (also when
 * only a gradient rule or a front-end reaches the kernel), a case that leaks fails with the figures,
 * and tear-down restores the previous backend and removes every registration.
 */

import { cpuBackend } from '@tapeflow/backend-cpu';
import * as tf from '@tapeflow/tensor-core/internal';
import type { Backend } from '@tapeflow/tensor-core/internal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConformanceCase } from './case.js';
import { ConformanceRun } from './describe-backend.js';
import { delegatingBackend } from './test-setup.js';

class Skipped extends Error {}
const skip = (note: string): never => {
  throw new Skipped(note);
};

function caseOf(kernels: ConformanceCase['kernels'], run: ConformanceCase['run']): ConformanceCase {
  return { name: 'a test case', kernels, run };
}

beforeEach(async () => {
  if (!tf.getEngine().registeredBackends().includes('cpu')) tf.registerBackend('cpu', cpuBackend);
  await tf.setBackend('cpu');
});

afterEach(() => {
  expect(tf.getBackend()).toBe('cpu');
  expect(tf.getEngine().registeredBackends()).toEqual(['cpu']);
});

describe('ConformanceRun set-up', () => {
  it('reports a backend built for another contract version, skips its cases and disposes it', async () => {
    let disposed = false;
    const backend: Backend = { ...delegatingBackend(), specVersion: 0, dispose: () => (disposed = true) };
    const run = new ConformanceRun('old', () => backend, {});
    await run.setUp();
    expect(() => run.checkContract()).toThrow(/Backend 'old' implements contract version 0/);
    await expect(
      run.runCase(
        caseOf([], async () => undefined),
        skip,
      ),
    ).rejects.toThrow(Skipped);
    await run.tearDown();
    expect(disposed).toBe(true);
  });

  it('reports a factory that throws', async () => {
    const run = new ConformanceRun('no adapter', () => Promise.reject(new Error('no WebGPU adapter')), {});
    await run.setUp();
    expect(() => run.checkContract()).toThrow("the factory of backend 'no adapter' threw: no WebGPU adapter");
    expect(() => run.checkKernelTable()).toThrow(/no backend to check/);
    await run.tearDown();
  });

  it('reports missing storage methods', async () => {
    const rest: Partial<Backend> = { ...delegatingBackend() };
    delete rest.read;
    const run = new ConformanceRun('no read', () => rest as Backend, {});
    await run.setUp();
    expect(() => run.checkContract()).toThrow("Backend 'no read' lacks the storage method read of the contract.");
    await run.tearDown();
  });

  it('makes the backend active under a private name, and tear-down restores the previous one', async () => {
    const run = new ConformanceRun('cpu', cpuBackend, {});
    await run.setUp();
    expect(tf.getBackend()).toBe(run.name);
    expect(run.name).toMatch(/^conformance:cpu#\d+$/);
    run.checkContract();
    run.checkKernelTable();
    await run.tearDown();
  });
});

describe('ConformanceRun kernel table', () => {
  it("fails once naming ['Tanh'] for a backend without Tanh, and skips the cases that need it", async () => {
    const run = new ConformanceRun(
      'broken',
      () => delegatingBackend({ without: ['Tanh'], replace: { Add: 'Sub' } }),
      {},
    );
    await run.setUp();
    run.checkContract();
    expect(() => run.checkKernelTable()).toThrow(/^Backend 'broken' lacks 1 primitive kernel: Tanh\./);
    await expect(
      run.runCase(
        caseOf(['Exp', 'Tanh'], async () => undefined),
        skip,
      ),
    ).rejects.toThrow('needs Tanh (missing from the kernel table)');
    await run.tearDown();
  });

  it('accepts declared kernels, skipping their cases, and rejects skip names that are not kernels', async () => {
    const declared = new ConformanceRun('declared', () => delegatingBackend({ without: ['Tanh'] }), {
      skip: ['Tanh', 'Pow'],
    });
    await declared.setUp();
    declared.checkKernelTable();
    expect(declared.blocked(['Pow', 'Tanh', 'Add'])).toBe(
      'needs Pow (declared unsupported), Tanh (declared unsupported)',
    );
    await declared.tearDown();
    const typo = new ConformanceRun('typo', cpuBackend, { skip: ['Tahn'] });
    await typo.setUp();
    expect(() => typo.checkKernelTable()).toThrow('options.skip names Tahn, which is not a kernel of the contract.');
    await typo.tearDown();
  });

  it('calls a missing fused kernel optional, not missing', async () => {
    const run = new ConformanceRun('unfused', () => delegatingBackend({ without: ['Softmax'] }), {});
    await run.setUp();
    run.checkKernelTable();
    expect(run.blocked(['Softmax'])).toMatch(/optional fused kernel, not implemented/);
    await run.tearDown();
  });

  it('skips a case that reaches an unavailable kernel it did not list (through a front-end or a gradient)', async () => {
    const run = new ConformanceRun('declared', () => delegatingBackend({ without: ['Tanh'] }), { skip: ['Tanh'] });
    await run.setUp();
    const reachesTanh = caseOf([], async () => {
      tf.tidy(() => tf.tanh(tf.tensor([1, 2])));
    });
    await expect(run.runCase(reachesTanh, skip)).rejects.toThrow('needs Tanh (declared unsupported)');
    await run.tearDown();
  });
});

describe('ConformanceRun cases', () => {
  it('runs a passing case and fails one that leaks a tensor, naming the figures', async () => {
    const run = new ConformanceRun('async', () => delegatingBackend(), {});
    await run.setUp();
    await run.runCase(
      caseOf(['Add'], async () => {
        const y = tf.tidy(() => tf.add(tf.tensor([1, 2]), 1));
        await y.data();
        y.dispose();
      }),
      skip,
    );
    let leaked: tf.Tensor | undefined;
    const leaking = caseOf(['Add'], async () => {
      leaked = tf.tidy(() => tf.add(tf.tensor([1, 2]), 1));
    });
    await expect(run.runCase(leaking, skip)).rejects.toThrow(
      "a test case: memory not back where it started: tf.memory().numTensors went from 0 to 1; tf.memory().numDataBuffers went from 0 to 1; tf.memory().numBytes went from 0 to 8; the backend's memory().numDataBuffers went from 0 to 1",
    );
    leaked?.dispose();
    await run.tearDown();
  });

  it('switches to the reference CPU backend and back inside onReference', async () => {
    const run = new ConformanceRun('async', () => delegatingBackend(), {});
    await run.setUp();
    await run.runCase(
      caseOf([], async (env) => {
        const names = await env.onReference(async () => tf.getBackend());
        expect(names).toBe(run.referenceName);
        expect(tf.getBackend()).toBe(run.name);
      }),
      skip,
    );
    await run.tearDown();
  });
});
