/**
 * @file Shape ops: `reshape`, `expandDims`, `squeeze` (views sharing the input's buffer), `transpose`,
 * `slice`, `concat`, `gather`, `broadcastTo` and `oneHot` (kernels).
 */

import { checkAllocation } from '../allocation-guard.js';
import type { DataType } from '../dtype.js';
import { DATA_TYPES } from '../dtype.js';
import { getEngine } from '../engine.js';
import { formatShape, invalidArgument } from '../errors.js';
import { checkOptions } from '../options.js';
import type { OptionSchema } from '../options.js';
import {
  assertValidShape,
  broadcastShapes,
  describeShape,
  MAX_RANK,
  normalizeAxis,
  shapesEqual,
  sizeFromShape,
} from '../shape.js';
import { Tensor } from '../tensor.js';
import { assertLiveTensor, describeValue } from './convert.js';
import { elementOf, valuesToHost } from './values.js';
import { checkInputDtype } from '../op-specs.js';
import { gatherBatched } from './gather-batched.js';

/**
 * The same values in another shape; one dimension may be -1 (inferred). Shares the buffer.
 * @example tf.reshape(tf.range(0, 6), [2, -1]) // shape [2, 3]
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  assertLiveTensor(x, 'reshape', 'x');
  if (!Array.isArray(shape)) invalidArgument('reshape', 'shape', 'an array of integers', describeValue(shape));
  if (shape.length > MAX_RANK)
    invalidArgument('reshape', 'shape', `at most ${MAX_RANK} dimensions`, `${shape.length} dimensions`);
  const resolved = shape.slice();
  let inferred = -1;
  let known = 1;
  for (let i = 0; i < resolved.length; i++) {
    const d = resolved[i]!;
    if (d === -1) {
      if (inferred !== -1) invalidArgument('reshape', 'shape', 'at most one -1', describeShape(shape));
      inferred = i;
    } else if (!Number.isInteger(d) || d < 0) {
      invalidArgument('reshape', 'shape', 'non-negative integer dimensions (or one -1)', describeShape(shape));
    } else known *= d;
  }
  if (inferred !== -1) {
    if (known === 0 || x.size % known !== 0) {
      invalidArgument(
        'reshape',
        'shape',
        `a shape whose size divides ${x.size} (input shape ${formatShape(x.shape)})`,
        formatShape(shape),
      );
    }
    resolved[inferred] = x.size / known;
  }
  if (sizeFromShape(resolved) !== x.size) {
    invalidArgument(
      'reshape',
      'shape',
      `a shape of ${x.size} elements (input shape ${formatShape(x.shape)})`,
      `${formatShape(shape)} with ${sizeFromShape(resolved)} elements`,
    );
  }
  return getEngine().makeView(x, resolved);
}

/** Inserts a dimension of size 1 at `axis` (in [-rank-1, rank]). */
export function expandDims(x: Tensor, axis = 0): Tensor {
  assertLiveTensor(x, 'expandDims', 'x');
  if (!Number.isInteger(axis) || axis < -x.rank - 1 || axis > x.rank) {
    invalidArgument('expandDims', 'axis', `an integer in [${-x.rank - 1}, ${x.rank}]`, describeValue(axis));
  }
  const position = axis < 0 ? axis + x.rank + 1 : axis;
  const shape = x.shape.slice();
  shape.splice(position, 0, 1);
  return getEngine().makeView(x, shape);
}

/** Removes dimensions of size 1 (all of them, or those in `axis`, which must be 1). */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  assertLiveTensor(x, 'squeeze', 'x');
  let drop: Set<number>;
  if (axis === undefined) {
    drop = new Set(x.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
  } else {
    if (typeof axis !== 'number' && !Array.isArray(axis))
      invalidArgument('squeeze', 'axis', 'an integer, an array of integers, or undefined', describeValue(axis));
    drop = new Set((typeof axis === 'number' ? [axis] : axis).map((a) => normalizeAxis('squeeze', a, x.rank)));
    for (const a of drop) {
      if (x.shape[a] !== 1)
        invalidArgument(
          'squeeze',
          'axis',
          `dimension ${a} of size 1`,
          `size ${x.shape[a]!} (shape ${formatShape(x.shape)})`,
        );
    }
  }
  return getEngine().makeView(
    x,
    x.shape.filter((_, i) => !drop.has(i)),
  );
}

/** Permutes dimensions (reverses them when `perm` is omitted). */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  assertLiveTensor(x, 'transpose', 'x');
  if (perm !== undefined && !Array.isArray(perm))
    invalidArgument('transpose', 'perm', 'an array of integers, or undefined', describeValue(perm));
  const order =
    perm === undefined
      ? x.shape.map((_, i) => x.rank - 1 - i)
      : perm.map((p) => (typeof p === 'number' && p < 0 ? p + x.rank : p));
  const valid =
    order.length === x.rank &&
    order.every((p, i) => Number.isInteger(p) && p >= 0 && p < x.rank && order.indexOf(p) === i);
  if (!valid) invalidArgument('transpose', 'perm', `a permutation of [0..${x.rank - 1}]`, describeShape(perm));
  const engine = getEngine();
  if (order.every((p, i) => p === i)) return engine.makeView(x, x.shape, 'Identity');
  return engine.runKernel(
    'Transpose',
    { x },
    { perm: order },
    { shape: order.map((p) => x.shape[p]!), dtype: x.dtype },
  );
}

/**
 * The box of `size` starting at `begin` (numbers apply to the first axis; a size of -1 takes the rest).
 * @example tf.slice(tf.tensor([1, 2, 3, 4]), [1], [2]) // [2, 3]
 */
export function slice(x: Tensor, begin: number | readonly number[], size?: number | readonly number[]): Tensor {
  assertLiveTensor(x, 'slice', 'x');
  if (typeof begin !== 'number' && !Array.isArray(begin))
    invalidArgument('slice', 'begin', 'an integer or an array of integers', describeValue(begin));
  if (size !== undefined && typeof size !== 'number' && !Array.isArray(size)) {
    invalidArgument('slice', 'size', 'an integer, an array of integers, or undefined', describeValue(size));
  }
  const beginList: readonly number[] = typeof begin === 'number' ? [begin] : begin.slice();
  const sizeList: readonly number[] = size === undefined ? [] : typeof size === 'number' ? [size] : size.slice();
  if (beginList.length > x.rank)
    invalidArgument(
      'slice',
      'begin',
      `at most ${x.rank} entries for shape ${formatShape(x.shape)}`,
      describeShape(beginList),
    );
  if (sizeList.length > x.rank)
    invalidArgument(
      'slice',
      'size',
      `at most ${x.rank} entries for shape ${formatShape(x.shape)}`,
      describeShape(sizeList),
    );
  const starts: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    const dim = x.shape[i]!;
    const start = beginList[i] ?? 0;
    const requested = sizeList[i] ?? -1;
    if (!Number.isInteger(start) || start < 0 || start > dim) {
      invalidArgument(
        'slice',
        'begin',
        `begin[${i}] in [0, ${dim}] for shape ${formatShape(x.shape)}`,
        describeValue(start),
      );
    }
    const length = requested === -1 ? dim - start : requested;
    if (!Number.isInteger(length) || length < 0 || start + length > dim) {
      invalidArgument(
        'slice',
        'size',
        `size[${i}] in [0, ${dim - start}] (or -1) for begin ${start} on shape ${formatShape(x.shape)}`,
        describeValue(requested),
      );
    }
    starts.push(start);
    sizes.push(length);
  }
  const engine = getEngine();
  if (shapesEqual(sizes, x.shape)) return engine.makeView(x, x.shape, 'Identity');
  return engine.runKernel('Slice', { x }, { begin: starts }, { shape: sizes, dtype: x.dtype });
}

/**
 * Joins tensors along `axis`; every other dimension and the dtype must agree.
 * @example tf.concat([tf.tensor([1]), tf.tensor([2, 3])]) // [1, 2, 3]
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0)
    invalidArgument('concat', 'tensors', 'a non-empty array of tensors', describeValue(tensors));
  tensors.forEach((t, i) => assertLiveTensor(t, 'concat', `tensors[${i}]`));
  const first = tensors[0]!;
  const normalized = normalizeAxis('concat', axis, first.rank);
  const shape = first.shape.slice();
  for (let i = 1; i < tensors.length; i++) {
    const t = tensors[i]!;
    if (t.dtype !== first.dtype)
      invalidArgument('concat', `tensors[${i}]`, `dtype ${first.dtype} (the dtype of tensors[0])`, `dtype ${t.dtype}`);
    const matches =
      t.rank === first.rank && t.shape.every((d: number, j: number) => j === normalized || d === first.shape[j]);
    if (!matches) {
      invalidArgument(
        'concat',
        `tensors[${i}]`,
        `a shape matching ${formatShape(first.shape)} except on axis ${normalized}`,
        `shape ${formatShape(t.shape)}`,
      );
    }
    shape[normalized]! += t.shape[normalized]!;
  }
  const engine = getEngine();
  if (tensors.length === 1) return engine.makeView(first, first.shape, 'Identity');
  return engine.runKernel('Concat', { tensors }, { axis: normalized }, { shape, dtype: first.dtype });
}

/** Indices given as values: a number (a scalar index) or nested arrays of numbers. */
export type IndexValues = number | readonly IndexValues[];

/**
 * `indices` as an int32 tensor: a live int32 Tensor as is, values (a number, nested arrays, an
 * Int32Array) converted with every element checked to be an integer in int32's range (booleans and
 * non-numbers refused), so `[1.7]`, `[NaN]`, `['a']` or `[2 ** 32 + 1]` never become a row. Values
 * given here are also checked against `limit` (when given) before anything is made, on any backend.
 */
function indexTensor(
  op: string,
  argument: string,
  indices: unknown,
  limit?: { readonly size: number; readonly describe: string },
): Tensor {
  if (indices instanceof Tensor) {
    assertLiveTensor(indices, op, argument);
    if (indices.dtype !== 'int32') invalidArgument(op, argument, 'an int32 tensor', `a ${indices.dtype} tensor`);
    return indices;
  }
  if (typeof indices !== 'number' && !Array.isArray(indices) && !(indices instanceof Int32Array)) {
    invalidArgument(
      op,
      argument,
      'an int32 Tensor, an integer, or (nested) arrays of integers',
      describeValue(indices),
    );
  }
  const host = valuesToHost(indices, undefined, 'int32', op, argument, false);
  if (limit !== undefined) checkIndices(host.values, limit.size, limit.describe);
  return getEngine().makeTensor(host.values, host.shape, 'int32');
}

function checkIndices(values: ArrayLike<number>, limit: number, describe: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= limit)
      invalidArgument('gather', 'indices', `values in [0, ${limit}) ${describe}`, `indices[${i}] = ${v}`);
  }
}

/** Options of `gather`. */
export interface GatherOptions {
  /**
   * Leading dimensions shared by `x` and `indices` (TensorFlow's `batch_dims`; negative counts from
   * indices' rank): batch b gathers from its own slice of `x`. Default 0; at most `axis`.
   */
  readonly batchDims?: number;
}

const GATHER_OPTIONS: OptionSchema<GatherOptions> = { batchDims: { kind: 'number', integer: true } };

/**
 * Slices of `x` along `axis` at `indices`: an int32 Tensor, an integer (which drops the axis, as
 * TensorFlow's scalar index does) or nested arrays of integers, each in [0, x.shape[axis]). Values are
 * checked wherever they can be read synchronously (any array given here, and tensors on the cpu); on
 * an asynchronous backend (WebGPU) an out-of-range index in a tensor gives zeros, TensorFlow's GPU rule.
 * With `batchDims` b, the first b dims of `x` and `indices` are a shared batch (TensorFlow's GatherV2
 * `batch_dims`): output shape x.shape[:axis] + indices.shape[b:] + x.shape[axis+1:].
 * @example tf.gather(tf.tensor([10, 20, 30]), [2, 0]) // [30, 10]
 * @example tf.gather(tf.tensor([[1, 2], [3, 4]]), [[1], [0]], 1, { batchDims: 1 }) // [[2], [3]]
 */
export function gather(x: Tensor, indices: Tensor | IndexValues, axis = 0, options: GatherOptions = {}): Tensor {
  assertLiveTensor(x, 'gather', 'x');
  checkOptions('gather', options, GATHER_OPTIONS);
  const normalized = normalizeAxis('gather', axis, x.rank);
  const limit = { size: x.shape[normalized]!, describe: `for axis ${normalized} of shape ${formatShape(x.shape)}` };
  const engine = getEngine();
  const index = indexTensor('gather', 'indices', indices, limit);
  try {
    const { backend, dataId } = index.storage;
    // A tensor's values are checked where they can be read synchronously; asynchronous backends'
    // kernels give zeros for an out-of-range index instead.
    if (index === indices && backend.readSync !== undefined)
      checkIndices(backend.readSync(dataId), limit.size, limit.describe);
    const requested = options.batchDims ?? 0;
    const batchDims = requested < 0 ? requested + index.rank : requested;
    if (batchDims !== 0) return gatherBatched(x, index, normalized, batchDims, requested);
    const shape = [...x.shape.slice(0, normalized), ...index.shape, ...x.shape.slice(normalized + 1)];
    checkAllocation('gather', shape, x.dtype);
    return engine.runKernel('Gather', { x, indices: index }, { axis: normalized }, { shape, dtype: x.dtype });
  } finally {
    if (index !== indices) index.dispose();
  }
}

/** Repeats `x` to `shape`, NumPy broadcasting rules. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  assertLiveTensor(x, 'broadcastTo', 'x');
  assertValidShape('broadcastTo', shape);
  const fits = x.rank <= shape.length && shapesEqual(broadcastShapesOrNull(x.shape, shape) ?? [], shape);
  if (!fits)
    invalidArgument('broadcastTo', 'shape', `a shape that ${formatShape(x.shape)} broadcasts to`, formatShape(shape));
  const engine = getEngine();
  if (shapesEqual(x.shape, shape)) return engine.makeView(x, x.shape, 'Identity');
  checkAllocation('broadcastTo', shape, x.dtype);
  return engine.runKernel('BroadcastTo', { x }, {}, { shape: shape.slice(), dtype: x.dtype });
}

function broadcastShapesOrNull(a: readonly number[], b: readonly number[]): number[] | null {
  try {
    return broadcastShapes('broadcastTo', a, b);
  } catch {
    return null;
  }
}

/** Options of `oneHot`. */
export interface OneHotOptions {
  /** Value at the index; default 1. */
  readonly onValue?: number;
  /** Value elsewhere; default 0. */
  readonly offValue?: number;
  /** Output dtype; default float32 (TensorFlow's). */
  readonly dtype?: DataType;
}

const ONE_HOT_OPTIONS: OptionSchema<OneHotOptions> = {
  onValue: { kind: 'number' },
  offValue: { kind: 'number' },
  dtype: { kind: 'oneOf', values: DATA_TYPES },
};

/**
 * One-hot rows along a new last axis; indices (an int32 Tensor, an integer or nested arrays of
 * integers) outside [0, depth) give all-`offValue` rows.
 * @example tf.oneHot(tf.tensor([0, 2], [2], 'int32'), 3) // [[1, 0, 0], [0, 0, 1]]
 * @example tf.oneHot(2, 4) // [0, 0, 1, 0]
 */
export function oneHot(indices: Tensor | IndexValues, depth: number, options: OneHotOptions = {}): Tensor {
  if (!Number.isInteger(depth) || depth < 0)
    invalidArgument('oneHot', 'depth', 'a non-negative integer', describeValue(depth));
  checkOptions('oneHot', options, ONE_HOT_OPTIONS);
  const dtype = options.dtype ?? 'float32';
  const onValue = elementOf(options.onValue ?? 1, dtype, 'oneHot', 'options.onValue');
  const offValue = elementOf(options.offValue ?? 0, dtype, 'oneHot', 'options.offValue');
  const index = indexTensor('oneHot', 'indices', indices);
  try {
    const shape = [...index.shape, depth];
    checkAllocation('oneHot', shape, dtype);
    return getEngine().runKernel('OneHot', { indices: index }, { depth, onValue, offValue }, { shape, dtype });
  } finally {
    if (index !== indices) index.dispose();
  }
}

/**
 * Sums rows of `data` into `numSegments` rows by `segmentIds` (int32, shape data.shape[:ids.rank]);
 * ids outside [0, numSegments) are dropped (TensorFlow's `unsorted_segment_sum`).
 */
export function unsortedSegmentSum(data: Tensor, segmentIds: Tensor, numSegments: number): Tensor {
  assertLiveTensor(data, 'unsortedSegmentSum', 'data');
  assertLiveTensor(segmentIds, 'unsortedSegmentSum', 'segmentIds');
  checkInputDtype('unsortedSegmentSum', 'UnsortedSegmentSum', 'data', data.dtype);
  checkInputDtype('unsortedSegmentSum', 'UnsortedSegmentSum', 'segmentIds', segmentIds.dtype);
  if (!Number.isInteger(numSegments) || numSegments < 0)
    invalidArgument('unsortedSegmentSum', 'numSegments', 'a non-negative integer', describeValue(numSegments));
  const prefix = data.shape.slice(0, segmentIds.rank);
  if (!shapesEqual(prefix, segmentIds.shape)) {
    invalidArgument(
      'unsortedSegmentSum',
      'segmentIds',
      `a shape that prefixes data's shape ${formatShape(data.shape)}`,
      `shape ${formatShape(segmentIds.shape)}`,
    );
  }
  const shape = [numSegments, ...data.shape.slice(segmentIds.rank)];
  checkAllocation('unsortedSegmentSum', shape, data.dtype);
  return getEngine().runKernel(
    'UnsortedSegmentSum',
    { data, segmentIds },
    { numSegments },
    { shape, dtype: data.dtype },
  );
}
