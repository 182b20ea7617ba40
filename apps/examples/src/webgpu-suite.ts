/**
 * @file The set-up every WebGPU test file of the examples shares: WebGPU (Dawn on this machine's
 * Vulkan driver, or SwiftShader) registered and active before the file's tests, and afterwards the CPU
 * backend back and the device freed, so the worker process can exit. One place, not a copy per file.
 */

import * as tf from 'tapeflow';
import { afterAll, beforeAll } from 'vitest';
import { releaseWebGpu, useWebGpu } from './webgpu.js';

/**
 * Registers the hooks of a WebGPU test file: `useWebGpu()` before its tests, the CPU backend and
 * `releaseWebGpu()` after them. Call it once at the top level of the file.
 * @example useWebGpuInThisFile(); describe('on WebGPU', () => { ... });
 */
export function useWebGpuInThisFile(): void {
  beforeAll(async () => {
    await useWebGpu();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
    releaseWebGpu();
  });
}
