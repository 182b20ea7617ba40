/**
 * @file CpuBackend: the CPU backend's options, the choice of path (WebAssembly relaxed SIMD, SIMD, or
 * plain JavaScript), and the Backend contract on top of the chosen store. Each instance owns its own
 * buffers (and, threaded, its own memory and workers), so two instances never share state and a
 * handle from one is refused by the other.
 */

import type { Backend, BackendMemoryInfo, DataId, DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import type { BACKEND_SPEC_VERSION } from '@tapeflow/tensor-core/backend';
import { UnimplementedError, checkWrite, invalidArgument } from '@tapeflow/tensor-core/backend';
import { detectFeatures, type CpuFeatures } from './features.js';
import { createKernelTable, type CpuKernelTable } from './kernel-table.js';
import { CPU_BACKEND_NAME, JsBufferStore, type BufferStore } from './buffer-store.js';
import { createWasmKernelTable } from './wasm/wasm-kernel-table.js';
import { WasmBufferStore } from './wasm/wasm-buffer-store.js';

export { CPU_BACKEND_NAME } from './buffer-store.js';

/** Default of `parallelThreshold` (see the option): MatMul from about 100³, elementwise from 2^21 elements. */
const DEFAULT_PARALLEL_THRESHOLD = 131072;

/**
 * Options of `cpuBackend()`.
 * @example cpuBackend({ simd: false }) // the plain-JavaScript kernels
 */
export interface CpuBackendOptions {
  /**
   * Which kernels: by default the fastest the engine has (relaxed SIMD, else SIMD, else plain
   * JavaScript). `false`: plain JavaScript. `true`: WebAssembly SIMD without relaxed instructions.
   * `'relaxed'`: relaxed SIMD (fused multiply-add). `true` and `'relaxed'` throw UnimplementedError
   * where the engine lacks them.
   */
  readonly simd?: boolean | 'relaxed';
  /**
   * Threads for large kernels, the calling thread included; default: the machine's logical cores.
   * Above 1 needs shared memory (in a browser, a cross-origin-isolated page); without it the backend
   * runs single-threaded and says so once. The plain-JavaScript path is always single-threaded.
   */
  readonly threads?: number;
  /**
   * Work below which a kernel stays on the calling thread, counted as multiply-adds / 8 for MatMul and
   * output elements / 16 for elementwise kernels (memory-bound: a second thread only pays once the
   * operands outgrow the cache). Default 131072: MatMul from about 100³ (~50 µs of work), elementwise
   * from 2^21 elements. Products from a quarter of it (MatMul from about 64³) are shared too, but only
   * with workers already awake and while sharing has measured the faster way; so is a convolution with
   * under 32 taps an output (a 3×3 filter over one channel) above the threshold. Below 1024,
   * kernels are also cut into the smallest chunks (for tests).
   */
  readonly parallelThreshold?: number;
}

/**
 * Which kernels a backend runs.
 * @example cpuBackend().path // 'simd' in Node 20, 'relaxed-simd' in current Chrome
 */
export type CpuPath = 'relaxed-simd' | 'simd' | 'js';

// "Says so once": each message once per process, however many backends are made.
const reported = new Set<string>();
function reportOnce(message: string): void {
  if (reported.has(message)) return;
  reported.add(message);
  console.info(`@tapeflow/backend-cpu: ${message}`);
}

function choosePath(simd: CpuBackendOptions['simd'], features: CpuFeatures): CpuPath {
  if (simd === false) return 'js';
  if (simd === 'relaxed') {
    if (!features.relaxedSimd)
      throw new UnimplementedError(
        `${CPU_BACKEND_NAME}: option simd: 'relaxed' asks for relaxed SIMD, which this engine lacks (Node 20 needs --experimental-wasm-relaxed-simd).`,
      );
    return 'relaxed-simd';
  }
  if (simd === true) {
    if (!features.simd)
      throw new UnimplementedError(
        `${CPU_BACKEND_NAME}: option simd: true asks for WebAssembly SIMD, which this engine lacks.`,
      );
    return 'simd';
  }
  return features.relaxedSimd ? 'relaxed-simd' : features.simd ? 'simd' : 'js';
}

/** The threads a backend gets (exported for tests). */
export function chooseThreads(requested: number | undefined, path: CpuPath, features: CpuFeatures): number {
  if (requested !== undefined && (!Number.isInteger(requested) || requested < 1)) {
    invalidArgument('cpuBackend', 'threads', 'a positive integer', String(requested));
  }
  const wanted = requested ?? features.cores;
  if (wanted <= 1 || path === 'js') return 1;
  if (!features.sharedMemory || features.workers === undefined) {
    reportOnce(
      `running single-threaded: ${features.workers === undefined ? 'no way to start workers here' : 'no shared memory (a browser page must be cross-origin isolated)'}.`,
    );
    return 1;
  }
  return wanted;
}

/**
 * The CPU backend: every kernel, synchronous reads. Tensors live in WebAssembly memory and the hot
 * kernels (MatMul, elementwise, reductions) run in SIMD, on several threads when large; where the
 * engine has no SIMD (or with `simd: false`), plain JavaScript kernels hold tensors in typed arrays.
 *
 * `readSync` / `read` return a copy the caller owns: on the WebAssembly path a view of the heap would
 * go stale when the block is reused or the memory grows, and on either path a caller's writes must
 * not reach the tensor.
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
  /**
   * The contract version these kernels were written for: a literal in the built code (read from the
   * installed tensor-core it would always match, and the Engine's check could never catch this build
   * under a newer contract), typed as tensor-core's constant so a version bump fails to compile here.
   */
  readonly specVersion: typeof BACKEND_SPEC_VERSION = 1;
  readonly name = CPU_BACKEND_NAME;
  readonly kernels: CpuKernelTable;
  /** The kernels this instance runs. */
  readonly path: CpuPath;
  /** Threads large kernels use, the calling thread included. */
  readonly threads: number;
  readonly #store: BufferStore;

  constructor(options: CpuBackendOptions = {}) {
    const features = detectFeatures();
    let path = choosePath(options.simd, features);
    let threads = chooseThreads(options.threads, path, features);
    let wasm: WasmBufferStore | undefined;
    if (path !== 'js') {
      try {
        wasm = new WasmBufferStore({
          relaxed: path === 'relaxed-simd',
          threads,
          workers: features.workers,
          parallelThreshold: options.parallelThreshold ?? DEFAULT_PARALLEL_THRESHOLD,
        });
      } catch (error) {
        // Asked for explicitly: say why it cannot be had. Chosen by default: fall back (e.g. a
        // browser's main thread refuses to compile a module over 4 KB synchronously).
        if (options.simd !== undefined) throw error;
        reportOnce(
          `WebAssembly kernels unavailable (${error instanceof Error ? error.message : String(error)}); using plain JavaScript.`,
        );
        [path, threads] = ['js', 1];
      }
    }
    this.path = path;
    this.threads = threads;
    if (wasm === undefined) {
      const store = new JsBufferStore();
      this.#store = store;
      this.kernels = createKernelTable(store);
    } else {
      this.#store = wasm;
      this.kernels = createWasmKernelTable(wasm);
    }
  }

  /** Copies `values` into a new buffer; `values` must be `dtype`'s array type and `shape`'s size. */
  write(values: TypedArray, shape: readonly number[], dtype: DataType): DataId {
    checkWrite(values, shape, dtype);
    return this.#store.write(values, dtype);
  }

  /** A copy of the buffer's values. */
  read(dataId: DataId): Promise<TypedArray> {
    try {
      return Promise.resolve(this.readSync(dataId));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A copy of the buffer's values. */
  readSync(dataId: DataId): TypedArray {
    return this.#store.read(dataId);
  }

  /** Frees a buffer; freeing one twice throws, since tensor-core frees each exactly once. */
  disposeData(dataId: DataId): void {
    this.#store.free(dataId);
  }

  /** Chunks of kernels that worker threads (not the calling thread) have run: 0 single-threaded. */
  get workerChunks(): number {
    return this.#store instanceof WasmBufferStore ? (this.#store.pool?.workerChunks ?? 0) : 0;
  }

  /** Exact figures: bytes of live buffers and their count. */
  memory(): BackendMemoryInfo {
    return this.#store.memory();
  }

  /** Frees every buffer and stops the workers; handles from before are refused afterwards. */
  dispose(): void {
    this.#store.dispose();
  }
}

/**
 * Makes a fresh CPU backend. Nothing is registered or shared: each call returns an independent
 * instance, for an Engine to adopt.
 *
 * @example
 * ```ts
 * const backend = cpuBackend();                  // fastest kernels, all cores
 * const reference = cpuBackend({ simd: false }); // plain JavaScript
 * backend.memory(); // { numBytes: 0, numDataBuffers: 0 }
 * ```
 */
export function cpuBackend(options: CpuBackendOptions = {}): CpuBackend {
  return new CpuBackend(options);
}
