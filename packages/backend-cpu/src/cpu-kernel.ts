/**
 * @file What a CPU kernel sees of its backend: a way to read its inputs' arrays and to hand back the
 * array it computed. Kernels are plain functions of (storage, call), so they hold no state and one
 * table serves every backend instance (each binds its own storage).
 */

import type { DataId, KernelCall, KernelName, TensorInfo, TypedArray } from '@tapeflow/tensor-core/backend';

/** A backend's buffers as kernels use them. */
export interface CpuStorage {
  /** The stored array of a kernel input; kernels must treat it as read-only. */
  values(tensor: TensorInfo): TypedArray;
  /** Stores a freshly computed array as a new buffer, taking ownership of it (no copy). */
  adopt(values: TypedArray): DataId;
}

/** A CPU kernel: the thin glue between a `KernelCall` and a pure `*Impl` function. */
export type CpuKernel<K extends KernelName> = (storage: CpuStorage, call: KernelCall<K>) => DataId;
