/**
 * @file The WebGPU backend's public types: the factory's options and what the backend offers beyond
 * tensor-core's `Backend` contract (its device, `flush`, pool figures). Kept apart from the
 * implementation so the package entry can export them without loading any WebGPU code.
 */
/// <reference types="@webgpu/types" />

import type { Backend, BackendMemoryInfo } from '@tapeflow/tensor-core/backend';

/**
 * Limits lower than the device's, for trying the paths that large tensors take without making large
 * tensors (tests do). A value above the device's own limit is ignored.
 * @example webgpuBackend({ gpu, limits: { maxStorageBufferBindingSize: 1 << 20 } })
 */
export interface WebGpuLimitOverrides {
  /** Largest tensor buffer, in bytes (4 bytes per element, whatever the dtype). */
  readonly maxStorageBufferBindingSize?: number;
  /** Workgroups per grid dimension before a dispatch is folded into 2-D. */
  readonly maxComputeWorkgroupsPerDimension?: number;
  /**
   * Invocations per workgroup (rounded down to a power of two, at most 64, for most kernels; the
   * workgroup-tiled MatMul shaders need 256 or 64 and are not used when this is lower).
   */
  readonly maxComputeInvocationsPerWorkgroup?: number;
}

/**
 * Which shader runs MatMul. `'auto'` (the default) chooses by size: the register-tiled shader (a 4×4
 * output tile per invocation, no workgroup memory) for small products, the workgroup-tiled ones (a
 * 64×64 or 128×128 output block per workgroup, staged through workgroup memory) for large ones. The
 * others force one shader for every product, for tests and for tuning the choice on a GPU; a tiled
 * shader whose workgroup the device (or `limits`) does not allow falls back to `'register'`. Conv2D and
 * its gradients follow it too: `'register'` runs their direct kernels, a tiled value their tiled
 * implicit GEMM, `'auto'` chooses by size.
 * @example webgpuBackend({ gpu, matMulShader: 'tiled-128' }) // every MatMul on the 128×128 block shader
 */
export type WebGpuMatMulShader = 'auto' | 'register' | 'tiled-64' | 'tiled-128';

/**
 * Options of `webgpuBackend`.
 * @example
 * import { create } from 'webgpu';
 * const options: WebGpuBackendOptions = { gpu: create([]), flushEvery: 16 };
 */
export interface WebGpuBackendOptions {
  /**
   * The GPU to use. Default: `navigator.gpu` (browsers). Node has none: pass `create([])` from the npm
   * `webgpu` package.
   */
  readonly gpu?: GPU | undefined;
  /** Passed to `gpu.requestAdapter` (e.g. `{ powerPreference: 'high-performance' }`). */
  readonly adapterOptions?: GPURequestAdapterOptions | undefined;
  /**
   * Passed to `adapter.requestDevice`. Its `requiredLimits` are merged over the adapter's own limits,
   * which the backend requests by default (WebGPU's defaults are lower than most adapters allow).
   */
  readonly deviceDescriptor?: GPUDeviceDescriptor | undefined;
  /** Dispatches recorded before they are submitted to the GPU (a read or `flush` submits sooner). Default 32. */
  readonly flushEvery?: number | undefined;
  /** Bytes of freed buffers kept for reuse. Default 256 MiB. */
  readonly maxPooledBytes?: number | undefined;
  /** Lower limits than the device's (see WebGpuLimitOverrides). */
  readonly limits?: WebGpuLimitOverrides | undefined;
  /** The MatMul shader (see WebGpuMatMulShader). Default `'auto'`. */
  readonly matMulShader?: WebGpuMatMulShader | undefined;
}

/** The limits the backend works within (the device's, lowered by `options.limits`). */
export interface WebGpuEffectiveLimits {
  /** Largest tensor buffer in bytes: the smaller of maxStorageBufferBindingSize and maxBufferSize. */
  readonly maxBufferBytes: number;
  /** Which device limit `maxBufferBytes` comes from, for messages. */
  readonly maxBufferLimitName: 'maxStorageBufferBindingSize' | 'maxBufferSize';
  readonly maxComputeWorkgroupsPerDimension: number;
  /** Invocations per workgroup the kernels use. */
  readonly workgroupSize: number;
}

/** Buffers the backend's pool holds, beside those of live tensors. */
export interface WebGpuPoolStats {
  /** Bytes of GPU buffers handed out (tensors and in-flight reads), rounded up to size classes. */
  readonly liveBytes: number;
  readonly liveBuffers: number;
  /** Bytes of freed buffers kept for reuse. */
  readonly pooledBytes: number;
  readonly pooledBuffers: number;
  /** Compute pipelines compiled (one per distinct shader). */
  readonly pipelines: number;
}

/**
 * The WebGPU backend: tensor-core's Backend contract with asynchronous reads only (no `readSync`, so
 * `t.dataSync()` throws an error that names `await t.data()`), plus its device and pool figures.
 */
export interface WebGpuBackend extends Backend {
  /** The device the kernels run on. Destroying it makes every later op throw a "device lost" error. */
  readonly device: GPUDevice;
  /** What the adapter says of itself (vendor, architecture, ...). */
  readonly adapterInfo: GPUAdapterInfo;
  readonly limits: WebGpuEffectiveLimits;
  /** `numBytes`: 4 bytes per element of every live tensor (bool is widened to 4 bytes on the GPU). */
  memory(): BackendMemoryInfo;
  /** Submits recorded work and resolves once the GPU has finished it. */
  flush(): Promise<void>;
  /** The buffer pool's figures. */
  poolStats(): WebGpuPoolStats;
  /** Frees every buffer and destroys the device. */
  dispose(): void;
}
