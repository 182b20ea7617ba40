/**
 * @file Public entry of @tapeflow/backend-webgpu: the `webgpuBackend` factory and its types. Importing it
 * loads no WebGPU code and registers nothing: the factory first finds a GPU and an adapter (with a clear
 * error when there is none), and only then loads the implementation with `await import()`, so an
 * application that never asks for WebGPU never loads its kernels.
 *
 * @example
 * import { registerBackend, setBackend } from '@tapeflow/tensor-core/backend';
 * import { webgpuBackend } from '@tapeflow/backend-webgpu';
 * registerBackend('webgpu', () => webgpuBackend());          // browsers: navigator.gpu
 * // Node: import { create } from 'webgpu';
 * // registerBackend('webgpu', async () => webgpuBackend({ gpu: await nodeGpu(create) }));
 * await setBackend('webgpu');
 */
/// <reference types="@webgpu/types" />

import { NotFoundError } from '@tapeflow/tensor-core/backend';
import type { WebGpuBackend, WebGpuBackendOptions } from './types.js';

export type {
  WebGpuBackend,
  WebGpuBackendOptions,
  WebGpuEffectiveLimits,
  WebGpuLimitOverrides,
  WebGpuMatMulShader,
  WebGpuPoolStats,
} from './types.js';
export { SWIFTSHADER_ICD, nodeGpu } from './node-gpu.js';
export type { NodeGpuOptions } from './node-gpu.js';

/** The WebGPU backend's name, as `Backend.name` and messages give it. */
export const WEBGPU_BACKEND_NAME = 'webgpu';

/** The Node version when running under Node (where there is no navigator.gpu), else undefined. */
function nodeVersion(): string | undefined {
  return (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
}

const NODE_SETUP =
  "In Node, install the 'webgpu' package (Dawn) and pass its GPU: " +
  "`import { create } from 'webgpu'; webgpuBackend({ gpu: create([]) })`.";

const NODE_DRIVER =
  "Dawn needs a Vulkan driver. With no GPU, use SwiftShader from Debian's chromium package: " +
  '`apt-get install chromium libvulkan1` and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json ' +
  'before the first requestAdapter(), or pass `await nodeGpu(create)`, which falls back to it ' +
  "(or install your GPU's Vulkan driver, or Mesa 25+ lavapipe).";

const BROWSER_SETUP =
  'Use a WebGPU-enabled browser (Chrome or Edge 113+, Safari 26+, Firefox 141+ on Windows) on a secure ' +
  'context (https or localhost).';

/**
 * Makes a WebGPU backend: finds an adapter, requests a device with the adapter's limits, and loads the
 * kernels. Rejects with a NotFoundError saying what to install when there is no WebGPU or no adapter.
 *
 * @example
 * // Node, with the `webgpu` package: this machine's Vulkan driver, or SwiftShader when Dawn gets no
 * // adapter from it (nodeGpu):
 * import { create } from 'webgpu';
 * registerBackend('webgpu', async () => webgpuBackend({ gpu: await nodeGpu(create) }));
 * await setBackend('webgpu');
 * const y = tensor([1, 2, 3]).square();
 * await y.data(); // Float32Array [1, 4, 9]
 */
export async function webgpuBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  const node = nodeVersion();
  const gpu = options.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (gpu === undefined) {
    throw new NotFoundError(
      node !== undefined
        ? `webgpuBackend: no GPU object: Node ${node} has no navigator.gpu. ${NODE_SETUP} ${NODE_DRIVER}`
        : `webgpuBackend: this environment has no navigator.gpu (WebGPU is missing or disabled). ${BROWSER_SETUP}`,
    );
  }
  const adapter = await gpu.requestAdapter(options.adapterOptions);
  if (adapter === null) {
    throw new NotFoundError(
      node !== undefined
        ? `webgpuBackend: requestAdapter() found no WebGPU adapter. ${NODE_DRIVER}`
        : 'webgpuBackend: the browser has WebGPU but found no adapter (blocklisted GPU, disabled hardware ' +
            'acceleration, or a headless browser started without --enable-unsafe-webgpu). ' +
            BROWSER_SETUP,
    );
  }
  const { createWebGpuBackend } = await import('./backend.js');
  return createWebGpuBackend(gpu, adapter, options);
}
