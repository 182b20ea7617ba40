/**
 * @file The host side of the direct convolution (`conv_chunk`, emit-convolution.ts): copies the input
 * into a zero-padded buffer when its windows leave it (so the kernel never clips a tap), writes the
 * job and runs its chunks, on the pool when the product is large. Conv2D runs on it as it is;
 * Conv2DBackpropInput runs it per stride phase (wasm-convolution-input.ts). Conv2DBackpropFilter runs on
 * `conv_filter_chunk` (emit-convolution-filter.ts) over the same padded input and dy packed in
 * 8-channel panels, the chunks' partial sums added here in a fixed order.
 *
 * Why not im2col: with few input channels (K = 9 for a 3×3 filter over one channel) the gathered
 * patches and their packing cost more than the product, and the gathering runs on one thread. Here
 * every step is WebAssembly in chunks the pool can share.
 */

import { FILTER_JOB } from './emit-convolution-filter.js';
import { CONV_JOB } from './emit-convolution.js';
import { MR, NR } from './emit-matmul.js';
import { JOB_KIND, LAYOUT } from './kernel-module.js';
import { MIN_PARALLEL_DEPTH, type ShallowConvolutions, shallowPolicy } from './shallow-convolutions.js';
import type { WasmBufferStore } from './wasm-buffer-store.js';
import type { ConvolutionGeometry } from '../kernels/convolution.js';

/** A multiply-add costs about an eighth of an elementwise element (the pool threshold's unit). */
const WORK_PER_MULTIPLY_ADD = 1 / 8;
/** Multiply-adds a chunk aims for (~10 µs): enough to pay for its claim, short enough to share. */
const CHUNK_WORK = 1 << 17;
/** Fewest pixels per chunk: the filter's micro-panel is read once per chunk, so it must serve several blocks. */
const MIN_CHUNK_PIXELS = 32;
/** Most chunks a job may have (the claim word keeps the chunk index in 16 bits). */
const MAX_CHUNKS = 0xffff;

/** A stride-1-or-more, dilated convolution over an NHWC buffer, with its windows' geometry. */
export interface DirectConvolution {
  /** Byte address of the input, [batch, height, width, channels]. */
  readonly input: number;
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Byte address of the filter packed by pack8 (taps × outChannels). */
  readonly packedFilter: number;
  readonly outChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  /** Input rows / columns before the first one (may be negative: rows cropped off). */
  readonly padTop: number;
  readonly padLeft: number;
  /** Byte address of the output, [batch, outHeight, outWidth, outChannels]. */
  readonly out: number;
}

/** Bytes of an operand packed by pack4 / pack8 (`width`): whole panels of `depth` floats. */
export function packedBytes(rowsOrColumns: number, width: number, depth: number): number {
  return Math.ceil(rowsOrColumns / width) * width * depth * 4;
}

/** Bytes of the padded input `run` needs (0: the input serves as it is). */
export function paddedBytes(c: DirectConvolution): number {
  const { height, width } = paddedExtent(c);
  if (c.padTop === 0 && c.padLeft === 0 && height <= c.height && width <= c.width) return 0;
  return c.batch * height * width * c.channels * 4;
}

/** Rows and columns of the padded input that the windows reach. */
function paddedExtent(c: DirectConvolution): { height: number; width: number } {
  return {
    height: (c.outHeight - 1) * c.strideH + (c.filterHeight - 1) * c.dilationH + 1,
    width: (c.outWidth - 1) * c.strideW + (c.filterWidth - 1) * c.dilationW + 1,
  };
}

/**
 * Copies the input into `padded` (bytes, height × width pixels an example): row hp, column wp of an
 * example is the input's row hp - padTop, column wp - padLeft, or zero outside it.
 */
export function pad(
  store: WasmBufferStore,
  c: Pick<DirectConvolution, 'input' | 'batch' | 'height' | 'width' | 'channels' | 'padTop' | 'padLeft'>,
  padded: number,
  { height, width }: { height: number; width: number },
): void {
  const f32 = store.f32;
  const C = c.channels;
  const base = padded >>> 2;
  f32.fill(0, base, base + c.batch * height * width * C);
  const rowFrom = Math.max(0, c.padTop);
  const rowTo = Math.min(height, c.padTop + c.height);
  const columnFrom = Math.max(0, c.padLeft);
  const columnTo = Math.min(width, c.padLeft + c.width);
  if (rowFrom >= rowTo || columnFrom >= columnTo) return;
  const run = (columnTo - columnFrom) * C;
  const input = c.input >>> 2;
  for (let n = 0; n < c.batch; n++) {
    for (let hp = rowFrom; hp < rowTo; hp++) {
      const from = input + ((n * c.height + hp - c.padTop) * c.width + columnFrom - c.padLeft) * C;
      const to = base + ((n * height + hp) * width + columnFrom) * C;
      if (run < 48) for (let i = 0; i < run; i++) f32[to + i] = f32[from + i]!;
      else f32.copyWithin(to, from, from + run);
    }
  }
}

/**
 * Where the kernels read the input: `c.input` itself, or its zero-padded copy written to `scratch`
 * when the convolution needs one; with the floats per row and the bytes per example of that layout.
 */
function readableInput(
  store: WasmBufferStore,
  c: DirectConvolution,
  scratch: number,
): { x: number; rowFloats: number; exampleBytes: number } {
  const padded = paddedBytes(c) > 0;
  if (padded) pad(store, c, scratch, paddedExtent(c));
  const { height, width } = padded ? paddedExtent(c) : { height: c.height, width: c.width };
  const rowFloats = width * c.channels;
  return { x: padded ? scratch : c.input, rowFloats, exampleBytes: height * rowFloats * 4 };
}

/** Where a convolution job reads its windows: the first window, floats per row, bytes per example. */
export interface InputLayout {
  readonly x: number;
  readonly rowFloats: number;
  readonly exampleBytes: number;
}

/** Where a convolution job writes its pixels (from `c.out`): bytes from one pixel, row, example to the next. */
export interface OutputLayout {
  readonly columnBytes: number;
  readonly rowBytes: number;
  readonly exampleBytes: number;
}

/** Runs the convolution `c` (with `scratch` at least paddedBytes(c) bytes, when that is not 0). */
export function runDirectConvolution(store: WasmBufferStore, c: DirectConvolution, scratch: number): void {
  const rowBytes = c.outWidth * c.outChannels * 4;
  runConvolutionJob(store, c, readableInput(store, c, scratch), {
    columnBytes: c.outChannels * 4,
    rowBytes,
    exampleBytes: c.outHeight * rowBytes,
  });
}

/** Runs `conv_chunk` over `c`'s pixels, reading windows as `input` lays them out, writing as `output` does. */
export function runConvolutionJob(
  store: WasmBufferStore,
  c: DirectConvolution,
  { x, rowFloats, exampleBytes }: InputLayout,
  output: OutputLayout,
): void {
  const C = c.channels;
  const K = c.filterHeight * c.filterWidth * C;
  const O = c.outChannels;
  const pixels = c.batch * c.outHeight * c.outWidth;
  let chunkPixels = Math.max(MIN_CHUNK_PIXELS, Math.ceil(CHUNK_WORK / (K * Math.ceil(O / NR) * NR) / MR) * MR);
  if (store.fineGrain) chunkPixels = MR;
  while (Math.ceil(pixels / chunkPixels) > MAX_CHUNKS) chunkPixels *= 2;
  const contiguous = c.dilationW === 1;
  const job = LAYOUT.job >>> 2;
  const fields = store.i32;
  fields[job] = JOB_KIND.convolution;
  fields[job + CONV_JOB.x] = x;
  fields[job + CONV_JOB.packedB] = c.packedFilter;
  fields[job + CONV_JOB.out] = c.out;
  fields[job + CONV_JOB.outChannels] = O;
  fields[job + CONV_JOB.k] = K;
  fields[job + CONV_JOB.pixels] = pixels;
  fields[job + CONV_JOB.chunkPixels] = chunkPixels;
  fields[job + CONV_JOB.outWidth] = c.outWidth;
  fields[job + CONV_JOB.outHeight] = c.outHeight;
  fields[job + CONV_JOB.columnBytes] = c.strideW * C * 4;
  fields[job + CONV_JOB.rowBytes] = c.strideH * rowFloats * 4;
  fields[job + CONV_JOB.exampleBytes] = exampleBytes;
  fields[job + CONV_JOB.filterRowBytes] = c.dilationH * rowFloats * 4;
  fields[job + CONV_JOB.filterHeight] = c.filterHeight;
  fields[job + CONV_JOB.runs] = contiguous ? 1 : c.filterWidth;
  fields[job + CONV_JOB.runLength] = contiguous ? c.filterWidth * C : C;
  fields[job + CONV_JOB.runBytes] = c.dilationW * C * 4;
  fields[job + CONV_JOB.tiles] = LAYOUT.tiles;
  fields[job + CONV_JOB.outColumnBytes] = output.columnBytes;
  fields[job + CONV_JOB.outRowBytes] = output.rowBytes;
  fields[job + CONV_JOB.outExampleBytes] = output.exampleBytes;
  const work = pixels * K * Math.ceil(O / NR) * NR * WORK_PER_MULTIPLY_ADD;
  runChunks(store, Math.ceil(pixels / chunkPixels), planChunks(store, work, K, 'forward'), work);
}

/** How a convolution's chunks run: on the pool or not, and the shallow policy to tell the time to. */
interface ChunkPlan {
  readonly parallel: boolean;
  readonly policy?: ShallowConvolutions;
}

/** On the pool above its threshold; a shallow convolution (under MIN_PARALLEL_DEPTH taps) as its policy says. */
function planChunks(store: WasmBufferStore, work: number, K: number, kind: 'forward' | 'filter'): ChunkPlan {
  const parallel = store.parallel(work);
  if (!parallel || store.pool === undefined || store.fineGrain || K >= MIN_PARALLEL_DEPTH) return { parallel };
  const policy = shallowPolicy(store, kind);
  const plan = policy.plan(store.pool);
  return plan.timed ? { parallel: plan.parallel, policy } : { parallel: plan.parallel };
}

/** Runs the job's `count` chunks as `plan` says, timing them for its policy. */
function runChunks(store: WasmBufferStore, count: number, plan: ChunkPlan, work: number): void {
  const start = performance.now();
  store.runChunks(count, plan.parallel);
  plan.policy?.record(plan.parallel, (performance.now() - start) / work);
}

/** Multiply-adds per filter-gradient row chunk, at most (fewer row chunks, fewer K × O buffers to add). */
const FILTER_CHUNK_WORK = 1 << 20;
/** Most row chunks of the filter gradient: the host adds their buffers, so a few more than participants. */
const MAX_FILTER_CHUNKS = 8;
/** Chunks a parallel filter gradient aims for (row chunks cut by taps): a preempted worker then costs little. */
const FILTER_CHUNKS_WANTED = 32;
/** Floats of dy a block of rows aims for (16 KiB): they and their inputs stay in L1 across dfilter's blocks. */
const FILTER_BLOCK_FLOATS = 1 << 12;

/** Bytes of scratch `runDirectFilterGradient` needs beside paddedBytes(c). */
export function filterGradientBytes(c: DirectConvolution): number {
  const K = c.filterHeight * c.filterWidth * c.channels;
  const O = c.outChannels;
  const pixels = c.batch * c.outHeight * c.outWidth;
  const { chunks } = filterChunks(c);
  return (chunks - 1) * K * O * 4 + Math.ceil(O / NR) * NR * pixels * 4;
}

/** Row chunks of the filter gradient: whole output rows, by the geometry alone (never by threads). */
function filterChunks(c: DirectConvolution): { chunks: number; rowsPerChunk: number } {
  const K = c.filterHeight * c.filterWidth * c.channels;
  const rows = c.batch * c.outHeight;
  const wanted = Math.ceil((rows * c.outWidth * K * c.outChannels) / FILTER_CHUNK_WORK);
  const rowsPerChunk = Math.ceil(rows / Math.min(rows, MAX_FILTER_CHUNKS, Math.max(1, wanted)));
  return { chunks: Math.ceil(rows / rowsPerChunk), rowsPerChunk };
}

/**
 * dfilter (K × O floats at `c.out`) = Σ over output pixels of patch ⊗ dy, with dy at byte `dy`
 * ([batch, outHeight, outWidth, outChannels]) and `scratch` at least paddedBytes(c) +
 * filterGradientBytes(c) bytes. `c.packedFilter` is unused.
 */
export function runDirectFilterGradient(
  store: WasmBufferStore,
  c: DirectConvolution,
  dy: number,
  scratch: number,
): void {
  const C = c.channels;
  const K = c.filterHeight * c.filterWidth * C;
  const O = c.outChannels;
  const pixels = c.batch * c.outHeight * c.outWidth;
  const padBytes = paddedBytes(c);
  const { x, rowFloats, exampleBytes } = readableInput(store, c, scratch);
  const { chunks, rowsPerChunk } = filterChunks(c);
  const partials = scratch + padBytes;
  // dy in 8-channel panels: the kernel reads a pixel's 8 channels as the next 32 bytes.
  const dyPanels = partials + (chunks - 1) * K * O * 4;
  store.exports.pack8(dy, 1, O, O, pixels, dyPanels);
  const job = LAYOUT.job >>> 2;
  const fields = store.i32;
  fields[job] = JOB_KIND.convolutionFilter;
  fields[job + FILTER_JOB.x] = x;
  fields[job + FILTER_JOB.dy] = dyPanels;
  fields[job + FILTER_JOB.pixels] = pixels;
  fields[job + FILTER_JOB.out] = c.out;
  fields[job + FILTER_JOB.partials] = partials;
  fields[job + FILTER_JOB.outChannels] = O;
  fields[job + FILTER_JOB.k] = K;
  fields[job + FILTER_JOB.rows] = c.batch * c.outHeight;
  fields[job + FILTER_JOB.rowsPerChunk] = rowsPerChunk;
  fields[job + FILTER_JOB.rowsPerBlock] = Math.max(1, Math.round(FILTER_BLOCK_FLOATS / (O * c.outWidth)));
  fields[job + FILTER_JOB.outWidth] = c.outWidth;
  fields[job + FILTER_JOB.outHeight] = c.outHeight;
  fields[job + FILTER_JOB.columnBytes] = c.strideW * C * 4;
  fields[job + FILTER_JOB.rowBytes] = c.strideH * rowFloats * 4;
  fields[job + FILTER_JOB.exampleBytes] = exampleBytes;
  fields[job + FILTER_JOB.filterRowBytes] = c.dilationH * rowFloats * 4;
  fields[job + FILTER_JOB.rowTaps] = c.filterWidth * C;
  fields[job + FILTER_JOB.channels] = C;
  fields[job + FILTER_JOB.tapColumnBytes] = c.dilationW * C * 4;
  fields[job + FILTER_JOB.tiles] = LAYOUT.tiles;
  const work = pixels * K * O * WORK_PER_MULTIPLY_ADD;
  const plan = planChunks(store, work, K, 'filter');
  const parallel = plan.parallel;
  const tapBlocks = Math.ceil(K / MR);
  const tapChunks = parallel ? Math.min(tapBlocks, Math.ceil(FILTER_CHUNKS_WANTED / chunks)) : 1;
  const tapsPerChunk = Math.ceil(tapBlocks / tapChunks) * MR;
  fields[job + FILTER_JOB.tapChunks] = Math.ceil(K / tapsPerChunk);
  fields[job + FILTER_JOB.tapsPerChunk] = tapsPerChunk;
  runChunks(store, chunks * Math.ceil(K / tapsPerChunk), plan, work);
  for (let chunk = 1; chunk < chunks; chunk++) {
    store.exports.Add_vv(c.out, partials + (chunk - 1) * K * O * 4, c.out, K * O);
  }
}

/**
 * y = conv2d(x, filter) by the direct kernel (byte addresses): the filter [kh·kw·c, o] packed as it
 * is, the input padded.
 */
export function directConv2D(
  store: WasmBufferStore,
  g: ConvolutionGeometry,
  x: number,
  filter: number,
  out: number,
): void {
  const K = g.filterHeight * g.filterWidth * g.inChannels;
  const O = g.outChannels;
  const convolution = forwardConvolution(g, x, out);
  const bBytes = packedBytes(O, NR, K);
  const scratchBytes = bBytes + paddedBytes(convolution);
  const packedB = store.scratch(scratchBytes);
  store.exports.pack8(filter, 1, O, O, K, packedB);
  runDirectConvolution(store, { ...convolution, packedFilter: packedB }, packedB + bBytes);
  store.releaseScratch(packedB, scratchBytes);
}

/** The forward convolution of geometry `g` over the input at byte `x`, into `out` (filter unset). */
function forwardConvolution(g: ConvolutionGeometry, x: number, out: number): DirectConvolution {
  return {
    input: x,
    batch: g.batch,
    height: g.inHeight,
    width: g.inWidth,
    channels: g.inChannels,
    packedFilter: 0,
    outChannels: g.outChannels,
    outHeight: g.outHeight,
    outWidth: g.outWidth,
    filterHeight: g.filterHeight,
    filterWidth: g.filterWidth,
    strideH: g.strideH,
    strideW: g.strideW,
    dilationH: g.dilationH,
    dilationW: g.dilationW,
    padTop: g.padTop,
    padLeft: g.padLeft,
    out,
  };
}

/** dfilter = Conv2DBackpropFilter(x, dy) by the direct kernel (byte addresses). */
export function directConv2DBackpropFilter(
  store: WasmBufferStore,
  g: ConvolutionGeometry,
  x: number,
  dy: number,
  out: number,
): void {
  const convolution = forwardConvolution(g, x, out);
  const scratchBytes = paddedBytes(convolution) + filterGradientBytes(convolution);
  const scratch = store.scratch(scratchBytes);
  runDirectFilterGradient(store, convolution, dy, scratch);
  store.releaseScratch(scratch, scratchBytes);
}
