/**
 * @file Tensors in WebAssembly linear memory: one memory per backend, a free-list heap in it
 * (allocator.ts), typed views over it, and the kernel instance and worker pool that work on it.
 *
 * Why tensors live in the memory rather than being copied in per kernel: an elementwise kernel reads
 * and writes each byte once, so copying its operands in and its result out would cost more than the
 * kernel. A DataId is a block (offset, length); kernels get addresses, the JavaScript kernels get
 * typed views. Growing the memory replaces its buffer (and, unshared, detaches every view), so views
 * are re-made after each growth and never held across an allocation. Reads return copies: a view
 * would go stale when its block is reused or the memory grows.
 *
 * With threads the memory is shared (a SharedArrayBuffer with a fixed maximum), and the workers
 * instantiate the same module on it.
 */

import type { BackendMemoryInfo, DataId, DataType, TensorInfo, TypedArray } from '@tapeflow/tensor-core/backend';
import { refuseHandle, type BufferStore } from '../buffer-store.js';
import { WorkerPool } from '../threads/pool.js';
import { HeapAllocator, sizeClass } from './allocator.js';
import { requireWebAssembly, type WasmMemory } from './webassembly-api.js';
import { LAYOUT, instantiateKernels, kernelModule, type KernelExports, type KernelModule } from './kernel-module.js';

const PAGE = 65536;

/**
 * The WebAssembly path's DataId: a block of the heap holding `length` elements of `dtype`. It knows
 * its store and that store's generation (bumped by `dispose()`), and is marked when freed, so checking
 * a handle costs two field reads instead of a set lookup: this runs on every kernel input.
 */
export class WasmData {
  freed = false;
  constructor(
    readonly owner: WasmBufferStore,
    readonly generation: number,
    readonly offset: number,
    readonly length: number,
    readonly dtype: DataType,
    readonly block: number,
  ) {}
}

/** How a WasmBufferStore is set up. */
export interface WasmBufferStoreOptions {
  readonly relaxed: boolean;
  /** Participants including the calling thread; above 1 the memory is shared and a pool exists. */
  readonly threads: number;
  readonly workers: 'node' | 'web' | undefined;
  /** Work (elements, or multiply-adds / 8) from which a kernel uses the pool. */
  readonly parallelThreshold: number;
}

// A forgotten backend must not leave its workers running: when the store is collected, stop them.
const pools = new FinalizationRegistry<WorkerPool>((pool) => pool.dispose());

function makeMemory(shared: boolean): WasmMemory {
  const { Memory } = requireWebAssembly();
  const initial = Math.ceil(LAYOUT.heapStart / PAGE) + 15;
  if (!shared) return new Memory({ initial });
  // A shared memory reserves its maximum up front; 4 GiB fits every 64-bit engine, 1 GiB is the
  // fallback for engines (32-bit, mobile) that refuse that much address space.
  try {
    return new Memory({ initial, maximum: 65536, shared: true });
  } catch {
    return new Memory({ initial, maximum: 16384, shared: true });
  }
}

/** Tensors in linear memory, with the kernel instance and (with threads) the worker pool. */
export class WasmBufferStore implements BufferStore {
  readonly wasmMemory: WasmMemory;
  readonly kernels: KernelModule;
  readonly exports: KernelExports;
  readonly pool: WorkerPool | undefined;
  readonly parallelThreshold: number;
  /**
   * Cut jobs into the smallest chunks (64 elements, one 4×8 panel pair): set when the threshold is
   * tiny (tests), so even small tensors are shared out and every thread's code path runs.
   */
  readonly fineGrain: boolean;
  f32!: Float32Array;
  i32!: Int32Array;
  u8!: Uint8Array;
  f64!: Float64Array;
  readonly #allocator: HeapAllocator;
  #generation = 0;
  #buffers = 0;
  #numBytes = 0;

  constructor(options: WasmBufferStoreOptions) {
    const shared = options.threads > 1 && options.workers !== undefined;
    this.wasmMemory = makeMemory(shared);
    this.kernels = kernelModule({ shared, relaxed: options.relaxed });
    this.exports = instantiateKernels(this.kernels, this.wasmMemory);
    this.parallelThreshold = options.parallelThreshold;
    this.fineGrain = options.parallelThreshold < 1024;
    this.#refreshViews();
    this.#allocator = new HeapAllocator(LAYOUT.heapStart, this.wasmMemory.buffer.byteLength, (end) => this.#grow(end));
    if (shared && options.workers !== undefined) {
      const workers = Math.min(options.threads, LAYOUT.maxParticipants) - 1;
      this.pool = new WorkerPool(
        options.workers,
        this.kernels.module,
        this.wasmMemory,
        LAYOUT.control,
        LAYOUT.job,
        workers,
      );
      pools.register(this, this.pool, this.pool);
    }
  }

  /** Whether a kernel of `work` units should run on the pool. */
  parallel(work: number): boolean {
    return this.pool !== undefined && work >= this.parallelThreshold;
  }

  /** Runs chunks 0 .. count-1 of the job at LAYOUT.job, on the pool when `parallel`. */
  runChunks(count: number, parallel: boolean): void {
    const run = this.exports.run_chunk;
    if (parallel && this.pool !== undefined && count > 1) {
      this.pool.run(count, (chunk, participant) => run(LAYOUT.job, chunk, participant));
    } else {
      for (let chunk = 0; chunk < count; chunk++) run(LAYOUT.job, chunk, 0);
    }
  }

  /** A new buffer of `length` elements of `dtype`, uninitialised. */
  allocate(length: number, dtype: DataType): WasmData {
    const bytes = dtype === 'bool' ? length : length * 4;
    const block = bytes === 0 ? 0 : sizeClass(bytes);
    const offset = block === 0 ? LAYOUT.heapStart : this.#allocator.allocate(block);
    this.#buffers++;
    this.#numBytes += bytes;
    return new WasmData(this, this.#generation, offset, length, dtype, block);
  }

  /** Temporary bytes outside the tensor accounting (packing buffers); give back with `releaseScratch`. */
  scratch(bytes: number): number {
    return this.#allocator.allocate(sizeClass(Math.max(bytes, 16)));
  }

  releaseScratch(offset: number, bytes: number): void {
    this.#allocator.release(offset, sizeClass(Math.max(bytes, 16)));
  }

  /** The live buffer behind `dataId`; throws FailedPreconditionError otherwise. */
  resolve(dataId: DataId, use = 'a kernel input'): WasmData {
    if (
      !(dataId instanceof WasmData) ||
      dataId.owner !== this ||
      dataId.generation !== this.#generation ||
      dataId.freed
    ) {
      refuseHandle(dataId instanceof WasmData, use);
    }
    return dataId;
  }

  /** A typed view of a buffer, valid until the next allocation. */
  view(data: WasmData): TypedArray {
    const { offset, length, dtype } = data;
    if (dtype === 'bool') return this.u8.subarray(offset, offset + length);
    const start = offset >>> 2;
    return dtype === 'int32' ? this.i32.subarray(start, start + length) : this.f32.subarray(start, start + length);
  }

  values(tensor: TensorInfo): TypedArray {
    return this.view(this.resolve(tensor.dataId));
  }

  /** Copies a kernel's JavaScript result in (it may be a view of this heap: copied before any growth). */
  adopt(values: TypedArray): DataId {
    const dtype: DataType =
      values instanceof Float32Array ? 'float32' : values instanceof Int32Array ? 'int32' : 'bool';
    if (values.buffer === this.u8.buffer) {
      const source = values.byteOffset;
      const data = this.allocate(values.length, dtype);
      this.u8.copyWithin(data.offset, source, source + values.byteLength);
      return data;
    }
    const data = this.allocate(values.length, dtype);
    this.view(data).set(values);
    return data;
  }

  write(values: TypedArray, dtype: DataType): DataId {
    const data = this.allocate(values.length, dtype);
    // Straight into the heap view: a subarray per write would cost more than a scalar's copy.
    if (dtype === 'bool') this.u8.set(values, data.offset);
    else (dtype === 'int32' ? this.i32 : this.f32).set(values, data.offset >>> 2);
    return data;
  }

  /** A copy of the buffer's values, which stays valid whatever happens to the heap. */
  read(dataId: DataId): TypedArray {
    const { offset, length, dtype } = this.resolve(dataId, 'a read');
    if (dtype === 'bool') return this.u8.slice(offset, offset + length);
    const start = offset >>> 2;
    return (dtype === 'int32' ? this.i32 : this.f32).slice(start, start + length);
  }

  free(dataId: DataId): void {
    const data = this.resolve(dataId, 'disposeData');
    data.freed = true;
    this.#buffers--;
    this.#numBytes -= data.dtype === 'bool' ? data.length : data.length * 4;
    if (data.block > 0) this.#allocator.release(data.offset, data.block);
  }

  memory(): BackendMemoryInfo {
    return { numBytes: this.#numBytes, numDataBuffers: this.#buffers };
  }

  dispose(): void {
    this.pool?.dispose();
    if (this.pool !== undefined) pools.unregister(this.pool);
    // Every handle from before is refused from now on (its generation is old).
    this.#generation++;
    this.#buffers = 0;
    this.#numBytes = 0;
  }

  #grow(minimumEnd: number): number {
    const memory = this.wasmMemory;
    const current = memory.buffer.byteLength;
    const needed = Math.ceil((minimumEnd - current) / PAGE);
    // Grow by at least half again, so a growing workload pays O(log size) re-maps, not O(size);
    // near the maximum, settle for what is needed (which throws a RangeError past it).
    try {
      memory.grow(Math.max(needed, Math.ceil(current / 2 / PAGE)));
    } catch {
      memory.grow(needed);
    }
    this.#refreshViews();
    return memory.buffer.byteLength;
  }

  #refreshViews(): void {
    const buffer = this.wasmMemory.buffer;
    this.f32 = new Float32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.f64 = new Float64Array(buffer);
  }
}
