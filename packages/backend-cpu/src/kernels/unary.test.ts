/**
 * @file Tests of the unary kernels against hand-computed values, including NaN, infinities, int32
 * wrap-around, bool, odd sizes and size-0 inputs.
 */

import { InvalidArgumentError, UNARY_KERNELS, acceptsDtype } from '@tapeflow/tensor-core/internal';
import { expect, it } from 'vitest';
import { KernelHarness, describeEachPath, expectClose } from '../test-utils.js';
import { UNARY } from './elementwise-table.js';

const inputs = [-2, -0.5, 0, 0.5, 3];

describeEachPath('unary float32 kernels', (options) => {
  // Hand-computed values of the first kernels; every kernel is also checked against the spec's
  // reference by the conformance kit, and its loop against its table form below.
  const cases: Partial<Record<(typeof UNARY_KERNELS)[number], number[]>> = {
    Neg: [2, 0.5, -0, -0.5, -3],
    Abs: [2, 0.5, 0, 0.5, 3],
    Sign: [-1, -1, 0, 1, 1],
    Square: [4, 0.25, 0, 0.25, 9],
    Sqrt: [NaN, NaN, 0, Math.SQRT1_2, Math.sqrt(3)],
    Exp: [Math.exp(-2), Math.exp(-0.5), 1, Math.exp(0.5), Math.exp(3)],
    Log: [NaN, NaN, -Infinity, Math.log(0.5), Math.log(3)],
    Relu: [0, 0, 0, 0.5, 3],
    Sigmoid: [0.11920292, 0.37754067, 0.5, 0.62245933, 0.95257413],
    Tanh: [-0.96402758, -0.46211716, 0, 0.46211716, 0.99505475],
    Softplus: [0.12692801, 0.47407698, 0.69314718, 0.97407698, 3.04858735],
  };
  for (const [op, expected] of Object.entries(cases)) {
    it(`${op} matches reference values`, () => {
      const h = new KernelHarness(options);
      const x = h.tensor(inputs, [5]);
      const out = h.run(op as keyof typeof cases, { x }, {}, [5]);
      expect(out).toBeInstanceOf(Float32Array);
      expectClose(out, expected ?? []);
    });
  }

  for (const op of UNARY_KERNELS) {
    it(`${op}: the loop agrees with its table form on every dtype its spec takes`, () => {
      const h = new KernelHarness(options);
      const floats = [-100, -7.5, -3, -2, -1, -0.5, -1e-3, 0, 1e-3, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 7.5, 100];
      const x = h.tensor([...floats, NaN, Infinity, -Infinity], [floats.length + 3]);
      const expected = [...floats, NaN, Infinity, -Infinity].map((v) => Math.fround(UNARY[op].float(Math.fround(v))));
      expect(Array.from(h.run(op, { x }, {}, [floats.length + 3]))).toEqual(expected);
      const int: ((v: number) => number) | null = UNARY[op].int;
      if (int === null || !acceptsDtype(op, 'x', 'int32')) return;
      const ints = [-2147483648, -65536, -300, -7, -2, -1, 0, 1, 2, 3, 6, 7, 65, 46341, 2147483647];
      const xi = h.tensor(ints, [ints.length], 'int32');
      expect(h.values(op, { x: xi }, {}, [ints.length], 'int32')).toEqual(ints.map((v) => int(v) | 0));
    });
  }

  it('keeps NaN through Relu and Sign, as TensorFlow does', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([NaN, -Infinity, Infinity], [3]);
    expect(h.values('Relu', { x }, {}, [3])).toEqual([NaN, 0, Infinity]);
    expect(h.values('Sign', { x }, {}, [3])).toEqual([NaN, -1, 1]);
    expect(h.values('Sigmoid', { x }, {}, [3])).toEqual([NaN, 0, 1]);
  });

  it('saturates Sigmoid without overflow far from zero', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([-1000, -100, 100, 1000], [4]);
    expectClose(h.run('Sigmoid', { x }, {}, [4]), [0, 3.720076e-44, 1, 1], 1e-6);
  });

  it('gives Softplus without overflow or lost digits: x far above 0, eˣ far below, NaN kept', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([NaN, -Infinity, Infinity, -1000, -100, -20, 100, 1000], [8]);
    const out = h.run('Softplus', { x }, {}, [8]);
    expect(Array.from(out.subarray(0, 3))).toEqual([NaN, 0, Infinity]);
    expect(out[3]).toBe(0);
    // e⁻¹⁰⁰ is a float32 subnormal (3.78e-44): log(1 + e⁻¹⁰⁰) would round it away to 0.
    expect(out[4]).toBe(Math.fround(3.720076e-44));
    expect(out[5]).toBe(Math.fround(2.0611537e-9));
    expect(Array.from(out.subarray(6))).toEqual([100, 1000]);
  });

  it('keeps float32 accuracy of Softplus near 0: softplus(0) is ln 2', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([0, -1e-7, 1e-7], [3]);
    expect(Array.from(h.run('Softplus', { x }, {}, [3]))).toEqual([
      Math.fround(Math.LN2),
      Math.fround(Math.LN2 - 5e-8),
      Math.fround(Math.LN2 + 5e-8),
    ]);
  });

  it('works on an odd-sized rank-3 input', () => {
    const h = new KernelHarness(options);
    const values = Array.from({ length: 3 * 1 * 5 }, (_, i) => i - 7);
    const x = h.tensor(values, [3, 1, 5]);
    expect(h.values('Square', { x }, {}, [3, 1, 5])).toEqual(values.map((v) => v * v));
  });

  it('returns an empty array for a size-0 input', () => {
    const h = new KernelHarness(options);
    for (const op of UNARY_KERNELS) {
      const x = h.tensor([], [2, 0]);
      expect(h.values(op, { x }, {}, [2, 0]), op).toEqual([]);
    }
  });
});

describeEachPath('unary int32 and bool kernels', (options) => {
  it('keeps int32 for Abs, Sign, Neg and Square, wrapping like int32', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([-5, 0, 7, -2147483648, 65536], [5], 'int32');
    const run = (op: 'Abs' | 'Sign' | 'Neg' | 'Square') => h.run(op, { x }, {}, [5], 'int32');
    expect(run('Abs')).toEqual(new Int32Array([5, 0, 7, -2147483648, 65536]));
    expect(run('Sign')).toEqual(new Int32Array([-1, 0, 1, -1, 1]));
    expect(run('Neg')).toEqual(new Int32Array([5, 0, -7, -2147483648, -65536]));
    expect(run('Square')).toEqual(new Int32Array([25, 0, 49, 0, 0]));
  });

  it('keeps bool for Abs and Sign', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([1, 0, 1], [3], 'bool');
    expect(h.run('Abs', { x }, {}, [3], 'bool')).toEqual(new Uint8Array([1, 0, 1]));
    expect(h.run('Sign', { x }, {}, [3], 'bool')).toEqual(new Uint8Array([1, 0, 1]));
  });

  it('rejects float-only kernels on int32 and bool', () => {
    const h = new KernelHarness(options);
    const i = h.tensor([1], [1], 'int32');
    const b = h.tensor([1], [1], 'bool');
    expect(() => h.run('Exp', { x: i }, {}, [1], 'int32')).toThrow(InvalidArgumentError);
    expect(() => h.run('Neg', { x: b }, {}, [1], 'bool')).toThrow(/Neg/);
  });
});
