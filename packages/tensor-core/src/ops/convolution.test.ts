import '../test-setup.js';
import { describe, expect, it } from 'vitest';
import { memory } from '../api.js';
import { FailedPreconditionError, InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import * as tf from './index.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());

/** Runs `fn`, expects a typed error matching every pattern, and checks no tensor was left behind. */
function expectCleanError(fn: () => unknown, type: new (...args: never[]) => Error, ...patterns: RegExp[]): void {
  const before = memory().numTensors;
  expect(fn).toThrow(type);
  for (const pattern of patterns) expect(fn).toThrow(pattern);
  expect(memory().numTensors).toBe(before);
}

const nine = () => tf.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
const diagonal = () => tf.tensor([1, 0, 0, 1], [2, 2, 1, 1]);

describe('convolutions: hand-derived values', () => {
  it('conv2d VALID sums each 2×2 window through the filter', () => {
    // Windows [1,2;4,5] → 1+5, [2,3;5,6] → 2+6, [4,5;7,8] → 4+8, [5,6;8,9] → 5+9.
    const y = tf.conv2d(nine(), diagonal(), 1, 'VALID');
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(values(y)).toEqual([6, 8, 12, 14]);
  });

  it("conv2d SAME puts TensorFlow's odd padding row and column at the bottom and right", () => {
    // 3 wide, stride 2, filter 2: output 2, total padding 1, all of it after the input. Window (1, 1)
    // reads x[2][2] and the zero below-right of it: 9 (padding before would give 5 + 9 = 14).
    const y = tf.conv2d(nine(), diagonal(), 2, 'same');
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(values(y)).toEqual([6, 3, 7, 9]);
  });

  it('conv2d dilations 2 reads every other pixel', () => {
    // A 2×2 filter dilated by 2 covers the 3×3 corners: x[0][0] + x[2][2] = 1 + 9.
    expect(values(tf.conv2d(nine(), diagonal(), 1, 'VALID', { dilations: 2 }))).toEqual([10]);
  });

  it('conv2d takes one example of rank 3 and nested arrays; the method agrees with the function', () => {
    const y = tf.conv2d(
      [
        [[1], [2]],
        [[3], [4]],
      ],
      [
        [[[1]], [[1]]],
        [[[1]], [[1]]],
      ],
      1,
      'VALID',
    );
    expect(y.shape).toEqual([1, 1, 1]);
    expect(values(y)).toEqual([10]);
    expect(values(nine().conv2d(diagonal(), 1, 'VALID'))).toEqual([6, 8, 12, 14]);
  });

  it('conv1d, depthwiseConv2d and conv2dTranspose (function and method)', () => {
    const x = tf.tensor([1, 2, 3, 4], [1, 4, 1]);
    expect(values(tf.conv1d(x, tf.tensor([1, 10], [2, 1, 1]), 1, 'VALID'))).toEqual([21, 32, 43]);
    expect(values(x.conv1d(tf.tensor([1, 10], [2, 1, 1]), 2, 'VALID'))).toEqual([21, 43]);
    // Channel 0 (values 1) through multipliers 1 and 2, channel 1 (values 2) through 3 and 4.
    const dx = tf.tensor([1, 2, 1, 2, 1, 2, 1, 2], [1, 2, 2, 2]);
    const depthwise = tf.tensor([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4], [2, 2, 2, 2]);
    expect(values(tf.depthwiseConv2d(dx, depthwise, 1, 'VALID'))).toEqual([4, 8, 24, 32]);
    expect(values(dx.depthwiseConv2d(depthwise, 1, 'VALID'))).toEqual([4, 8, 24, 32]);
    // One pixel of 2 through a 2×2 filter of [1, 2; 3, 4] spreads it over a 2×2 output.
    const one = tf.tensor([2], [1, 1, 1, 1]);
    const f = tf.tensor([1, 2, 3, 4], [2, 2, 1, 1]);
    expect(values(tf.conv2dTranspose(one, f, [1, 2, 2, 1], 1, 'VALID'))).toEqual([2, 4, 6, 8]);
    expect(values(one.conv2dTranspose(f, [1, 2, 2, 1], 1, 'VALID'))).toEqual([2, 4, 6, 8]);
  });
});

/** The operands of the bad-input tests, made before each test counts tensors. */
const T: Tensor[] = [
  tf.zeros([3, 3]),
  diagonal(),
  nine(),
  tf.zeros([2, 2, 1]),
  tf.zeros([2, 1, 1]),
  tf.zeros([3, 3, 1]),
  tf.zeros([1, 4, 4, 3]),
  tf.zeros([2, 2, 2, 5]),
  tf.zeros([2, 2, 2, 1]),
  tf.zeros([1, 2, 2, 3]),
  tf.zeros([2, 2, 1, 2]),
  tf.zeros([1, 4, 1]),
  tf.zeros([4, 1, 1, 1]),
  tf.zeros([1, 3, 3, 1], 'int32'),
  tf.zeros([3, 3, 1, 3]),
];

describe('convolutions: bad input', () => {
  it('refuses ranks other than 4 (x) and 4 (filters), naming the op and the shape', () => {
    expectCleanError(
      () => tf.conv2d(T[0]!, T[1]!, 1, 'VALID'),
      InvalidArgumentError,
      /conv2d: argument 'x'/,
      /\[1,3,3\]|\[3,3\]/,
    );
    expectCleanError(
      () => tf.conv2d(T[2]!, T[3]!, 1, 'VALID'),
      InvalidArgumentError,
      /conv2d: argument 'filters' expected a rank-4 tensor/,
      /\[2,2,1\]/,
    );
    expectCleanError(
      () => tf.conv1d(T[2]!, T[4]!, 1, 'VALID'),
      InvalidArgumentError,
      /conv1d: argument 'x' expected a rank-3 tensor/,
    );
    expectCleanError(
      () => tf.depthwiseConv2d(T[5]!, T[1]!, 1, 'VALID'),
      InvalidArgumentError,
      /depthwiseConv2d: argument 'x' expected a rank-4 tensor/,
    );
  });

  it("refuses a filter whose in-channels differ from x's channels, naming both shapes", () => {
    expectCleanError(
      () => tf.conv2d(T[6]!, T[7]!, 1, 'SAME'),
      InvalidArgumentError,
      /conv2d: argument 'filters'/,
      /\[1,4,4,3\]/,
      /\[2,2,2,5\]/,
    );
    expectCleanError(
      () => tf.depthwiseConv2d(T[6]!, T[8]!, 1, 'SAME'),
      InvalidArgumentError,
      /depthwiseConv2d: argument 'filter'.*\[1,4,4,3\].*\[2,2,2,1\]/,
    );
    expectCleanError(
      () => tf.conv2dTranspose(T[9]!, T[10]!, [1, 4, 4, 1], 2, 'SAME'),
      InvalidArgumentError,
      /conv2dTranspose: argument 'filters'.*\[1,2,2,3\].*\[2,2,1,2\]/,
    );
  });

  it('refuses strides and dilations that are not positive integers', () => {
    for (const strides of [0, -1, 1.5, [1, 2, 3], [0, 1], 'two', [2, 2, 2, 2]]) {
      expectCleanError(
        () => tf.conv2d(T[2]!, T[1]!, strides as number, 'VALID'),
        InvalidArgumentError,
        /conv2d: argument 'strides' expected a positive integer, \[height, width\]/,
      );
    }
    expectCleanError(
      () => tf.conv2d(T[2]!, T[1]!, 1, 'VALID', { dilations: 0 }),
      InvalidArgumentError,
      /conv2d: argument 'options.dilations' expected a positive integer/,
      /got number 0/,
    );
    expectCleanError(
      () => tf.conv1d(T[11]!, T[4]!, 0, 'VALID'),
      InvalidArgumentError,
      /conv1d: argument 'stride' expected a positive integer, but got number 0/,
    );
    expectCleanError(
      () => tf.conv1d(T[11]!, T[4]!, 1, 'VALID', { dilations: 2.5 }),
      InvalidArgumentError,
      /conv1d: argument 'options.dilations'/,
    );
  });

  it("refuses padding other than 'SAME' / 'VALID' (any case)", () => {
    for (const padding of ['FULL', 'causal', '', 3]) {
      expectCleanError(
        () => tf.conv2d(T[2]!, T[1]!, 1, padding as 'SAME'),
        InvalidArgumentError,
        /conv2d: argument 'padding' expected 'SAME' or 'VALID'/,
      );
    }
    expect(tf.conv2d(T[2]!, T[1]!, 1, 'Valid' as 'VALID').shape).toEqual([1, 2, 2, 1]);
  });

  it("refuses strides above 1 with dilations above 1 (TensorFlow's rule)", () => {
    expectCleanError(
      () => tf.conv2d(T[2]!, T[1]!, [1, 2], 'SAME', { dilations: [2, 1] }),
      InvalidArgumentError,
      /conv2d: argument 'strides' expected strides of 1 when dilations exceed 1/,
      /strides \[1,2\] with dilations \[2,1\]/,
    );
  });

  it('refuses a VALID filter larger than the input, an int32 operand, a disposed tensor, an unknown option', () => {
    expectCleanError(
      () => tf.conv2d(T[2]!, T[12]!, 1, 'VALID'),
      InvalidArgumentError,
      /conv2d: argument 'filter' expected a dilated filter height of at most the input's 3/,
    );
    expectCleanError(
      () => tf.conv2d(T[13]!, T[1]!, 1, 'VALID'),
      InvalidArgumentError,
      /conv2d: argument 'x' expected a float32 tensor, but got a int32 tensor/,
    );
    const gone = nine();
    gone.dispose();
    expectCleanError(
      () => tf.conv2d(gone, T[1]!, 1, 'VALID'),
      FailedPreconditionError,
      /conv2d: argument 'x' is a disposed tensor/,
    );
    expectCleanError(
      () => tf.conv2d(T[2]!, T[1]!, 1, 'VALID', { dilation: 2 } as never),
      InvalidArgumentError,
      /dilation/,
    );
  });

  it('conv2dTranspose refuses an outputShape that conv2d would not map onto x', () => {
    expectCleanError(
      () => tf.conv2dTranspose(T[9]!, T[14]!, [1, 7, 4, 1], 2, 'SAME'),
      InvalidArgumentError,
      /conv2dTranspose: argument 'outputShape' expected a shape that conv2d .* maps onto x \[1,2,2,3\]/,
      /\[1,7,4,1\], which maps onto \[1,4,2,3\]/,
    );
    expectCleanError(
      () => tf.conv2dTranspose(T[9]!, T[14]!, [1, 4, 4], 2, 'SAME'),
      InvalidArgumentError,
      /conv2dTranspose: argument 'outputShape' expected 4 non-negative integers/,
    );
  });

  it('leaves no tensor behind when an operand given as nested arrays is refused later', () => {
    expectCleanError(
      () => tf.conv2d([[[[1]]]], [[[[1, 2]]]], 1, 'FULL' as 'SAME'),
      InvalidArgumentError,
      /conv2d: argument 'padding'/,
    );
  });
});
