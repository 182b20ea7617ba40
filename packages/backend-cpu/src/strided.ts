/**
 * @file Strided iteration shared by the kernels: walks an N-d index space one contiguous row at a time,
 * keeping a running offset into every operand (the output and each input, each with its own strides).
 *
 * Dimensions are coalesced first (`coalesceDimensions`, shared with every backend): adjacent dims merge
 * whenever every operand steps through them as one (stride of the outer = stride of the inner × inner
 * size), and size-1 dims drop out. Equal shapes
 * therefore become a single row, a broadcast row vector becomes rows with stride 0, and a transpose
 * that keeps the last axis copies whole rows. The per-row callback is the only indirect call, so the
 * inner loops that kernels write stay tight and monomorphic.
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import {
  broadcastStrides,
  coalesceDimensions,
  computeStrides,
  makeTypedArray,
  sizeFromShape,
} from '@tapeflow/tensor-core/backend';

/** A coalesced walk over an index space; build one with `planRows`. */
export interface RowPlan {
  /** Number of operands (each has one offset and one stride per dim). */
  readonly operands: number;
  /** Rows to visit (0 when the space is empty). */
  readonly rowCount: number;
  /** Elements in each row. */
  readonly rowLength: number;
  /** Each operand's stride along a row. */
  readonly innerStrides: readonly number[];
  /** Sizes of the remaining (outer) dims, outermost first. */
  readonly outerShape: readonly number[];
  /** Operand k's stride along outer dim d is at `d * operands + k`. */
  readonly outerStrides: readonly number[];
}

/**
 * Called once per row with each operand's offset of the row's first element, the row's length, and
 * each operand's stride along the row. `offsets` is reused between calls: read it, do not keep it.
 */
export type RowVisitor = (offsets: readonly number[], length: number, strides: readonly number[]) => void;

/** Plans a walk over `shape` where operand k has element strides `strides[k]` (one per dim). */
export function planRows(shape: readonly number[], strides: readonly (readonly number[])[]): RowPlan {
  const operands = strides.length;
  if (shape.includes(0)) {
    return { operands, rowCount: 0, rowLength: 0, innerStrides: zeros(operands), outerShape: [], outerStrides: [] };
  }
  const coalesced = coalesceDimensions(shape, strides);
  const rank = coalesced.shape.length;
  if (rank === 0) {
    return { operands, rowCount: 1, rowLength: 1, innerStrides: zeros(operands), outerShape: [], outerStrides: [] };
  }
  const outerShape = coalesced.shape.slice(0, -1);
  const outerStrides: number[] = [];
  for (let d = 0; d < rank - 1; d++) {
    for (let k = 0; k < operands; k++) outerStrides.push(coalesced.strides[k]![d]!);
  }
  return {
    operands,
    rowCount: sizeFromShape(outerShape),
    rowLength: coalesced.shape[rank - 1]!,
    innerStrides: coalesced.strides.map((s) => s[rank - 1]!),
    outerShape,
    outerStrides,
  };
}

function zeros(length: number): number[] {
  return new Array<number>(length).fill(0);
}

/** Visits every row of `plan` in row-major order of its outer dims. */
export function visitRows(plan: RowPlan, visit: RowVisitor): void {
  const { operands, rowCount, rowLength, innerStrides, outerShape, outerStrides } = plan;
  const rank = outerShape.length;
  const counters = zeros(rank);
  const offsets = zeros(operands);
  for (let row = 0; row < rowCount; row++) {
    visit(offsets, rowLength, innerStrides);
    for (let d = rank - 1; d >= 0; d--) {
      const next = counters[d]! + 1;
      const base = d * operands;
      if (next < outerShape[d]!) {
        counters[d] = next;
        for (let k = 0; k < operands; k++) offsets[k] = offsets[k]! + outerStrides[base + k]!;
        break;
      }
      counters[d] = 0;
      for (let k = 0; k < operands; k++) offsets[k] = offsets[k]! - outerStrides[base + k]! * (next - 1);
    }
  }
}

/**
 * Walks the output of `outShape` (operand 0, contiguous) together with inputs whose shapes broadcast to
 * it (operands 1.., read with stride 0 along broadcast dims). The output's row stride is always 1.
 */
export function forEachBroadcastRow(
  outShape: readonly number[],
  inputShapes: readonly (readonly number[])[],
  visit: RowVisitor,
): void {
  const strides = [computeStrides(outShape), ...inputShapes.map((shape) => broadcastStrides(shape, outShape))];
  visitRows(planRows(outShape, strides), visit);
}

/** For each element of `outShape`, the flat index of the element of `inShape` broadcast onto it. */
export function broadcastIndexMap(inShape: readonly number[], outShape: readonly number[]): number[] {
  const map = new Array<number>(sizeFromShape(outShape));
  forEachBroadcastRow(outShape, [inShape], (offsets, length, strides) => {
    const start = offsets[0]!;
    const source = offsets[1]!;
    const stride = strides[1]!;
    for (let j = 0; j < length; j++) map[start + j] = source + j * stride;
  });
  return map;
}

/** Copies `length` elements read every `srcStride` from `src` into consecutive slots of `dst`. */
export function copyRow(
  src: TypedArray,
  srcOffset: number,
  srcStride: number,
  dst: TypedArray,
  dstOffset: number,
  length: number,
): void {
  if (srcStride === 1) {
    // `set` is a memcpy, but the subarray view it needs costs more than a short loop.
    if (length >= 32) dst.set(src.subarray(srcOffset, srcOffset + length), dstOffset);
    else for (let j = 0; j < length; j++) dst[dstOffset + j] = src[srcOffset + j]!;
  } else if (srcStride === 0) {
    if (length > 0) dst.fill(src[srcOffset]!, dstOffset, dstOffset + length);
  } else {
    for (let j = 0; j < length; j++, srcOffset += srcStride) dst[dstOffset + j] = src[srcOffset]!;
  }
}

/**
 * A new contiguous array of `outShape` whose element at each index is read from `src` at
 * `srcBase + Σ index[d] * srcStrides[d]`: transposes, slices and broadcasts are all this one copy.
 */
export function stridedCopy(
  src: TypedArray,
  srcBase: number,
  srcStrides: readonly number[],
  outShape: readonly number[],
  dtype: DataType,
): TypedArray {
  const out = makeTypedArray(sizeFromShape(outShape), dtype);
  const plan = planRows(outShape, [computeStrides(outShape), srcStrides]);
  visitRows(plan, (offsets, length, strides) => {
    copyRow(src, srcBase + offsets[1]!, strides[1]!, out, offsets[0]!, length);
  });
  return out;
}

/** Splits `shape` around `axis` into [product of dims before, the axis's size, product of dims after]. */
export function splitAxis(shape: readonly number[], axis: number): [outer: number, size: number, inner: number] {
  return [sizeFromShape(shape.slice(0, axis)), shape[axis] ?? 1, sizeFromShape(shape.slice(axis + 1))];
}
