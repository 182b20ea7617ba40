/**
 * @file Backends for the kit's own tests (not part of the package): an asynchronous one that delegates
 * to the CPU backend but has no `readSync` and resolves reads later, and broken ones (a wrong kernel,
 * a missing kernel, a leaking `disposeData`) that the suite's checks must catch. Also a way to run
 * one case on a backend outside `describeBackend`.
 */

import { cpuBackend } from '@tapeflow/backend-cpu';
import * as tf from '@tapeflow/tensor-core/internal';
import type { Backend, KernelName, KernelTable } from '@tapeflow/tensor-core/internal';
import type { ConformanceCase, ConformanceEnvironment } from './case.js';
import { DEFAULT_TOLERANCE } from './compare.js';
import { CONFORMANCE_GROUPS } from './suites/index.js';

/** What to break in `delegatingBackend`. */
export interface Breakage {
  /** Kernels to leave out of the table. */
  readonly without?: readonly KernelName[];
  /** Kernels to replace. */
  readonly replace?: Partial<Record<KernelName, KernelName>>;
  /** Never count a buffer as freed. */
  readonly leak?: boolean;
}

/**
 * A backend that runs the CPU backend's kernels but reads only asynchronously (a macrotask later, as a
 * GPU readback would), optionally broken.
 */
export function delegatingBackend(breakage: Breakage = {}): Backend {
  const cpu = cpuBackend();
  const table: Record<string, unknown> = { ...cpu.kernels };
  for (const name of breakage.without ?? []) delete table[name];
  for (const [name, substitute] of Object.entries(breakage.replace ?? {})) table[name] = table[substitute];
  let leaked = 0;
  return {
    specVersion: cpu.specVersion,
    name: 'delegating',
    // Deliberately not a full table (kernels removed or swapped), which is what the suite must detect.
    kernels: table as unknown as KernelTable,
    write: (values, shape, dtype) => cpu.write(values, shape, dtype),
    read: (dataId) =>
      new Promise((resolve, reject) =>
        setTimeout(() => void cpu.read(dataId).then((v) => resolve(v.slice()), reject), 0),
      ),
    disposeData: (dataId) => {
      if (breakage.leak === true) leaked++;
      else cpu.disposeData(dataId);
    },
    memory: () => {
      const { numBytes, numDataBuffers } = cpu.memory();
      return { numBytes, numDataBuffers: numDataBuffers - (breakage.leak === true ? 0 : leaked) };
    },
    dispose: () => cpu.dispose(),
  };
}

/** The case of the suite named `name` (throws when there is none). */
export function findCase(name: string): ConformanceCase {
  for (const group of CONFORMANCE_GROUPS) for (const c of group.cases) if (c.name === name) return c;
  throw new Error(`no conformance case named '${name}'`);
}

let backends = 0;

/** Runs `c` with `backend` active in the default Engine; restores the previous backend after. */
export async function runCaseOn(backend: Backend, c: ConformanceCase): Promise<void> {
  const engine = tf.getEngine();
  const name = `kit-test#${++backends}`;
  const reference = `kit-test-reference#${backends}`;
  engine.registerBackend(name, () => backend);
  engine.registerBackend(reference, cpuBackend);
  const previous = engine.getBackend();
  await engine.setBackend(name);
  const env: ConformanceEnvironment = {
    backendName: name,
    backend,
    tolerance: DEFAULT_TOLERANCE,
    onReference: async (fn) => {
      await engine.setBackend(reference);
      try {
        return await fn();
      } finally {
        await engine.setBackend(name);
      }
    },
  };
  try {
    await c.run(env);
  } finally {
    await engine.setBackend(previous);
    engine.removeBackend(name);
    engine.removeBackend(reference);
  }
}
