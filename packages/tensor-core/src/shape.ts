/**
 * @file Shapes: sizes, strides, NumPy broadcasting and axis normalisation. Shared by tensor-core's op
 * front-ends and by backends (which get shapes already validated and never need to re-check them).
 */

import { formatShape, invalidArgument } from './errors.js';
import { describeValue } from './options.js';

/** Number of elements of a tensor of `shape` (1 for a scalar). */
export function sizeFromShape(shape: readonly number[]): number {
  let size = 1;
  for (let i = 0; i < shape.length; i++) size *= shape[i]!;
  return size;
}

/** Row-major strides of `shape`, in elements. */
export function computeStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i]!;
  }
  return strides;
}

/** Whether two shapes are equal. */
export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The NumPy broadcast of two shapes, or a thrown InvalidArgumentError naming `op` and both shapes
 * (TensorFlow's "Incompatible shapes: [2,3] vs. [4]").
 */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const result = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da === db || db === 1) result[i] = da;
    else if (da === 1) result[i] = db;
    else {
      invalidArgument(
        op,
        'shapes',
        'shapes that broadcast',
        `incompatible shapes ${formatShape(a)} vs. ${formatShape(b)}`,
      );
    }
  }
  return result;
}

/**
 * Strides for reading an input of `inputShape` while walking an output of `outputShape` it broadcasts
 * to: a broadcast (size-1 or missing) dimension gets stride 0. Length = output rank.
 */
export function broadcastStrides(inputShape: readonly number[], outputShape: readonly number[]): number[] {
  const rank = outputShape.length;
  const offset = rank - inputShape.length;
  const inputStrides = computeStrides(inputShape);
  const strides = new Array<number>(rank).fill(0);
  for (let i = offset; i < rank; i++) {
    strides[i] = inputShape[i - offset] === 1 ? 0 : inputStrides[i - offset]!;
  }
  return strides;
}

/**
 * The axes of `outputShape` along which an input of `inputShape` was broadcast, i.e. the axes to sum a
 * gradient over to bring it back to the input's shape (before reshaping to it).
 */
export function broadcastReductionAxes(inputShape: readonly number[], outputShape: readonly number[]): number[] {
  const offset = outputShape.length - inputShape.length;
  const axes: number[] = [];
  for (let i = 0; i < outputShape.length; i++) {
    if (i < offset || (inputShape[i - offset] === 1 && outputShape[i] !== 1)) axes.push(i);
  }
  return axes;
}

/** Normalises a possibly negative `axis` for a tensor of `rank`, or throws naming the op and argument. */
export function normalizeAxis(op: string, axis: number, rank: number, argument = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    invalidArgument(
      op,
      argument,
      `an integer in [${-rank}, ${rank})`,
      typeof axis === 'number' ? String(axis) : describeValue(axis),
    );
  }
  if (rank === 0) {
    invalidArgument(op, argument, 'a tensor of rank at least 1', 'a scalar');
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Normalises an optional axis or axis list into sorted unique non-negative axes (all axes when
 * `axis` is undefined), throwing on a repeated or out-of-range axis.
 */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  if (typeof axis !== 'number' && !Array.isArray(axis)) {
    invalidArgument(op, 'axis', 'an integer, an array of integers, or undefined (all axes)', describeValue(axis));
  }
  const list: readonly number[] = typeof axis === 'number' ? [axis] : axis;
  const seen = new Set<number>();
  for (const a of list) {
    if (!Number.isInteger(a) || a < -rank || a >= rank) {
      invalidArgument(
        op,
        'axis',
        `integers in [${-rank}, ${rank}) for a tensor of rank ${rank}`,
        typeof a === 'number' ? String(a) : describeValue(a),
      );
    }
    const normalized = a < 0 ? a + rank : a;
    if (seen.has(normalized)) invalidArgument(op, 'axis', 'distinct axes', `axis ${a} repeated`);
    seen.add(normalized);
  }
  return [...seen].sort((x, y) => x - y);
}

/**
 * A shape, or what was given for one, as messages print it: `[2,3]`, with non-numbers described and
 * long lists cut (the value may be hostile: a symbol, a huge array).
 */
export function describeShape(shape: unknown): string {
  if (!Array.isArray(shape)) return describeValue(shape);
  const shown = shape.slice(0, 16).map((d: unknown) => (typeof d === 'number' ? String(d) : describeValue(d)));
  return `[${shown.join(',')}${shape.length > 16 ? `,… (${shape.length} dimensions)` : ''}]`;
}

/** The largest rank a tensor may have (TensorFlow's). */
export const MAX_RANK = 254;

/**
 * Checks that `shape` is a list of at most MAX_RANK non-negative integers; `op` and `argument` name it
 * in the error. (Its size is the allocation guard's to check.)
 */
export function assertValidShape(op: string, shape: readonly number[], argument = 'shape'): void {
  if (!Array.isArray(shape)) invalidArgument(op, argument, 'an array of non-negative integers', describeValue(shape));
  if (shape.length > MAX_RANK)
    invalidArgument(op, argument, `at most ${MAX_RANK} dimensions`, `${shape.length} dimensions`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      invalidArgument(op, argument, 'non-negative integer dimensions', describeShape(shape));
    }
  }
}
