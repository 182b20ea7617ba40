/**
 * @file Gradients of the shape kernels of issue 12, each TensorFlow's registered gradient written with
 * tensor-core ops (so higher orders come for free, on every backend): Tile sums over the tiles
 * (_TileGrad), PadV2 slices (_PadGrad), MirrorPad folds the mirrored borders back onto the edge
 * (MirrorPadGrad, here a composite of slices, reverses, pads and adds, O(size) on every backend),
 * ReverseV2 reverses (_ReverseV2Grad), GatherNd scatters (_GatherNdGrad), ScatterNd gathers its
 * updates' gradient (_ScatterNdGrad) and StridedSlice scatters back into zeros (StridedSliceGrad, here
 * reverse + interleaved zeros + pad per sliced dimension).
 */

import * as tf from '@tapeflow/tensor-core';
import type { Batch } from './definition.js';
import { defineGradient } from './definition.js';

const NOTHING = { inputs: [], output: false } as const;

/** `g` sliced along `axis` to [begin, begin + size). */
function sliceAxis(g: tf.Tensor, axis: number, begin: number, size: number): tf.Tensor {
  return tf.slice(
    g,
    g.shape.map((_, i) => (i === axis ? begin : 0)),
    g.shape.map((d, i) => (i === axis ? size : d)),
  );
}

/** `g` padded with zeros along `axis`. */
function padAxis(g: tf.Tensor, axis: number, before: number, after: number): tf.Tensor {
  return tf.pad(
    g,
    g.shape.map((_, i) => (i === axis ? ([before, after] as const) : ([0, 0] as const))),
  );
}

/** Axes `from` .. `from + count - 1`. */
const span = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

// TF: _TileGrad (the upstream seen as [multiple, dim] per dimension, summed over the multiples)
export const Tile = defineGradient('Tile', {
  saves: NOTHING,
  rule: (dy, { inputs: { x }, attrs: { multiples } }, batch) => ({
    x: () =>
      tf.tidy(() => {
        const split = batch.shape(x.shape.flatMap((d, i) => [multiples[i]!, d]));
        return tf.reduceSum(
          tf.reshape(dy, split),
          x.shape.map((_, i) => batch.axis(2 * i)),
        );
      }),
  }),
});

// TF: _PadGrad (the upstream sliced back to the input's box)
export const PadV2 = defineGradient('PadV2', {
  saves: NOTHING,
  rule: (dy, { inputs: { x }, attrs: { paddings } }, batch) => ({
    x: () =>
      tf.slice(dy, [...batch.dims.map(() => 0), ...x.shape.map((_, i) => paddings[2 * i]!)], batch.shape(x.shape)),
  }),
});

// TF: _MirrorPadGrad → MirrorPadGrad: each mirrored border, reversed, is added onto the input positions
// it was read from (from the edge, or next to it in REFLECT mode), one dimension at a time.
export const MirrorPad = defineGradient('MirrorPad', {
  saves: NOTHING,
  rule: (dy, { inputs: { x }, attrs: { paddings, symmetric } }, batch) => ({
    x: () =>
      tf.tidy(() => {
        const edge = symmetric ? 0 : 1;
        let g = dy;
        x.shape.forEach((n, d) => {
          const before = paddings[2 * d]!;
          const after = paddings[2 * d + 1]!;
          if (before === 0 && after === 0) return;
          const axis = batch.axis(d);
          let core = sliceAxis(g, axis, before, n);
          if (before > 0) {
            const left = tf.reverse(sliceAxis(g, axis, 0, before), axis);
            core = tf.add(core, padAxis(left, axis, edge, n - edge - before));
          }
          if (after > 0) {
            const right = tf.reverse(sliceAxis(g, axis, before + n, after), axis);
            core = tf.add(core, padAxis(right, axis, n - after - edge, edge));
          }
          g = core;
        });
        return g;
      }),
  }),
});

// TF: _ReverseV2Grad
export const ReverseV2 = defineGradient('ReverseV2', {
  saves: NOTHING,
  rule: (dy, { attrs: { axes } }, batch) => ({
    x: () =>
      tf.reverse(
        dy,
        axes.map((a) => batch.axis(a)),
      ),
  }),
});

/**
 * A permutation of a batched tensor [batch, first (count), rest] that moves the batch dims after
 * `first`: [first, batch, rest]; `back` is its inverse.
 */
function batchAfter(batch: Batch, count: number, rank: number): { to: number[]; back: number[] } {
  const rest = span(batch.rank + count, rank - batch.rank - count);
  return {
    to: [...span(batch.rank, count), ...span(0, batch.rank), ...rest],
    back: [...span(count, batch.rank), ...span(0, count), ...rest],
  };
}

// TF: _GatherNdGrad (scatter_nd of the upstream into zeros of the input's shape; repeated rows add up)
export const GatherNd = defineGradient('GatherNd', {
  saves: { inputs: ['indices'], output: false },
  rule: (dy, { inputs: { x, indices } }, batch) => ({
    x: () =>
      tf.tidy(() => {
        if (batch.rank === 0) return tf.scatterNd(indices, dy, x.shape);
        const depth = indices.shape[indices.rank - 1]!;
        const rows = indices.rank - 1;
        // [batch, rows, inner] -> [rows, batch, inner], scattered into [x[:K], batch, x[K:]], then back.
        const moved = tf.transpose(dy, batchAfter(batch, rows, dy.rank).to);
        const scattered = tf.scatterNd(indices, moved, [
          ...x.shape.slice(0, depth),
          ...batch.dims,
          ...x.shape.slice(depth),
        ]);
        return tf.transpose(scattered, batchAfter(batch, depth, scattered.rank).back);
      }),
  }),
});

// TF: _ScatterNdGrad (the updates' gradient is gather_nd of the upstream; indices get none)
export const ScatterNd = defineGradient('ScatterNd', {
  saves: { inputs: ['indices'], output: false },
  rule: (dy, { inputs: { indices } }, batch) => ({
    updates: () =>
      tf.tidy(() => {
        if (batch.rank === 0) return tf.gatherNd(dy, indices);
        const depth = indices.shape[indices.rank - 1]!;
        const rows = indices.rank - 1;
        const gathered = tf.gatherNd(tf.transpose(dy, batchAfter(batch, depth, dy.rank).to), indices);
        return tf.transpose(gathered, batchAfter(batch, rows, gathered.rank).back);
      }),
  }),
});

// TF: _StridedSliceGrad → StridedSliceGrad: per sliced dimension, the upstream in increasing order
// (reversed for a negative stride), `stride - 1` zeros after each element, then zeros around it.
export const StridedSlice = defineGradient('StridedSlice', {
  saves: NOTHING,
  rule: (dy, { inputs: { x }, attrs: { begin, strides } }, batch) => ({
    x: () =>
      tf.tidy(() => {
        let g = dy;
        x.shape.forEach((dim, d) => {
          const axis = batch.axis(d);
          const count = g.shape[axis]!;
          const stride = strides[d]!;
          if (count === dim && stride === 1) return;
          const start = stride < 0 ? begin[d]! + (count - 1) * stride : begin[d]!;
          const step = Math.abs(stride);
          if (stride < 0) g = tf.reverse(g, axis);
          let length = count;
          if (step > 1 && count > 0) {
            const spread = padAxis(tf.expandDims(g, axis + 1), axis + 1, 0, step - 1);
            const merged = spread.shape.slice();
            merged.splice(axis, 2, count * step);
            length = (count - 1) * step + 1;
            g = sliceAxis(tf.reshape(spread, merged), axis, 0, length);
          }
          g = padAxis(g, axis, count === 0 ? 0 : start, count === 0 ? dim : dim - start - length);
        });
        return g;
      }),
  }),
});
