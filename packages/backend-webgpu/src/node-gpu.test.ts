/**
 * @file `nodeGpu` falls back to SwiftShader when the Vulkan driver the environment names gives Dawn no
 * adapter. The refused driver is Debian 12's Mesa 22 lavapipe where it is installed (or where
 * TAPEFLOW_REFUSED_VULKAN_ICD names its driver file), else a driver file whose library does not exist:
 * either way the test first checks that Dawn really gets no adapter from it. Runs in its own child
 * process (the `webgpu` vitest project), so the Vulkan loader sees every change of the variables.
 */

import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tapeflow/tensor-core/internal';
import { NotFoundError } from '@tapeflow/tensor-core/internal';
import { create } from 'webgpu';
import { afterAll, describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD, nodeGpu, webgpuBackend } from './index.js';

const LAVAPIPE_ICD = '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json';
const scratch = mkdtempSync(join(tmpdir(), 'tapeflow-icd-'));
/** A Vulkan driver file the loader finds but cannot load. */
const brokenIcd = join(scratch, 'broken_icd.json');
writeFileSync(
  brokenIcd,
  JSON.stringify({
    file_format_version: '1.0.0',
    ICD: { library_path: join(scratch, 'libvulkan_missing.so'), api_version: '1.3.0' },
  }),
);
const refusedIcd = process.env.TAPEFLOW_REFUSED_VULKAN_ICD ?? (existsSync(LAVAPIPE_ICD) ? LAVAPIPE_ICD : brokenIcd);

function useDriver(icd: string): void {
  process.env.VK_DRIVER_FILES = icd;
  process.env.VK_ICD_FILENAMES = icd;
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('nodeGpu', () => {
  it(`falls back to SwiftShader when the driver gives Dawn no adapter (${refusedIcd === brokenIcd ? 'a driver that cannot load' : refusedIcd})`, async () => {
    useDriver(refusedIcd);
    expect(await create([]).requestAdapter(), 'the refused driver gives no adapter on its own').toBeNull();
    const notes: string[] = [];
    const gpu = await nodeGpu(create, { onFallback: (message) => notes.push(message) });
    expect(notes).toEqual([
      `@tapeflow/backend-webgpu: the Vulkan driver '${refusedIcd}' gave Dawn no WebGPU adapter (Debian 12's Mesa 22 lavapipe is refused); using SwiftShader ('${SWIFTSHADER_ICD}') instead.`,
    ]);
    expect([process.env.VK_DRIVER_FILES, process.env.VK_ICD_FILENAMES]).toEqual([SWIFTSHADER_ICD, SWIFTSHADER_ICD]);
    const backend = await webgpuBackend({ gpu });
    tf.registerBackend('fallback', () => backend);
    try {
      await tf.setBackend('fallback');
      const y = tf.square(tf.tensor([1, 2, 3]));
      expect(Array.from(await y.data())).toEqual([1, 4, 9]);
      y.dispose();
    } finally {
      tf.removeBackend('fallback');
    }
  });

  it('keeps a driver that gives an adapter, saying nothing', async () => {
    useDriver(SWIFTSHADER_ICD);
    const notes: string[] = [];
    const gpu = await nodeGpu(create, { onFallback: (message) => notes.push(message) });
    expect(await gpu.requestAdapter()).not.toBeNull();
    expect(notes).toEqual([]);
  });

  it('when the fallback gives no adapter either, puts the variables back and webgpuBackend says what to install', async () => {
    useDriver(refusedIcd);
    const notes: string[] = [];
    const gpu = await nodeGpu(create, {
      fallbackIcd: brokenIcd === refusedIcd ? join(scratch, 'absent.json') : brokenIcd,
      onFallback: (m) => notes.push(m),
    });
    expect(notes).toEqual([]);
    expect([process.env.VK_DRIVER_FILES, process.env.VK_ICD_FILENAMES]).toEqual([refusedIcd, refusedIcd]);
    const error = await webgpuBackend({ gpu }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/no WebGPU adapter.*apt-get install chromium libvulkan1.*nodeGpu/s);
  });
});
