/**
 * @file The shape ops of issue 12 as users call them (functions and Tensor methods): small cases worked
 * out by hand from TensorFlow's documented semantics, the views that make no copy, and the bad input
 * (BAD-INPUT.md rows 41-43): each a typed error naming the op, the argument and both shapes or values,
 * with no tensor left behind.
 */
import '../test-setup.js';
import { describe, expect, it } from 'vitest';
import { memory } from '../api.js';
import { FailedPreconditionError, InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import * as tf from './index.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());
const int = (v: number[], shape: number[]): Tensor => tf.tensor(v, shape, 'int32');

/** Runs `fn`, expects an InvalidArgumentError matching `pattern`, and checks no tensor was left behind. */
function expectCleanError(
  fn: () => unknown,
  pattern: RegExp,
  type: new (...args: never[]) => Error = InvalidArgumentError,
): void {
  const before = memory().numTensors;
  expect(fn).toThrow(type);
  expect(fn).toThrow(pattern);
  expect(memory().numTensors).toBe(before);
}

describe('stack, unstack, split', () => {
  it('stack joins along a new axis (0, 1, -1)', () => {
    const a = tf.tensor([1, 2, 3]);
    const b = tf.tensor([4, 5, 6]);
    const s0 = tf.stack([a, b]);
    expect(s0.shape).toEqual([2, 3]);
    expect(values(s0)).toEqual([1, 2, 3, 4, 5, 6]);
    const s1 = tf.stack([a, b], 1);
    expect(s1.shape).toEqual([3, 2]);
    expect(values(s1)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(values(tf.stack([a, b], -1))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(tf.stack([tf.scalar(1), tf.scalar(2)]).shape).toEqual([2]);
  });

  it('unstack gives the slices without the axis (function and method)', () => {
    const x = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const rows = tf.unstack(x);
    expect(rows.map((r) => r.shape)).toEqual([[3], [3]]);
    expect(rows.map(values)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(x.unstack(1).map(values)).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  it('split: equal parts, sizes, one -1, zero sizes, the method', () => {
    const x = tf.tensor([1, 2, 3, 4, 5, 6], [6]);
    expect(tf.split(x, 3).map(values)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(tf.split(x, [1, -1, 2]).map(values)).toEqual([[1], [2, 3, 4], [5, 6]]);
    expect(tf.split(x, [0, 6]).map((t) => t.shape)).toEqual([[0], [6]]);
    const m = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(m.split([2, 1], 1).map(values)).toEqual([
      [1, 2, 4, 5],
      [3, 6],
    ]);
  });

  it('row 41: split sizes that do not add up, or a count that does not divide, name both', () => {
    const x = tf.zeros([7, 2]);
    expectCleanError(
      () => tf.split(x, [2, 3]),
      /^split: argument 'numOrSizes' expected sizes that add up to 7 \(dimension 0 of shape \[7,2\]\), but got \[2,3\], which add up to 5/,
    );
    expectCleanError(() => tf.split(x, [4, -1, 5]), /add up to 7 .* but got \[4,-1,5\], which add up to 9/);
    expectCleanError(() => tf.split(x, [-1, -1]), /at most one -1/);
    expectCleanError(
      () => tf.split(x, 3),
      /^split: argument 'numOrSizes' expected a positive integer that divides 7 \(dimension 0 of shape \[7,2\]\), but got number 3/,
    );
    expectCleanError(() => tf.split(x, 2, 2), /^split: argument 'axis'/);
  });

  it('stack: tensors of different shapes or dtypes, an empty list, an axis out of range', () => {
    const [a23, a32, f2, i2] = [tf.zeros([2, 3]), tf.zeros([3, 2]), tf.zeros([2]), tf.zeros([2], 'int32')];
    expectCleanError(
      () => tf.stack([a23, a32]),
      /^stack: argument 'tensors\[1\]' expected shape \[2,3\] \(the shape of tensors\[0\]\), but got shape \[3,2\]/,
    );
    expectCleanError(() => tf.stack([f2, i2]), /^stack: argument 'tensors\[1\]' expected dtype float32/);
    expectCleanError(() => tf.stack([]), /^stack: argument 'tensors' expected a non-empty array/);
    expectCleanError(
      () => tf.stack([f2], 3),
      /^stack: argument 'axis' expected an integer in \[-2, 1\], but got number 3/,
    );
  });
});

describe('identity and clone', () => {
  it('share the buffer (no copy) and survive the original', () => {
    const x = tf.tensor([1, 2, 3]);
    const before = memory().numBytes;
    const y = tf.identity(x);
    const z = x.clone();
    expect(memory().numBytes).toBe(before);
    x.dispose();
    expect(values(y)).toEqual([1, 2, 3]);
    expect(values(z)).toEqual([1, 2, 3]);
    expect(values(tf.identity(y))).toEqual([1, 2, 3]);
  });

  it('refuse a disposed tensor', () => {
    const x = tf.tensor([1]);
    x.dispose();
    expectCleanError(() => tf.clone(x), /^clone: argument 'x' is a disposed tensor/, FailedPreconditionError);
  });
});

describe('tile', () => {
  it('repeats along each dimension, int32 and bool too', () => {
    expect(values(tf.tile(tf.tensor([1, 2]), [3]))).toEqual([1, 2, 1, 2, 1, 2]);
    const t = tf.tensor([1, 2, 3, 4], [2, 2]).tile([2, 1]);
    expect(t.shape).toEqual([4, 2]);
    expect(values(t)).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    expect(values(int([5, 6], [2, 1]).tile([1, 2]))).toEqual([5, 5, 6, 6]);
    expect(values(tf.tensor([1, 0], [2], 'bool').tile([2]))).toEqual([1, 0, 1, 0]);
    expect(tf.tile(tf.zeros([2, 3]), [0, 2]).shape).toEqual([0, 6]);
  });

  it('names the op and both shapes on a rank mismatch', () => {
    const [a23, a2] = [tf.zeros([2, 3]), tf.zeros([2])];
    expectCleanError(
      () => tf.tile(a23, [2]),
      /^tile: argument 'multiples' expected 2 entries, one per dimension of shape \[2,3\], but got 1 entries \[2\]/,
    );
    expectCleanError(() => tf.tile(a2, [-1]), /^tile: argument 'multiples' expected an array of non-negative integers/);
  });
});

describe('pad', () => {
  const x = tf.tensor([1, 2, 3]);

  it('constant: a number third argument (TensorFlow.js) or constantValues', () => {
    expect(values(tf.pad(x, [[1, 2]]))).toEqual([0, 1, 2, 3, 0, 0]);
    expect(values(tf.pad(x, [[1, 0]], 9))).toEqual([9, 1, 2, 3]);
    expect(values(x.pad([[0, 1]], { constantValues: -1 }))).toEqual([1, 2, 3, -1]);
    const m = tf.pad(tf.tensor([1, 2, 3, 4], [2, 2]), [
      [1, 0],
      [0, 1],
    ]);
    expect(m.shape).toEqual([3, 3]);
    expect(values(m)).toEqual([0, 0, 0, 1, 2, 0, 3, 4, 0]);
  });

  it("reflect and symmetric follow TensorFlow's MirrorPad, at their limits", () => {
    // REFLECT does not repeat the edge: [1 2 3] padded by 2 is 3 2 | 1 2 3 | 2 1.
    expect(values(tf.pad(x, [[2, 2]], { mode: 'reflect' }))).toEqual([3, 2, 1, 2, 3, 2, 1]);
    // SYMMETRIC repeats it: padded by 3 is 3 2 1 | 1 2 3 | 3 2 1.
    expect(values(tf.pad(x, [[3, 3]], { mode: 'symmetric' }))).toEqual([3, 2, 1, 1, 2, 3, 3, 2, 1]);
    // TensorFlow's documented example: [[1,2,3],[4,5,6]] with [[1,1],[2,2]].
    const m = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const paddings: [number, number][] = [
      [1, 1],
      [2, 2],
    ];
    expect(values(tf.pad(m, paddings, { mode: 'reflect' }))).toEqual([
      6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1, 6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1,
    ]);
    expect(values(tf.pad(m, paddings, { mode: 'symmetric' }))).toEqual([
      2, 1, 1, 2, 3, 3, 2, 2, 1, 1, 2, 3, 3, 2, 5, 4, 4, 5, 6, 6, 5, 5, 4, 4, 5, 6, 6, 5,
    ]);
  });

  it('row 43: reflect padding larger than the dimension minus 1 (symmetric: than the dimension)', () => {
    const a22 = tf.zeros([2, 2]);
    expectCleanError(
      () => tf.pad(x, [[3, 0]], { mode: 'reflect' }),
      /^pad: argument 'paddings' expected before and after at most 2 in 'reflect' mode \(dimension 0 of shape \[3\] has size 3, minus 1\), but got \[3,0\] on axis 0/,
    );
    expectCleanError(
      () => tf.pad(x, [[0, 4]], { mode: 'symmetric' }),
      /^pad: argument 'paddings' expected before and after at most 3 in 'symmetric' mode/,
    );
    expectCleanError(
      () => tf.pad(x, [[1, 1]], { mode: 'wrap' } as never),
      /^pad: argument 'options\.mode' expected one of/,
    );
    expectCleanError(
      () => tf.pad(a22, [[1, 1]]),
      /^pad: argument 'paddings' expected 2 \[before, after\] pairs \(one per dimension of shape \[2,2\]\), but got 1/,
    );
    expectCleanError(() => tf.pad(x, [[-1, 0]]), /^pad: argument 'paddings' expected pairs of non-negative integers/);
  });
});

describe('reverse', () => {
  it('reverses the axes given (every axis when omitted)', () => {
    const m = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(values(tf.reverse(m, 1))).toEqual([3, 2, 1, 6, 5, 4]);
    expect(values(m.reverse(0))).toEqual([4, 5, 6, 1, 2, 3]);
    expect(values(tf.reverse(m, [0, -1]))).toEqual([6, 5, 4, 3, 2, 1]);
    expect(values(tf.reverse(m))).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('refuses an axis out of range or repeated', () => {
    const m = tf.zeros([2, 3]);
    expectCleanError(() => tf.reverse(m, 2), /^reverse: argument 'axis'/);
    expectCleanError(
      () => tf.reverse(m, [1, -1]),
      /^reverse: argument 'axis' expected distinct axes, but got axis 1 twice/,
    );
  });
});

describe('gatherNd and scatterNd', () => {
  const m = tf.tensor([1, 2, 3, 4, 5, 6], [3, 2]);

  it('gatherNd: full rows pick elements, partial rows pick slices', () => {
    expect(
      values(
        tf.gatherNd(m, [
          [2, 1],
          [0, 0],
        ]),
      ),
    ).toEqual([6, 1]);
    const rows = m.gatherNd(int([2, 0, 2], [3, 1]));
    expect(rows.shape).toEqual([3, 2]);
    expect(values(rows)).toEqual([5, 6, 1, 2, 5, 6]);
    expect(tf.gatherNd(m, int([], [0, 2])).shape).toEqual([0]);
  });

  it('scatterNd: repeated rows add up (as TensorFlow), slices, int32', () => {
    expect(values(tf.scatterNd([[1], [3], [1]], tf.tensor([1, 2, 5]), [5]))).toEqual([0, 6, 0, 2, 0]);
    const s = tf.scatterNd(int([0, 2], [2, 1]), tf.tensor([1, 2, 3, 4], [2, 2]), [3, 2]);
    expect(values(s)).toEqual([1, 2, 0, 0, 3, 4]);
    expect(values(tf.scatterNd([[1, 1]], int([7], [1]), [2, 2]))).toEqual([0, 0, 0, 7]);
  });

  it('row 42: out-of-range index rows are typed errors on the cpu (values and tensors)', () => {
    const one = tf.tensor([1]);
    expectCleanError(
      () =>
        tf.gatherNd(m, [
          [0, 1],
          [3, 0],
        ]),
      /^gatherNd: argument 'indices' expected values in \[0, 3\) for dimension 0 of x's shape \[3,2\], but got indices\[1,0\] = 3/,
    );
    const bad = int([0, -1], [1, 2]);
    expectCleanError(
      () => tf.gatherNd(m, bad),
      /^gatherNd: .* for dimension 1 of x's shape \[3,2\], but got indices\[0,1\] = -1/,
    );
    expectCleanError(
      () => tf.scatterNd([[5]], one, [5]),
      /^scatterNd: argument 'indices' expected values in \[0, 5\) for dimension 0 of shape \[5\], but got indices\[0,0\] = 5/,
    );
  });

  it('rank and shape mismatches name the op and both shapes', () => {
    const [z3, flag] = [tf.zeros([3]), tf.tensor([true], [1], 'bool')];
    expectCleanError(
      () => tf.gatherNd(m, [[0, 1, 0]]),
      /^gatherNd: argument 'indices' expected a last dimension of at most 2 \(the rank of x, shape \[3,2\]\), but got shape \[1,3\]/,
    );
    expectCleanError(
      () => tf.scatterNd([[1], [2]], z3, [4]),
      /^scatterNd: argument 'updates' expected shape \[2\] \(indices.shape\[:-1\] \[2\] \+ shape\[1:\] of \[4\]\), but got shape \[3\]/,
    );
    expectCleanError(
      () => tf.scatterNd([[1]], flag, [2]),
      /^scatterNd: argument 'updates' expected a float32 or int32 tensor/,
    );
    expectCleanError(() => tf.gatherNd(m, [[0.5, 1]]), /^gatherNd: argument 'indices'/);
  });
});

describe('gather with batchDims', () => {
  it("picks from each batch's own slice (TensorFlow's batch_dims)", () => {
    const x = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const g = tf.gather(
      x,
      [
        [2, 0],
        [1, 1],
      ],
      1,
      { batchDims: 1 },
    );
    expect(g.shape).toEqual([2, 2]);
    expect(values(g)).toEqual([3, 1, 5, 5]);
    // axis 2 of [2, 2, 3] with batchDims 1: x[b, i, indices[b, j]].
    const y = tf.tensor(
      Array.from({ length: 12 }, (_, i) => i),
      [2, 2, 3],
    );
    const h = y.gather(int([2, 0, 1, 1], [2, 2]), 2, { batchDims: -1 });
    expect(h.shape).toEqual([2, 2, 2]);
    expect(values(h)).toEqual([2, 0, 5, 3, 7, 7, 10, 10]);
  });

  it('refuses batchDims above axis and mismatched batch dims, naming both shapes', () => {
    const x = tf.zeros([2, 3]);
    expectCleanError(
      () => tf.gather(x, [[0], [1]], 0, { batchDims: 1 }),
      /^gather: argument 'options\.batchDims' expected an integer in/,
    );
    expectCleanError(
      () => tf.gather(x, [[0], [1], [2]], 1, { batchDims: 1 }),
      /^gather: argument 'indices' expected a shape starting with x's batch dims \[2\] \(x shape \[2,3\], batchDims 1\), but got shape \[3,1\]/,
    );
  });
});

describe('stridedSlice', () => {
  const r = tf.tensor([0, 1, 2, 3, 4, 5, 6]);
  it("follows Python's slices: negative strides and indices, steps past the end", () => {
    expect(values(tf.stridedSlice(r, [1], [7], [2]))).toEqual([1, 3, 5]);
    expect(values(tf.stridedSlice(r, [5], [0], [-2]))).toEqual([5, 3, 1]);
    expect(values(tf.stridedSlice(r, [-1], [-8], [-1]))).toEqual([6, 5, 4, 3, 2, 1, 0]);
    expect(values(tf.stridedSlice(r, [-3], [100]))).toEqual([4, 5, 6]);
    expect(tf.stridedSlice(r, [4], [2]).shape).toEqual([0]);
  });

  it('masks: begin, end, shrink, new axis, ellipsis (the method too)', () => {
    const m = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    // m[:, 1]
    const column = m.stridedSlice([0, 1], [0, 2], [1, 1], { beginMask: 1, endMask: 1, shrinkAxisMask: 2 });
    expect(column.shape).toEqual([2]);
    expect(values(column)).toEqual([2, 5]);
    // m[::-1, ::2]
    expect(values(tf.stridedSlice(m, [0, 0], [0, 0], [-1, 2], { beginMask: 3, endMask: 3 }))).toEqual([4, 6, 1, 3]);
    // m[None, 1]
    const row = tf.stridedSlice(m, [0, 1], [0, 2], [1, 1], { newAxisMask: 1, shrinkAxisMask: 2 });
    expect(row.shape).toEqual([1, 3]);
    expect(values(row)).toEqual([4, 5, 6]);
    // m[..., -1]
    const last = tf.stridedSlice(m, [0, -1], [0, 0], [1, 1], { ellipsisMask: 1, shrinkAxisMask: 2 });
    expect(values(last)).toEqual([3, 6]);
  });

  it('bad input: zero stride, mismatched lengths, a shrunk index out of range, two ellipses', () => {
    expectCleanError(
      () => tf.stridedSlice(r, [0], [3], [0]),
      /^stridedSlice: argument 'strides' expected non-zero integers, but got strides\[0\] = 0/,
    );
    expectCleanError(() => tf.stridedSlice(r, [0, 1], [3]), /^stridedSlice: argument 'end' expected 2 entries/);
    expectCleanError(
      () => tf.stridedSlice(r, [7], [8], [1], { shrinkAxisMask: 1 }),
      /^stridedSlice: argument 'begin' expected begin\[0\] in \[-7, 7\) to take one element of dimension 0 \(shape \[7\]\), but got number 7/,
    );
    expectCleanError(
      () => tf.stridedSlice(r, [0, 0], [1, 1], [1, 1], { ellipsisMask: 3 }),
      /^stridedSlice: argument 'options\.ellipsisMask' expected at most one bit set/,
    );
    expectCleanError(
      () => tf.stridedSlice(r, [0, 0], [1, 1]),
      /^stridedSlice: argument 'begin' expected at most 1 sliced dimensions for shape \[7\]/,
    );
    expectCleanError(
      () => tf.stridedSlice(r, [0], [1], [1], { beginMask: -1 }),
      /^stridedSlice: argument 'options\.beginMask'/,
    );
  });
});
