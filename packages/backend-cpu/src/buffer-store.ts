/**
 * @file The two ways the CPU backend stores tensors, behind one interface (`BufferStore`; kernels see only
 * its `KernelBuffers` part): `JsBufferStore` keeps each tensor in its own typed array (the plain-JavaScript
 * path), `WasmBufferStore` (wasm/wasm-buffer-store.ts) keeps
 * them in WebAssembly linear memory where the SIMD kernels and the workers can reach them.
 */

import type { BackendMemoryInfo, DataId, DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { FailedPreconditionError } from '@tapeflow/tensor-core/backend';
import type { KernelBuffers } from './cpu-kernel.js';

/** The CPU backend's name, as `Backend.name` and messages give it. */
export const CPU_BACKEND_NAME = 'cpu';

/** A backend's buffers: what kernels see (`KernelBuffers`) plus what the Backend contract needs. */
export interface BufferStore extends KernelBuffers {
  /** Copies `values` (already validated against dtype and shape) into a new buffer. */
  write(values: TypedArray, dtype: DataType): DataId;
  /** A copy of a buffer's values, which the caller owns (the conformance suite requires it). */
  read(dataId: DataId): TypedArray;
  /** Frees a buffer; a second free throws. */
  free(dataId: DataId): void;
  /** Bytes and count of live buffers. */
  memory(): BackendMemoryInfo;
  /** Frees everything (and stops any workers). */
  dispose(): void;
}

/** Throws the error for a handle that is not a live buffer of this backend. */
export function refuseHandle(ownKind: boolean, use: string): never {
  const problem = ownKind
    ? 'was already disposed (or belongs to another cpu backend instance)'
    : 'was not made by a cpu backend';
  throw new FailedPreconditionError(`${CPU_BACKEND_NAME}: the buffer passed to ${use} ${problem}.`);
}

const EMPTY = new Float32Array(0);

/** The plain-JavaScript path's DataId: one typed array, owned by the store that made it. */
class JsData {
  constructor(public values: TypedArray) {}
}

/** Tensors as plain typed arrays, one per buffer; kernels adopt the arrays they compute. */
export class JsBufferStore implements BufferStore {
  readonly #live = new Set<JsData>();
  #numBytes = 0;

  values(tensor: { readonly dataId: DataId }): TypedArray {
    return this.#resolve(tensor.dataId, 'a kernel input').values;
  }

  adopt(values: TypedArray): DataId {
    const data = new JsData(values);
    this.#live.add(data);
    this.#numBytes += values.byteLength;
    return data;
  }

  write(values: TypedArray): DataId {
    return this.adopt(values.slice());
  }

  read(dataId: DataId): TypedArray {
    return this.#resolve(dataId, 'a read').values.slice();
  }

  free(dataId: DataId): void {
    const data = this.#resolve(dataId, 'disposeData');
    this.#live.delete(data);
    this.#numBytes -= data.values.byteLength;
    // tensor-core may still hold the handle; let the array go now rather than with the handle.
    data.values = EMPTY;
  }

  memory(): BackendMemoryInfo {
    return { numBytes: this.#numBytes, numDataBuffers: this.#live.size };
  }

  dispose(): void {
    for (const data of this.#live) data.values = EMPTY;
    this.#live.clear();
    this.#numBytes = 0;
  }

  #resolve(dataId: DataId, use: string): JsData {
    if (!(dataId instanceof JsData) || !this.#live.has(dataId)) refuseHandle(dataId instanceof JsData, use);
    return dataId;
  }
}
