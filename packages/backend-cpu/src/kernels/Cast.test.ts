/**
 * @file Tests of Cast and castScalar between every pair of dtypes: truncation toward zero, `!= 0` for
 * bool, NaN and infinities, size 0.
 */

import type { DataType } from '@tapeflow/tensor-core/internal';
import { describe, expect, it } from 'vitest';
import { KernelHarness, describeEachPath } from '../test-utils.js';
import { castScalar } from './Cast.js';

describeEachPath('Cast', (options) => {
  it('truncates float32 toward zero when casting to int32', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([1.9, -1.9, 0.5, -0.5, 3, NaN, 2147483648], [7]);
    expect(h.run('Cast', { x }, {}, [7], 'int32')).toEqual(new Int32Array([1, -1, 0, 0, 3, 0, -2147483648]));
  });

  it('casts anything to bool as != 0, NaN included', () => {
    const h = new KernelHarness(options);
    const f = h.tensor([0, -0, 0.1, -3, NaN, Infinity], [6]);
    expect(h.values('Cast', { x: f }, {}, [6], 'bool')).toEqual([0, 0, 1, 1, 1, 1]);
    const i = h.tensor([0, 256, -1], [3], 'int32');
    expect(h.values('Cast', { x: i }, {}, [3], 'bool')).toEqual([0, 1, 1]);
  });

  it('casts bool and int32 to numbers', () => {
    const h = new KernelHarness(options);
    const b = h.tensor([1, 0, 1], [3], 'bool');
    expect(h.run('Cast', { x: b }, {}, [3], 'float32')).toEqual(new Float32Array([1, 0, 1]));
    expect(h.run('Cast', { x: b }, {}, [3], 'int32')).toEqual(new Int32Array([1, 0, 1]));
    const i = h.tensor([16777217, -5], [2], 'int32');
    // 2^24 + 1 has no float32: it rounds to even.
    expect(h.run('Cast', { x: i }, {}, [2], 'float32')).toEqual(new Float32Array([16777216, -5]));
  });

  it('copies on a same-dtype cast, so the output is a buffer of its own', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([1, 2], [2]);
    const out = h.run('Cast', { x }, {}, [2], 'float32');
    expect(out).not.toBe(h.backend.readSync(x.dataId));
    expect(Array.from(out)).toEqual([1, 2]);
  });

  it('handles size 0 for every pair of dtypes', () => {
    const h = new KernelHarness(options);
    const dtypes: DataType[] = ['float32', 'int32', 'bool'];
    for (const from of dtypes) {
      for (const to of dtypes) {
        const x = h.tensor([], [0], from);
        expect(h.values('Cast', { x }, {}, [0], to)).toEqual([]);
      }
    }
  });
});

describe('castScalar', () => {
  it('converts as a store of each dtype would', () => {
    expect(castScalar(0.1, 'float32')).toBe(Math.fround(0.1));
    expect(castScalar(-2.7, 'int32')).toBe(-2);
    expect(castScalar(NaN, 'bool')).toBe(1);
    expect(castScalar(0, 'bool')).toBe(0);
  });
});
