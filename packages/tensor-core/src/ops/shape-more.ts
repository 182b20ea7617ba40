/**
 * @file The shape ops of issue 12 ("More ops: Shape"), apart from the older ones in shape-ops.ts:
 * `stack`, `unstack`, `split` (composites over Concat, Slice and views, as TensorFlow's gradients treat
 * Pack, Unpack and Split), `identity` and `clone` (views), and the kernels `tile` (Tile), `pad`
 * (PadV2, MirrorPad) and `reverse` (ReverseV2). `gatherNd` / `scatterNd` are in gather-nd.ts and
 * `stridedSlice` in strided-slice.ts. Every argument is checked before anything is made.
 */

import { checkAllocation } from '../allocation-guard.js';
import { getEngine } from '../engine.js';
import { formatShape, invalidArgument } from '../errors.js';
import { checkOptions } from '../options.js';
import type { OptionSchema } from '../options.js';
import { describeShape, normalizeAxis, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertLiveTensor, describeValue } from './convert.js';
import { concat, expandDims, reshape, slice } from './shape-ops.js';
import { scalarOf } from './values.js';

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
