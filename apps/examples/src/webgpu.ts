/**
 * @file WebGPU in Node for the examples (`pnpm examples --backend webgpu` and the WebGPU test): the
 * npm `webgpu` package's Dawn, registered as the 'webgpu' backend and made active. A machine with a
 * Vulkan driver uses it; one without (CI, these CPU-only machines) falls back to the SwiftShader driver
 * that Debian's chromium package ships, which is what VK_ICD_FILENAMES points Dawn at.
 */

import { existsSync, readdirSync } from 'node:fs';
import { webgpuBackend } from '@tapeflow/backend-webgpu';
import type { WebGpuBackend } from '@tapeflow/backend-webgpu';
import * as tf from 'tapeflow';
import { create } from 'webgpu';

/** The Vulkan driver file of Debian's chromium package (SwiftShader: Vulkan on the CPU). */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Where the Vulkan loader looks for installed drivers on Linux. */
const ICD_DIRECTORIES = ['/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/etc/vulkan/icd.d'];

function hasInstalledVulkanDriver(): boolean {
  return ICD_DIRECTORIES.some((dir) => existsSync(dir) && readdirSync(dir).some((file) => file.endsWith('.json')));
}

/** A WebGPU backend on this machine's Vulkan driver, or on SwiftShader when it has none. */
function nodeWebGpuBackend(): Promise<WebGpuBackend> {
  // Read by the Vulkan loader when Dawn makes its instance, so it must be set before `create()`.
  if (process.env.VK_ICD_FILENAMES === undefined && !hasInstalledVulkanDriver() && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  return webgpuBackend({ gpu: create([]) });
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
