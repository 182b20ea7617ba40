/**
 * @file Tests of the comparison helpers: `compareValues` accepts values within tolerance (relative to
 * the value or to a given error scale), rejects wrong ones with a message naming where, and treats
 * NaN, infinities and exact dtypes strictly; `expectTensorClose` reads asynchronously and checks shape
 * and dtype as well as values.
 */

import { cpuBackend } from '@tapeflow/backend-cpu';
import * as tf from '@tapeflow/tensor-core/internal';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOLERANCE, compareValues, expectTensorClose } from './compare.js';
import { referenceTensor } from './reference/tensor.js';

describe('compareValues', () => {
  it('accepts values within atol + rtol·|expected|', () => {
    expect(compareValues([1, 2, 3], [1, 2, 3])).toBeNull();
    expect(compareValues([1 + 5e-6, 100.0009], [1, 100])).toBeNull();
    expect(compareValues([0.5], [0.6], { tolerance: { rtol: 0.2 } })).toBeNull();
  });

  it('rejects wrong values, counting them and naming the first few by multi-index', () => {
    const message = compareValues([1, 2, 3, 4, 5, 6], [1, 2.5, 3, 4, 5, 0], { shape: [2, 3] });
    expect(message).toMatch(/^2 of 6 values differ \(rtol 0\.00001, atol 0\.000001\)/);
    expect(message).toContain('at [0,1] got 2, expected 2.5');
    expect(message).toContain('at [1,2] got 6, expected 0');
    expect(compareValues([1 + 1e-4], [1])).not.toBeNull();
    expect(
      compareValues(
        Array.from({ length: 10 }, () => 1),
        Array.from({ length: 10 }, () => 0),
      ),
    ).toMatch(/; \.\.\.$/);
  });

  it('rejects a different number of values', () => {
    expect(compareValues([1, 2], [1, 2, 3])).toBe('got 2 values, expected 3');
  });

  it('matches NaN only with NaN and infinities only with themselves', () => {
    expect(compareValues([NaN, Infinity, -Infinity], [NaN, Infinity, -Infinity])).toBeNull();
    expect(compareValues([0], [NaN])).not.toBeNull();
    expect(compareValues([NaN], [0])).not.toBeNull();
    expect(compareValues([1e38], [Infinity])).toMatch(/expected inf exactly/);
  });

  it('demands exact equality when asked (int32 and bool results)', () => {
    expect(compareValues([3], [3], { exact: true })).toBeNull();
    expect(compareValues([3], [3 + 1e-9], { exact: true })).toMatch(/exact/);
  });

  it('takes the tolerance relative to an error scale where the result cancels', () => {
    // A sum of ±1e3 terms that cancels to ~0 may be off by float32 rounding of the terms.
    expect(compareValues([1e-4], [0])).not.toBeNull();
    expect(compareValues([1e-4], [0], { scale: [1e3] })).toBeNull();
  });

  it('has a float32 default tolerance', () => {
    expect(DEFAULT_TOLERANCE).toEqual({ rtol: 1e-5, atol: 1e-6 });
  });
});

describe('expectTensorClose', () => {
  beforeAll(async () => {
    if (!tf.getEngine().registeredBackends().includes('cpu')) tf.registerBackend('cpu', cpuBackend);
    await tf.setBackend('cpu');
  });

  it('passes for close values given nested, flat or as a ReferenceTensor', async () => {
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    await expectTensorClose(x, [
      [1, 2],
      [3, 4.000001],
    ]);
    await expectTensorClose(x, [1, 2, 3, 4]);
    await expectTensorClose(x, referenceTensor([1, 2, 3, 4], [2, 2]));
    await expectTensorClose(tf.scalar(true), true);
    x.dispose();
  });

  it('rejects wrong values, shapes and dtypes', async () => {
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    await expect(
      expectTensorClose(x, [
        [1, 2],
        [3, 5],
      ]),
    ).rejects.toThrow(/1 of 4 values differ.*at \[1,1\] got 4, expected 5/);
    await expect(expectTensorClose(x, [[1, 2, 3, 4]])).rejects.toThrow(/expected shape \[1,4\]/);
    await expect(expectTensorClose(x, [1, 2, 3])).rejects.toThrow(/expected shape \[3\]/);
    await expect(expectTensorClose(x, referenceTensor([1, 2, 3, 4], [2, 2], 'int32'))).rejects.toThrow(
      /expected dtype int32/,
    );
    await expect(
      expectTensorClose(
        x,
        [
          [1, 2],
          [3, 4.1],
        ],
        { rtol: 0.05 },
      ),
    ).resolves.toBeUndefined();
    x.dispose();
  });

  it('compares int32 results exactly', async () => {
    const i = tf.tensor([1, 2], [2], 'int32');
    await expect(expectTensorClose(i, [1, 2.000001])).rejects.toThrow(/exact/);
    i.dispose();
  });
});
