/**
 * @file The suite is fair to plugins. A plugin that declares a kernel unsupported (every kernel in
 * turn, each replaced by one that fails loudly if it ever runs) gets no failure: only skips, and
 * memory back where it started. A plugin that lacks a kernel gets the one kernel-table failure and
 * skips. A kernel that throws a RangeError is reported as a failure of that kernel, not as "could not
 * allocate", and a kernel that returns its input's buffer is named as doing so, with no buffer freed
 * twice.
 */

import { cpuBackend } from '@tapeflow/backend-cpu';
import * as tf from '@tapeflow/tensor-core/internal';
import type { Backend, DataId, KernelName } from '@tapeflow/tensor-core/internal';
import { FUSED_KERNEL_NAMES, PRIMITIVE_KERNEL_NAMES } from '@tapeflow/tensor-core/internal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConformanceCase } from './case.js';
import { memoryDrift, memorySnapshot } from './case.js';
import type { DescribeBackendOptions } from './describe-backend.js';
import { ConformanceRun } from './describe-backend.js';
import { CONFORMANCE_GROUPS } from './suites/index.js';
import { KernelRecorder } from './kernel-guard.js';
import { delegatingBackend } from './test-setup.js';

class Skipped extends Error {}

/** The cases `describeBackend` runs with `large: false`. */
const CASES = CONFORMANCE_GROUPS.flatMap((group) => group.cases).filter((c) => c.large !== true);

interface Outcome {
  readonly passed: string[];
  readonly skipped: Map<string, string>;
  readonly failed: Map<string, string>;
  /** The kernel-table test's error, or null when it passed. */
  readonly kernelTable: string | null;
  /** How tf.memory() and the backend's memory() moved over the whole run, or null. */
  readonly drift: string | null;
}

/** Runs every case on `backend` as `describeBackend` would, collecting what each one gave. */
async function runSuite(
  label: string,
  backend: Backend,
  options: DescribeBackendOptions = {},
  cases: readonly ConformanceCase[] = CASES,
): Promise<Outcome> {
  const run = new ConformanceRun(label, () => backend, options);
  await run.setUp();
  const outcome: Outcome = { passed: [], skipped: new Map(), failed: new Map(), kernelTable: null, drift: null };
  try {
    run.checkContract();
    const start = memorySnapshot(run.backend!);
    try {
      run.checkKernelTable();
    } catch (error) {
      (outcome as { kernelTable: string | null }).kernelTable = (error as Error).message;
    }
    for (const c of cases) {
      try {
        await run.runCase(c, (note) => {
          throw new Skipped(note);
        });
        outcome.passed.push(c.name);
      } catch (error) {
        if (error instanceof Skipped) outcome.skipped.set(c.name, error.message);
        else outcome.failed.set(c.name, (error as Error).message);
      }
    }
    (outcome as { drift: string | null }).drift = memoryDrift(start, memorySnapshot(run.backend!));
  } finally {
    await run.tearDown();
  }
  return outcome;
}

/** A CPU-delegating backend whose kernel `name` is `kernel` instead. */
function withKernel(
  name: KernelName,
  kernel: (call: { inputs: Record<string, { dataId: DataId }> }) => DataId,
): Backend {
  const backend = delegatingBackend();
  (backend.kernels as unknown as Record<string, unknown>)[name] = kernel;
  return backend;
}

beforeEach(async () => {
  if (!tf.getEngine().registeredBackends().includes('cpu')) tf.registerBackend('cpu', cpuBackend);
  await tf.setBackend('cpu');
});

afterEach(() => {
  expect(tf.getEngine().registeredBackends()).toEqual(['cpu']);
});

const EVERY_KERNEL: readonly KernelName[] = [...PRIMITIVE_KERNEL_NAMES, ...FUSED_KERNEL_NAMES];

/** What went wrong for one plugin, or nothing. */
function unfairness(outcome: Outcome, expectedKernelTable: RegExp | null): string[] {
  const problems = [...outcome.failed].map(([name, message]) => `'${name}' failed: ${message.split('\n')[0]}`);
  if (expectedKernelTable === null && outcome.kernelTable !== null)
    problems.push(`the kernel-table test failed: ${outcome.kernelTable}`);
  if (expectedKernelTable !== null && !expectedKernelTable.test(outcome.kernelTable ?? ''))
    problems.push(`the kernel-table test gave ${outcome.kernelTable}`);
  if (outcome.drift !== null) problems.push(outcome.drift);
  return problems;
}

describe('a plugin that declines or lacks a kernel (every kernel in turn)', () => {
  it('declared in skip, and failing loudly if it ran anyway: no failure, only skips naming it, memory back where it started', async () => {
    const problems: Record<string, string[]> = {};
    for (const name of EVERY_KERNEL) {
      const loud = withKernel(name, () => {
        throw new Error(`${name} ran although it was declared unsupported`);
      });
      const outcome = await runSuite(`declines ${name}`, loud, { skip: [name] });
      const found = unfairness(outcome, null);
      if (![...outcome.skipped.values()].every((note) => note.includes(`${name} (declared unsupported)`)))
        found.push('a skip names another reason');
      // The checks of the kernel itself are among the skipped ones.
      if (![...outcome.skipped.keys()].some((caseName) => caseName.startsWith(name)))
        found.push('its own checks were not skipped');
      if (found.length > 0) problems[name] = found;
    }
    expect(problems).toEqual({});
  }, 180_000);

  it('missing from the table: the one kernel-table failure naming it, then only skips, memory back where it started', async () => {
    const problems: Record<string, string[]> = {};
    for (const name of EVERY_KERNEL) {
      const outcome = await runSuite(`lacks ${name}`, delegatingBackend({ without: [name] }));
      const fused = (FUSED_KERNEL_NAMES as readonly string[]).includes(name);
      // A fused kernel is optional: its absence is no failure at all.
      const found = unfairness(
        outcome,
        fused ? null : new RegExp(`^Backend 'lacks ${name}' lacks 1 primitive kernel: ${name}\\.`),
      );
      // Without a fused kernel, tensor-core runs its composite: only the fused kernel's own check is skipped.
      if (fused && outcome.skipped.size !== 1) found.push(`skipped ${[...outcome.skipped.keys()].join('; ')}`);
      if (found.length > 0) problems[name] = found;
    }
    expect(problems).toEqual({});
  }, 180_000);
});

describe('a kernel that throws a RangeError', () => {
  it('fails its checks as a failure of that kernel, not as "could not allocate"', async () => {
    const buggy = withKernel('Relu', () => {
      new DataView(new ArrayBuffer(4)).getFloat32(8);
      throw new Error('unreachable');
    });
    const reluCase = CASES.filter((c) => c.name.startsWith('Relu float32'));
    const outcome = await runSuite('buggy Relu', buggy, {}, reluCase);
    const message = outcome.failed.get(reluCase[0]!.name);
    expect(message).toMatch(
      /Relu: the 'conformance:buggy Relu#\d+' backend's Relu kernel failed \(a bug in the backend, not in the input\): RangeError: Offset is outside the bounds of the DataView/,
    );
    expect(message).not.toMatch(/could not allocate/);
    expect(outcome.drift).toBeNull();
  });
});

describe('a kernel that returns its input buffer', () => {
  it('is named as such, and no buffer is freed twice', async () => {
    const aliasing = withKernel('Relu', ({ inputs }) => inputs.x!.dataId);
    const reluCases = CASES.filter((c) => c.kernels.includes('Relu') && c.name.startsWith('Relu'));
    const outcome = await runSuite('aliasing Relu', aliasing, {}, reluCases);
    expect(reluCases.length).toBeGreaterThan(0);
    for (const c of reluCases) {
      expect(outcome.failed.get(c.name)).toMatch(
        /Relu: the 'aliasing Relu' backend's Relu kernel returned the buffer of its input 'x' as its output\. A kernel must return a new buffer/,
      );
    }
    expect(outcome.drift).toBeNull();
  });

  it('names the input among several (Concat tensors[1])', async () => {
    const aliasing = withKernel(
      'Concat',
      ({ inputs }) => (inputs.tensors as unknown as { dataId: DataId }[])[1]!.dataId,
    );
    const concatCase = CASES.filter((c) => c.name.startsWith('Concat'));
    const outcome = await runSuite('aliasing Concat', aliasing, {}, concatCase);
    expect(outcome.failed.get(concatCase[0]!.name)).toMatch(
      /Concat kernel returned the buffer of its input 'tensors\[1\]'/,
    );
    expect(outcome.drift).toBeNull();
  });
});

describe('the kernels each check lists', () => {
  it('include every kernel the check reaches on the CPU backend (through front-ends, composites and gradient rules)', async () => {
    const cpu = cpuBackend();
    const run = new ConformanceRun('lists', () => cpu, {});
    await run.setUp();
    const recorder = new KernelRecorder(cpu);
    tf.getEngine().registerBackend('kernel lists', () => recorder.backend);
    const unlisted: Record<string, string[]> = {};
    try {
      await tf.setBackend('kernel lists');
      for (const c of CONFORMANCE_GROUPS.flatMap((group) => group.cases)) {
        const reached = await recorder.record(() => c.run(run.environment(recorder.backend, 'kernel lists')));
        const missing = [...reached].filter((name) => !(c.kernels as readonly string[]).includes(name));
        if (missing.length > 0) unlisted[c.name] = missing.sort();
      }
    } finally {
      await tf.setBackend(run.name);
      tf.getEngine().removeBackend('kernel lists');
      await run.tearDown();
    }
    expect(unlisted).toEqual({});
  }, 60_000);
});
