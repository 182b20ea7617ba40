/**
 * @file The shape ops of issue 12 ("More ops: Shape"), apart from the older ones in shape-ops.ts:
 * `stack`, `unstack`, `split` (composites over Concat, Slice and views, as TensorFlow's gradients treat
 * Pack, Unpack and Split), `identity` and `clone` (views), and the kernels `tile` (Tile), `pad`
 * (PadV2, MirrorPad), `reverse` (ReverseV2), `gatherNd` (GatherNd), `scatterNd` (ScatterNd) and
 * `stridedSlice` (StridedSlice, with TensorFlow's masks resolved here, so the kernel only ever sees a
 * dense box of in-range `begin + i * strides` reads). Every argument is checked before anything is made.
 */

import { checkAllocation } from '../allocation-guard.js';
import { getEngine } from '../engine.js';
import { formatShape, invalidArgument } from '../errors.js';
import { checkInputDtype } from '../op-specs.js';
import { checkOptions } from '../options.js';
import type { OptionSchema } from '../options.js';
import { assertValidShape, computeStrides, describeShape, normalizeAxis, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { assertLiveTensor, describeValue } from './convert.js';
import { concat, expandDims, reshape, slice } from './shape-ops.js';
import type { IndexValues } from './shape-ops.js';
import { scalarOf, valuesToHost } from './values.js';

const isIntegerList = (value: unknown): value is readonly number[] =>
  Array.isArray(value) && value.every((v) => Number.isInteger(v));

/**
 * Stacks tensors of one shape and dtype along a new axis `axis` (in [-rank-1, rank]): TensorFlow's
 * Pack, built as expandDims + concat (its gradient, Unpack, is then the slices of Concat's gradient).
 * @example tf.stack([tf.tensor([1, 2]), tf.tensor([3, 4])]) // [[1, 2], [3, 4]]
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0)
    invalidArgument('stack', 'tensors', 'a non-empty array of tensors', describeValue(tensors));
  tensors.forEach((t, i) => assertLiveTensor(t, 'stack', `tensors[${i}]`));
  const first = tensors[0]!;
  tensors.forEach((t, i) => {
    if (t.dtype !== first.dtype)
      invalidArgument('stack', `tensors[${i}]`, `dtype ${first.dtype} (the dtype of tensors[0])`, `dtype ${t.dtype}`);
    if (!shapesEqual(t.shape, first.shape))
      invalidArgument(
        'stack',
        `tensors[${i}]`,
        `shape ${formatShape(first.shape)} (the shape of tensors[0])`,
        `shape ${formatShape(t.shape)}`,
      );
  });
  if (!Number.isInteger(axis) || axis < -first.rank - 1 || axis > first.rank)
    invalidArgument('stack', 'axis', `an integer in [${-first.rank - 1}, ${first.rank}]`, describeValue(axis));
  const position = axis < 0 ? axis + first.rank + 1 : axis;
  const shape = first.shape.slice();
  shape.splice(position, 0, tensors.length);
  checkAllocation('stack', shape, first.dtype);
  return getEngine().tidy(() =>
    concat(
      tensors.map((t) => expandDims(t, position)),
      position,
    ),
  );
}

/**
 * The slices of `x` along `axis`, each without that axis: TensorFlow's Unpack, built as Slice + a
 * reshape view (its gradient, Pack, is then Slice's and Reshape's).
 * @example tf.unstack(tf.tensor([[1, 2], [3, 4]])) // [[1, 2], [3, 4]] as two tensors
 */
export function unstack(x: Tensor, axis = 0): Tensor[] {
  assertLiveTensor(x, 'unstack', 'x');
  if (x.rank === 0) invalidArgument('unstack', 'x', 'a tensor of rank at least 1', 'a scalar');
  const normalized = normalizeAxis('unstack', axis, x.rank);
  const count = x.shape[normalized]!;
  const sliceShape = x.shape.map((d, i) => (i === normalized ? 1 : d));
  const outShape = x.shape.filter((_, i) => i !== normalized);
  return getEngine().tidy(() =>
    Array.from({ length: count }, (_, i) =>
      reshape(
        slice(
          x,
          x.shape.map((_d, j) => (j === normalized ? i : 0)),
          sliceShape,
        ),
        outShape,
      ),
    ),
  );
}

/**
 * Splits `x` along `axis` into `numOrSizes` equal parts, or into parts of the sizes given (one may be
 * -1, the rest of the dimension), as TensorFlow's split: its gradient is a concat of the parts'.
 * @example tf.split(tf.tensor([1, 2, 3, 4, 5]), [2, -1]) // [1, 2] and [3, 4, 5]
 */
export function split(x: Tensor, numOrSizes: number | readonly number[], axis = 0): Tensor[] {
  assertLiveTensor(x, 'split', 'x');
  if (x.rank === 0) invalidArgument('split', 'x', 'a tensor of rank at least 1', 'a scalar');
  const normalized = normalizeAxis('split', axis, x.rank);
  const dim = x.shape[normalized]!;
  const where = `dimension ${normalized} of shape ${formatShape(x.shape)}`;
  let sizes: number[];
  if (typeof numOrSizes === 'number') {
    if (!Number.isInteger(numOrSizes) || numOrSizes <= 0 || dim % numOrSizes !== 0)
      invalidArgument(
        'split',
        'numOrSizes',
        `a positive integer that divides ${dim} (${where})`,
        describeValue(numOrSizes),
      );
    sizes = new Array<number>(numOrSizes).fill(dim / numOrSizes);
  } else {
    if (!isIntegerList(numOrSizes) || numOrSizes.some((s) => s < -1) || numOrSizes.filter((s) => s === -1).length > 1)
      invalidArgument(
        'split',
        'numOrSizes',
        'a positive integer, or an array of non-negative integers with at most one -1',
        describeShape(numOrSizes),
      );
    const known = numOrSizes.reduce((total, s) => (s === -1 ? total : total + s), 0);
    const inferred = numOrSizes.indexOf(-1);
    if (inferred === -1 ? known !== dim : known > dim)
      invalidArgument(
        'split',
        'numOrSizes',
        `sizes that add up to ${dim} (${where})`,
        `${describeShape(numOrSizes)}, which add up to ${known}`,
      );
    sizes = numOrSizes.map((s) => (s === -1 ? dim - known : s));
  }
  return getEngine().tidy(() => {
    let offset = 0;
    return sizes.map((size) => {
      const begin = x.shape.map((_, j) => (j === normalized ? offset : 0));
      offset += size;
      return slice(
        x,
        begin,
        x.shape.map((d, j) => (j === normalized ? size : d)),
      );
    });
  });
}

/**
 * `x` as it is, as a new tensor (TensorFlow's Identity: a view on the same buffer, recorded so its
 * gradient passes through).
 */
export function identity(x: Tensor): Tensor {
  assertLiveTensor(x, 'identity', 'x');
  return getEngine().makeView(x, x.shape, 'Identity');
}

/**
 * A new tensor with `x`'s values (TensorFlow.js' clone). Tensors are immutable, so it shares the
 * buffer, which goes back once both are disposed.
 */
export function clone(x: Tensor): Tensor {
  assertLiveTensor(x, 'clone', 'x');
  return getEngine().makeView(x, x.shape, 'Identity');
}

/**
 * Repeats `x` `multiples[d]` times along each dimension d (TensorFlow's Tile).
 * @example tf.tile(tf.tensor([1, 2]), [3]) // [1, 2, 1, 2, 1, 2]
 */
export function tile(x: Tensor, multiples: readonly number[]): Tensor {
  assertLiveTensor(x, 'tile', 'x');
  if (!isIntegerList(multiples) || multiples.some((m) => m < 0))
    invalidArgument('tile', 'multiples', 'an array of non-negative integers', describeShape(multiples));
  if (multiples.length !== x.rank)
    invalidArgument(
      'tile',
      'multiples',
      `${x.rank} entries, one per dimension of shape ${formatShape(x.shape)}`,
      `${multiples.length} entries ${describeShape(multiples)}`,
    );
  const engine = getEngine();
  if (multiples.every((m) => m === 1)) return engine.makeView(x, x.shape, 'Identity');
  const shape = x.shape.map((d, i) => d * multiples[i]!);
  checkAllocation('tile', shape, x.dtype);
  return engine.runKernel('Tile', { x }, { multiples: multiples.slice() }, { shape, dtype: x.dtype });
}

/** The padding modes of `pad`, as TensorFlow spells them in lower case. */
export type PadMode = 'constant' | 'reflect' | 'symmetric';

/** Options of `pad`. */
export interface PadOptions {
  /** 'constant' (default): `constantValues` around; 'reflect' / 'symmetric': TensorFlow's MirrorPad. */
  readonly mode?: PadMode;
  /** The border value in 'constant' mode; default 0. */
  readonly constantValues?: number;
}

const PAD_OPTIONS: OptionSchema<PadOptions> = {
  mode: { kind: 'oneOf', values: ['constant', 'reflect', 'symmetric'] },
  constantValues: { kind: 'number' },
};

/**
 * Pads `x` with `paddings[d] = [before, after]` per dimension. A number as the third argument is the
 * constant value (TensorFlow.js); an options object picks the mode: 'constant' (PadV2), or 'reflect'
 * (the edge is not repeated; each padding at most dim - 1) and 'symmetric' (the edge is repeated; at
 * most dim), TensorFlow's MirrorPad.
 * @example tf.pad(tf.tensor([1, 2, 3]), [[2, 1]], { mode: 'reflect' }) // [3, 2, 1, 2, 3, 2]
 */
export function pad(
  x: Tensor,
  paddings: readonly (readonly [number, number])[],
  options: number | PadOptions = {},
): Tensor {
  assertLiveTensor(x, 'pad', 'x');
  if (!Array.isArray(paddings))
    invalidArgument('pad', 'paddings', `${x.rank} [before, after] pairs`, describeValue(paddings));
  if (paddings.length !== x.rank)
    invalidArgument(
      'pad',
      'paddings',
      `${x.rank} [before, after] pairs (one per dimension of shape ${formatShape(x.shape)})`,
      `${paddings.length}`,
    );
  const resolved: PadOptions = typeof options === 'number' ? { constantValues: options } : options;
  if (typeof options !== 'number') checkOptions('pad', options, PAD_OPTIONS);
  const mode = resolved.mode ?? 'constant';
  const flat: number[] = [];
  const padded = x.shape.slice();
  paddings.forEach((pair: unknown, axis) => {
    const [before, after] = Array.isArray(pair) && pair.length === 2 ? (pair as unknown[]) : [undefined, undefined];
    if (!Number.isInteger(before) || !Number.isInteger(after) || (before as number) < 0 || (after as number) < 0) {
      invalidArgument('pad', 'paddings', 'pairs of non-negative integers', `${describeShape(pair)} on axis ${axis}`);
    }
    const dim = x.shape[axis]!;
    const limit = mode === 'reflect' ? dim - 1 : dim;
    if (mode !== 'constant' && ((before as number) > limit || (after as number) > limit)) {
      invalidArgument(
        'pad',
        'paddings',
        `before and after at most ${limit} in '${mode}' mode (dimension ${axis} of shape ${formatShape(x.shape)} has size ${dim}${mode === 'reflect' ? ', minus 1' : ''})`,
        `${describeShape(pair)} on axis ${axis}`,
      );
    }
    flat.push(before as number, after as number);
    padded[axis]! += (before as number) + (after as number);
  });
  const engine = getEngine();
  if (mode === 'constant') {
    const constantValue = scalarOf(resolved.constantValues ?? 0, x.dtype, 'pad', 'constantValues');
    if (flat.every((p) => p === 0)) return engine.makeView(x, x.shape, 'Identity');
    checkAllocation('pad', padded, x.dtype);
    return engine.runKernel('PadV2', { x }, { paddings: flat, constantValue }, { shape: padded, dtype: x.dtype });
  }
  if (flat.every((p) => p === 0)) return engine.makeView(x, x.shape, 'Identity');
  checkAllocation('pad', padded, x.dtype);
  return engine.runKernel(
    'MirrorPad',
    { x },
    { paddings: flat, symmetric: mode === 'symmetric' },
    { shape: padded, dtype: x.dtype },
  );
}

/**
 * Reverses `x` along `axis` (a number or an array; every axis when omitted), TensorFlow's ReverseV2.
 * @example tf.reverse(tf.tensor([[1, 2], [3, 4]]), 1) // [[2, 1], [4, 3]]
 */
export function reverse(x: Tensor, axis?: number | readonly number[]): Tensor {
  assertLiveTensor(x, 'reverse', 'x');
  if (axis !== undefined && typeof axis !== 'number' && !Array.isArray(axis))
    invalidArgument('reverse', 'axis', 'an integer, an array of integers, or undefined', describeValue(axis));
  const listed = axis === undefined ? x.shape.map((_, i) => i) : typeof axis === 'number' ? [axis] : axis;
  const axes = listed.map((a) => normalizeAxis('reverse', a, x.rank));
  axes.forEach((a, i) => {
    if (axes.indexOf(a) !== i)
      invalidArgument('reverse', 'axis', 'distinct axes', `axis ${a} twice in ${describeShape(listed)}`);
  });
  const moving = axes.filter((a) => x.shape[a]! > 1).sort((a, b) => a - b);
  const engine = getEngine();
  if (moving.length === 0) return engine.makeView(x, x.shape, 'Identity');
  return engine.runKernel('ReverseV2', { x }, { axes: moving }, { shape: x.shape.slice(), dtype: x.dtype });
}

/** An int32 index tensor, and its values when they can be read synchronously. */
interface IndexRows {
  readonly tensor: Tensor;
  /** Values given as arrays (on any backend), or read from a tensor on a synchronous backend (cpu). */
  readonly values: ArrayLike<number> | undefined;
}

/**
 * `indices` as an int32 tensor (a live int32 Tensor as is, or values converted: integers in int32's
 * range, checked by `valuesToHost`), with its values wherever they can be had without waiting; the
 * caller disposes a converted tensor.
 */
function indexRowsOf(op: string, indices: unknown): IndexRows {
  if (indices instanceof Tensor) {
    assertLiveTensor(indices, op, 'indices');
    if (indices.dtype !== 'int32') invalidArgument(op, 'indices', 'an int32 tensor', `a ${indices.dtype} tensor`);
    const { backend, dataId } = indices.storage;
    return { tensor: indices, values: backend.readSync?.(dataId) };
  }
  if (!Array.isArray(indices) && !(indices instanceof Int32Array))
    invalidArgument(op, 'indices', 'an int32 Tensor or (nested) arrays of integers', describeValue(indices));
  const host = valuesToHost(indices, undefined, 'int32', op, 'indices', false);
  return { tensor: getEngine().makeTensor(host.values, host.shape, 'int32'), values: host.values };
}

/**
 * Checks each index row (the last dim, K, of `indexShape`) against `shape[:K]` where the values are
 * known (see `IndexRows`); on an asynchronous backend a tensor's rows are the kernel's to handle.
 */
function checkIndexRows(op: string, rows: IndexRows, shape: readonly number[], describe: string): void {
  const { values } = rows;
  if (values === undefined) return;
  const indexShape = rows.tensor.shape;
  const depth = indexShape[indexShape.length - 1]!;
  const strides = computeStrides(indexShape);
  for (let i = 0; i < values.length; i++) {
    const k = i % depth;
    const v = values[i]!;
    if (v < 0 || v >= shape[k]!) {
      const position = strides.map((s, d) => Math.floor(i / s) % indexShape[d]!);
      invalidArgument(
        op,
        'indices',
        `values in [0, ${shape[k]!}) for dimension ${k} of ${describe} ${formatShape(shape)}`,
        `indices[${position.join(',')}] = ${v}`,
      );
    }
  }
}

/**
 * Slices of `x` at the index rows of `indices` (int32; its last dimension K ≤ x's rank indexes x's
 * first K dimensions): shape indices.shape[:-1] + x.shape[K:]. TensorFlow's GatherNd; out-of-range
 * rows are an error wherever indices can be read synchronously, zeros on WebGPU (TensorFlow's GPU rule).
 * @example tf.gatherNd(tf.tensor([[1, 2], [3, 4]]), [[1, 0], [0, 1]]) // [3, 2]
 */
export function gatherNd(x: Tensor, indices: Tensor | IndexValues): Tensor {
  assertLiveTensor(x, 'gatherNd', 'x');
  const rows = indexRowsOf('gatherNd', indices);
  const index = rows.tensor;
  try {
    if (index.rank < 1)
      invalidArgument('gatherNd', 'indices', 'a tensor of rank at least 1', `shape ${formatShape(index.shape)}`);
    const depth = index.shape[index.rank - 1]!;
    if (depth > x.rank)
      invalidArgument(
        'gatherNd',
        'indices',
        `a last dimension of at most ${x.rank} (the rank of x, shape ${formatShape(x.shape)})`,
        `shape ${formatShape(index.shape)}`,
      );
    checkIndexRows('gatherNd', rows, x.shape, "x's shape");
    const shape = [...index.shape.slice(0, -1), ...x.shape.slice(depth)];
    checkAllocation('gatherNd', shape, x.dtype);
    return getEngine().runKernel('GatherNd', { x, indices: index }, {}, { shape, dtype: x.dtype });
  } finally {
    if (index !== indices) index.dispose();
  }
}

/**
 * Zeros of `shape` with the rows of `updates` added at the index rows of `indices` (repeated rows add
 * up), TensorFlow's ScatterNd: updates.shape must be indices.shape[:-1] + shape[K:].
 * @example tf.scatterNd([[1], [3], [1]], tf.tensor([1, 2, 5]), [5]) // [0, 6, 0, 2, 0]
 */
export function scatterNd(indices: Tensor | IndexValues, updates: Tensor, shape: readonly number[]): Tensor {
  assertLiveTensor(updates, 'scatterNd', 'updates');
  checkInputDtype('scatterNd', 'ScatterNd', 'updates', updates.dtype);
  assertValidShape('scatterNd', shape);
  const rows = indexRowsOf('scatterNd', indices);
  const index = rows.tensor;
  try {
    if (index.rank < 1)
      invalidArgument('scatterNd', 'indices', 'a tensor of rank at least 1', `shape ${formatShape(index.shape)}`);
    const depth = index.shape[index.rank - 1]!;
    if (depth > shape.length)
      invalidArgument(
        'scatterNd',
        'indices',
        `a last dimension of at most ${shape.length} (the rank of shape ${formatShape(shape)})`,
        `shape ${formatShape(index.shape)}`,
      );
    const expected = [...index.shape.slice(0, -1), ...shape.slice(depth)];
    if (!shapesEqual(updates.shape, expected))
      invalidArgument(
        'scatterNd',
        'updates',
        `shape ${formatShape(expected)} (indices.shape[:-1] ${formatShape(index.shape.slice(0, -1))} + shape[${depth}:] of ${formatShape(shape)})`,
        `shape ${formatShape(updates.shape)}`,
      );
    checkIndexRows('scatterNd', rows, shape, 'shape');
    checkAllocation('scatterNd', shape, updates.dtype);
    return getEngine().runKernel(
      'ScatterNd',
      { indices: index, updates },
      {},
      { shape: shape.slice(), dtype: updates.dtype },
    );
  } finally {
    if (index !== indices) index.dispose();
  }
}

/** The masks of `stridedSlice` (bit i refers to entry i of begin / end / strides), as TensorFlow's. */
export interface StridedSliceOptions {
  /** Bit i set: begin[i] is ignored (the first element along that dim, or the last for a negative stride). */
  readonly beginMask?: number;
  /** Bit i set: end[i] is ignored (through the last element, or the first for a negative stride). */
  readonly endMask?: number;
  /** Bit i set: entry i stands for as many full dimensions as needed (Python's `...`); at most one bit. */
  readonly ellipsisMask?: number;
  /** Bit i set: entry i inserts a new dimension of size 1 (Python's `None`). */
  readonly newAxisMask?: number;
  /** Bit i set: entry i takes the single element begin[i] and drops the dimension (Python's `x[3]`). */
  readonly shrinkAxisMask?: number;
}

const MASK = { kind: 'number', min: 0, integer: true } as const;
const STRIDED_SLICE_OPTIONS: OptionSchema<StridedSliceOptions> = {
  beginMask: MASK,
  endMask: MASK,
  ellipsisMask: MASK,
  newAxisMask: MASK,
  shrinkAxisMask: MASK,
};

/** A stridedSlice resolved against x's shape: the kernel's dense box, and the output's final shape. */
interface ResolvedStridedSlice {
  readonly begin: number[];
  readonly strides: number[];
  readonly boxShape: number[];
  readonly finalShape: number[];
}

/** TensorFlow's dense spec: expands the ellipsis (explicit or implied at the end) and applies masks. */
function resolveStridedSlice(
  shape: readonly number[],
  begin: readonly number[],
  end: readonly number[],
  strides: readonly number[],
  options: StridedSliceOptions,
): ResolvedStridedSlice {
  const bit = (mask: number | undefined, i: number): boolean => (Math.floor((mask ?? 0) / 2 ** i) & 1) === 1;
  let entries = begin.length;
  let ellipsis = options.ellipsisMask ?? 0;
  const ellipsisCount = Array.from({ length: 32 }, (_, i) => bit(ellipsis, i)).filter(Boolean).length;
  if (ellipsisCount > 1)
    invalidArgument('stridedSlice', 'options.ellipsisMask', 'at most one bit set', describeValue(ellipsis));
  if (ellipsisCount === 0) {
    ellipsis = 2 ** entries;
    entries += 1;
  }
  let newAxesAfterEllipsis = 0;
  let seenEllipsis = false;
  for (let i = 0; i < entries; i++) {
    if (bit(ellipsis, i)) seenEllipsis = true;
    else if (seenEllipsis && bit(options.newAxisMask, i)) newAxesAfterEllipsis++;
  }
  const rank = shape.length;
  const boxBegin: number[] = [];
  const boxStrides: number[] = [];
  const boxShape: number[] = [];
  const finalShape: number[] = [];
  const full = (dim: number) => {
    boxBegin.push(0);
    boxStrides.push(1);
    boxShape.push(dim);
    finalShape.push(dim);
  };
  let d = 0;
  for (let i = 0; i < entries; i++) {
    if (bit(ellipsis, i)) {
      const next = Math.min(rank - (entries - i) + 1 + newAxesAfterEllipsis, rank);
      for (; d < next; d++) full(shape[d]!);
    } else if (bit(options.newAxisMask, i)) {
      finalShape.push(1);
    } else {
      if (d >= rank)
        invalidArgument(
          'stridedSlice',
          'begin',
          `at most ${rank} sliced dimensions for shape ${formatShape(shape)}`,
          `${begin.length} entries ${describeShape(begin)}`,
        );
      const dim = shape[d]!;
      const stride = strides[i]!;
      if (bit(options.shrinkAxisMask, i)) {
        const at = begin[i]! < 0 ? begin[i]! + dim : begin[i]!;
        if (at < 0 || at >= dim)
          invalidArgument(
            'stridedSlice',
            'begin',
            `begin[${i}] in [${-dim}, ${dim}) to take one element of dimension ${d} (shape ${formatShape(shape)})`,
            describeValue(begin[i]),
          );
        boxBegin.push(at);
        boxStrides.push(1);
        boxShape.push(1);
      } else {
        const canonical = (value: number, masked: boolean, isBegin: boolean): number => {
          if (masked) return stride > 0 ? (isBegin ? 0 : dim) : isBegin ? dim - 1 : -1;
          const forward = value < 0 ? value + dim : value;
          return stride > 0 ? Math.min(Math.max(forward, 0), dim) : Math.min(Math.max(forward, -1), dim - 1);
        };
        const from = canonical(begin[i]!, bit(options.beginMask, i), true);
        const to = canonical(end[i]!, bit(options.endMask, i), false);
        const count = Math.max(0, Math.ceil((to - from) / stride));
        boxBegin.push(count === 0 ? 0 : from);
        boxStrides.push(count === 0 ? 1 : stride);
        boxShape.push(count);
        finalShape.push(count);
      }
      d++;
    }
  }
  for (; d < rank; d++) full(shape[d]!);
  return { begin: boxBegin, strides: boxStrides, boxShape, finalShape };
}

/**
 * TensorFlow's strided slice: along each dimension the elements begin, begin + stride, ... up to (not
 * including) end; negative begin / end count from the end, negative strides walk backwards, and the
 * masks (`options`) work as in TensorFlow (and tfjs). `strides` defaults to all 1.
 * @example tf.stridedSlice(tf.range(0, 6), [4], [0], [-2]) // [4, 2]
 * @example tf.stridedSlice(x, [0, 1], [0, 2], [1, 1], { beginMask: 1, endMask: 1, shrinkAxisMask: 2 }) // x[:, 1]
 */
export function stridedSlice(
  x: Tensor,
  begin: readonly number[],
  end: readonly number[],
  strides?: readonly number[],
  options: StridedSliceOptions = {},
): Tensor {
  assertLiveTensor(x, 'stridedSlice', 'x');
  if (!isIntegerList(begin)) invalidArgument('stridedSlice', 'begin', 'an array of integers', describeShape(begin));
  if (!isIntegerList(end)) invalidArgument('stridedSlice', 'end', 'an array of integers', describeShape(end));
  if (end.length !== begin.length)
    invalidArgument(
      'stridedSlice',
      'end',
      `${begin.length} entries (as many as begin ${describeShape(begin)})`,
      `${end.length} entries ${describeShape(end)}`,
    );
  const steps = strides ?? begin.map(() => 1);
  if (!isIntegerList(steps))
    invalidArgument('stridedSlice', 'strides', 'an array of non-zero integers, or undefined', describeShape(steps));
  if (steps.length !== begin.length)
    invalidArgument(
      'stridedSlice',
      'strides',
      `${begin.length} entries (as many as begin ${describeShape(begin)})`,
      `${steps.length} entries ${describeShape(steps)}`,
    );
  const zero = steps.indexOf(0);
  if (zero !== -1)
    invalidArgument('stridedSlice', 'strides', 'non-zero integers', `strides[${zero}] = 0 in ${describeShape(steps)}`);
  checkOptions('stridedSlice', options, STRIDED_SLICE_OPTIONS);
  const resolved = resolveStridedSlice(x.shape, begin, end, steps, options);
  const engine = getEngine();
  const whole =
    shapesEqual(resolved.boxShape, x.shape) &&
    resolved.begin.every((b) => b === 0) &&
    resolved.strides.every((s) => s === 1);
  if (whole) {
    if (shapesEqual(resolved.finalShape, x.shape)) return engine.makeView(x, x.shape, 'Identity');
    return engine.makeView(x, resolved.finalShape);
  }
  checkAllocation('stridedSlice', resolved.boxShape, x.dtype);
  const box = engine.runKernel(
    'StridedSlice',
    { x },
    { begin: resolved.begin, strides: resolved.strides },
    { shape: resolved.boxShape, dtype: x.dtype },
  );
  if (shapesEqual(resolved.finalShape, resolved.boxShape)) return box;
  const result = engine.makeView(box, resolved.finalShape);
  box.dispose();
  return result;
}
