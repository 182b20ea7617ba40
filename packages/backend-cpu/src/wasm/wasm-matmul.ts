/**
 * @file MatMul of float32 on the WebAssembly path: for each batch, pack A into 6-row panels with
 * relaxed SIMD (MR_TALL: the 6×8 micro-kernel), else into 4-row ones, and B into 8-column panels
 * (transposes are only other packing strides), then run the panel grid as chunks, on the pool when
 * the product is large. A batch whose A or B is the previous batch's (a broadcast operand) reuses
 * the packed copy. int32 goes to the reference kernel.
 *
 * The depth block and the chunks' size come from the machine's cache sizes (gemm-blocking.ts): at
 * most 8 row panels × 8 column panels (32 or 48 × 64 of C), short, so a worker that the OS preempts
 * mid-chunk holds the others up briefly; split smaller when a parallel product would otherwise have
 * few chunks (see chunkShape).
 *
 * Small products (from about 64³ multiply-adds with the default threshold) may go to the pool too,
 * when handing them over is cheap and has been paying (small-products.ts); an isolated small product
 * stays on the calling thread.
 */

import type { KernelFunction } from '@tapeflow/tensor-core/backend';
import { matMulGeometry, sizeFromShape } from '@tapeflow/tensor-core/backend';
import { detectCacheSizes } from '../features.js';
import { broadcastIndexMap } from '../strided.js';
import { GEMM_JOB, MR, MR_TALL, NR } from './emit-matmul.js';
import { gemmBlocking, type GemmBlocking } from './gemm-blocking.js';
import { JOB_KIND, LAYOUT } from './kernel-module.js';
import { SmallProducts } from './small-products.js';
import type { WasmBufferStore } from './wasm-buffer-store.js';

/** Most chunks a job may have (the claim word keeps the chunk index in 16 bits). */
const MAX_CHUNKS = 0xffff;
const SINGLE_BATCH: readonly number[] = [0];
/** A multiply-add costs about an eighth of an elementwise element (the threshold's unit). */
const WORK_PER_MULTIPLY_ADD = 1 / 8;
/**
 * Awake workers (or a stream of products) lower the pool's threshold this many times: no wake-up to
 * pay, so a product pays from about 64³ multiply-adds with the default threshold instead of 100³.
 */
const AWAKE_THRESHOLD_DIVISOR = 4;

/** Chunks per participant a parallel product aims for: a late or preempted worker then costs little. */
const CHUNKS_PER_PARTICIPANT = 4;
/** Smallest chunk worth a claim when splitting further (multiply-adds): ~2 µs of work. */
const MIN_CHUNK_WORK = 65536;

const blockings = new Map<number, GemmBlocking>();
/** This machine's blocking for `panelRows`-row A panels: derived once, from the platform's cache sizes. */
function machineBlocking(panelRows: number): GemmBlocking {
  let blocking = blockings.get(panelRows);
  if (blocking === undefined) blockings.set(panelRows, (blocking = gemmBlocking(detectCacheSizes(), panelRows)));
  return blocking;
}

const smallProducts = new WeakMap<WasmBufferStore, SmallProducts>();

/**
 * Whether a product of `multiplyAdds` runs on the pool: above the store's threshold always; above a
 * quarter of it as the store's SmallProducts policy says (`small` is then that policy when the
 * product's time is to be recorded).
 */
function planProduct(
  store: WasmBufferStore,
  multiplyAdds: number,
): { parallel: boolean; small: SmallProducts | undefined } {
  const work = multiplyAdds * WORK_PER_MULTIPLY_ADD;
  if (store.parallel(work)) return { parallel: true, small: undefined };
  const pool = store.pool;
  if (pool === undefined || work < store.parallelThreshold / AWAKE_THRESHOLD_DIVISOR)
    return { parallel: false, small: undefined };
  let small = smallProducts.get(store);
  if (small === undefined) smallProducts.set(store, (small = new SmallProducts()));
  const { parallel, timed } = small.plan(performance.now(), pool);
  return { parallel, small: timed ? small : undefined };
}

/**
 * Row and column panels per chunk: the blocking's (8 × 8 on common caches: 32 × 64 of C, or 48 × 64
 * on 6-row panels), halved along the longer side while a parallel product has fewer than
 * CHUNKS_PER_PARTICIPANT chunks per participant (an MLP's 64 × 256 product would otherwise be two
 * chunks, and one slow thread would hold up the other); grown until the chunk count fits the claim
 * word.
 */
function chunkShape(
  store: WasmBufferStore,
  parallel: boolean,
  panelRows: number,
  rowPanels: number,
  columnPanels: number,
  k: number,
): [number, number] {
  const shape = machineBlocking(panelRows);
  let rows = store.fineGrain ? 1 : shape.rowPanels;
  let columns = store.fineGrain ? 1 : shape.columnPanels;
  const count = (): number => Math.ceil(rowPanels / rows) * Math.ceil(columnPanels / columns);
  const wanted = CHUNKS_PER_PARTICIPANT * ((store.pool?.workers ?? 0) + 1);
  while (parallel && !store.fineGrain && count() < wanted) {
    const halveColumns = columns >= rows;
    const [nextRows, nextColumns] = halveColumns ? [rows, columns / 2] : [rows / 2, columns];
    if (nextRows < 1 || nextColumns < 1 || nextRows * panelRows * nextColumns * NR * k < MIN_CHUNK_WORK) break;
    [rows, columns] = [nextRows, nextColumns];
  }
  while (count() > MAX_CHUNKS) [rows, columns] = [rows * 2, columns * 2];
  return [rows, columns];
}

/** The MatMul kernel on the WebAssembly path. */
export function wasmMatMul(store: WasmBufferStore, reference: KernelFunction<'MatMul'>): KernelFunction<'MatMul'> {
  return (call) => {
    const { inputs, attrs, output } = call;
    if (output.dtype !== 'float32') return reference(call);
    const a = store.resolve(inputs.a.dataId);
    const b = store.resolve(inputs.b.dataId);
    const { transposeA, transposeB } = attrs;
    const aShape = inputs.a.shape;
    const rank = output.shape.length;
    const {
      m,
      n,
      k,
      batchShape,
      a: aLayout,
      b: bLayout,
    } = matMulGeometry(aShape, output.shape, transposeA, transposeB);
    const out = store.allocate(sizeFromShape(output.shape), 'float32');
    if (out.length === 0) return out;
    if (k === 0) {
      store.f32.fill(0, out.offset >>> 2, (out.offset >>> 2) + out.length);
      return out;
    }
    // Plain matrices (the common case) skip the batch maps' allocations.
    const aBatches = rank === 2 ? SINGLE_BATCH : broadcastIndexMap(aShape.slice(0, -2), batchShape);
    const bBatches = rank === 2 ? SINGLE_BATCH : broadcastIndexMap(inputs.b.shape.slice(0, -2), batchShape);
    // Relaxed SIMD's module runs MatMul on 6-row panels (emitGemm says why not the other).
    const panelRows = store.kernels.variant.relaxed ? MR_TALL : MR;
    const rowPanels = Math.ceil(m / panelRows);
    const columnPanels = Math.ceil(n / NR);
    // One scratch block holds both packed operands (B first: its panels are 32-byte multiples).
    const packedBBytes = columnPanels * NR * k * 4;
    const scratchBytes = packedBBytes + rowPanels * panelRows * k * 4;
    const packedB = store.scratch(scratchBytes);
    const packedA = packedB + packedBBytes;
    const started = performance.now();
    const { parallel, small } = planProduct(store, m * n * k);
    const [rowPanelsPerChunk, columnPanelsPerChunk] = chunkShape(
      store,
      parallel,
      panelRows,
      rowPanels,
      columnPanels,
      k,
    );
    const rowChunks = Math.ceil(rowPanels / rowPanelsPerChunk);
    const columnChunks = Math.ceil(columnPanels / columnPanelsPerChunk);
    const { exports } = store;
    const packA = panelRows === MR_TALL ? exports.pack6 : exports.pack4;
    let packedFromA = -1;
    let packedFromB = -1;
    for (let t = 0; t < aBatches.length; t++) {
      // Element (i, p) of A is at i*k + p, or p*m + i transposed; (j, p) of B at p*n + j, or j*k + p.
      const aBatch = aBatches[t]!;
      if (aBatch !== packedFromA) {
        packA(a.offset + aBatch * m * k * 4, aLayout.rowStride, aLayout.colStride, m, k, packedA);
        packedFromA = aBatch;
      }
      const bBatch = bBatches[t]!;
      if (bBatch !== packedFromB) {
        exports.pack8(b.offset + bBatch * k * n * 4, bLayout.colStride, bLayout.rowStride, n, k, packedB);
        packedFromB = bBatch;
      }
      const job = LAYOUT.job >>> 2;
      const fields = store.i32;
      fields[job] = JOB_KIND.gemm;
      fields[job + GEMM_JOB.packedA] = packedA;
      fields[job + GEMM_JOB.packedB] = packedB;
      fields[job + GEMM_JOB.c] = out.offset + t * m * n * 4;
      fields[job + GEMM_JOB.m] = m;
      fields[job + GEMM_JOB.n] = n;
      fields[job + GEMM_JOB.k] = k;
      fields[job + GEMM_JOB.kc] = machineBlocking(panelRows).kc;
      fields[job + GEMM_JOB.rowPanelsPerChunk] = rowPanelsPerChunk;
      fields[job + GEMM_JOB.colPanelsPerChunk] = columnPanelsPerChunk;
      fields[job + GEMM_JOB.colChunks] = columnChunks;
      fields[job + GEMM_JOB.tiles] = LAYOUT.tiles;
      fields[job + GEMM_JOB.panelRows] = panelRows;
      store.runChunks(rowChunks * columnChunks, parallel);
    }
    store.releaseScratch(packedB, scratchBytes);
    small?.record(parallel, (performance.now() - started) / (m * n * k));
    return out;
  };
}

/**
 * C (m × n, rows n floats apart, at byte offset `c`) = A · B from operands already packed by `pack4`
 * (A, m × k) and `pack8` (B, k × n), with k > 0: the packed product the convolutions run per block of
 * patches, on the pool when large.
 */
export function runPackedProduct(
  store: WasmBufferStore,
  packedA: number,
  packedB: number,
  m: number,
  n: number,
  k: number,
  c: number,
): void {
  const rowPanels = Math.ceil(m / MR);
  const columnPanels = Math.ceil(n / NR);
  const parallel = store.parallel(m * n * k * WORK_PER_MULTIPLY_ADD);
  const [rowPanelsPerChunk, columnPanelsPerChunk] = chunkShape(store, parallel, MR, rowPanels, columnPanels, k);
  const rowChunks = Math.ceil(rowPanels / rowPanelsPerChunk);
  const columnChunks = Math.ceil(columnPanels / columnPanelsPerChunk);
  const job = LAYOUT.job >>> 2;
  const fields = store.i32;
  fields[job] = JOB_KIND.gemm;
  fields[job + GEMM_JOB.packedA] = packedA;
  fields[job + GEMM_JOB.packedB] = packedB;
  fields[job + GEMM_JOB.c] = c;
  fields[job + GEMM_JOB.m] = m;
  fields[job + GEMM_JOB.n] = n;
  fields[job + GEMM_JOB.k] = k;
  fields[job + GEMM_JOB.kc] = machineBlocking(MR).kc;
  fields[job + GEMM_JOB.rowPanelsPerChunk] = rowPanelsPerChunk;
  fields[job + GEMM_JOB.colPanelsPerChunk] = columnPanelsPerChunk;
  fields[job + GEMM_JOB.colChunks] = columnChunks;
  fields[job + GEMM_JOB.tiles] = LAYOUT.tiles;
  fields[job + GEMM_JOB.panelRows] = MR;
  store.runChunks(rowChunks * columnChunks, parallel);
}
