/**
 * @file col2im for Conv2DBackpropInput's product path (strided windows, or fewer input channels than
 * a SIMD panel): adds the patch gradients of a block of output pixels, as a product with the filter
 * left them (one row of kh·kw·c taps per pixel), onto dx, skipping the taps in the padding. The
 * direct kernels (emit-convolution.ts) need no patches; this is what remains of im2col.
 */

import type { ConvolutionGeometry } from '../kernels/convolution.js';
import type { WasmBufferStore, WasmData } from './wasm-buffer-store.js';

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
export function col2im(
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
