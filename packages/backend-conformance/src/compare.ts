/**
 * @file Value comparison for the suite and for plugin authors: `compareValues` (pure, returns what
 * differs) and `expectTensorClose` (reads a tensor with `await t.data()`, so it works on asynchronous
 * backends, and throws a message naming the first elements that differ).
 */

import type { DataType, Tensor } from '@tapeflow/tensor-core/internal';
import { shortestFloat32 } from '@tapeflow/tensor-core/internal';
import type { ReferenceTensor } from './reference/tensor.js';
import { sizeOf } from './reference/tensor.js';

/** How far a float32 result may be from the float64 reference: |actual - expected| <= atol + rtol·|expected|. */
export interface Tolerance {
  /** Relative tolerance. */
  readonly rtol: number;
  /** Absolute tolerance. */
  readonly atol: number;
}

/**
 * The suite's default float32 tolerance: about 80 float32 ulps relative, which leaves room for GPU
 * math functions (WGSL's `exp` is allowed 3 + 2·|x| ulps) but not for a wrong formula.
 */
export const DEFAULT_TOLERANCE: Tolerance = { rtol: 1e-5, atol: 1e-6 };

/** Options of `compareValues`. */
export interface CompareOptions {
  /** float tolerance; default `DEFAULT_TOLERANCE`. */
  readonly tolerance?: Partial<Tolerance>;
  /** Demand exact equality (int32 and bool results). */
  readonly exact?: boolean;
  /**
   * Per-element error scale: the relative tolerance applies to max(|expected|, scale[i]). A sum's
   * rounding error is relative to Σ|x| and a product's to |A|·|B|, not to a result that cancels.
   */
  readonly scale?: readonly number[];
  /** Shape of the values, to print multi-indices in the message. */
  readonly shape?: readonly number[];
}

function formatIndex(flat: number, shape: readonly number[] | undefined): string {
  if (shape === undefined || shape.length <= 1) return `[${flat}]`;
  const index: number[] = [];
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const dim = shape[d]!;
    index.unshift(dim === 0 ? 0 : rest % dim);
    rest = dim === 0 ? 0 : Math.floor(rest / dim);
  }
  return `[${index.join(',')}]`;
}

/**
 * Compares `actual` with `expected` elementwise. Returns null when every element is close, else a
 * message with the count of differing elements and the first few. NaN matches only NaN; ±Infinity
 * matches only itself.
 * @example compareValues([1, 2.5], [1, 2]) // '1 of 2 values differ ...: at [1] got 2.5, expected 2 ...'
 */
export function compareValues(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  options: CompareOptions = {},
): string | null {
  if (actual.length !== expected.length) return `got ${actual.length} values, expected ${expected.length}`;
  const rtol = options.tolerance?.rtol ?? DEFAULT_TOLERANCE.rtol;
  const atol = options.tolerance?.atol ?? DEFAULT_TOLERANCE.atol;
  const exact = options.exact ?? false;
  const details: string[] = [];
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = Number(actual[i]);
    const e = Number(expected[i]);
    let allowed = 0;
    let ok: boolean;
    if (Number.isNaN(e)) ok = Number.isNaN(a);
    else if (!Number.isFinite(e) || exact) ok = a === e;
    else {
      allowed = atol + rtol * Math.max(Math.abs(e), options.scale?.[i] ?? 0);
      ok = Math.abs(a - e) <= allowed;
    }
    if (ok) continue;
    count++;
    if (details.length < 3) {
      const bound = exact || !Number.isFinite(e) ? 'exactly' : `within ${allowed.toPrecision(3)}`;
      const format = exact ? String : shortestFloat32;
      details.push(`at ${formatIndex(i, options.shape)} got ${format(a)}, expected ${format(e)} ${bound}`);
    }
  }
  if (count === 0) return null;
  const rule = exact ? 'exact' : `rtol ${rtol}, atol ${atol}`;
  return `${count} of ${expected.length} values differ (${rule}): ${details.join('; ')}${count > details.length ? '; ...' : ''}`;
}

/** Values `expectTensorClose` accepts: a number, a boolean, or nested arrays of them. */
export type NestedValues = number | boolean | readonly NestedValues[];

function isReferenceTensor(value: unknown): value is ReferenceTensor {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'values' in value && 'shape' in value;
}

function flattenNested(value: NestedValues, out: number[], shape: number[], depth: number): void {
  if (!Array.isArray(value)) {
    out.push(typeof value === 'boolean' ? (value ? 1 : 0) : (value as number));
    return;
  }
  const list = value as readonly NestedValues[];
  if (shape.length === depth) shape.push(list.length);
  else if (shape[depth] !== list.length) throw new RangeError('expectTensorClose: `expected` is a ragged array.');
  for (const item of list) flattenNested(item, out, shape, depth + 1);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function fail(message: string): never {
  const error = new Error(message);
  error.name = 'AssertionError';
  throw error;
}

/**
 * Reads `actual` with `await actual.data()` and throws unless its values are close to `expected`:
 * nested arrays (the shape must match too), a flat array (compared in row-major order, sizes must
 * match), or a ReferenceTensor (shape and dtype must match). int32 and bool results must be exact.
 * Does not dispose `actual`.
 * @example await expectTensorClose(tf.softmax(tf.tensor([1, 2, 3])), [0.0900306, 0.2447285, 0.6652409]);
 */
export async function expectTensorClose(
  actual: Tensor,
  expected: NestedValues | ReferenceTensor,
  tolerance?: Partial<Tolerance>,
): Promise<void> {
  let values: number[] = [];
  let shape: number[] = [];
  let dtype: DataType | undefined;
  if (isReferenceTensor(expected)) {
    values = expected.values.slice();
    shape = expected.shape.slice();
    dtype = expected.dtype;
  } else {
    flattenNested(expected, values, shape, 0);
    // A flat list stands for the values in row-major order, whatever the tensor's rank.
    const flat = Array.isArray(expected) && !(expected as readonly NestedValues[]).some(Array.isArray);
    if (flat && values.length === actual.size) shape = actual.shape.slice();
  }
  const label = `tensor of shape [${actual.shape.join(',')}] (${actual.dtype})`;
  if (dtype !== undefined && dtype !== actual.dtype) fail(`${label}: expected dtype ${dtype}`);
  if (!sameShape(shape, actual.shape)) {
    fail(`${label}: expected shape [${shape.join(',')}] (${sizeOf(shape)} values)`);
  }
  const data = await actual.data();
  const mismatch = compareValues(data, values, {
    exact: actual.dtype !== 'float32',
    shape,
    ...(tolerance === undefined ? {} : { tolerance }),
  });
  if (mismatch !== null) fail(`${label}: ${mismatch}`);
}
