/**
 * @file Conv2DBackpropInput on the direct kernel (`conv_chunk`, emit-convolution.ts) for any strides
 * and dilations, by the sub-pixel ("phase") decomposition, so no patch matrix K times dy's size is
 * ever made and scattered back by col2im.
 *
 * dx[ih, iw] sums dy[(ih + padTop - kh·dh) / sh, ...] · filter[kh, kw] over the taps whose numerator
 * is a multiple of the stride. Whether it is depends only on ih mod sh (and iw mod sw): the dx rows
 * ih = r, r + sh, r + 2·sh, ... (one phase) all see the same taps kh₀ < kh₁ < ..., which step by
 * sh / gcd(sh, dh), and the dy row tap kh_j reads moves by one as ih moves by sh. So each phase is a
 * unit-stride convolution over dy (dilated by dh / gcd(sh, dh)) with the sub-filter of its taps,
 * turned by 180° and its channel axes swapped, written to every sh-th row and sw-th column of dx.
 * With unit strides there is one phase: the whole filter, dy padded by its reach.
 *
 * dy is padded once, far enough for every phase; each phase reads it from its own origin.
 */

import { NR } from './emit-matmul.js';
import type { WasmBufferStore } from './wasm-buffer-store.js';
import { type DirectConvolution, packedBytes, pad, runConvolutionJob } from './wasm-direct-convolution.js';
import type { ConvolutionGeometry } from '../kernels/convolution.js';

/** One phase along one axis: dx's rows first, first + stride, ...; the taps they see, and where. */
interface AxisPhase {
  /** dx's first row (column) of the phase, and how many it has. */
  readonly first: number;
  readonly count: number;
  /** The filter taps this phase sees, ascending (empty: its dx rows are zero). */
  readonly taps: readonly number[];
  /** dy rows between consecutive taps of `taps` (the phase convolution's dilation). */
  readonly dilation: number;
  /** dy row read by the phase's row 0 through its first (flipped) tap: the last of `taps`. */
  readonly origin: number;
}

/** The phases of one axis: dx size `input`, filter size `filter`, stride, dilation and leading pad. */
function axisPhases(input: number, filter: number, stride: number, dilation: number, padBefore: number): AxisPhase[] {
  const phases: AxisPhase[] = [];
  for (let first = 0; first < Math.min(stride, input); first++) {
    const taps: number[] = [];
    for (let k = 0; k < filter; k++)
      if ((((first + padBefore - k * dilation) % stride) + stride) % stride === 0) taps.push(k);
    const last = taps.length > 0 ? taps[taps.length - 1]! : 0;
    phases.push({
      first,
      count: Math.ceil((input - first) / stride),
      taps,
      dilation: taps.length > 1 ? ((taps[1]! - taps[0]!) * dilation) / stride : 1,
      origin: (first + padBefore - last * dilation) / stride,
    });
  }
  return phases;
}

/** The dy rows all phases of an axis read: [low, high] (may reach past dy on either side). */
function reach(phases: readonly AxisPhase[]): { low: number; high: number } {
  let low = 0;
  let high = -1;
  for (const p of phases) {
    if (p.taps.length === 0) continue;
    low = Math.min(low, p.origin);
    high = Math.max(high, p.origin + p.count - 1 + (p.taps.length - 1) * p.dilation);
  }
  return { low, high };
}

/**
 * dx = Conv2DBackpropInput(dy, filter) by the direct kernel, phase by phase (byte addresses). Each
 * phase's sub-filter is packed in pack8's layout: panel jp of dx's channels, depth (sub-tap, o),
 * lane l = filter[kh, kw, jp·NR + l, o] for the flipped sub-tap's (kh, kw), 0 past C.
 */
export function directConv2DBackpropInput(
  store: WasmBufferStore,
  g: ConvolutionGeometry,
  dy: number,
  filter: number,
  out: number,
): void {
  const C = g.inChannels;
  const O = g.outChannels;
  const rows = axisPhases(g.inHeight, g.filterHeight, g.strideH, g.dilationH, g.padTop);
  const columns = axisPhases(g.inWidth, g.filterWidth, g.strideW, g.dilationW, g.padLeft);
  const vertical = reach(rows);
  const horizontal = reach(columns);
  const padded =
    vertical.low < 0 || horizontal.low < 0 || vertical.high >= g.outHeight || horizontal.high >= g.outWidth;
  const top = padded ? vertical.low : 0;
  const left = padded ? horizontal.low : 0;
  const height = padded ? vertical.high - vertical.low + 1 : g.outHeight;
  const width = padded ? horizontal.high - horizontal.low + 1 : g.outWidth;
  const padBytes = padded ? g.batch * height * width * O * 4 : 0;
  const filterBytes = packedBytes(C, NR, g.filterHeight * g.filterWidth * O);
  const scratchBytes = padBytes + filterBytes;
  const scratch = store.scratch(scratchBytes);
  const source = { input: dy, batch: g.batch, height: g.outHeight, width: g.outWidth, channels: O };
  if (padded) pad(store, { ...source, padTop: -top, padLeft: -left }, scratch, { height, width });
  const x = padded ? scratch : dy;
  const f32 = store.f32;
  let packed = scratch + padBytes;
  const dxRowBytes = g.inWidth * C * 4;
  const dxExampleBytes = g.inHeight * dxRowBytes;
  for (const row of rows) {
    for (const column of columns) {
      const outAt = out + (row.first * g.inWidth + column.first) * C * 4;
      const th = row.taps.length;
      const tw = column.taps.length;
      if (th === 0 || tw === 0) {
        // No tap reaches these dx pixels: zeros.
        for (let n = 0; n < g.batch; n++)
          for (let i = 0; i < row.count; i++)
            for (let j = 0; j < column.count; j++) {
              const at = (outAt + n * dxExampleBytes + i * g.strideH * dxRowBytes + j * g.strideW * C * 4) >>> 2;
              f32.fill(0, at, at + C);
            }
        continue;
      }
      // Per panel and sub-tap, pack8 of the tap's [C, O] block read transposed: lane c, depth o.
      const packedFilter = packed;
      const K = th * tw * O;
      for (let t = 0; t < th * tw; t++) {
        const kh = row.taps[th - 1 - Math.floor(t / tw)]!;
        const kw = column.taps[tw - 1 - (t % tw)]!;
        const tap = filter + (kh * g.filterWidth + kw) * C * O * 4;
        for (let c0 = 0; c0 < C; c0 += NR) {
          const destination = packedFilter + ((c0 / NR) * K + t * O) * NR * 4;
          store.exports.pack8(tap + c0 * O * 4, O, 1, Math.min(NR, C - c0), O, destination);
        }
      }
      packed += packedBytes(C, NR, K);
      const phase: DirectConvolution = {
        input: dy,
        batch: g.batch,
        height: g.outHeight,
        width: g.outWidth,
        channels: O,
        packedFilter,
        outChannels: C,
        outHeight: row.count,
        outWidth: column.count,
        filterHeight: th,
        filterWidth: tw,
        strideH: 1,
        strideW: 1,
        dilationH: row.dilation,
        dilationW: column.dilation,
        padTop: 0,
        padLeft: 0,
        out: outAt,
      };
      const rowFloats = width * O;
      const origin = ((row.origin - top) * width + column.origin - left) * O * 4;
      runConvolutionJob(
        store,
        phase,
        { x: x + origin, rowFloats, exampleBytes: height * rowFloats * 4 },
        { columnBytes: g.strideW * C * 4, rowBytes: g.strideH * dxRowBytes, exampleBytes: dxExampleBytes },
      );
    }
  }
  store.releaseScratch(scratch, scratchBytes);
}
