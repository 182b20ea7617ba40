/**
 * @file Conv2D and its two gradients on the WebAssembly path, as packed products on MatMul's 4×8 SIMD
 * micro-kernel (`runPackedProduct`), with im2col done in blocks of output pixels: a block's patches
 * (rows × kh·kw·c floats, at most PATCH_BLOCK_FLOATS) are gathered into scratch, packed, multiplied,
 * and the scratch reused, so the K²-times-larger patch matrix of a large input never exists whole.
 *
 * - Conv2D: y[block] = patches[block] · filter (the filter [kh·kw·c, o] is packed once).
 * - Conv2DBackpropInput: dpatches[block] = dy[block] · filterᵀ, scattered back (col2im) onto dx.
 * - Conv2DBackpropFilter: dfilter = Σ_blocks patches[block]ᵀ · dy[block].
 * A 1×1 filter with stride 1 and no padding needs no patches: x itself is the patch matrix.
 * The depthwise kernels keep the plain-JS loops (one multiply-add per tap and channel, no product).
 */

import type { KernelFunction } from '@tapeflow/tensor-core/backend';
import { sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { ConvolutionGeometry } from '../kernels/convolution.js';
import { geometryOfCall } from '../kernels/convolution.js';
import { MR, NR } from './emit-matmul.js';
import type { WasmBufferStore, WasmData } from './wasm-buffer-store.js';
import { runPackedProduct } from './wasm-matmul.js';

/** Floats of one block of patches (1 MiB): big enough for long products, small enough for L2/L3. */
const PATCH_BLOCK_FLOATS = 1 << 18;

/** Output pixels per block: a multiple of MR, at most the total. */
function blockRows(pixels: number, patchLength: number): number {
  const rows = Math.max(MR, Math.floor(PATCH_BLOCK_FLOATS / Math.max(patchLength, 1) / MR) * MR);
  return Math.min(rows, pixels);
}

/** Whether x itself is the patch matrix (a 1×1 filter, stride 1, no padding). */
function pointwise(g: ConvolutionGeometry): boolean {
  return (
    g.filterHeight === 1 &&
    g.filterWidth === 1 &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    g.padTop === 0 &&
    g.padLeft === 0 &&
    g.outHeight === g.inHeight &&
    g.outWidth === g.inWidth
  );
}

/**
 * Visits the taps of output pixels [first, first + rows): `visit(patchOffset, xOffset)` with the
 * element offset of the tap's c values in the block's patch rows and in x (-1 for a tap in padding).
 */
function forEachPatchTap(
  g: ConvolutionGeometry,
  first: number,
  rows: number,
  visit: (patchOffset: number, xOffset: number) => void,
): void {
  const C = g.inChannels;
  const pixelsPerExample = g.outHeight * g.outWidth;
  let patchOffset = 0;
  for (let r = first; r < first + rows; r++) {
    const n = Math.floor(r / pixelsPerExample);
    const rest = r - n * pixelsPerExample;
    const oh = Math.floor(rest / g.outWidth);
    const ow = rest - oh * g.outWidth;
    for (let kh = 0; kh < g.filterHeight; kh++) {
      const ih = oh * g.strideH - g.padTop + kh * g.dilationH;
      const rowInside = ih >= 0 && ih < g.inHeight;
      for (let kw = 0; kw < g.filterWidth; kw++) {
        const iw = ow * g.strideW - g.padLeft + kw * g.dilationW;
        const inside = rowInside && iw >= 0 && iw < g.inWidth;
        visit(patchOffset, inside ? ((n * g.inHeight + ih) * g.inWidth + iw) * C : -1);
        patchOffset += C;
      }
    }
  }
}

/** Gathers the patches of output pixels [first, first + rows) into the floats at byte `patches`. */
function im2col(
  store: WasmBufferStore,
  g: ConvolutionGeometry,
  x: WasmData,
  first: number,
  rows: number,
  patches: number,
): void {
  const f32 = store.f32;
  const C = g.inChannels;
  const base = patches >>> 2;
  const xBase = x.offset >>> 2;
  forEachPatchTap(g, first, rows, (patchOffset, xOffset) => {
    const to = base + patchOffset;
    if (xOffset < 0) f32.fill(0, to, to + C);
    else if (C < 16) for (let c = 0; c < C; c++) f32[to + c] = f32[xBase + xOffset + c]!;
    else f32.copyWithin(to, xBase + xOffset, xBase + xOffset + C);
  });
}

/** Adds the patch gradients of output pixels [first, first + rows) (floats at byte `patches`) onto dx. */
function col2im(
  store: WasmBufferStore,
  g: ConvolutionGeometry,
  dx: WasmData,
  first: number,
  rows: number,
  patches: number,
): void {
  const f32 = store.f32;
  const C = g.inChannels;
  const base = patches >>> 2;
  const dxBase = dx.offset >>> 2;
  forEachPatchTap(g, first, rows, (patchOffset, xOffset) => {
    if (xOffset < 0) return;
    const from = base + patchOffset;
    const to = dxBase + xOffset;
    for (let c = 0; c < C; c++) f32[to + c] = f32[to + c]! + f32[from + c]!;
  });
}

function packedBytes(rowsOrColumns: number, width: number, depth: number): number {
  return Math.ceil(rowsOrColumns / width) * width * depth * 4;
}

/** Conv2D on the WebAssembly path. */
export function wasmConv2D(store: WasmBufferStore, reference: KernelFunction<'Conv2D'>): KernelFunction<'Conv2D'> {
  return (call) => {
    const g = geometryOfCall(call);
    const x = store.resolve(call.inputs.x.dataId);
    const filter = store.resolve(call.inputs.filter.dataId);
    const K = g.filterHeight * g.filterWidth * g.inChannels;
    const O = g.outChannels;
    const pixels = g.batch * g.outHeight * g.outWidth;
    if (K === 0 || pixels === 0 || O === 0) return reference(call);
    const out = store.allocate(sizeFromShape(call.output.shape), 'float32');
    const direct = pointwise(g);
    const rows = blockRows(pixels, K);
    const bBytes = packedBytes(O, NR, K);
    const aBytes = packedBytes(rows, MR, K);
    const patchBytes = direct ? 0 : rows * K * 4;
    const scratchBytes = bBytes + aBytes + patchBytes;
    const packedB = store.scratch(scratchBytes);
    const packedA = packedB + bBytes;
    const patches = packedA + aBytes;
    // B(p, o) = filter[p·O + o]: columns 1 apart, depth steps O apart.
    store.exports.pack8(filter.offset, 1, O, O, K, packedB);
    for (let first = 0; first < pixels; first += rows) {
      const count = Math.min(rows, pixels - first);
      let source = x.offset + first * K * 4;
      if (!direct) {
        im2col(store, g, x, first, count, patches);
        source = patches;
      }
      store.exports.pack4(source, K, 1, count, K, packedA);
      runPackedProduct(store, packedA, packedB, count, O, K, out.offset + first * O * 4);
    }
    store.releaseScratch(packedB, scratchBytes);
    return out;
  };
}

/** Conv2DBackpropInput on the WebAssembly path. */
export function wasmConv2DBackpropInput(
  store: WasmBufferStore,
  reference: KernelFunction<'Conv2DBackpropInput'>,
): KernelFunction<'Conv2DBackpropInput'> {
  return (call) => {
    const g = geometryOfCall(call);
    const dy = store.resolve(call.inputs.dy.dataId);
    const filter = store.resolve(call.inputs.filter.dataId);
    const K = g.filterHeight * g.filterWidth * g.inChannels;
    const O = g.outChannels;
    const pixels = g.batch * g.outHeight * g.outWidth;
    const size = sizeFromShape(call.output.shape);
    if (K === 0 || pixels === 0 || O === 0 || size === 0) return reference(call);
    const out = store.allocate(size, 'float32');
    const direct = pointwise(g);
    if (!direct) store.f32.fill(0, out.offset >>> 2, (out.offset >>> 2) + size);
    const rows = blockRows(pixels, K);
    const bBytes = packedBytes(K, NR, O);
    const aBytes = packedBytes(rows, MR, O);
    const patchBytes = direct ? 0 : rows * K * 4;
    const scratchBytes = bBytes + aBytes + patchBytes;
    const packedB = store.scratch(scratchBytes);
    const packedA = packedB + bBytes;
    const patches = packedA + aBytes;
    // filterᵀ(o, j) = filter[j·O + o]: columns (j) O apart, depth steps (o) 1 apart.
    store.exports.pack8(filter.offset, O, 1, K, O, packedB);
    for (let first = 0; first < pixels; first += rows) {
      const count = Math.min(rows, pixels - first);
      store.exports.pack4(dy.offset + first * O * 4, O, 1, count, O, packedA);
      if (direct) {
        runPackedProduct(store, packedA, packedB, count, K, O, out.offset + first * K * 4);
      } else {
        runPackedProduct(store, packedA, packedB, count, K, O, patches);
        col2im(store, g, out, first, count, patches);
      }
    }
    store.releaseScratch(packedB, scratchBytes);
    return out;
  };
}

/** Conv2DBackpropFilter on the WebAssembly path. */
export function wasmConv2DBackpropFilter(
  store: WasmBufferStore,
  reference: KernelFunction<'Conv2DBackpropFilter'>,
): KernelFunction<'Conv2DBackpropFilter'> {
  return (call) => {
    const g = geometryOfCall(call);
    const x = store.resolve(call.inputs.x.dataId);
    const dy = store.resolve(call.inputs.dy.dataId);
    const K = g.filterHeight * g.filterWidth * g.inChannels;
    const O = g.outChannels;
    const pixels = g.batch * g.outHeight * g.outWidth;
    if (K === 0 || pixels === 0 || O === 0) return reference(call);
    const out = store.allocate(K * O, 'float32');
    const direct = pointwise(g);
    const rows = blockRows(pixels, K);
    const bBytes = packedBytes(O, NR, rows);
    const aBytes = packedBytes(K, MR, rows);
    const patchBytes = direct ? 0 : rows * K * 4;
    const partialBytes = pixels > rows ? K * O * 4 : 0;
    const scratchBytes = bBytes + aBytes + patchBytes + partialBytes;
    const packedB = store.scratch(scratchBytes);
    const packedA = packedB + bBytes;
    const patches = packedA + aBytes;
    const partial = patches + patchBytes;
    for (let first = 0; first < pixels; first += rows) {
      const count = Math.min(rows, pixels - first);
      let source = x.offset + first * K * 4;
      if (!direct) {
        im2col(store, g, x, first, count, patches);
        source = patches;
      }
      // patchesᵀ(j, r) = patches[r·K + j]: rows 1 apart, depth steps K apart; dy(r, o): columns 1, depth O.
      store.exports.pack4(source, 1, K, K, count, packedA);
      store.exports.pack8(dy.offset + first * O * 4, 1, O, O, count, packedB);
      runPackedProduct(store, packedA, packedB, K, O, count, first === 0 ? out.offset : partial);
      if (first > 0) {
        const f32 = store.f32;
        const to = out.offset >>> 2;
        const from = partial >>> 2;
        for (let i = 0; i < K * O; i++) f32[to + i] = f32[to + i]! + f32[from + i]!;
      }
    }
    store.releaseScratch(packedB, scratchBytes);
    return out;
  };
}
