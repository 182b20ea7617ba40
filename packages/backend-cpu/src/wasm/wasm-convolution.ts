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
import {
  type DirectConvolution,
  filterGradientBytes,
  paddedBytes,
  runDirectConvolution,
  runDirectFilterGradient,
} from './wasm-direct-convolution.js';
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
 * The window of one output pixel along the width: its first input column `iw0` (before the padding
 * is taken off) and the taps [kwStart, kwEnd) that land inside the input.
 */
function insideTaps(g: ConvolutionGeometry, ow: number, window: { iw0: number; kwStart: number; kwEnd: number }): void {
  const iw0 = ow * g.strideW - g.padLeft;
  const kwStart = iw0 >= 0 ? 0 : Math.min(g.filterWidth, Math.ceil(-iw0 / g.dilationW));
  const kwEnd = iw0 >= g.inWidth ? 0 : Math.min(g.filterWidth, Math.floor((g.inWidth - 1 - iw0) / g.dilationW) + 1);
  window.iw0 = iw0;
  window.kwStart = kwStart;
  window.kwEnd = Math.max(kwStart, kwEnd);
}

/** Below this many floats a plain loop beats `copyWithin`'s call. */
const SHORT_RUN = 48;
/** Below this many floats a plain loop beats a call of the SIMD `Add_vv` (in place: out is a). */
const SHORT_ADD = 16;

/**
 * The output columns whose windows lie wholly inside the input along the width: [from, to). Their
 * taps need no clipping, so the gathers and scatters run them in tight loops.
 */
function insideColumns(g: ConvolutionGeometry): { from: number; to: number } {
  const from = Math.min(g.outWidth, Math.ceil(g.padLeft / g.strideW));
  const last = Math.floor((g.inWidth - 1 - (g.filterWidth - 1) * g.dilationW + g.padLeft) / g.strideW);
  return { from, to: Math.max(from, Math.min(g.outWidth, last + 1)) };
}

/**
 * Writes the taps of filter row `kh` (input row at `rowBase`, -1 when the row is in the padding) for
 * output column `ow` at float `at`, zero where the window leaves the input: the edge columns' path.
 */
function gatherEdge(
  f32: Float32Array,
  g: ConvolutionGeometry,
  window: { iw0: number; kwStart: number; kwEnd: number },
  ow: number,
  rowBase: number,
  at: number,
): void {
  const C = g.inChannels;
  const rowLength = g.filterWidth * C;
  insideTaps(g, ow, window);
  const { iw0, kwStart, kwEnd } = window;
  if (rowBase < 0 || kwStart === kwEnd) {
    for (let i = 0; i < rowLength; i++) f32[at + i] = 0;
    return;
  }
  for (let i = 0; i < kwStart * C; i++) f32[at + i] = 0;
  for (let kw = kwStart; kw < kwEnd; kw++) {
    const from = rowBase + (iw0 + kw * g.dilationW) * C;
    const to = at + kw * C;
    if (C < SHORT_RUN) for (let c = 0; c < C; c++) f32[to + c] = f32[from + c]!;
    else f32.copyWithin(to, from, from + C);
  }
  for (let i = kwEnd * C; i < rowLength; i++) f32[at + i] = 0;
}

/**
 * Gathers the patches of output pixels [first, first + rows) into the floats at byte `patches`: row r
 * holds the kh·kw·c taps of pixel first + r (zero in the padding). The pixels are walked one output
 * row (n, oh) at a time and, within it, one filter row kh at a time: the columns whose windows lie
 * inside the input copy their taps in a tight loop (with no dilation along the width, a filter row's
 * taps are one run of x), the few edge columns clip theirs.
 */
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
  const rowLength = g.filterWidth * C;
  const K = g.filterHeight * rowLength;
  const xBase = x.offset >>> 2;
  const pixelsPerExample = g.outHeight * g.outWidth;
  const inside = insideColumns(g);
  const window = { iw0: 0, kwStart: 0, kwEnd: 0 };
  const columnStep = g.strideW * C;
  for (let r = 0; r < rows;) {
    const pixel = first + r;
    const n = Math.floor(pixel / pixelsPerExample);
    const oh = Math.floor((pixel - n * pixelsPerExample) / g.outWidth);
    const ow0 = pixel - n * pixelsPerExample - oh * g.outWidth;
    const ow1 = Math.min(g.outWidth, ow0 + rows - r);
    const lo = Math.min(Math.max(inside.from, ow0), ow1);
    const hi = Math.min(Math.max(inside.to, lo), ow1);
    // Float of (ow, kh)'s taps: origin + ow·K + kh·rowLength.
    const origin = (patches >>> 2) + (r - ow0) * K;
    for (let kh = 0; kh < g.filterHeight; kh++) {
      const ih = oh * g.strideH - g.padTop + kh * g.dilationH;
      const rowInside = ih >= 0 && ih < g.inHeight;
      const rowBase = rowInside ? xBase + (n * g.inHeight + ih) * g.inWidth * C : -1;
      const start = origin + kh * rowLength;
      for (let ow = ow0; ow < lo; ow++) gatherEdge(f32, g, window, ow, rowBase, start + ow * K);
      for (let ow = hi; ow < ow1; ow++) gatherEdge(f32, g, window, ow, rowBase, start + ow * K);
      if (!rowInside) {
        for (let ow = lo; ow < hi; ow++) {
          const at = start + ow * K;
          if (rowLength < SHORT_RUN) for (let i = 0; i < rowLength; i++) f32[at + i] = 0;
          else f32.fill(0, at, at + rowLength);
        }
      } else if (g.dilationW === 1) {
        let from = rowBase + (lo * g.strideW - g.padLeft) * C;
        if (rowLength < SHORT_RUN) {
          for (let ow = lo; ow < hi; ow++, from += columnStep) {
            const at = start + ow * K;
            for (let i = 0; i < rowLength; i++) f32[at + i] = f32[from + i]!;
          }
        } else {
          for (let ow = lo; ow < hi; ow++, from += columnStep) f32.copyWithin(start + ow * K, from, from + rowLength);
        }
      } else {
        for (let ow = lo; ow < hi; ow++) gatherEdge(f32, g, window, ow, rowBase, start + ow * K);
      }
    }
    r += ow1 - ow0;
  }
}

/**
 * Adds the taps of filter row `kh` for output column `ow` (floats at `at`) onto the dx row at
 * `rowBase`, skipping those outside the input: the edge columns' path.
 */
function scatterEdge(
  f32: Float32Array,
  add: (a: number, b: number, out: number, n: number) => void,
  g: ConvolutionGeometry,
  window: { iw0: number; kwStart: number; kwEnd: number },
  ow: number,
  rowBase: number,
  at: number,
): void {
  const C = g.inChannels;
  insideTaps(g, ow, window);
  const { iw0, kwStart, kwEnd } = window;
  for (let kw = kwStart; kw < kwEnd; kw++) {
    const to = rowBase + (iw0 + kw * g.dilationW) * C;
    const from = at + kw * C;
    if (C < SHORT_ADD) for (let c = 0; c < C; c++) f32[to + c] = f32[to + c]! + f32[from + c]!;
    else add(to << 2, from << 2, to << 2, C);
  }
}

/**
 * Adds the patch gradients of output pixels [first, first + rows) (floats at byte `patches`, laid out
 * as im2col writes them) onto dx, skipping the taps in the padding; walked as im2col walks them.
 */
function col2im(
  store: WasmBufferStore,
  g: ConvolutionGeometry,
  dx: WasmData,
  first: number,
  rows: number,
  patches: number,
): void {
  const f32 = store.f32;
  const add = store.exports.Add_vv;
  const C = g.inChannels;
  const rowLength = g.filterWidth * C;
  const K = g.filterHeight * rowLength;
  const dxBase = dx.offset >>> 2;
  const pixelsPerExample = g.outHeight * g.outWidth;
  const inside = insideColumns(g);
  const window = { iw0: 0, kwStart: 0, kwEnd: 0 };
  const columnStep = g.strideW * C;
  for (let r = 0; r < rows;) {
    const pixel = first + r;
    const n = Math.floor(pixel / pixelsPerExample);
    const oh = Math.floor((pixel - n * pixelsPerExample) / g.outWidth);
    const ow0 = pixel - n * pixelsPerExample - oh * g.outWidth;
    const ow1 = Math.min(g.outWidth, ow0 + rows - r);
    const lo = Math.min(Math.max(inside.from, ow0), ow1);
    const hi = Math.min(Math.max(inside.to, lo), ow1);
    const origin = (patches >>> 2) + (r - ow0) * K;
    for (let kh = 0; kh < g.filterHeight; kh++) {
      const ih = oh * g.strideH - g.padTop + kh * g.dilationH;
      if (ih < 0 || ih >= g.inHeight) continue;
      const rowBase = dxBase + (n * g.inHeight + ih) * g.inWidth * C;
      const start = origin + kh * rowLength;
      for (let ow = ow0; ow < lo; ow++) scatterEdge(f32, add, g, window, ow, rowBase, start + ow * K);
      for (let ow = hi; ow < ow1; ow++) scatterEdge(f32, add, g, window, ow, rowBase, start + ow * K);
      if (g.dilationW === 1) {
        let to = rowBase + (lo * g.strideW - g.padLeft) * C;
        if (rowLength < SHORT_ADD) {
          for (let ow = lo; ow < hi; ow++, to += columnStep) {
            const at = start + ow * K;
            for (let i = 0; i < rowLength; i++) f32[to + i] = f32[to + i]! + f32[at + i]!;
          }
        } else {
          for (let ow = lo; ow < hi; ow++, to += columnStep) add(to << 2, (start + ow * K) << 2, to << 2, rowLength);
        }
      } else {
        for (let ow = lo; ow < hi; ow++) scatterEdge(f32, add, g, window, ow, rowBase, start + ow * K);
      }
    }
    r += ow1 - ow0;
  }
}

function packedBytes(rowsOrColumns: number, width: number, depth: number): number {
  return Math.ceil(rowsOrColumns / width) * width * depth * 4;
}

/**
 * y = conv2d(x, filter) by the direct kernel (byte addresses): the filter [kh·kw·c, o] packed as it
 * is, the input padded.
 */
function directConv2D(store: WasmBufferStore, g: ConvolutionGeometry, x: number, filter: number, out: number): void {
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
    if (!direct) {
      directConv2D(store, g, x.offset, filter.offset, out.offset);
      return out;
    }
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

/**
 * dx = Conv2DBackpropInput(dy, filter) for unit strides by the direct kernel (byte addresses): dx's
 * pixel (ih, iw) sums dy's pixels (ih + padTop - kh·dh, iw + padLeft - kw·dw) times tap (kh, kw), so
 * it is a convolution of dy padded by the filter's reach less the forward padding, with the filter
 * turned by 180° and its channel axes swapped, packed here straight into pack8's layout.
 */
function directConv2DBackpropInput(
  store: WasmBufferStore,
  g: ConvolutionGeometry,
  dy: number,
  filter: number,
  out: number,
): void {
  const C = g.inChannels;
  const O = g.outChannels;
  const taps = g.filterHeight * g.filterWidth;
  const K = taps * O;
  const convolution: DirectConvolution = {
    input: dy,
    batch: g.batch,
    height: g.outHeight,
    width: g.outWidth,
    channels: O,
    packedFilter: 0,
    outChannels: C,
    outHeight: g.inHeight,
    outWidth: g.inWidth,
    filterHeight: g.filterHeight,
    filterWidth: g.filterWidth,
    strideH: 1,
    strideW: 1,
    dilationH: g.dilationH,
    dilationW: g.dilationW,
    padTop: (g.filterHeight - 1) * g.dilationH - g.padTop,
    padLeft: (g.filterWidth - 1) * g.dilationW - g.padLeft,
    out,
  };
  const bBytes = packedBytes(C, NR, K);
  const scratchBytes = bBytes + paddedBytes(convolution);
  const packedB = store.scratch(scratchBytes);
  // Panel jp, depth p = (tap t, o), lane l: filter[(taps - 1 - t)·C·O + (jp·NR + l)·O + o], 0 past C.
  const f32 = store.f32;
  const source = filter >>> 2;
  let at = packedB >>> 2;
  for (let c0 = 0; c0 < C; c0 += NR) {
    const lanes = Math.min(NR, C - c0);
    for (let t = 0; t < taps; t++) {
      const tap = source + (taps - 1 - t) * C * O + c0 * O;
      for (let o = 0; o < O; o++, at += NR) {
        for (let l = 0; l < lanes; l++) f32[at + l] = f32[tap + l * O + o]!;
        for (let l = lanes; l < NR; l++) f32[at + l] = 0;
      }
    }
  }
  runDirectConvolution(store, { ...convolution, packedFilter: packedB }, packedB + bBytes);
  store.releaseScratch(packedB, scratchBytes);
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
    if (!direct && g.strideH === 1 && g.strideW === 1 && g.inChannels >= NR) {
      directConv2DBackpropInput(store, g, dy.offset, filter.offset, out.offset);
      return out;
    }
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

/** dfilter = Conv2DBackpropFilter(x, dy) by the direct kernel (byte addresses). */
function directConv2DBackpropFilter(
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
    if (!direct) {
      directConv2DBackpropFilter(store, g, x.offset, dy.offset, out.offset);
      return out;
    }
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
      if (first > 0) store.exports.Add_vv(out.offset, partial, out.offset, K * O);
    }
    store.releaseScratch(packedB, scratchBytes);
    return out;
  };
}
