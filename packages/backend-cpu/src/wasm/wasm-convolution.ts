/**
 * @file Conv2D and its two gradients on the WebAssembly path. Most run on the direct kernels
 * (wasm-direct-convolution.ts), which read the patches straight from the zero-padded input; the rest
 * are packed products on MatMul's 4×8 SIMD micro-kernel (`runPackedProduct`), in blocks of output
 * pixels (at most PATCH_BLOCK_FLOATS floats of patches each, so no K²-times-larger matrix exists whole):
 *
 * - Conv2D: direct; a 1×1 filter with stride 1 and no padding is y = x · filter (x is the patch matrix).
 * - Conv2DBackpropInput: direct, stride phase by stride phase (wasm-convolution-input.ts), for at least
 *   8 input channels (a SIMD panel of dx's channels) or 3 to 7 with at most 16 output channels; else
 *   dpatches[block] = dy[block] · filterᵀ, scattered back onto dx by col2im (col2im.ts), or written as
 *   dx itself for a 1×1 filter.
 * - Conv2DBackpropFilter: direct; for a 1×1 filter, dfilter = Σ_blocks x[block]ᵀ · dy[block].
 * The depthwise kernels keep the plain-JS loops (one multiply-add per tap and channel, no product).
 */

import type { KernelFunction } from '@tapeflow/tensor-core/backend';
import { sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { ConvolutionGeometry } from '../kernels/convolution.js';
import { geometryOfCall } from '../kernels/convolution.js';
import { col2im } from './col2im.js';
import { MR, NR } from './emit-matmul.js';
import type { WasmBufferStore } from './wasm-buffer-store.js';
import { directConv2DBackpropInput } from './wasm-convolution-input.js';
import { directConv2D, directConv2DBackpropFilter } from './wasm-direct-convolution.js';
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
    if (!pointwise(g)) {
      directConv2D(store, g, x.offset, filter.offset, out.offset);
      return out;
    }
    const rows = blockRows(pixels, K);
    const bBytes = packedBytes(O, NR, K);
    const scratchBytes = bBytes + packedBytes(rows, MR, K);
    const packedB = store.scratch(scratchBytes);
    const packedA = packedB + bBytes;
    // B(p, o) = filter[p·O + o]: columns 1 apart, depth steps O apart.
    store.exports.pack8(filter.offset, 1, O, O, K, packedB);
    for (let first = 0; first < pixels; first += rows) {
      const count = Math.min(rows, pixels - first);
      store.exports.pack4(x.offset + first * K * 4, K, 1, count, K, packedA);
      runPackedProduct(store, packedA, packedB, count, O, K, out.offset + first * O * 4);
    }
    store.releaseScratch(packedB, scratchBytes);
    return out;
  };
}

/** Fewest input channels for which the direct input gradient pays with many output channels. */
const DIRECT_INPUT_CHANNELS = NR;
/** Fewest input channels, and most output channels, for which the direct input gradient pays with under 8. */
const DIRECT_INPUT_FEW_CHANNELS = 3;
const DIRECT_INPUT_FEW_CHANNELS_OUT = 16;

/**
 * Whether Conv2DBackpropInput runs direct (any strides): dx's channels are its SIMD lanes, so with
 * fewer than 8 it wastes lanes, which pays only while col2im's scatter of K floats a dy pixel costs
 * more than the product: 3 or 4 input channels and 16 outputs ran 1.3-1.6× faster direct, 32 even,
 * 64 up to 1.8× slower; 2 input channels either way by the run; 1 always 2-4× slower.
 */
function directInputGradient(g: ConvolutionGeometry): boolean {
  const C = g.inChannels;
  return (
    C >= DIRECT_INPUT_CHANNELS || (C >= DIRECT_INPUT_FEW_CHANNELS && g.outChannels <= DIRECT_INPUT_FEW_CHANNELS_OUT)
  );
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
    if (!direct && directInputGradient(g)) {
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
    if (!pointwise(g)) {
      directConv2DBackpropFilter(store, g, x.offset, dy.offset, out.offset);
      return out;
    }
    const rows = blockRows(pixels, K);
    const bBytes = packedBytes(O, NR, rows);
    const aBytes = packedBytes(K, MR, rows);
    const partialBytes = pixels > rows ? K * O * 4 : 0;
    const scratchBytes = bBytes + aBytes + partialBytes;
    const packedB = store.scratch(scratchBytes);
    const packedA = packedB + bBytes;
    const partial = packedA + aBytes;
    for (let first = 0; first < pixels; first += rows) {
      const count = Math.min(rows, pixels - first);
      // xᵀ(j, r) = x[r·K + j]: rows 1 apart, depth steps K apart; dy(r, o): columns 1, depth O.
      store.exports.pack4(x.offset + first * K * 4, 1, K, K, count, packedA);
      store.exports.pack8(dy.offset + first * O * 4, 1, O, O, count, packedB);
      runPackedProduct(store, packedA, packedB, K, O, count, first === 0 ? out.offset : partial);
      if (first > 0) store.exports.Add_vv(out.offset, partial, out.offset, K * O);
    }
    store.releaseScratch(packedB, scratchBytes);
    return out;
  };
}
