/**
 * @file `stridedSlice` (TensorFlow's StridedSlice kernel): TensorFlow's masks, ellipsis, new and
 * shrunk axes and negative indices are resolved here into one dense box of in-range
 * `begin + i * strides` reads, so the kernel (and its gradient) never sees a mask.
 */

import { checkAllocation } from '../allocation-guard.js';
import { getEngine } from '../engine.js';
import { formatShape, invalidArgument } from '../errors.js';
import { checkOptions } from '../options.js';
import type { OptionSchema } from '../options.js';
import { describeShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertLiveTensor, describeValue } from './convert.js';

const isIntegerList = (value: unknown): value is readonly number[] =>
  Array.isArray(value) && value.every((v) => Number.isInteger(v));

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

/** `stridedSlice`'s arguments after `x`, as the Tensor method takes them. */
export type StridedSliceArguments = [
  begin: readonly number[],
  end: readonly number[],
  strides?: readonly number[],
  options?: StridedSliceOptions,
];
