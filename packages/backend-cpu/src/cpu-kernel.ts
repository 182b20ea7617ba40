/**
 * @file What a CPU kernel sees of its backend: a way to read its inputs' arrays and to hand back the
 * array it computed. Kernels are plain functions of (buffers, call), so they hold no state and one
 * table serves every backend instance (each binds its own buffers).
 */

import type { DataId, KernelCall, KernelName, TensorInfo, TypedArray } from '@tapeflow/tensor-core/backend';

/** A backend's buffers as kernels use them. */
export interface KernelBuffers {
  /** The stored array of a kernel input; kernels must treat it as read-only. */
  values(tensor: TensorInfo): TypedArray;
  /** Stores a freshly computed array as a new buffer, taking ownership of it (no copy). */
  adopt(values: TypedArray): DataId;
}

/** A CPU kernel: the thin glue between a `KernelCall` and a pure `*Impl` function. */
export type CpuKernel<K extends KernelName> = (buffers: KernelBuffers, call: KernelCall<K>) => DataId;

/**
 * The `default` of every switch over kernel names: `op` is `never` there when the switch is exhaustive,
 * so a kernel added to tensor-core's spec without a case here fails `tsc`, naming this call.
 */
export function missingKernelCase(op: never): never {
  throw new Error(`cpu: no case for kernel '${String(op)}' (a kernel was added without its CPU form).`);
}
