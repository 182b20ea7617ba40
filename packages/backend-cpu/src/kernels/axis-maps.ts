/**
 * @file The one loop behind the CPU's Tile, PadV2, MirrorPad, ReverseV2 and StridedSlice kernels: each
 * maps every output coordinate, dimension by dimension, to a source coordinate of `x` (or to "outside",
 * the padding constant). The per-dimension maps are computed once per call (O(sum of dims)); the copy
 * then walks the output in order with one running offset per dimension, and no division per element.
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { computeStrides, makeTypedArray, sizeFromShape } from '@tapeflow/tensor-core/backend';

/** The source coordinate of output coordinate `c` along one dimension, or -1 for "outside x". */
export type AxisMap = (c: number) => number;

/**
 * out[c] = x[source_0(c_0), source_1(c_1), ...], or `fill` where any source is -1.
 * `maps[d]` gives, for each coordinate along output dimension d, the source coordinate along x's dim d.
 */
export function readThroughAxisMaps(
  x: TypedArray,
  xShape: readonly number[],
  maps: readonly AxisMap[],
  outShape: readonly number[],
  dtype: DataType,
  fill = 0,
): TypedArray {
  const size = sizeFromShape(outShape);
  const out = makeTypedArray(size, dtype);
  if (size === 0) return out;
  const rank = outShape.length;
  if (rank === 0) {
    out[0] = x[0]!;
    return out;
  }
  const xStrides = computeStrides(xShape);
  // offsets[d][c]: the element offset of coordinate c along dim d in x, or -1.
  const offsets = outShape.map((dim, d) => {
    const table = new Float64Array(dim);
    for (let c = 0; c < dim; c++) {
      const source = maps[d]!(c);
      table[c] = source < 0 ? -1 : source * xStrides[d]!;
    }
    return table;
  });
  let o = 0;
  const walk = (d: number, base: number): void => {
    const table = offsets[d]!;
    const dim = outShape[d]!;
    if (d === rank - 1) {
      for (let c = 0; c < dim; c++) {
        const offset = table[c]!;
        out[o++] = base < 0 || offset < 0 ? fill : x[base + offset]!;
      }
      return;
    }
    for (let c = 0; c < dim; c++) {
      const offset = table[c]!;
      walk(d + 1, base < 0 || offset < 0 ? -1 : base + offset);
    }
  };
  walk(0, 0);
  return out;
}
