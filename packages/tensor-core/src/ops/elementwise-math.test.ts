/**
 * @file Tests of the elementwise math and activation ops of issue 12 on the CPU backend: values a
 * formula gets wrong (rounding ties, floormod's sign, divNoNan's zero, erf's tails, overflow-free
 * hyperbolics, NaN kept), the composites against their definitions, the function and the method, and
 * bad input (dtypes, disposed tensors, wrong types, options), each leaving memory as it was.
 */
import '../test-setup.js';
import { describe, expect, it } from 'vitest';
import { memory } from '../api.js';
import { FailedPreconditionError, InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import * as tf from './index.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());

/** Runs `fn`, expects a typed error matching `pattern`, and checks no tensor was left behind. */
function expectCleanError(fn: () => unknown, type: new (...args: never[]) => Error, pattern: RegExp): void {
  const before = memory().numTensors;
  expect(fn).toThrow(type);
  expect(fn).toThrow(pattern);
  expect(memory().numTensors).toBe(before);
}

/** Relative closeness for float32 results of double formulas. */
function expectNear(actual: number[], expected: number[], relative = 2e-6): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => {
    const want = expected[i]!;
    if (!Number.isFinite(want)) expect(v, `element ${i}`).toBe(want);
    else
      expect(Math.abs(v - want), `element ${i}: ${v} vs ${want}`).toBeLessThanOrEqual(
        relative * Math.abs(want) + 1e-30,
      );
  });
}

describe('rounding', () => {
  it('round sends ties to the even neighbour and keeps the sign of a zero (TensorFlow)', () => {
    const out = values(tf.round(tf.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999998, -0.4, 3.7, NaN])));
    expect(out.slice(0, 8)).toEqual([0, 2, 2, -0, -2, -2, 2, -0]);
    expect(Object.is(out[3], -0)).toBe(true);
    expect(Object.is(out[7], -0)).toBe(true);
    expect(out[8]).toBe(4);
    expect(out[9]).toBeNaN();
  });

  it('round keeps int32 as it is; floor and ceil refuse it as TensorFlow does', () => {
    const x = tf.tensor([-3, 7], [2], 'int32');
    const rounded = tf.round(x);
    expect(rounded.dtype).toBe('int32');
    expect(values(rounded)).toEqual([-3, 7]);
    expectCleanError(
      () => tf.floor(x),
      InvalidArgumentError,
      /floor: argument 'x' expected a float32 tensor, but got a int32 tensor/,
    );
    expectCleanError(() => tf.ceil(x), InvalidArgumentError, /ceil: argument 'x' expected a float32 tensor/);
  });

  it('floor and ceil on negative values, -0 and infinities', () => {
    expect(values(tf.floor(tf.tensor([-1.5, -0.2, 0.2, Infinity, -Infinity])))).toEqual([
      -2,
      -1,
      0,
      Infinity,
      -Infinity,
    ]);
    expect(values(tf.ceil(tf.tensor([-1.5, -0.2, 0.2])))).toEqual([-1, -0, 1]);
  });
});

describe('binary math', () => {
  it('floorMod takes the sign of the divisor; floorDiv rounds toward -Infinity (float32 and int32)', () => {
    const a = [7, -7, 7, -7, 7.5, -0.5];
    const b = [3, 3, -3, -3, 2, 2];
    expect(values(tf.floorMod(tf.tensor(a), tf.tensor(b)))).toEqual([1, 2, -2, -1, 1.5, 1.5]);
    expect(values(tf.floorDiv(tf.tensor(a), tf.tensor(b)))).toEqual([2, -3, -3, 2, 3, -1]);
    const ai = tf.tensor(a.slice(0, 4), [4], 'int32');
    const bi = tf.tensor(b.slice(0, 4), [4], 'int32');
    expect(values(tf.floorMod(ai, bi))).toEqual([1, 2, -2, -1]);
    expect(values(tf.floorDiv(ai, bi))).toEqual([2, -3, -3, 2]);
    expect(tf.floorDiv(ai, bi).dtype).toBe('int32');
  });

  it('divNoNan gives 0 wherever the divisor is 0, even for 0/0 and NaN/0', () => {
    expect(values(tf.divNoNan(tf.tensor([1, 0, NaN, 6, -Infinity]), tf.tensor([0, 0, 0, 3, -0])))).toEqual([
      0, 0, 0, 2, 0,
    ]);
  });

  it('atan2 is the angle of (b, a), quadrants and broadcasting included', () => {
    expectNear(values(tf.atan2(tf.tensor([1, 1, -1, -1]), tf.tensor([1, -1, 1, -1]))), [
      Math.PI / 4,
      (3 * Math.PI) / 4,
      -Math.PI / 4,
      (-3 * Math.PI) / 4,
    ]);
    expect(tf.atan2(tf.tensor([[1], [2]]), tf.tensor([1, 2, 3])).shape).toEqual([2, 3]);
  });

  it('squaredDifference broadcasts and wraps int32', () => {
    expect(values(tf.squaredDifference(tf.tensor([1, 2, 3]), 5))).toEqual([16, 9, 4]);
    const big = tf.tensor([65536], [1], 'int32');
    expect(values(tf.squaredDifference(big, tf.tensor([0], [1], 'int32')))).toEqual([0]);
  });
});

describe('unary math', () => {
  it('matches float64 formulas at values worked out by hand', () => {
    const x = [0.5, -0.25];
    expectNear(values(tf.sin(tf.tensor(x))), [0.479425538604203, -0.24740395925452294]);
    expectNear(values(tf.cos(tf.tensor(x))), [0.8775825618903728, 0.9689124217106447]);
    expectNear(values(tf.tan(tf.tensor(x))), [0.5463024898437905, -0.25534192122103627]);
    expectNear(values(tf.asin(tf.tensor(x))), [0.5235987755982989, -0.25268025514207865]);
    expectNear(values(tf.acos(tf.tensor(x))), [1.0471975511965979, 1.8234765819369754]);
    expectNear(values(tf.atan(tf.tensor(x))), [0.4636476090008061, -0.24497866312686414]);
    expectNear(values(tf.sinh(tf.tensor(x))), [0.5210953054937474, -0.25261231680816826]);
    expectNear(values(tf.cosh(tf.tensor(x))), [1.1276259652063807, 1.0314130998795732]);
    expectNear(values(tf.asinh(tf.tensor(x))), [0.48121182505960347, -0.24746646154726346]);
    expectNear(values(tf.acosh(tf.tensor([2, 1]))), [1.3169578969248166, 0]);
    expectNear(values(tf.atanh(tf.tensor(x))), [0.5493061443340549, -0.25541281188299536]);
    expectNear(values(tf.reciprocal(tf.tensor([4, -0.5]))), [0.25, -2]);
    expectNear(values(tf.rsqrt(tf.tensor([4, 0.25]))), [0.5, 2]);
    expectNear(values(tf.log1p(tf.tensor([1e-7, 1]))), [9.999999500000033e-8, Math.LN2]);
    expectNear(values(tf.expm1(tf.tensor([1e-7, 1]))), [1.0000000500000017e-7, Math.E - 1]);
    expectNear(values(tf.softsign(tf.tensor([3, -1]))), [0.75, -0.5]);
  });

  it('erf is odd, tiny near 0 and saturates at ±1 (float32 accuracy across the range)', () => {
    // erf(x) values from Abramowitz & Stegun, table 7.1.
    expectNear(
      values(tf.erf(tf.tensor([0, 1e-6, 0.1, 0.5, 1, 2, 3]))),
      [
        0, 1.1283791670955127e-6, 0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527,
        0.9999779095030014,
      ],
      3e-7,
    );
    expect(values(tf.erf(tf.tensor([-1, 10, -10, Infinity, NaN])))).toEqual([
      Math.fround(-0.8427007929497149),
      1,
      -1,
      1,
      NaN,
    ]);
  });

  it('keeps the domain: NaN outside it, infinities at its edges', () => {
    expect(values(tf.asin(tf.tensor([2, -1.5])))).toEqual([NaN, NaN]);
    expect(values(tf.acosh(tf.tensor([0.5])))).toEqual([NaN]);
    expect(values(tf.atanh(tf.tensor([1, -1, 2])))).toEqual([Infinity, -Infinity, NaN]);
    expect(values(tf.rsqrt(tf.tensor([0, -1])))).toEqual([Infinity, NaN]);
    expect(values(tf.reciprocal(tf.tensor([0, -0])))).toEqual([Infinity, -Infinity]);
    expect(values(tf.log1p(tf.tensor([-1, -2])))).toEqual([-Infinity, NaN]);
  });

  it('does not overflow in the middle of a formula', () => {
    expect(values(tf.sinh(tf.tensor([89, -89])))).toEqual([Math.fround(Math.sinh(89)), Math.fround(-Math.sinh(89))]);
    expect(values(tf.softsign(tf.tensor([1e30, -1e30])))).toEqual([1, -1]);
    expect(values(tf.asinh(tf.tensor([1e30])))).toEqual([Math.fround(Math.asinh(1e30))]);
  });
});

describe('activations', () => {
  it('elu, selu and relu6 follow TensorFlow; relu6 keeps NaN and int32', () => {
    expectNear(values(tf.elu(tf.tensor([-1, 0, 2]))), [Math.expm1(-1), 0, 2]);
    const scale = 1.0507009873554805;
    const alpha = 1.6732632423543772;
    expectNear(values(tf.selu(tf.tensor([-1, 2]))), [scale * alpha * Math.expm1(-1), scale * 2]);
    expect(values(tf.relu6(tf.tensor([-1, 3, 7, NaN])))).toEqual([0, 3, 6, NaN]);
    const ints = tf.relu6(tf.tensor([-5, 4, 9], [3], 'int32'));
    expect(ints.dtype).toBe('int32');
    expect(values(ints)).toEqual([0, 4, 6]);
  });

  it('silu, gelu (exact and tanh) and leakyRelu equal their definitions', () => {
    const x = [-2, -0.5, 0, 0.5, 2];
    const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
    expectNear(
      values(tf.silu(tf.tensor(x))),
      x.map((v) => v * sigmoid(v)),
      1e-6,
    );
    // Φ(v) = (1 + erf(v/√2)) / 2, from the standard normal table.
    const phi = [0.022750131948179195, 0.3085375387259869, 0.5, 0.6914624612740131, 0.9772498680518208];
    expectNear(
      values(tf.gelu(tf.tensor(x))),
      x.map((v, i) => v * phi[i]!),
      1e-6,
    );
    const tanhForm = x.map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))));
    expectNear(values(tf.gelu(tf.tensor(x), { approximate: true })), tanhForm, 1e-6);
    expectNear(values(tf.leakyRelu(tf.tensor(x))), [-0.4, -0.1, 0, 0.5, 2]);
    expectNear(values(tf.leakyRelu(tf.tensor(x), { alpha: 0.5 })), [-1, -0.25, 0, 0.5, 2]);
    expectNear(
      values(
        tf.prelu(
          tf.tensor([
            [-2, 3],
            [-4, 5],
          ]),
          tf.tensor([0.5, 0.25]),
        ),
      ),
      [-1, 3, -2, 5],
    );
  });
});

describe('bool tests and logical ops', () => {
  it('isNan, isInf and isFinite classify every special value', () => {
    const x = tf.tensor([NaN, Infinity, -Infinity, 0, -3.5]);
    expect(tf.isNan(x).dtype).toBe('bool');
    expect(values(tf.isNan(x))).toEqual([1, 0, 0, 0, 0]);
    expect(values(tf.isInf(x))).toEqual([0, 1, 1, 0, 0]);
    expect(values(tf.isFinite(x))).toEqual([0, 0, 0, 1, 1]);
  });

  it('logicalNot, logicalAnd, logicalOr and logicalXor, broadcasting', () => {
    const a = tf.tensor([true, true, false, false]);
    const b = tf.tensor([true, false, true, false]);
    expect(values(tf.logicalNot(a))).toEqual([0, 0, 1, 1]);
    expect(values(tf.logicalAnd(a, b))).toEqual([1, 0, 0, 0]);
    expect(values(tf.logicalOr(a, b))).toEqual([1, 1, 1, 0]);
    expect(values(tf.logicalXor(a, b))).toEqual([0, 1, 1, 0]);
    const column = tf.tensor([[true], [false]]);
    const anded = tf.logicalAnd(column, b);
    expect(anded.shape).toEqual([2, 4]);
    expect(anded.dtype).toBe('bool');
    expect(values(anded)).toEqual([1, 0, 1, 0, 0, 0, 0, 0]);
  });
});

describe('functions and methods agree', () => {
  const unaryNames = [
    'sin',
    'cos',
    'tan',
    'asin',
    'acos',
    'atan',
    'sinh',
    'cosh',
    'asinh',
    'acosh',
    'atanh',
    'floor',
    'ceil',
    'round',
    'reciprocal',
    'rsqrt',
    'log1p',
    'expm1',
    'erf',
    'softsign',
    'elu',
    'selu',
    'relu6',
    'silu',
    'gelu',
    'leakyRelu',
    'isNan',
    'isInf',
    'isFinite',
  ] as const;
  for (const name of unaryNames) {
    it(name, () => {
      const x = tf.tensor([0.25, 0.75]);
      const viaMethod = x[name].call(x);
      const viaFunction = (tf[name] as (t: Tensor) => Tensor)(x);
      expect(values(viaMethod)).toEqual(values(viaFunction));
    });
  }
  const binaryNames = ['atan2', 'floorDiv', 'floorMod', 'squaredDifference', 'divNoNan', 'prelu'] as const;
  for (const name of binaryNames) {
    it(name, () => {
      const x = tf.tensor([-0.25, 0.75]);
      const y = tf.tensor([0.5, 2]);
      expect(values(x[name].call(x, y))).toEqual(values((tf[name] as (a: Tensor, b: Tensor) => Tensor)(x, y)));
    });
  }
  for (const name of ['logicalAnd', 'logicalOr', 'logicalXor'] as const) {
    it(name, () => {
      const a = tf.tensor([true, false]);
      const b = tf.tensor([true, true]);
      expect(values(a[name](b))).toEqual(values(tf[name](a, b)));
    });
  }
  it('logicalNot', () => {
    const a = tf.tensor([true, false]);
    expect(values(a.logicalNot())).toEqual([0, 1]);
  });
});

describe('bad input', () => {
  it('a float-only op refuses int32 and bool, naming the op, the argument and both dtypes', () => {
    const ints = tf.tensor([1, 2], [2], 'int32');
    const bools = tf.tensor([true]);
    const one = tf.tensor([1]);
    expectCleanError(
      () => tf.sin(ints),
      InvalidArgumentError,
      /^sin: argument 'x' expected a float32 tensor, but got a int32 tensor/,
    );
    expectCleanError(
      () => tf.erf(bools),
      InvalidArgumentError,
      /^erf: argument 'x' expected a float32 tensor, but got a bool tensor/,
    );
    expectCleanError(
      () => tf.atan2(ints, ints),
      InvalidArgumentError,
      /^atan2: argument 'a' expected a float32 tensor, but got a int32 tensor/,
    );
    expectCleanError(
      () => tf.divNoNan(ints, ints),
      InvalidArgumentError,
      /^divNoNan: argument 'a' expected a float32 tensor/,
    );
    expectCleanError(
      () => tf.gelu(ints),
      InvalidArgumentError,
      /^gelu: argument 'x' expected a float32 tensor, but got a int32 tensor/,
    );
    expectCleanError(
      () => tf.isNan(ints),
      InvalidArgumentError,
      /^isNan: argument 'x' expected a float32 tensor, but got a int32 tensor/,
    );
    expectCleanError(() => tf.prelu(one, ints), InvalidArgumentError, /^prelu: argument 'b' expected a float32 tensor/);
    expectCleanError(
      () => tf.floorMod(bools, bools),
      InvalidArgumentError,
      /^floorMod: argument 'a' expected a float32 or int32 tensor, but got a bool tensor/,
    );
  });

  it('the logical ops take bool only', () => {
    const floats = tf.tensor([1, 0]);
    const yes = tf.tensor([true]);
    expectCleanError(
      () => tf.logicalNot(floats),
      InvalidArgumentError,
      /^logicalNot: argument 'x' expected a bool tensor, but got a float32 tensor/,
    );
    expectCleanError(
      () => tf.logicalAnd(yes, floats),
      InvalidArgumentError,
      /^logicalAnd: argument 'b' expected a bool tensor, but got a float32 tensor/,
    );
    expectCleanError(
      () => tf.logicalXor(floats, floats),
      InvalidArgumentError,
      /^logicalXor: argument 'a' expected a bool tensor/,
    );
  });

  it('operands of different dtypes or shapes that do not broadcast are named', () => {
    const [float1, int1] = [tf.tensor([1]), tf.tensor([1], [1], 'int32')];
    const [two, three] = [tf.tensor([1, 2]), tf.tensor([1, 2, 3])];
    const [bool2, bool3] = [tf.tensor([true, false]), tf.tensor([true, false, true])];
    expectCleanError(
      () => tf.floorDiv(float1, int1),
      InvalidArgumentError,
      /^floorDiv: argument 'b' expected dtype float32/,
    );
    expectCleanError(
      () => tf.squaredDifference(two, three),
      InvalidArgumentError,
      /^squaredDifference: .*\[2\].*\[3\]/,
    );
    expectCleanError(() => tf.logicalOr(bool2, bool3), InvalidArgumentError, /^logicalOr: .*\[2\].*\[3\]/);
  });

  it('a disposed tensor and a wrong-typed operand are refused', () => {
    const x = tf.tensor([1]);
    const live = tf.tensor([1]);
    x.dispose();
    expectCleanError(() => tf.sin(x), FailedPreconditionError, /^sin: argument 'x' is a disposed tensor/);
    expectCleanError(() => tf.silu(x), FailedPreconditionError, /^silu: argument 'x' is a disposed tensor/);
    expectCleanError(() => tf.atan2(live, x), FailedPreconditionError, /^atan2: argument 'b' is a disposed tensor/);
    expectCleanError(
      () => tf.cosh('1' as unknown as Tensor),
      InvalidArgumentError,
      /^cosh: argument 'x' expected a Tensor/,
    );
    expectCleanError(
      () => tf.logicalNot({} as unknown as Tensor),
      InvalidArgumentError,
      /^logicalNot: argument 'x' expected a Tensor/,
    );
  });

  it('options are checked: unknown keys, wrong types, a non-finite alpha', () => {
    const x = tf.tensor([1]);
    expectCleanError(
      () => tf.gelu(x, { approximat: true } as never),
      InvalidArgumentError,
      /^gelu: argument 'options' .*did you mean 'approximate'.*unknown key 'approximat'/,
    );
    expectCleanError(
      () => tf.gelu(x, { approximate: 'yes' } as never),
      InvalidArgumentError,
      /^gelu: .*approximate.*boolean/,
    );
    expectCleanError(
      () => tf.leakyRelu(x, { alpha: '0.1' } as never),
      InvalidArgumentError,
      /^leakyRelu: .*alpha.*number/,
    );
    expectCleanError(
      () => tf.leakyRelu(x, { alpha: NaN }),
      InvalidArgumentError,
      /^leakyRelu: argument 'options.alpha' expected a number, but got number NaN/,
    );
    expectCleanError(
      () => tf.leakyRelu(x, { alpha: Infinity }),
      InvalidArgumentError,
      /^leakyRelu: argument 'options.alpha' expected a finite number, but got Infinity/,
    );
    expectCleanError(
      () => tf.leakyRelu(x, 0.3 as never),
      InvalidArgumentError,
      /^leakyRelu: argument 'options' expected an options object, but got number 0.3/,
    );
  });
});
