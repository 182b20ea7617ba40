/**
 * @file Tests of the binary kernels: reference values on equal shapes, scalars on either side,
 * broadcasting in both directions and across several dims, int32 wrap-around and integer Pow, IEEE
 * edge cases, and size-0 outputs.
 */

import { BINARY_KERNELS, InvalidArgumentError, acceptsDtype } from '@tapeflow/tensor-core/internal';
import { expect, it } from 'vitest';
import { KernelHarness, describeEachPath, expectClose } from '../test-utils.js';
import { BINARY, floatPow, intPow } from './elementwise-table.js';

describeEachPath('binary float32 kernels on equal shapes', (options) => {
  const a = [1, -2, 3, 4.5, 0, -1];
  const b = [2, 2, -4, 0.5, 3, 0.5];
  // Hand-computed values of the first kernels; every kernel is also checked against the spec's
  // reference by the conformance kit, and its loops against its table form below.
  const cases: Partial<Record<(typeof BINARY_KERNELS)[number], number[]>> = {
    Add: [3, 0, -1, 5, 3, -0.5],
    Sub: [-1, -4, 7, 4, -3, -1.5],
    Mul: [2, -4, -12, 2.25, 0, -0.5],
    RealDiv: [0.5, -1, -0.75, 9, 0, -2],
    Pow: [1, 4, 1 / 81, Math.sqrt(4.5), 0, NaN],
    Maximum: [2, 2, 3, 4.5, 3, 0.5],
    Minimum: [1, -2, -4, 0.5, 0, -1],
  };
  for (const [op, expected] of Object.entries(cases)) {
    it(`${op} matches reference values`, () => {
      const h = new KernelHarness(options);
      const out = h.run(op as keyof typeof cases, { a: h.tensor(a, [2, 3]), b: h.tensor(b, [2, 3]) }, {}, [2, 3]);
      expect(out).toBeInstanceOf(Float32Array);
      expectClose(out, expected ?? []);
    });
  }

  for (const op of BINARY_KERNELS) {
    it(`${op}: the loops agree with its table form (flat, scalar, broadcast rows; int32 where the spec takes it)`, () => {
      const h = new KernelHarness(options);
      const xs = [-7.5, -3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 7.5, NaN, Infinity, -Infinity];
      const ys = [2, -3, 0.5, -0.5, 0, 3, -2, 1, -1.5, 2.5];
      const a = xs.flatMap((x) => ys.map(() => x));
      const b = xs.flatMap(() => ys);
      const f = BINARY[op].float;
      const expected = a.map((x, i) => Math.fround(f(x, b[i]!)));
      const shape = [xs.length, ys.length];
      expect(Array.from(h.run(op, { a: h.tensor(a, shape), b: h.tensor(b, shape) }, {}, shape))).toEqual(expected);
      // A row broadcast against a column walks the strided rows.
      const column = h.tensor(xs, [xs.length, 1]);
      const row = h.tensor(ys, [ys.length]);
      expect(Array.from(h.run(op, { a: column, b: row }, {}, shape))).toEqual(expected);
      const int: ((x: number, y: number) => number) | null = BINARY[op].int;
      if (int === null || !acceptsDtype(op, 'a', 'int32')) return;
      const ia = [-2147483648, -300, -7, -2, -1, 0, 1, 2, 3, 7, 46341, 2147483647];
      const ib = [3, -3, 2, -2, 5, 1, -1, 7, 2, -7, 46341, 1];
      expect(
        h.values(op, { a: h.tensor(ia, [12], 'int32'), b: h.tensor(ib, [12], 'int32') }, {}, [12], 'int32'),
      ).toEqual(ia.map((x, i) => int(x, ib[i]!) | 0));
    });
  }
});

describeEachPath('binary broadcasting', (options) => {
  it('broadcasts a scalar on either side', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([1, 2, 3], [3]);
    const s = h.tensor([10], []);
    expect(h.values('Sub', { a: x, b: s }, {}, [3])).toEqual([-9, -8, -7]);
    expect(h.values('Sub', { a: s, b: x }, {}, [3])).toEqual([9, 8, 7]);
    expect(h.values('Mul', { a: s, b: s }, {}, [])).toEqual([100]);
  });

  it('broadcasts a row and a column in both directions', () => {
    const h = new KernelHarness(options);
    const m = h.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const row = h.tensor([10, 20, 30], [3]);
    const column = h.tensor([100, 200], [2, 1]);
    expect(h.values('Add', { a: m, b: row }, {}, [2, 3])).toEqual([11, 22, 33, 14, 25, 36]);
    expect(h.values('Sub', { a: row, b: m }, {}, [2, 3])).toEqual([9, 18, 27, 6, 15, 24]);
    expect(h.values('Add', { a: m, b: column }, {}, [2, 3])).toEqual([101, 102, 103, 204, 205, 206]);
    expect(h.values('Sub', { a: column, b: m }, {}, [2, 3])).toEqual([99, 98, 97, 196, 195, 194]);
  });

  it('broadcasts both operands at once (outer product shape)', () => {
    const h = new KernelHarness(options);
    const a = h.tensor([1, 2, 3], [3, 1]);
    const b = h.tensor([10, 20], [1, 2]);
    expect(h.values('Mul', { a, b }, {}, [3, 2])).toEqual([10, 20, 20, 40, 30, 60]);
  });

  it('broadcasts across rank-3 shapes with size-1 dims in the middle', () => {
    const h = new KernelHarness(options);
    const a = h.tensor([1, 2, 3, 4], [2, 1, 2]);
    const b = h.tensor([10, 20, 30], [1, 3, 1]);
    expect(h.values('Add', { a, b }, {}, [2, 3, 2])).toEqual([11, 12, 21, 22, 31, 32, 13, 14, 23, 24, 33, 34]);
  });

  it('handles an operand of output size but lower rank', () => {
    const h = new KernelHarness(options);
    const a = h.tensor([1, 2, 3], [3]);
    const b = h.tensor([1, 1, 1], [1, 3]);
    expect(h.values('Add', { a, b }, {}, [1, 3])).toEqual([2, 3, 4]);
  });

  it('gives an empty output for size-0 dims, broadcast or not', () => {
    const h = new KernelHarness(options);
    const empty = h.tensor([], [0, 3]);
    const row = h.tensor([1, 2, 3], [3]);
    const s = h.tensor([1], []);
    for (const op of BINARY_KERNELS) {
      expect(h.values(op, { a: empty, b: row }, {}, [0, 3]), op).toEqual([]);
      expect(h.values(op, { a: s, b: empty }, {}, [0, 3]), op).toEqual([]);
    }
  });
});

describeEachPath('binary int32 kernels', (options) => {
  it('wraps Add, Sub and Mul like int32', () => {
    const h = new KernelHarness(options);
    const a = h.tensor([2147483647, -2147483648, 65536, 7], [4], 'int32');
    const b = h.tensor([1, 1, 65536, -3], [4], 'int32');
    const run = (op: 'Add' | 'Sub' | 'Mul' | 'Maximum' | 'Minimum') => h.run(op, { a, b }, {}, [4], 'int32');
    expect(run('Add')).toEqual(new Int32Array([-2147483648, -2147483647, 131072, 4]));
    expect(run('Sub')).toEqual(new Int32Array([2147483646, 2147483647, 0, 10]));
    expect(run('Mul')).toEqual(new Int32Array([2147483647, -2147483648, 0, -21]));
    expect(run('Maximum')).toEqual(new Int32Array([2147483647, 1, 65536, 7]));
    expect(run('Minimum')).toEqual(new Int32Array([1, -2147483648, 65536, -3]));
  });

  it('computes integer Pow exactly, broadcasting the exponent', () => {
    const h = new KernelHarness(options);
    const a = h.tensor([2, -3, 0, 1, 7], [5], 'int32');
    const b = h.tensor([3], [], 'int32');
    expect(h.values('Pow', { a, b }, {}, [5], 'int32')).toEqual([8, -27, 0, 1, 343]);
    expect(intPow(3, 0)).toBe(1);
    expect(intPow(2, 31)).toBe(-2147483648);
    expect(intPow(3, 40)).toBe(Number(3n ** 40n % 2n ** 32n) | 0);
    expect([intPow(1, -2), intPow(-1, -3), intPow(-1, -2), intPow(5, -1)]).toEqual([1, -1, 1, 0]);
  });

  it('rejects bool', () => {
    const h = new KernelHarness(options);
    const a = h.tensor([1], [1], 'bool');
    expect(() => h.run('Add', { a, b: a }, {}, [1], 'bool')).toThrow(InvalidArgumentError);
  });
});

describeEachPath('binary IEEE edge cases', (options) => {
  it('propagates NaN through Maximum and Minimum from either side', () => {
    const h = new KernelHarness(options);
    const a = h.tensor([NaN, 1], [2]);
    const b = h.tensor([1, NaN], [2]);
    expect(h.values('Maximum', { a, b }, {}, [2])).toEqual([NaN, NaN]);
    expect(h.values('Minimum', { a, b }, {}, [2])).toEqual([NaN, NaN]);
  });

  it('divides by zero into infinities and NaN', () => {
    const h = new KernelHarness(options);
    const a = h.tensor([1, -1, 0], [3]);
    const b = h.tensor([0], []);
    expect(h.values('RealDiv', { a, b }, {}, [3])).toEqual([Infinity, -Infinity, NaN]);
  });

  it('follows C pow for base 1 and for a zero exponent', () => {
    expect(floatPow(1, NaN)).toBe(1);
    expect(floatPow(-1, Infinity)).toBe(1);
    expect(floatPow(NaN, 0)).toBe(1);
    expect(floatPow(-8, 1 / 3)).toBeNaN();
  });

  it('rounds results to float32', () => {
    const h = new KernelHarness(options);
    const out = h.values('Add', { a: h.tensor([0.1], [1]), b: h.tensor([0.2], [1]) }, {}, [1]);
    expect(out).toEqual([Math.fround(Math.fround(0.1) + Math.fround(0.2))]);
  });
});
