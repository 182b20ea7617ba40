/**
 * @file The WebGPU backend's implementation, loaded by the factory only once an adapter exists: the
 * device and its limits, tensor storage (GpuData handles over pooled buffers), asynchronous reads, and
 * what happens when things go wrong. A lost device (driver reset, `device.destroy()`) makes every later
 * op and read throw a FailedPreconditionError saying so, and a read in flight rejects instead of
 * hanging. Errors the device reports asynchronously (a bad shader would be one) surface at the next
 * read or flush.
 *
 * Built only on `@tapeflow/tensor-core/backend`, the backend authors' entry, as any third-party backend
 * would be.
 */
/// <reference types="@webgpu/types" />

import type { BackendMemoryInfo, DataId, DataType, TensorInfo, TypedArray } from '@tapeflow/tensor-core/backend';
import type { BACKEND_SPEC_VERSION } from '@tapeflow/tensor-core/backend';
import {
  FailedPreconditionError,
  ResourceExhaustedError,
  checkWrite,
  formatShape,
  invalidArgument,
  makeTypedArray,
} from '@tapeflow/tensor-core/backend';
import { BufferPool } from './buffer-pool.js';
import { Dispatcher, TENSOR_USAGE } from './dispatcher.js';
import { GPU_BYTES_PER_ELEMENT, GpuData, fromGpuWords, toGpuWords } from './gpu-data.js';
import type { KernelContext } from './kernel-context.js';
import { createKernelTable, type WebGpuKernelTable } from './kernel-table.js';
import type { Program } from './program.js';
import type {
  WebGpuBackend,
  WebGpuBackendOptions,
  WebGpuEffectiveLimits,
  WebGpuMatMulShader,
  WebGpuPoolStats,
} from './types.js';

const DEFAULT_FLUSH_EVERY = 32;
const DEFAULT_MAX_POOLED_BYTES = 256 * 1024 * 1024;
/** More invocations per workgroup buy nothing for these kernels; reductions size their tree by it. */
const PREFERRED_WORKGROUP_SIZE = 64;

/** The adapter limits a compute backend cares about, requested in full (WebGPU's defaults are lower). */
const REQUESTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
] as const;

const MATMUL_SHADERS: readonly WebGpuMatMulShader[] = ['auto', 'register', 'tiled-64', 'tiled-128'];

/** Requests a device with the adapter's limits and wraps it in a backend. */
export async function createWebGpuBackend(
  gpu: GPU,
  adapter: GPUAdapter,
  options: WebGpuBackendOptions,
): Promise<WebGpuBackend> {
  const matMulShader: unknown = options.matMulShader;
  if (matMulShader !== undefined && !MATMUL_SHADERS.includes(matMulShader as WebGpuMatMulShader)) {
    invalidArgument(
      'webgpuBackend',
      'options.matMulShader',
      `one of ${MATMUL_SHADERS.map((name) => `'${name}'`).join(', ')}`,
      typeof matMulShader === 'string' ? `'${matMulShader}'` : typeof matMulShader,
    );
  }
  const descriptor = options.deviceDescriptor ?? {};
  const requiredLimits: Record<string, number> = {};
  for (const name of REQUESTED_LIMITS) requiredLimits[name] = adapter.limits[name];
  Object.assign(requiredLimits, descriptor.requiredLimits);
  const device = await adapter.requestDevice({ ...descriptor, requiredLimits });
  return new WebGpuBackendImpl({ gpu, adapter, device }, options);
}

/** Largest power of two not above `limit`. */
function powerOfTwoAtMost(limit: number): number {
  return 2 ** Math.floor(Math.log2(Math.max(1, limit)));
}

function effectiveLimits(device: GPUDevice, options: WebGpuBackendOptions): WebGpuEffectiveLimits {
  const overrides = options.limits ?? {};
  const lower = (deviceValue: number, override: number | undefined): number =>
    override === undefined ? deviceValue : Math.min(deviceValue, override);
  const binding = lower(device.limits.maxStorageBufferBindingSize, overrides.maxStorageBufferBindingSize);
  const buffer = device.limits.maxBufferSize;
  const invocations = Math.min(
    PREFERRED_WORKGROUP_SIZE,
    device.limits.maxComputeWorkgroupSizeX,
    lower(device.limits.maxComputeInvocationsPerWorkgroup, overrides.maxComputeInvocationsPerWorkgroup),
  );
  return {
    maxBufferBytes: Math.min(binding, buffer),
    maxBufferLimitName: binding <= buffer ? 'maxStorageBufferBindingSize' : 'maxBufferSize',
    maxComputeWorkgroupsPerDimension: lower(
      device.limits.maxComputeWorkgroupsPerDimension,
      overrides.maxComputeWorkgroupsPerDimension,
    ),
    workgroupSize: powerOfTwoAtMost(invocations),
  };
}

/** The WebGPU backend. Make one with `webgpuBackend()`. */
class WebGpuBackendImpl implements WebGpuBackend {
  /**
   * The contract version these kernels were written for: a literal in the built code (so the Engine's
   * check catches this build under a newer tensor-core), typed as tensor-core's constant (so a version
   * bump fails to compile here until the kernels follow it).
   */
  readonly specVersion: typeof BACKEND_SPEC_VERSION = 1;
  readonly name = 'webgpu';
  readonly kernels: WebGpuKernelTable;
  readonly device: GPUDevice;
  readonly adapterInfo: GPUAdapterInfo;
  readonly limits: WebGpuEffectiveLimits;
  readonly #pool: BufferPool;
  readonly #dispatcher: Dispatcher;
  readonly #live = new Set<GpuData>();
  #numBytes = 0;
  #disposed = false;
  #lost: GPUDeviceLostInfo | null = null;
  /** Rejects once the device is lost, so that waits on the GPU can race it and never hang. */
  readonly #whenLost: Promise<never>;
  readonly #deviceErrors: string[] = [];
  /**
   * Held for the backend's lifetime: Dawn's Node bindings free the native instance when the JS `GPU`
   * object is collected, even while a device made from it is in use, and the process then crashes.
   */
  readonly #owners: { readonly gpu: GPU; readonly adapter: GPUAdapter };

  constructor(
    { gpu, adapter, device }: { gpu: GPU; adapter: GPUAdapter; device: GPUDevice },
    options: WebGpuBackendOptions,
  ) {
    this.#owners = { gpu, adapter };
    this.device = device;
    this.adapterInfo = adapter.info;
    this.limits = effectiveLimits(device, options);
    this.#pool = new BufferPool(device, this.limits.maxBufferBytes, options.maxPooledBytes ?? DEFAULT_MAX_POOLED_BYTES);
    this.#dispatcher = new Dispatcher(
      device,
      this.#pool,
      Math.max(1, options.flushEvery ?? DEFAULT_FLUSH_EVERY),
      this.limits.maxComputeWorkgroupsPerDimension,
    );
    this.#whenLost = device.lost.then((info) => {
      this.#lost = info;
      throw this.#unusable('a GPU operation');
    });
    // Nobody may be waiting when the device goes; that must not be an unhandled rejection.
    this.#whenLost.catch(() => undefined);
    device.addEventListener('uncapturederror', (event) => {
      this.#deviceErrors.push(event.error.message);
    });
    const invocationLimit = options.limits?.maxComputeInvocationsPerWorkgroup;
    const context: KernelContext = {
      workgroupSize: this.limits.workgroupSize,
      maxWorkgroupInvocations: Math.min(
        device.limits.maxComputeWorkgroupSizeX,
        device.limits.maxComputeInvocationsPerWorkgroup,
        invocationLimit ?? Number.POSITIVE_INFINITY,
      ),
      matMulShader: options.matMulShader ?? 'auto',
      input: (tensor: TensorInfo) => {
        this.#checkUsable('a kernel');
        return this.#resolve(tensor.dataId, 'a kernel input');
      },
      allocate: (size, dtype, op, shape) => this.#allocate(size, dtype, op, shape),
      run: (program: Program) => this.#dispatcher.run(program),
      release: (data: GpuData) => this.disposeData(data),
    };
    this.kernels = createKernelTable(context);
  }

  /** Copies `values` into a new GPU buffer (queued: it reaches the GPU before any later kernel). */
  write(values: TypedArray, shape: readonly number[], dtype: DataType): DataId {
    const size = checkWrite(values, shape, dtype);
    const data = this.#allocate(size, dtype, 'write', shape);
    // The cast: TypeScript's DOM lib (unlike @webgpu/types) types this argument without shared memory.
    if (data.buffer !== null)
      this.device.queue.writeBuffer(data.buffer, 0, toGpuWords(values, dtype) as GPUAllowSharedBufferSource);
    return data;
  }

  /** Submits pending work, copies the buffer to a staging buffer and resolves with its values. */
  async read(dataId: DataId): Promise<TypedArray> {
    this.#checkUsable('read');
    const data = this.#resolve(dataId, 'read');
    if (data.buffer === null) return makeTypedArray(0, data.dtype);
    let words: ArrayBuffer;
    try {
      words = await this.#dispatcher.readBuffer(data.buffer, data.byteLength, this.#whenLost);
    } catch (error) {
      throw this.#lost !== null || this.#disposed ? this.#unusable('read') : error;
    }
    this.#throwDeviceErrors('read');
    return fromGpuWords(words, data.size, data.dtype);
  }

  /** Frees a buffer (back to the pool once no pending command can use it). */
  disposeData(dataId: DataId): void {
    const data = this.#resolve(dataId, 'disposeData');
    this.#live.delete(data);
    this.#numBytes -= data.byteLength;
    // On a lost device every buffer is gone already; pooling them would only hand out dead ones.
    if (data.buffer !== null && this.#lost === null && !this.#disposed) this.#dispatcher.release(data.buffer);
    data.buffer = null;
  }

  /** Exact figures for live tensors: 4 bytes per element, whatever the dtype. */
  memory(): BackendMemoryInfo {
    return { numBytes: this.#numBytes, numDataBuffers: this.#live.size };
  }

  /** Submits recorded work and resolves once the GPU has finished it. */
  async flush(): Promise<void> {
    this.#checkUsable('flush');
    this.#dispatcher.submit();
    try {
      await Promise.race([this.device.queue.onSubmittedWorkDone(), this.#whenLost]);
    } catch (error) {
      throw this.#lost !== null ? this.#unusable('flush') : error;
    }
    this.#throwDeviceErrors('flush');
  }

  poolStats(): WebGpuPoolStats {
    return { ...this.#pool.stats(), pipelines: this.#dispatcher.pipelineCount };
  }

  /** Frees every buffer and destroys the device; the backend is not used again. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const data of this.#live) data.buffer = null;
    this.#live.clear();
    this.#numBytes = 0;
    this.#pool.clear();
    this.#dispatcher.dispose();
    // The last read of the owners: until here they kept Dawn's instance alive.
    void this.#owners;
    this.device.destroy();
  }

  #allocate(size: number, dtype: DataType, op: string, shape: readonly number[]): GpuData {
    this.#checkUsable(op);
    const bytes = size * GPU_BYTES_PER_ELEMENT;
    const { maxBufferBytes, maxBufferLimitName } = this.limits;
    if (bytes > maxBufferBytes) {
      throw new ResourceExhaustedError(
        `${op}: a ${dtype} tensor of shape ${formatShape(shape)} needs ${bytes} bytes on the GPU (${GPU_BYTES_PER_ELEMENT} per element), ` +
          `more than this device allows for one buffer (${maxBufferLimitName} = ${maxBufferBytes} bytes).`,
        op,
      );
    }
    const buffer = size === 0 ? null : this.#pool.acquire(bytes, TENSOR_USAGE);
    const data = new GpuData(this, buffer, size, dtype);
    this.#live.add(data);
    this.#numBytes += bytes;
    return data;
  }

  #resolve(dataId: DataId, use: string): GpuData {
    if (!(dataId instanceof GpuData) || dataId.owner !== this || !this.#live.has(dataId)) {
      const problem = !(dataId instanceof GpuData)
        ? 'was not made by a webgpu backend'
        : dataId.owner !== this
          ? 'belongs to another webgpu backend instance'
          : 'was already disposed';
      throw new FailedPreconditionError(`webgpu: the buffer passed to ${use} ${problem}.`);
    }
    return dataId;
  }

  #checkUsable(op: string): void {
    if (this.#disposed || this.#lost !== null) throw this.#unusable(op);
  }

  #unusable(op: string): FailedPreconditionError {
    if (this.#disposed) {
      return new FailedPreconditionError(`${op}: the webgpu backend was disposed; its tensors are gone.`, op);
    }
    const { reason, message } = this.#lost ?? { reason: 'unknown', message: '' };
    return new FailedPreconditionError(
      `${op}: the WebGPU device was lost (reason '${reason}'${message ? `: ${message}` : ''}); every tensor on it is gone. ` +
        "Make a new backend (removeBackend('webgpu'), registerBackend('webgpu', ...), await setBackend('webgpu')) and recompute.",
      op,
    );
  }

  #throwDeviceErrors(op: string): void {
    if (this.#deviceErrors.length === 0) return;
    const errors = this.#deviceErrors.splice(0);
    throw new FailedPreconditionError(
      `${op}: the WebGPU device reported an error while running kernels: ${errors.join(' | ')}`,
      op,
    );
  }
}
