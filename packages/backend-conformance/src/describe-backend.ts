/**
 * @file `describeBackend`: registers a backend under a private name in the default Engine, makes it
 * active for the suite, and turns every conformance case into a vitest test. The contract version and
 * the kernel table are checked first, each failing once with a clear message; a case that needs a
 * kernel the backend lacks (or declares unsupported) is reported as skipped with the kernel's name.
 * Which kernels a case needs is recorded, not trusted to a list: when the backend lacks or declines
 * a kernel, each case first runs on a CPU stand-in with the backend's kernel table (kernel-guard.ts).
 * A kernel that returns one of its inputs' buffers fails with a message saying so. After each case
 * and each group, `tf.memory()` and the backend's `memory()` must be back where they started. The
 * previously active backend is restored at the end.
 */

import { cpuBackend } from '@tapeflow/backend-cpu';
import * as tf from '@tapeflow/tensor-core/internal';
import type { Backend, BackendFactory } from '@tapeflow/tensor-core/internal';
import { FUSED_KERNEL_NAMES, PRIMITIVE_KERNEL_NAMES } from '@tapeflow/tensor-core/internal';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ConformanceCase, ConformanceEnvironment, ConformanceGroup, MemorySnapshot } from './case.js';
import { memoryDrift, memorySnapshot } from './case.js';
import type { Tolerance } from './compare.js';
import { DEFAULT_TOLERANCE } from './compare.js';
import {
  findMissingKernels,
  findMissingStorageMethods,
  missingKernelsMessage,
  specVersionMessage,
} from './kernel-check.js';
import { KernelRecorder, guardKernels } from './kernel-guard.js';
import { CONFORMANCE_GROUPS } from './suites/index.js';

/** Options of `describeBackend`. */
export interface DescribeBackendOptions {
  /** float32 tolerance of kernel results (gradients get ten times as much); default `{ rtol: 1e-5, atol: 1e-6 }`. */
  readonly tolerance?: Partial<Tolerance>;
  /** Kernels the backend declares unsupported: their checks are reported as skipped, not failed. */
  readonly skip?: readonly string[];
  /** Run the checks on inputs above 2^20 elements; default true. */
  readonly large?: boolean;
}

/** The timeout of the set-up hook: a GPU backend may take seconds to get an adapter and a device. */
const SETUP_TIMEOUT_MS = 120_000;
const LARGE_TIMEOUT_MS = 60_000;
const CASE_TIMEOUT_MS = 30_000;

let suites = 0;

/** A name no backend in the default Engine has yet. */
function privateName(base: string): string {
  const taken = new Set(tf.getEngine().registeredBackends());
  let name = `${base}#${++suites}`;
  while (taken.has(name)) name = `${base}#${++suites}`;
  return name;
}

/** Why a kernel is unavailable: missing from the table, or declared unsupported. */
type Unavailable = 'missing' | 'declared' | 'optional';

/**
 * @internal The state of one `describeBackend` run, shared by its hooks and tests (exported for the kit's
 * own tests).
 */
export class ConformanceRun {
  backend: Backend | undefined;
  setupError: string | undefined;
  previousBackend: string | null = null;
  registered = false;
  referenceRegistered = false;
  recorder: KernelRecorder | undefined;
  readonly reached = new Map<ConformanceCase, ReadonlySet<string>>();
  readonly unavailable = new Map<string, Unavailable>();
  readonly name: string;
  readonly referenceName: string;
  readonly recorderName: string;
  readonly tolerance: Tolerance;
  readonly declared: ReadonlySet<string>;

  constructor(
    readonly label: string,
    private readonly factory: BackendFactory,
    options: DescribeBackendOptions,
  ) {
    this.name = privateName(`conformance:${label}`);
    this.referenceName = privateName('conformance:reference-cpu');
    this.recorderName = privateName('conformance:recorder');
    this.tolerance = { ...DEFAULT_TOLERANCE, ...options.tolerance };
    this.declared = new Set(options.skip ?? []);
  }

  async setUp(): Promise<void> {
    const engine = tf.getEngine();
    try {
      this.previousBackend = engine.getBackend();
    } catch {
      this.previousBackend = null;
    }
    let backend: Backend;
    try {
      backend = await this.factory();
    } catch (error) {
      this.setupError = `the factory of backend '${this.label}' threw: ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    if (typeof backend !== 'object' || backend === null) {
      this.setupError = `the factory of backend '${this.label}' returned ${String(backend)}, not a backend object`;
      return;
    }
    this.backend = backend;
    const problem = specVersionMessage(this.label, backend.specVersion) ?? this.storageProblem(backend);
    if (problem !== null) {
      this.setupError = problem;
      return;
    }
    for (const name of findMissingKernels(backend, PRIMITIVE_KERNEL_NAMES)) this.unavailable.set(name, 'missing');
    for (const name of findMissingKernels(backend, FUSED_KERNEL_NAMES)) this.unavailable.set(name, 'optional');
    for (const name of this.declared) this.unavailable.set(name, 'declared');
    const guarded = guardKernels(backend, this.label);
    this.backend = guarded;
    engine.registerBackend(this.name, () => guarded, { priority: -1000 });
    this.registered = true;
    try {
      await engine.setBackend(this.name);
    } catch (error) {
      this.setupError = `setBackend('${this.name}') failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private storageProblem(backend: Backend): string | null {
    const missing = findMissingStorageMethods(backend);
    return missing.length === 0
      ? null
      : `Backend '${this.label}' lacks the storage method${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of the contract.`;
  }

  async tearDown(): Promise<void> {
    const engine = tf.getEngine();
    if (this.previousBackend !== null && engine.registeredBackends().includes(this.previousBackend)) {
      await engine.setBackend(this.previousBackend).catch(() => undefined);
    }
    if (this.referenceRegistered) engine.removeBackend(this.referenceName);
    if (this.recorder !== undefined) engine.removeBackend(this.recorderName);
    // removeBackend disposes the instance; one that never got registered is disposed here.
    if (this.registered) engine.removeBackend(this.name);
    else this.backend?.dispose?.();
  }

  /** The first test: the contract version and the storage methods. */
  checkContract(): void {
    if (this.setupError !== undefined) throw new Error(this.setupError);
  }

  /** The second test: every primitive kernel present, and `skip` naming only real kernels. */
  checkKernelTable(): void {
    if (this.backend === undefined) throw new Error(`no backend to check: ${this.setupError ?? 'set-up did not run'}`);
    const missing = findMissingKernels(this.backend).filter((name) => !this.declared.has(name));
    const known = new Set<string>([...PRIMITIVE_KERNEL_NAMES, ...FUSED_KERNEL_NAMES]);
    const unknown = [...this.declared].filter((name) => !known.has(name));
    const messages = [missingKernelsMessage(this.label, missing)];
    if (unknown.length > 0)
      messages.push(
        `options.skip names ${unknown.join(', ')}, which ${unknown.length === 1 ? 'is not a kernel' : 'are not kernels'} of the contract.`,
      );
    const text = messages.filter((m) => m !== null).join('\n');
    if (text !== '') throw new Error(text);
  }

  environment(backend: Backend, name = this.name): ConformanceEnvironment {
    return {
      backendName: name,
      backend,
      tolerance: this.tolerance,
      onReference: async <T>(fn: () => Promise<T>): Promise<T> => {
        const engine = tf.getEngine();
        if (!this.referenceRegistered) {
          engine.registerBackend(this.referenceName, cpuBackend, { priority: -1000 });
          this.referenceRegistered = true;
        }
        await engine.setBackend(this.referenceName);
        try {
          return await fn();
        } finally {
          await engine.setBackend(name);
        }
      },
    };
  }

  /**
   * The kernels `c` reaches on this backend, recorded by running it on a CPU stand-in with the
   * backend's kernel table; empty (nothing run) when the backend lacks and declines no primitive
   * kernel, since then nothing can block a case. Recorded once per case.
   */
  async kernelsReached(c: ConformanceCase): Promise<ReadonlySet<string>> {
    const backend = this.backend;
    if (backend === undefined || ![...this.unavailable.values()].some((why) => why !== 'optional')) return new Set();
    const known = this.reached.get(c);
    if (known !== undefined) return known;
    const engine = tf.getEngine();
    if (this.recorder === undefined) {
      const recorder = new KernelRecorder(backend);
      engine.registerBackend(this.recorderName, () => recorder.backend, { priority: -1000 });
      this.recorder = recorder;
    }
    const recorder = this.recorder;
    await engine.setBackend(this.recorderName);
    let reached: ReadonlySet<string>;
    try {
      reached = await recorder.record(() => c.run(this.environment(recorder.backend, this.recorderName)));
    } finally {
      await engine.setBackend(this.name);
    }
    this.reached.set(c, reached);
    return reached;
  }

  /** Why `kernels` cannot run, or null when they all can. */
  blocked(kernels: readonly string[]): string | null {
    const reasons = kernels.flatMap((name) => {
      const why = this.unavailable.get(name);
      if (why === undefined) return [];
      if (why === 'declared') return [`${name} (declared unsupported)`];
      if (why === 'optional')
        return [`${name} (optional fused kernel, not implemented: tensor-core runs its composite instead)`];
      return [`${name} (missing from the kernel table)`];
    });
    return reasons.length === 0 ? null : `needs ${reasons.join(', ')}`;
  }

  /** Runs one case: skipped when a kernel it needs is unavailable, then the memory check. */
  async runCase(c: ConformanceCase, skip: (note: string) => never): Promise<void> {
    const backend = this.backend;
    if (backend === undefined || this.setupError !== undefined)
      skip(`the backend was not set up: ${this.setupError ?? 'unknown reason'}`);
    const needed = new Set([...c.kernels, ...(await this.kernelsReached(c))]);
    // A fused kernel the backend lacks blocks only the case that checks it: elsewhere tensor-core
    // runs its composite of primitives.
    if (c.optional !== true)
      for (const name of needed) if (this.unavailable.get(name) === 'optional') needed.delete(name);
    const blocked = this.blocked([...needed]);
    if (blocked !== null) skip(blocked);
    if (tf.getBackend() !== this.name) await tf.setBackend(this.name);
    const before = memorySnapshot(backend);
    try {
      await c.run(this.environment(backend));
    } catch (error) {
      // A kernel the case does not list (a gradient rule's, a front-end's) may be the unavailable one.
      const op = tf.TapeflowError.isInstance(error) && error.code === 'UNIMPLEMENTED' ? error.op : undefined;
      const reason = op === undefined ? null : this.blocked([op]);
      if (reason !== null) skip(reason);
      throw error;
    }
    const drift = memoryDrift(before, memorySnapshot(backend));
    if (drift !== null) throw new Error(`${c.name}: ${drift}. A kernel output, input or intermediate was not freed.`);
  }
}

function describeGroup(run: ConformanceRun, group: ConformanceGroup, large: boolean): void {
  describe(group.name, () => {
    let start: MemorySnapshot | undefined;
    beforeAll(() => {
      if (run.backend !== undefined && run.setupError === undefined) start = memorySnapshot(run.backend);
    });
    for (const c of group.cases) {
      const timeout = c.large === true ? LARGE_TIMEOUT_MS : CASE_TIMEOUT_MS;
      if (c.large === true && !large) it.skip(`${c.name} (large inputs turned off)`, () => undefined);
      else it(c.name, (context) => run.runCase(c, (note) => context.skip(note)), timeout);
    }
    it('leaves tf.memory() and the backend memory where the group started', (context) => {
      const backend = run.backend;
      if (start === undefined || backend === undefined) {
        context.skip('the backend was not set up');
        return;
      }
      const drift = memoryDrift(start, memorySnapshot(backend));
      if (drift !== null) throw new Error(`after '${group.name}': ${drift}`);
    });
  });
}

/**
 * Declares the conformance suite for a backend, as vitest tests: call it at the top level of a test file.
 * The backend is made once (in `beforeAll`), registered in the default Engine under a private name and
 * made active; the previous backend is active again afterwards. Values are read with `await t.data()`
 * only, so asynchronous backends run the same suite.
 *
 * @example
 * ```ts
 * // src/conformance.test.ts of a backend package
 * import { describeBackend } from '@tapeflow/backend-conformance';
 * import { myBackend } from './index.js';
 *
 * describeBackend('mine', myBackend, { skip: ['Pow'] });
 * ```
 */
export function describeBackend(name: string, factory: BackendFactory, options: DescribeBackendOptions = {}): void {
  const run = new ConformanceRun(name, factory, options);
  describe(`backend conformance: ${name}`, () => {
    beforeAll(() => run.setUp(), SETUP_TIMEOUT_MS);
    afterAll(() => run.tearDown(), SETUP_TIMEOUT_MS);
    it('implements the contract version (specVersion) and the storage methods', () => run.checkContract());
    it('implements every primitive kernel', () => run.checkKernelTable());
    for (const group of CONFORMANCE_GROUPS) describeGroup(run, group, options.large ?? true);
  });
}
