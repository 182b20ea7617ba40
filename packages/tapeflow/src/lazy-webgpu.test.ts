/**
 * @file Where the environment has WebGPU (`navigator.gpu`), importing the umbrella registers
 * 'webgpu' as well as 'cpu', the CPU stays the active default, and `setBackend('webgpu')` alone (no
 * other import) loads the WebGPU backend and runs on it. Node 20 has no navigator, so the test makes
 * one around Dawn's GPU object (on SwiftShader here), the way a browser page has one.
 */
import { SWIFTSHADER_ICD, nodeGpu } from '@tapeflow/backend-webgpu';
import { create } from 'webgpu';
import { afterAll, describe, expect, it, vi } from 'vitest';

process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;

const hadNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');

afterAll(() => {
  if (hadNavigator === undefined) Reflect.deleteProperty(globalThis, 'navigator');
  else Object.defineProperty(globalThis, 'navigator', hadNavigator);
});

describe('tapeflow umbrella: WebGPU registered lazily', () => {
  it("registers no 'webgpu' where there is no navigator.gpu", async () => {
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
    vi.resetModules();
    const tf = await import('./index.js');
    expect(tf.getEngine().registeredBackends()).not.toContain('webgpu');
  });

  it("registers 'webgpu' where navigator.gpu exists; setBackend('webgpu') alone runs on it", async () => {
    const gpu = await nodeGpu(create);
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
    vi.resetModules();
    const tf = await import('./index.js');
    expect(tf.getEngine().registeredBackends()).toContain('webgpu');
    expect(tf.getBackend()).toBe('cpu');
    await tf.setBackend('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    const x = tf.tensor([1, 2, 3]);
    const y = x.square();
    expect(Array.from(await y.data())).toEqual([1, 4, 9]);
    tf.dispose([x, y]);
    await tf.setBackend('cpu');
    tf.getEngine().removeBackend('webgpu');
  });
});
