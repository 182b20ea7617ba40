/**
 * @file The whole conformance suite on a real GPU, without vitest: every case of every group of
 * `@tapeflow/backend-conformance`, run on the WebGPU backend against the CPU reference, with the
 * memory check the kit's `describeBackend` makes after each case. The lent device machine has no
 * package registry, so this runs from one bundled file (`bundle.sh`) with only node and the `webgpu`
 * package beside it. Prints one JSON object: the adapter, counts, and each failure's message.
 */
import { cpuBackend } from '@tapeflow/backend-cpu';
import { webgpuBackend } from '@tapeflow/backend-webgpu';
import type { ConformanceEnvironment } from '../../packages/backend-conformance/src/case.js';
import { memoryDrift, memorySnapshot } from '../../packages/backend-conformance/src/case.js';
import { DEFAULT_TOLERANCE } from '../../packages/backend-conformance/src/compare.js';
import { CONFORMANCE_GROUPS } from '../../packages/backend-conformance/src/suites/index.js';
import * as tf from '@tapeflow/tensor-core/internal';
import { create } from 'webgpu';

interface Outcome {
  adapter?: unknown;
  passed: number;
  failed: { name: string; message: string }[];
  skipped: string[];
  seconds?: number;
  error?: string;
}

const outcome: Outcome = { passed: 0, failed: [], skipped: [] };

async function main(): Promise<void> {
  const gpu = create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) throw new Error('no WebGPU adapter');
  const { vendor, architecture, description } = adapter.info;
  outcome.adapter = { vendor, architecture, description };
  tf.registerBackend('cpu', cpuBackend);
  tf.registerBackend('webgpu', () => webgpuBackend({ gpu, adapterOptions: { powerPreference: 'high-performance' } }));
  await tf.setBackend('webgpu');
  const backend = tf.getEngine().backend;
  const environment: ConformanceEnvironment = {
    backendName: 'webgpu',
    backend,
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
  const table = backend.kernels as Readonly<Record<string, unknown>>;
  const start = performance.now();
  for (const group of CONFORMANCE_GROUPS) {
    for (const conformanceCase of group.cases) {
      const name = `${group.name} > ${conformanceCase.name}`;
      if (conformanceCase.kernels.some((kernel) => typeof table[kernel] !== 'function')) {
        outcome.skipped.push(name);
        continue;
      }
      const before = memorySnapshot(backend);
      try {
        await conformanceCase.run(environment);
        const drift = memoryDrift(before, memorySnapshot(backend));
        if (drift !== null) throw new Error(`memory: ${drift}`);
        outcome.passed++;
      } catch (error) {
        outcome.failed.push({ name, message: error instanceof Error ? error.message.slice(0, 600) : String(error) });
      }
    }
  }
  outcome.seconds = Math.round((performance.now() - start) / 100) / 10;
}

main()
  .catch((error: unknown) => {
    outcome.error = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  })
  .finally(() => {
    console.log(JSON.stringify(outcome, null, 2));
    process.exit(0);
  });
