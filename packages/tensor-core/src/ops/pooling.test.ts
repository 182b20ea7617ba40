import '../test-setup.js';
import { describe, expect, it } from 'vitest';
import { memory } from '../api.js';
import { FailedPreconditionError, InvalidArgumentError } from '../errors.js';
import * as internal from '../internal.js';
import type { Tensor } from '../tensor.js';
import * as tf from './index.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());
/** 1, 2, ..., n as an NHWC tensor of `shape`. */
const counting = (shape: number[]): Tensor =>
  tf.tensor(
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i + 1),
    shape,
  );

function expectCleanError(fn: () => unknown, type: new (...args: never[]) => Error, message: string | RegExp): void {
  const before = memory().numTensors;
  expect(fn).toThrow(type);
  expect(fn).toThrow(message);
  expect(memory().numTensors).toBe(before);
}

describe('maxPool2d and avgPool2d (NHWC, worked by hand)', () => {
  it('pool 2x2 windows with stride 2, VALID', () => {
    // 1..16 in a 4x4 image: windows {1,2,5,6}, {3,4,7,8}, {9,10,13,14}, {11,12,15,16}.
    const x = counting([1, 4, 4, 1]);
    const max = tf.maxPool2d(x, 2, 2, 'VALID');
    expect(max.shape).toEqual([1, 2, 2, 1]);
    expect(values(max)).toEqual([6, 8, 14, 16]);
    expect(values(tf.avgPool2d(x, 2, 2, 'VALID'))).toEqual([3.5, 5.5, 11.5, 13.5]);
  });

  it("SAME puts the extra padding row and column at the bottom and right, and the average doesn't count it", () => {
    // 3x3 image 1..9, 2x2 windows every 2: ceil(3/2) = 2 outputs, one padding row/column, after the input.
    // Windows: rows {0,1} or {2}, columns {0,1} or {2}.
    const x = counting([1, 3, 3, 1]);
    const max = tf.maxPool2d(x, 2, 2, 'SAME');
    expect(max.shape).toEqual([1, 2, 2, 1]);
    expect(values(max)).toEqual([5, 6, 8, 9]);
    // (1+2+4+5)/4, (3+6)/2, (7+8)/2, 9/1: counting the padding would give 2.25 for the last one.
    expect(values(tf.avgPool2d(x, 2, 2, 'SAME'))).toEqual([3, 4.5, 7.5, 9]);
  });

  it('SAME with an odd total padding of a 3x3 window: one before and one after', () => {
    const x = counting([1, 3, 3, 1]);
    // Corner (0,0) covers rows {0,1} x columns {0,1}; the centre covers everything.
    const avg = values(tf.avgPool2d(x, 3, 1, 'same'));
    expect(avg[0]).toBe((1 + 2 + 4 + 5) / 4);
    expect(avg[4]).toBe(5);
    expect(avg[8]).toBe((5 + 6 + 8 + 9) / 4);
    expect(values(tf.maxPool2d(x, 3, 1, 'Same'))).toEqual([5, 6, 6, 8, 9, 9, 8, 9, 9]);
  });

  it('a SAME window may be larger than the input (it is padded), a VALID one may not', () => {
    const x = counting([1, 3, 3, 1]);
    // 5x5 windows every 1 over 3x3: total padding 4, two before; each window covers the whole image.
    expect(values(tf.avgPool2d(x, 5, 1, 'SAME'))).toEqual(new Array(9).fill(5));
    expectCleanError(
      () => tf.maxPool2d(x, 5, 1, 'VALID'),
      InvalidArgumentError,
      "maxPool2d: argument 'ksize' expected a window no larger than the padded input [3,3] (padding 'VALID'), but got [5,5].",
    );
  });

  it('unequal windows and strides, several images and channels', () => {
    // [2, 4, 3, 2]: image n, row h, column w, channel c holds 1000n + 100h + 10w + c.
    const data: number[] = [];
    for (let n = 0; n < 2; n++)
      for (let h = 0; h < 4; h++)
        for (let w = 0; w < 3; w++) for (let c = 0; c < 2; c++) data.push(1000 * n + 100 * h + 10 * w + c);
    const x = tf.tensor(data, [2, 4, 3, 2]);
    // ksize [3, 2], strides [1, 2], VALID: rows h..h+2 for h = 0, 1; columns {0, 1} only (floor((3-2)/2)+1 = 1).
    const max = tf.maxPool2d(x, [3, 2], [1, 2], 'VALID');
    expect(max.shape).toEqual([2, 2, 1, 2]);
    expect(values(max)).toEqual([210, 211, 310, 311, 1210, 1211, 1310, 1311]);
    const avg = tf.avgPool2d(x, [1, 3, 2, 1], [1, 1, 2, 1], 'VALID');
    // Mean of rows h..h+2 (mean 100(h+1)) and columns {0, 1} (mean 5).
    expect(values(avg)).toEqual([105, 106, 205, 206, 1105, 1106, 1205, 1206]);
  });

  it('is also a Tensor method', () => {
    const x = counting([1, 4, 4, 1]);
    expect(values(x.maxPool2d(2, 2, 'VALID'))).toEqual(values(tf.maxPool2d(x, 2, 2, 'VALID')));
    expect(values(x.avgPool2d([2, 2], [2, 2], 'SAME'))).toEqual(values(tf.avgPool2d(x, 2, 2, 'SAME')));
  });

  it('gives an empty output for an empty batch', () => {
    const out = tf.maxPool2d(tf.zeros([0, 4, 4, 3]), 2, 2, 'SAME');
    expect(out.shape).toEqual([0, 2, 2, 3]);
  });
});

describe('the pooling gradient kernels', () => {
  const windows = { ksize: [2, 2], strides: [2, 2], pads: [0, 0] };

  it("MaxPoolGrad sends a window's gradient to its first max, row-major, as TensorFlow's CPU kernel", () => {
    // Window [[1, 3], [3, 2]]: the max 3 is at (0,1) and (1,0); the first in row-major order is (0,1).
    const x = tf.tensor([1, 3, 3, 2], [1, 2, 2, 1]);
    expect(values(internal.maxPoolGrad(x, tf.tensor([5], [1, 1, 1, 1]), windows))).toEqual([0, 5, 0, 0]);
    expect(
      values(internal.maxPoolGradGrad(x, tf.tensor([10, 20, 30, 40], [1, 2, 2, 1]), [1, 1, 1, 1], windows)),
    ).toEqual([20]);
  });

  it('MaxPoolGrad adds up where overlapping windows share a max', () => {
    // 1x3 image [1, 9, 2], windows of 2 every 1: both windows' max is the 9.
    const x = tf.tensor([1, 9, 2], [1, 1, 3, 1]);
    const g = internal.maxPoolGrad(x, tf.tensor([2, 3], [1, 1, 2, 1]), {
      ksize: [1, 2],
      strides: [1, 1],
      pads: [0, 0],
    });
    expect(values(g)).toEqual([0, 5, 0]);
  });

  it('AvgPoolGrad shares each window out over its in-input elements only', () => {
    // 3x3 image, 2x2 windows every 2, SAME (padding after): window sizes 4, 2, 2, 1.
    const g = internal.avgPoolGrad([1, 3, 3, 1], tf.tensor([4, 2, 6, 7], [1, 2, 2, 1]), {
      ksize: [2, 2],
      strides: [2, 2],
      pads: [0, 0],
    });
    expect(values(g)).toEqual([1, 1, 1, 1, 1, 1, 3, 3, 7]);
  });
});

describe('bad input to maxPool2d and avgPool2d', () => {
  const x = (): Tensor => tf.zeros([1, 4, 4, 1]);

  it('refuses a rank other than 4', () => {
    const image = tf.zeros([4, 4, 1]);
    expectCleanError(
      () => tf.maxPool2d(image, 2, 2, 'SAME'),
      InvalidArgumentError,
      "maxPool2d: argument 'x' expected a rank-4 tensor [batch, height, width, channels], but got shape [4,4,1].",
    );
    expectCleanError(
      () => tf.avgPool2d(3, 1, 1, 'SAME'),
      InvalidArgumentError,
      /avgPool2d: argument 'x' expected a rank-4/,
    );
  });

  it('refuses window sizes and strides that are not positive integers', () => {
    const t = x();
    const expected = 'a positive integer, [h, w] or [1, h, w, 1] of positive integers';
    expectCleanError(
      () => tf.maxPool2d(t, 0, 1, 'SAME'),
      InvalidArgumentError,
      `maxPool2d: argument 'ksize' expected ${expected}, but got number 0.`,
    );
    expectCleanError(() => tf.avgPool2d(t, [2, -1], 1, 'SAME'), InvalidArgumentError, `but got [2, -1].`);
    expectCleanError(
      () => tf.avgPool2d(t, 1.5, 1, 'SAME'),
      InvalidArgumentError,
      `'ksize' expected ${expected}, but got number 1.5.`,
    );
    expectCleanError(() => tf.maxPool2d(t, [2, 2, 2], 1, 'SAME'), InvalidArgumentError, 'but got [2, 2, 2].');
    expectCleanError(() => tf.maxPool2d(t, [2, 2, 2, 1], 1, 'SAME'), InvalidArgumentError, 'but got [2, 2, 2, 1].');
    expectCleanError(
      () => tf.maxPool2d(t, 2, [0, 1], 'SAME'),
      InvalidArgumentError,
      `maxPool2d: argument 'strides' expected ${expected}, but got [0, 1].`,
    );
    expectCleanError(
      () => tf.maxPool2d(t, 2, '2' as unknown as number, 'SAME'),
      InvalidArgumentError,
      /argument 'strides' expected .*, but got string 2\./,
    );
  });

  it('refuses padding other than SAME or VALID', () => {
    const t = x();
    expectCleanError(
      () => tf.maxPool2d(t, 2, 2, 'FULL'),
      InvalidArgumentError,
      "maxPool2d: argument 'padding' expected 'SAME' or 'VALID', but got 'FULL'.",
    );
    expectCleanError(
      () => tf.avgPool2d(t, 2, 2, 1 as unknown as string),
      InvalidArgumentError,
      "avgPool2d: argument 'padding' expected 'SAME' or 'VALID', but got number 1.",
    );
  });

  it('refuses a VALID window larger than the input in either dim', () => {
    const t = tf.zeros([2, 4, 3, 1]);
    expectCleanError(
      () => tf.avgPool2d(t, [2, 4], 1, 'valid'),
      InvalidArgumentError,
      "avgPool2d: argument 'ksize' expected a window no larger than the padded input [4,3] (padding 'VALID'), but got [2,4].",
    );
  });

  it('refuses int32 and bool tensors, and disposed ones', () => {
    const ints = tf.zeros([1, 2, 2, 1], 'int32');
    expectCleanError(
      () => tf.maxPool2d(ints, 2, 2, 'SAME'),
      InvalidArgumentError,
      "maxPool2d: argument 'x' expected a float32 tensor, but got a int32 tensor.",
    );
    const bools = tf.zeros([1, 2, 2, 1], 'bool');
    expectCleanError(() => tf.avgPool2d(bools, 2, 2, 'SAME'), InvalidArgumentError, 'but got a bool tensor.');
    const gone = x();
    gone.dispose();
    expectCleanError(
      () => tf.avgPool2d(gone, 2, 2, 'SAME'),
      FailedPreconditionError,
      /avgPool2d: argument 'x' is a disposed tensor/,
    );
  });
});
