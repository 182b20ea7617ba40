/**
 * @file The test page's script: makes the WebGPU backend from `navigator.gpu`, runs every case of the
 * backend conformance suite on it (with a CPU backend as the reference where a case needs one, as
 * `describeBackend` does), then the notebook's key values, checking after each that no tensor or
 * buffer was left behind. Results go to `window.__results`, which the vitest test reads through
 * playwright; the page also lists them, for a person who opens it (`pnpm --filter
 * @tapeflow/browser-test start`).
 */

import { CONFORMANCE_GROUPS, DEFAULT_TOLERANCE, memoryDrift, memorySnapshot } from '@tapeflow/backend-conformance';
import type { ConformanceEnvironment } from '@tapeflow/backend-conformance';
import { cpuBackend } from '@tapeflow/backend-cpu';
import { webgpuBackend } from '@tapeflow/backend-webgpu';
import * as tf from '@tapeflow/tensor-core';
import { NOTEBOOK_CHECKS } from './notebook-checks.js';
import type { PageReport, PageResult } from './report.js';

declare global {
  interface Window {
    __results?: PageReport;
  }
}

const report: PageReport = { done: false, results: [], adapter: null, fatal: null };
window.__results = report;

/** Whether the chunk holding the WebGPU implementation has been fetched (the bundle names it `backend-*`). */
function implementationLoaded(): boolean {
  return performance.getEntriesByType('resource').some((entry) => /\/backend-[\w-]+\.js$/.test(entry.name));
}

function show(result: PageResult): void {
  const item = document.createElement('li');
  item.textContent = `${result.ok ? 'ok  ' : 'FAIL'} ${result.name}${result.message === null ? '' : ` — ${result.message}`}`;
  document.getElementById('results')?.append(item);
}

async function record(name: string, run: () => Promise<void>, backend: tf.Backend): Promise<void> {
  const start = performance.now();
  const before = memorySnapshot(backend);
  let message: string | null = null;
  try {
    await run();
    const drift = memoryDrift(before, memorySnapshot(backend));
    if (drift !== null) message = drift;
  } catch (error) {
    message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  const result = { name, ok: message === null, message, ms: Math.round(performance.now() - start) };
  report.results.push(result);
  show(result);
}

async function main(): Promise<void> {
  const loadedEarly = implementationLoaded();
  tf.registerBackend('reference-cpu', cpuBackend, { priority: -1 });
  tf.registerBackend('webgpu', () => webgpuBackend());
  await tf.setBackend('webgpu');
  const backend = tf.getEngine().backend;
  const info = (backend as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  report.adapter = info === undefined ? null : `${info.vendor} ${info.architecture}`.trim();
  await record(
    'the WebGPU implementation is fetched only when the backend is made',
    async () => {
      if (loadedEarly) throw new Error('the backend chunk was loaded before webgpuBackend() ran');
      if (!implementationLoaded()) throw new Error('no backend-*.js chunk was fetched');
    },
    backend,
  );

  const env: ConformanceEnvironment = {
    backendName: 'webgpu',
    backend,
    tolerance: DEFAULT_TOLERANCE,
    onReference: async (fn) => {
      await tf.setBackend('reference-cpu');
      try {
        return await fn();
      } finally {
        await tf.setBackend('webgpu');
      }
    },
  };
  for (const group of CONFORMANCE_GROUPS) {
    for (const c of group.cases) await record(`${group.name} › ${c.name}`, () => c.run(env), backend);
  }
  for (const check of NOTEBOOK_CHECKS) await record(check.name, check.run, backend);
  tf.removeBackend('webgpu');
}

main()
  .catch((error: unknown) => {
    report.fatal = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    document.getElementById('results')?.append(`fatal: ${report.fatal}`);
  })
  .finally(() => {
    report.done = true;
  });
