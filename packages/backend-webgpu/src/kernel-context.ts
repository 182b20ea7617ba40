/**
 * @file What a WebGPU kernel sees of its backend: its inputs' buffers, a way to allocate its output
 * (within the device's limits), and the dispatcher to run Programs on. Kernels are plain functions of
 * (context, call), as in the CPU backend, so they hold no state and one table serves every instance.
 */

import type { DataId, DataType, KernelCall, KernelName, TensorInfo } from '@tapeflow/tensor-core/backend';
import type { GpuData } from './gpu-data.js';
import type { Program } from './program.js';
import type { WebGpuMatMulShader } from './types.js';

/** A backend's buffers and dispatcher as kernels use them. */
export interface KernelContext {
  /** Invocations per workgroup (within the device's maxComputeInvocationsPerWorkgroup). */
  readonly workgroupSize: number;
  /** The most invocations one workgroup may have (the device's, lowered by `options.limits`). */
  readonly maxWorkgroupInvocations: number;
  /** The MatMul shader `options.matMulShader` asks for ('auto': chosen by size). */
  readonly matMulShader: WebGpuMatMulShader;
  /** The buffer of a kernel input, refused if another backend made it or it was disposed. */
  input(tensor: TensorInfo): GpuData;
  /**
   * A new buffer for `size` elements of `dtype`; a ResourceExhaustedError naming the limit when the
   * device cannot hold it, before anything is allocated.
   */
  allocate(size: number, dtype: DataType, op: string, shape: readonly number[]): GpuData;
  /** Records one dispatch. */
  run(program: Program): void;
  /** Frees a scratch buffer made by `allocate` (reused once no recorded dispatch needs it). */
  release(data: GpuData): void;
}

/** A WebGPU kernel: builds its Programs, allocates its output, records the dispatches. */
export type WebGpuKernel<K extends KernelName> = (context: KernelContext, call: KernelCall<K>) => DataId;
