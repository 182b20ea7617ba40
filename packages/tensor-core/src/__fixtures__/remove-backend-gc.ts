/**
 * @file Run in a child process (`node --expose-gc --import tsx`) by backend-registry.test.ts: tensors
 * of a plugin backend outlive `removeBackend`, then are dropped and collected. The plugin, like the
 * CPU backend, throws when asked to free a buffer it no longer has, so a safety net that still calls
 * it would throw inside the finalization callback and end the process with code 1. Prints what
 * `memory()` reports at the end, as JSON.
 */
import { BACKEND_SPEC_VERSION } from '../backend.js';
import type { Backend, BackendMemoryInfo } from '../backend.js';
import type { DataId, KernelTable } from '../kernels.js';
import { getEngine } from '../engine.js';
import { tensor } from '../ops/index.js';

const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('run with --expose-gc');

let disposed = false;
const buffers = new Map<DataId, Float32Array>();
const plugin: Backend = {
  specVersion: BACKEND_SPEC_VERSION,
  name: 'plugin',
  kernels: {} as KernelTable,
  write(values) {
    const dataId: DataId = {};
    buffers.set(dataId, Float32Array.from(values));
    return dataId;
  },
  read: (dataId) => Promise.resolve(buffers.get(dataId)!),
  readSync: (dataId) => buffers.get(dataId)!,
  disposeData(dataId) {
    if (disposed || !buffers.delete(dataId)) throw new Error('plugin: no such buffer (the backend was disposed)');
  },
  memory: (): BackendMemoryInfo => ({ numBytes: 0, numDataBuffers: buffers.size }),
  dispose() {
    disposed = true;
    buffers.clear();
  },
};

const engine = getEngine();
engine.registerBackend('plugin', () => plugin);
await engine.setBackend('plugin');
const survivor = tensor([1, 2, 3]);
(() => {
  for (let i = 0; i < 20; i++) tensor([i, i + 1]);
})();
// Let the safety net register the dropped handles (it does so on the next microtask).
await new Promise((resolve) => setTimeout(resolve, 0));
engine.removeBackend('plugin');
for (let i = 0; i < 20 && engine.memory().numReclaimed < 20; i++) {
  collect();
  await new Promise((resolve) => setTimeout(resolve, 10));
}
// Disposing a handle of the removed backend is a no-op for it (it used to ask the plugin to free).
survivor.dispose();
survivor.dispose();
console.log(JSON.stringify(engine.memory()));
