import '../test-setup.js';
import { describe, expect, it } from 'vitest';
import { memory } from '../api.js';
import { InvalidArgumentError } from '../errors.js';
import * as tf from './index.js';

/** Expects an InvalidArgumentError matching `pattern`, and no tensor left behind. */
function expectRefused(fn: () => unknown, pattern: RegExp): void {
  const before = memory().numTensors;
  expect(fn).toThrow(InvalidArgumentError);
  expect(fn).toThrow(pattern);
  expect(memory().numTensors).toBe(before);
}

describe('values are what they claim', () => {
  it('infers int32 from any integer typed array and float32 from Float64Array, converting each value', () => {
    const cases: [ArrayLike<number>, string, number[]][] = [
      [new Int16Array([-3, 4]), 'int32', [-3, 4]],
      [new Uint16Array([65535]), 'int32', [65535]],
      [new Int8Array([-128]), 'int32', [-128]],
      [new Uint8ClampedArray([255, 0]), 'int32', [255, 0]],
      [new Float64Array([0.5, -2]), 'float32', [0.5, -2]],
    ];
    for (const [values, dtype, expected] of cases) {
      const t = tf.tensor(values as Float32Array);
      expect(t.dtype).toBe(dtype);
      expect(Array.from(t.dataSync())).toEqual(expected);
      t.dispose();
    }
    expectRefused(
      () => tf.tensor(new Uint32Array([2 ** 31]) as never),
      /^tensor: argument 'value' expected int32 values .*number 2147483648 at value\[0\]/,
    );
  });

  it('refuses what is not a number: a DataView, strings, objects and holes, naming where in the nesting', () => {
    expectRefused(
      () => tf.tensor(new DataView(new ArrayBuffer(4)) as never),
      /^tensor: argument 'value' expected numbers, booleans, nested arrays of them, or a TypedArray, but got an object/,
    );
    expectRefused(
      () =>
        tf.tensor([
          [1, 2],
          [3, 'a'],
        ] as never),
      /^tensor: argument 'value' expected numbers or booleans, but got string 'a' at value\[1\]\[1\]/,
    );
    expectRefused(
      () =>
        tf.tensor([
          [1, 2],
          [3, {}],
        ] as never),
      /at value\[1\]\[1\]/,
    );
    expectRefused(() => tf.tensor([1, undefined] as never), /but got undefined at value\[1\]/);
    expectRefused(() => tf.tensor([[1], 2] as never), /ragged array/);
    expectRefused(() => tf.tensor([[1, 2], new Float32Array([1])] as never), /ragged array/);
  });

  it("stops at TensorFlow's largest rank, so an array that contains itself is an error, not a hang", () => {
    const self: unknown[] = [];
    self.push(self);
    expectRefused(() => tf.tensor(self as never), /^tensor: argument 'value' expected nested arrays at most 254 deep/);
    expectRefused(
      () => tf.zeros(new Array<number>(255).fill(1)),
      /^zeros: argument 'shape' expected at most 254 dimensions, but got 255 dimensions/,
    );
  });

  it('fills a larger shape from one value after checking it against the dtype', () => {
    expect(Array.from(tf.tensor(7, [3], 'int32').dataSync())).toEqual([7, 7, 7]);
    expect(Array.from(tf.tensor(2, [2], 'bool').dataSync())).toEqual([1, 1]);
    expectRefused(() => tf.tensor(0.5, [3], 'int32'), /^tensor: argument 'value' expected int32 values .*number 0\.5/);
  });
});
