import './test-setup.js';
import { describe, expect, it } from 'vitest';
import { constant, tensor, scalar, variable, zeros } from './ops/index.js';
import { formatFloatScalar, shortestFloat32 } from './print.js';

describe('printing as NumPy lays values out', () => {
  it('uses the shortest float32 round trip', () => {
    expect(shortestFloat32(Math.fround(-8.044242))).toBe('-8.044242');
    expect(shortestFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloatScalar(16)).toBe('16.0');
    expect(formatFloatScalar(Math.fround(1e-5))).toBe('1e-05');
  });

  it('prints scalars, vectors and matrices', () => {
    expect(scalar(16).toString()).toBe('Tensor(shape=[], dtype=float32, 16.0)');
    expect(tensor([Math.fround(-66.16483), Math.fround(-8.044242)]).toString()).toBe(
      'Tensor(shape=[2], dtype=float32, [-66.16483, -8.044242])',
    );
    expect(
      constant([
        [10, 10],
        [20, 20],
      ]).toString(),
    ).toBe('Tensor(shape=[2,2], dtype=float32, [[10., 10.],\n                                    [20., 20.]])');
    expect(constant([1, 2], 'int32').toString()).toBe('Tensor(shape=[2], dtype=int32, [1, 2])');
    expect(constant([true, false]).toString()).toBe('Tensor(shape=[2], dtype=bool, [True, False])');
  });

  it('prints nan, inf, scientific notation and summaries', () => {
    expect(tensor([NaN, Infinity, -Infinity, 1]).toString()).toContain('[nan, inf, -inf, 1.]');
    expect(tensor([1e-5, 1]).toString()).toContain('[1.e-05, 1.e+00]');
    const big = zeros([2000]);
    expect(big.toString()).toBe('Tensor(shape=[2000], dtype=float32, [0., 0., 0., ..., 0., 0., 0.])');
    big.dispose();
  });

  it('names Variables', () => {
    const v = variable(4, { name: 'x' });
    expect(v.toString()).toBe('Variable(name=x, shape=[], dtype=float32, 4.0)');
    v.dispose();
  });
});
