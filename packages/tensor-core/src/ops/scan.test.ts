/**
 * @file The front-ends of issue 12's reductions and scans: `reduceProd`, `reduceAny`, `reduceAll`,
 * `reduceLogSumExp`, `cumsum`, `cumprod` and `topK`, as functions and as Tensor methods, with
 * TensorFlow's defaults and negative axes, and their bad input (typed errors naming the op and the
 * argument, nothing left behind).
 */
import '../test-setup.js';
import { describe, expect, it } from 'vitest';
import { memory } from '../api.js';
import { FailedPreconditionError, InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import * as tf from './index.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());

function expectCleanError(fn: () => unknown, type: new (...args: never[]) => Error, pattern: RegExp): void {
  const before = memory().numTensors;
  expect(fn).toThrow(type);
  expect(fn).toThrow(pattern);
  expect(memory().numTensors).toBe(before);
}

describe('reduceProd, reduceAny, reduceAll', () => {
  const x = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  const b = tf.tensor([1, 0, 1, 1, 1, 1], [2, 3], 'bool');

  it('reduce over all axes, one axis, a negative axis and with keepDims; methods agree', () => {
    expect(values(tf.reduceProd(x))).toEqual([720]);
    expect(values(tf.reduceProd(x, -1))).toEqual([6, 120]);
    expect(tf.reduceProd(x, 0, true).shape).toEqual([1, 3]);
    expect(values(x.reduceProd([0]))).toEqual([4, 10, 18]);
    expect(values(tf.reduceProd(tf.tensor([3, -2], [2], 'int32')))).toEqual([-6]);
    expect(values(tf.reduceAny(b, 1))).toEqual([1, 1]);
    expect(values(tf.reduceAll(b, 1))).toEqual([0, 1]);
    expect(values(b.reduceAll(0))).toEqual([1, 0, 1]);
    expect(values(b.reduceAny())).toEqual([1]);
    expect(tf.reduceAll(b, -1, true).dtype).toBe('bool');
    expect(values(tf.reduceAny(true))).toEqual([1]);
  });

  it('refuses the wrong dtype, a bad axis, a bad keepDims and a disposed tensor', () => {
    expectCleanError(
      () => tf.reduceProd(b),
      InvalidArgumentError,
      /reduceProd: argument 'x' expected a float32 or int32 tensor, but got a bool tensor/,
    );
    expectCleanError(
      () => tf.reduceAny(x),
      InvalidArgumentError,
      /reduceAny: argument 'x' expected a bool tensor, but got a float32 tensor/,
    );
    expectCleanError(() => tf.reduceAll(1), InvalidArgumentError, /reduceAll: argument 'x' expected a bool tensor/);
    expectCleanError(() => tf.reduceProd(x, 2), InvalidArgumentError, /reduceProd: argument 'axis'.*\[-2, 2\)/);
    expectCleanError(() => tf.reduceAll(b, [1, -1]), InvalidArgumentError, /reduceAll.*repeated/);
    expectCleanError(
      () => tf.reduceProd(x, 0, 'yes' as never),
      InvalidArgumentError,
      /reduceProd: argument 'keepDims' expected a boolean/,
    );
    const gone = tf.tensor([1]);
    gone.dispose();
    expectCleanError(
      () => tf.reduceProd(gone),
      FailedPreconditionError,
      /reduceProd: argument 'x' is a disposed tensor/,
    );
  });
});

describe('reduceLogSumExp', () => {
  it('is log(sum(exp(x))) without overflow or underflow, as TensorFlow computes it', () => {
    const x = tf.tensor([1000, 1000, -1000, -1000], [2, 2]);
    const rows = values(tf.reduceLogSumExp(x, 1));
    expect(rows[0]).toBeCloseTo(1000 + Math.log(2), 3);
    expect(rows[1]).toBeCloseTo(-1000 + Math.log(2), 3);
    const small = tf.tensor([0.5, -1, 2]);
    expect(values(small.reduceLogSumExp())[0]).toBeCloseTo(Math.log(Math.exp(0.5) + Math.exp(-1) + Math.exp(2)), 5);
    expect(tf.reduceLogSumExp(x, -1, true).shape).toEqual([2, 1]);
    // A row of -Infinity is -Infinity; a row holding +Infinity is +Infinity; NaN propagates.
    const special = tf.tensor([-Infinity, -Infinity, Infinity, 1, NaN, 1], [3, 2]);
    expect(values(tf.reduceLogSumExp(special, 1))).toEqual([-Infinity, Infinity, NaN]);
  });

  it('refuses int32 and bool, a bad axis and a bad keepDims', () => {
    const x = tf.tensor([1, 2], [2], 'int32');
    expectCleanError(
      () => tf.reduceLogSumExp(x),
      InvalidArgumentError,
      /reduceLogSumExp: argument 'x' expected a float32 tensor, but got a int32 tensor/,
    );
    const floats = tf.tensor([1, 2]);
    expectCleanError(() => tf.reduceLogSumExp(floats, 1), InvalidArgumentError, /reduceLogSumExp: argument 'axis'/);
    expectCleanError(() => tf.reduceLogSumExp(floats, 0, 1 as never), InvalidArgumentError, /keepDims/);
  });
});

describe('cumsum and cumprod', () => {
  const x = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]);

  it("run along axis 0 by default, along a negative axis, with TensorFlow's exclusive and reverse", () => {
    expect(values(tf.cumsum(x))).toEqual([1, 2, 3, 5, 7, 9]);
    expect(values(tf.cumsum(x, -1))).toEqual([1, 3, 6, 4, 9, 15]);
    expect(values(tf.cumsum(x, 1, { exclusive: true }))).toEqual([0, 1, 3, 0, 4, 9]);
    expect(values(x.cumsum(1, { reverse: true }))).toEqual([6, 5, 3, 15, 11, 6]);
    expect(values(tf.cumprod(x, 1))).toEqual([1, 2, 6, 4, 20, 120]);
    expect(values(x.cumprod(0, { exclusive: true, reverse: true }))).toEqual([4, 5, 6, 1, 1, 1]);
    const ints = tf.cumsum(tf.tensor([1, 2], [2], 'int32'));
    expect(ints.dtype).toBe('int32');
    expect(values(ints)).toEqual([1, 3]);
  });

  it('refuses a scalar, an axis out of range, bool, unknown or wrong-typed options', () => {
    expectCleanError(
      () => tf.cumsum(3),
      InvalidArgumentError,
      /cumsum: argument 'x' expected a tensor of rank at least 1, but got a scalar/,
    );
    expectCleanError(
      () => tf.cumprod(x, 2),
      InvalidArgumentError,
      /cumprod: argument 'axis' expected an integer in \[-2, 2\), but got 2/,
    );
    expectCleanError(() => tf.cumsum(x, 0.5), InvalidArgumentError, /cumsum: argument 'axis'/);
    const b = tf.tensor([1, 0], [2], 'bool');
    expectCleanError(
      () => tf.cumsum(b),
      InvalidArgumentError,
      /cumsum: argument 'x' expected a float32 or int32 tensor, but got a bool tensor/,
    );
    expectCleanError(
      () => tf.cumsum(x, 0, { exclusiv: true } as never),
      InvalidArgumentError,
      /cumsum: argument 'options'.*did you mean 'exclusive'/,
    );
    expectCleanError(
      () => tf.cumprod(x, 0, { reverse: 1 } as never),
      InvalidArgumentError,
      /cumprod: argument 'options.reverse' expected a boolean/,
    );
  });
});

describe('topK', () => {
  it('gives the k largest of each last-axis row and their indices, ties lower index first', () => {
    const x = tf.tensor([1, 3, 2, 3, 0, -1, 7, 7], [2, 4]);
    const { values: top, indices } = tf.topK(x, 2);
    expect(top.shape).toEqual([2, 2]);
    expect(values(top)).toEqual([3, 3, 7, 7]);
    expect(indices.dtype).toBe('int32');
    expect(values(indices)).toEqual([1, 3, 2, 3]);
    const one = x.topK();
    expect(values(one.values)).toEqual([3, 7]);
    expect(values(one.indices)).toEqual([1, 2]);
    expect(values(tf.topK(tf.tensor([5, 9, 1], [3], 'int32'), 3, { sorted: false }).values)).toEqual([9, 5, 1]);
    expect(tf.topK(x, 0).values.shape).toEqual([2, 0]);
  });

  it('refuses a scalar, k out of range or fractional, bool, and unknown options', () => {
    const x = tf.tensor([1, 2, 3]);
    const bools = tf.tensor([1, 0], [2], 'bool');
    expectCleanError(
      () => tf.topK(4),
      InvalidArgumentError,
      /topK: argument 'x' expected a tensor of rank at least 1, but got a scalar/,
    );
    expectCleanError(
      () => tf.topK(x, 4),
      InvalidArgumentError,
      /topK: argument 'k' expected an integer in \[0, 3\].*shape \[3\].*but got 4/,
    );
    expectCleanError(() => tf.topK(x, -1), InvalidArgumentError, /topK: argument 'k'.*-1/);
    expectCleanError(() => tf.topK(x, 1.5), InvalidArgumentError, /topK: argument 'k'.*1\.5/);
    expectCleanError(
      () => tf.topK(bools),
      InvalidArgumentError,
      /topK: argument 'x' expected a float32 or int32 tensor/,
    );
    expectCleanError(
      () => tf.topK(x, 1, { sort: true } as never),
      InvalidArgumentError,
      /topK: argument 'options'.*did you mean 'sorted'/,
    );
  });
});
