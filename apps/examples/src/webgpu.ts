/**
 * @file WebGPU in Node for the examples (`pnpm examples --backend webgpu` and the WebGPU test): the
 * npm `webgpu` package's Dawn, registered as the 'webgpu' backend and made active. A machine whose
 * Vulkan driver gives Dawn an adapter uses it; one without a driver (CI, these CPU-only machines), or
 * with one Dawn refuses (Debian 12's Mesa 22 lavapipe), falls back to the SwiftShader driver of
 * Debian's chromium package (`nodeGpu`, in @tapeflow/backend-webgpu).
 */

import { existsSync, readdirSync } from 'node:fs';
import { SWIFTSHADER_ICD, nodeGpu, webgpuBackend } from '@tapeflow/backend-webgpu';
import type { WebGpuBackend } from '@tapeflow/backend-webgpu';
import * as tf from 'tapeflow';
import { create } from 'webgpu';

/** Where the Vulkan loader looks for installed drivers on Linux. */
const ICD_DIRECTORIES = ['/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/etc/vulkan/icd.d'];

function hasInstalledVulkanDriver(): boolean {
  return ICD_DIRECTORIES.some((dir) => existsSync(dir) && readdirSync(dir).some((file) => file.endsWith('.json')));
}

/** A WebGPU backend on this machine's Vulkan driver, or on SwiftShader when it has none or Dawn refuses it. */
async function nodeWebGpuBackend(): Promise<WebGpuBackend> {
  // No driver at all: straight to SwiftShader (set before Dawn's first instance), without the failed
  // first try and the note nodeGpu prints about it.
  const named = process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES;
  if (named === undefined && !hasInstalledVulkanDriver() && existsSync(SWIFTSHADER_ICD))
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  return webgpuBackend({ gpu: await nodeGpu(create) });
}

/**
 * Registers 'webgpu' (once) and makes it the active backend.
 * @example await useWebGpu(); tf.getBackend() // 'webgpu'
 */
export async function useWebGpu(): Promise<void> {
  if (!tf.getEngine().registeredBackends().includes('webgpu')) tf.registerBackend('webgpu', nodeWebGpuBackend);
  await tf.setBackend('webgpu');
}

/**
 * Frees the 'webgpu' backend and its device, so the process can exit (Dawn keeps it alive otherwise).
 * @example await useWebGpu(); ...; releaseWebGpu();
 */
export function releaseWebGpu(): void {
  if (tf.getEngine().registeredBackends().includes('webgpu')) tf.removeBackend('webgpu');
}
