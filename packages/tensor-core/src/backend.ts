/**
 * @file The Backend contract: what a backend plugin implements. Storage (`write`, `read`, `readSync`,
 * `disposeData`, `memory`) and a kernel table. Buffers are the backend's own; tensor-core computes every
 * output shape and dtype before a kernel runs, so a backend never repeats shape logic.
 *
 * `specVersion` lets the contract evolve: tensor-core refuses a backend built for another version with
 * an error that names both, instead of failing deep inside a kernel.
 */

import type { DataType, TypedArray } from './dtype.js';
import type { DataId, KernelTable } from './kernels.js';

/** The contract version this tensor-core implements. */
export const BACKEND_SPEC_VERSION = 1;

/** What a backend reports of its own memory. */
export interface BackendMemoryInfo {
  /** Bytes the backend holds for live buffers. */
  readonly numBytes: number;
  /** Live buffers. */
  readonly numDataBuffers: number;
  /** Whether `numBytes` is a lower bound (e.g. a pool holds more than is in use). */
  readonly unreliable?: boolean;
}

/** A compute backend. */
export interface Backend {
  /** The contract version the backend implements; must equal `BACKEND_SPEC_VERSION`. */
  readonly specVersion: number;
  /** A short name for messages, e.g. `cpu`. */
  readonly name: string;
  /** The kernels. */
  readonly kernels: KernelTable;
  /** Copies `values` (already of `dtype`'s storage type, length = product of shape) into a new buffer. */
  write(values: TypedArray, shape: readonly number[], dtype: DataType): DataId;
  /**
   * Reads a buffer's values into an array the caller owns: writing into it must not change the
   * buffer (tensor-core hands it to users as `t.data()`).
   */
  read(dataId: DataId): Promise<TypedArray>;
  /** Like `read`, synchronously; absent on asynchronous backends such as WebGPU. */
  readSync?(dataId: DataId): TypedArray;
  /** Frees a buffer. tensor-core calls it exactly once per buffer, when the last handle goes. */
  disposeData(dataId: DataId): void;
  /** The backend's own memory figures. */
  memory(): BackendMemoryInfo;
  /** Finishes queued work (asynchronous backends); resolves when results are readable. */
  flush?(): Promise<void>;
  /** Frees everything the backend holds; it is not used again. */
  dispose?(): void;
}

/** Makes a backend, possibly asynchronously (WebGPU must request an adapter first). */
export type BackendFactory = () => Backend | Promise<Backend>;
