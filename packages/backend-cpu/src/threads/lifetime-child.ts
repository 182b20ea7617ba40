/**
 * @file A child process for threads.test.ts: starts a threaded backend, waits until a worker has run
 * chunks, then (argument `true`) disposes it, and returns from its top level. The parent checks that
 * the process exits on its own: unref'd workers must not keep it alive, disposed ones must be gone.
 */

import { CpuBackend } from '../cpu-backend.js';

const dispose = process.argv[2] === 'true';
const backend = new CpuBackend({ simd: true, threads: 2, parallelThreshold: 0 });
const size = 128;
const info = {
  dataId: backend.write(new Float32Array(size * size).fill(1), [size, size], 'float32'),
  shape: [size, size],
  dtype: 'float32',
} as const;
const deadline = Date.now() + 30000;
while (backend.workerChunks === 0 && Date.now() < deadline) {
  backend.disposeData(
    backend.kernels.MatMul({
      inputs: { a: info, b: info },
      attrs: { transposeA: false, transposeB: false },
      output: info,
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 10));
}
console.log(`workers joined: ${backend.workerChunks}`);
if (dispose) {
  backend.dispose();
  console.log('disposed');
}
