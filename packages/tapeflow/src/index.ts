/**
 * @file The `tapeflow` umbrella: everything in @tapeflow/tensor-core, @tapeflow/autodiff-tape and
 * @tapeflow/layers under one import, with the CPU backend registered and active, so
 * `import * as tf from 'tapeflow'` needs no set-up call. Where the page has WebGPU (`navigator.gpu`),
 * 'webgpu' is registered too, lazily: `await tf.setBackend('webgpu')` loads @tapeflow/backend-webgpu
 * (a separate chunk for bundlers) only then, so a CPU-only page never downloads its kernels. Library
 * packages never register on import; this package is the one place that does (its package.json
 * declares the side effect).
 *
 * @example
 * import * as tf from 'tapeflow';
 * const x = new tf.Variable(4);
 * const tape = new tf.GradientTape();
 * const y = tape.record(() => x.pow(2));
 * tape.gradient(y, x); // Tensor(shape=[], dtype=float32, 8.0)
 */

import { cpuBackend } from '@tapeflow/backend-cpu';
import { getEngine, registerBackend } from '@tapeflow/tensor-core';

export * from '@tapeflow/tensor-core';
export * from '@tapeflow/autodiff-tape';
export * from '@tapeflow/layers';
/**
 * The CPU backend's factory, for an application that builds its own Engine set-up.
 * @example tf.registerBackend('cpu-2', tf.cpuBackend)
 */
export { cpuBackend, CpuBackend } from '@tapeflow/backend-cpu';
export type { CpuBackendOptions, CpuKernelTable, CpuPath } from '@tapeflow/backend-cpu';

// Guarded: an application or test set-up may have registered 'cpu' itself before importing this;
// registering again would only warn and keep the first.
if (!getEngine().registeredBackends().includes('cpu')) {
  registerBackend('cpu', cpuBackend, { priority: 1 });
}
registerWebGpuWhereAvailable(globalThis);

/**
 * Registers 'webgpu' (below 'cpu' in priority, so the CPU stays the default) when `scope` has
 * `navigator.gpu` and no 'webgpu' is registered yet. The factory imports the backend's package on
 * first use.
 */
function registerWebGpuWhereAvailable(scope: object): boolean {
  const gpu = (scope as { navigator?: { gpu?: unknown } }).navigator?.gpu;
  if (gpu === undefined || gpu === null || getEngine().registeredBackends().includes('webgpu')) return false;
  return registerBackend('webgpu', async () => (await import('@tapeflow/backend-webgpu')).webgpuBackend(), {
    priority: 0,
  });
}
