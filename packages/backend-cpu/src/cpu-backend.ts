/**
 * @file CpuBackend: the reference backend's storage and kernel table. Buffers are plain typed arrays
 * wrapped in `CpuData` handles; each backend instance owns its own set of live handles, so two
 * instances never share state and a handle from one is refused by the other.
 */

import type { Backend, BackendMemoryInfo, DataId, DataType, TensorInfo, TypedArray } from '@tapeflow/tensor-core';
import {
  FailedPreconditionError,
  dtypeOfTypedArray,
  formatShape,
  invalidArgument,
  sizeFromShape,
} from '@tapeflow/tensor-core';
import type { CpuStorage } from './cpu-kernel.js';
import { createKernelTable, type CpuKernelTable } from './kernel-table.js';

/** The CPU backend's name, as `Backend.name` and messages give it. */
export const CPU_BACKEND_NAME = 'cpu';

/**
 * The contract version these kernels were written for. A literal, not tensor-core's
 * `BACKEND_SPEC_VERSION`: read from the installed tensor-core, it would always match and the Engine's
 * version check could never catch a backend older than the contract.
 */
const IMPLEMENTED_SPEC_VERSION = 1;

const EMPTY = new Float32Array(0);

/** The CPU backend's DataId: one typed array, owned by the backend that made it. */
class CpuData {
  constructor(public values: TypedArray) {}
}

/**
 * The reference CPU backend: every kernel, synchronous reads.
 *
 * Reads (`read`, `readSync`) return the stored array itself, not a copy, so a tensor's values cost
 * nothing to read. Callers must not mutate it, and tensor-core must copy before handing values to users.
 *
 * @example
 * ```ts
 * const backend = new CpuBackend();
 * const x = backend.write(new Float32Array([1, 2, 3]), [3], 'float32');
 * const info = { dataId: x, shape: [3], dtype: 'float32' } as const;
 * const y = backend.kernels.Square({ inputs: { x: info }, attrs: {}, output: info });
 * backend.readSync(y); // Float32Array [1, 4, 9]
 * ```
 */
export class CpuBackend implements Backend {
  readonly specVersion = IMPLEMENTED_SPEC_VERSION;
  readonly name = CPU_BACKEND_NAME;
  readonly kernels: CpuKernelTable;
  readonly #live = new Set<CpuData>();
  #numBytes = 0;

  constructor() {
    const storage: CpuStorage = {
      values: (tensor: TensorInfo) => this.#resolve(tensor.dataId, 'a kernel input').values,
      adopt: (values: TypedArray) => this.#adopt(values),
    };
    this.kernels = createKernelTable(storage);
  }

  /** Copies `values` into a new buffer; `values` must be `dtype`'s array type and `shape`'s size. */
  write(values: TypedArray, shape: readonly number[], dtype: DataType): DataId {
    const given = dtypeOfTypedArray(values);
    if (given !== dtype) {
      invalidArgument('write', 'values', `the storage array of ${dtype}`, `the storage array of ${given ?? 'no dtype'}`);
    }
    const size = sizeFromShape(shape);
    if (values.length !== size) {
      invalidArgument('write', 'values', `${size} values for shape ${formatShape(shape)}`, `${values.length}`);
    }
    return this.#adopt(values.slice());
  }

  /** The buffer's values: the stored array itself, which must not be mutated. */
  read(dataId: DataId): Promise<TypedArray> {
    try {
      return Promise.resolve(this.readSync(dataId));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The buffer's values: the stored array itself, which must not be mutated. */
  readSync(dataId: DataId): TypedArray {
    return this.#resolve(dataId, 'a read').values;
  }

  /** Frees a buffer; freeing one twice throws, since tensor-core frees each exactly once. */
  disposeData(dataId: DataId): void {
    const data = this.#resolve(dataId, 'disposeData');
    this.#live.delete(data);
    this.#numBytes -= data.values.byteLength;
    // tensor-core may still hold the handle; let the array go now rather than with the handle.
    data.values = EMPTY;
  }

  /** Exact figures: bytes of live buffers and their count. */
  memory(): BackendMemoryInfo {
    return { numBytes: this.#numBytes, numDataBuffers: this.#live.size };
  }

  /** Frees every buffer; handles from before are refused afterwards. */
  dispose(): void {
    for (const data of this.#live) data.values = EMPTY;
    this.#live.clear();
    this.#numBytes = 0;
  }

  #adopt(values: TypedArray): DataId {
    const data = new CpuData(values);
    this.#live.add(data);
    this.#numBytes += values.byteLength;
    return data;
  }

  #resolve(dataId: DataId, use: string): CpuData {
    if (!(dataId instanceof CpuData) || !this.#live.has(dataId)) {
      const problem =
        dataId instanceof CpuData
          ? 'was already disposed (or belongs to another cpu backend instance)'
          : 'was not made by a cpu backend';
      throw new FailedPreconditionError(`${CPU_BACKEND_NAME}: the buffer passed to ${use} ${problem}.`);
    }
    return dataId;
  }
}

/**
 * Makes a fresh CPU backend. Nothing is registered or shared: each call returns an independent
 * instance, for an Engine to adopt.
 *
 * @example
 * ```ts
 * const backend = cpuBackend();
 * backend.memory(); // { numBytes: 0, numDataBuffers: 0 }
 * ```
 */
export function cpuBackend(): CpuBackend {
  return new CpuBackend();
}
