/**
 * @file The elementwise kernels on WebGPU against the CPU backend: every unary, binary and comparison
 * kernel on every dtype it takes, broadcasting both ways, scalars, odd sizes, empty tensors, the values
 * where WGSL and JavaScript part ways (NaN, ±Infinity, ±0, int32 wrap-around, float → int32 past 2^31),
 * Select and Cast.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareKernel, compareWithCpu, registerBoth, runOn, seeded, seededInts } from './test-utils.js';

beforeAll(async () => {
  await registerBoth();
});
afterAll(() => tf.removeBackend('webgpu'));

/** Values where float32 math is easy to get wrong. */
const SPECIAL = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  2,
  -3,
  1e-4,
  -1e-4,
  20,
  -20,
  100,
  -100,
  1e30,
  -1e30,
  Infinity,
  -Infinity,
  NaN,
];

/** The dtypes a kernel may take; each kernel is tested on those its spec accepts (`acceptsDtype`). */
const DTYPES = ['float32', 'int32', 'bool'] as const;
type TestDtype = (typeof DTYPES)[number];

/** Values where each dtype's math is easy to get wrong (int32: wrap-around at ±2^31). */
const SPECIAL_BY_DTYPE: Readonly<Record<TestDtype, readonly number[]>> = {
  float32: SPECIAL,
  int32: [0, 1, -1, 7, -7, 46341, 65536, 2147483647, -2147483648],
  bool: [1, 0, 0, 1],
};

/** `count` deterministic values of `dtype` in [lo, hi). */
function valuesOf(dtype: TestDtype, count: number, seed: number, lo = -5, hi = 5): number[] {
  if (dtype === 'float32') return seeded(count, seed, lo, hi);
  if (dtype === 'int32') return seededInts(count, seed, Math.ceil(lo), Math.ceil(hi));
  return seeded(count, seed).map((v) => (v > 0 ? 1 : 0));
}

/** NumPy broadcasting of two shapes (the test cases' shapes always broadcast). */
function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    return x === 1 ? y : x;
  });
}

/** float32 within 2e-6 of the CPU (relative), integers and bools exactly. */
const toleranceOf = (dtype: TestDtype): number => (dtype === 'float32' ? 2e-6 : 0);

// Every unary kernel of the spec, on every dtype its spec accepts: a kernel added to op-specs.ts is
// compared with the CPU here without an edit.
describe('unary kernels', () => {
  for (const kernel of tf.UNARY_KERNELS) {
    for (const dtype of DTYPES.filter((d) => tf.acceptsDtype(kernel, 'x', d))) {
      it(`${kernel} on ${dtype}: special values, odd sizes and empty tensors`, async () => {
        const run = (values: readonly number[], shape: readonly number[], label: string): Promise<void> =>
          compareKernel(
            kernel,
            (t) => ({ x: t(values, shape, dtype) }),
            {},
            { shape, dtype },
            toleranceOf(dtype),
            `${kernel} ${dtype} ${label}`,
          );
        // A trigonometric kernel is held to float32 accuracy only below its spec's `accurateBelow`.
        const limit = tf.unaryDefinition(kernel).accurateBelow ?? Infinity;
        const special = SPECIAL_BY_DTYPE[dtype].filter((v) => !(Math.abs(v) >= limit) || !Number.isFinite(v));
        await run(special, [special.length], 'special values');
        for (const n of [1, 3, 7, 65, 257]) await run(valuesOf(dtype, n, n), [n], `n=${n}`);
        await run(valuesOf(dtype, 6, 1), [2, 3], '[2,3]');
        await run([], [0, 3], 'empty');
      });
    }
  }

  it('tanh and sigmoid keep their relative accuracy near 0 and saturate far from it', async () => {
    const [near] = await runOn('webgpu', () => tf.tanh(tf.tensor([1e-4, -1e-4, 1e-6, 0.1, 0.2])));
    near!.values.forEach((v, i) => {
      const x = [1e-4, -1e-4, 1e-6, 0.1, 0.2][i]!;
      expect(Math.abs(v - Math.tanh(x)) / Math.abs(Math.tanh(x))).toBeLessThan(1e-6);
    });
    const [far] = await runOn('webgpu', () =>
      tf.concat([tf.tensor([-200, 200]).tanh(), tf.tensor([-200, 200]).sigmoid()]),
    );
    expect(far!.values).toEqual([-1, 1, 0, 1]);
  });

  it('softplus keeps its relative accuracy far below 0 and near 0, and gives x far above it', async () => {
    const inputs = [-80, -30, -17, -10, -3, -1e-3, 0, 1e-3, 0.5];
    const [small] = await runOn('webgpu', () => tf.softplus(tf.tensor(inputs)));
    small!.values.forEach((v, i) => {
      const expected = Math.log1p(Math.exp(inputs[i]!));
      expect(Math.abs(v - expected) / expected, `softplus(${inputs[i]})`).toBeLessThan(2e-6);
    });
    const [edges] = await runOn('webgpu', () => tf.softplus(tf.tensor([100, 1000, Infinity, -Infinity, NaN])));
    expect(edges!.values).toEqual([100, 1000, Infinity, 0, NaN]);
  });
});

describe('elementwise math and activations (issue 12)', () => {
  it('the composites (silu, gelu, leakyRelu, prelu, isNan, isInf, isFinite, logical ops) agree with the CPU', async () => {
    const x = [-3, -1, -0.5, -1e-4, 0, 1e-4, 0.5, 1, 3, 20, -20, NaN, Infinity, -Infinity];
    await compareWithCpu(() => {
      const t = tf.tensor(x);
      return [
        tf.silu(t),
        tf.gelu(t),
        tf.gelu(t, { approximate: true }),
        tf.leakyRelu(t),
        tf.prelu(tf.reshape(t, [7, 2]), tf.tensor([0.1, 0.3])),
        tf.isNan(t),
        tf.isInf(t),
        tf.isFinite(t),
      ];
    }, 2e-6);
    await compareWithCpu(() => {
      const a = tf.tensor([true, true, false, false]);
      const b = tf.tensor([true, false, true, false]);
      return [tf.logicalNot(a), tf.logicalAnd(a, b), tf.logicalOr(a, b), tf.logicalXor(tf.reshape(a, [4, 1]), b)];
    }, 0);
  });

  it('keeps relative accuracy near 0 where a textbook formula cancels, and the sign of -0 from round', async () => {
    const small = [1e-6, -1e-6, 1e-4, -3e-3, 0.1];
    const [sinh, asinh, atanh, log1p, expm1, sin, tan, erf] = await runOn('webgpu', () => {
      const t = tf.tensor(small);
      return [tf.sinh(t), tf.asinh(t), tf.atanh(t), tf.log1p(t), tf.expm1(t), tf.sin(t), tf.tan(t), tf.erf(t)];
    });
    const references: [string, { values: readonly number[] } | undefined, (v: number) => number][] = [
      ['sinh', sinh, Math.sinh],
      ['asinh', asinh, Math.asinh],
      ['atanh', atanh, Math.atanh],
      ['log1p', log1p, Math.log1p],
      ['expm1', expm1, Math.expm1],
      ['sin', sin, Math.sin],
      ['tan', tan, Math.tan],
      // erf(x) = 2x/√π (1 - x²/3 + ...) near 0.
      ['erf', erf, (v) => (2 / Math.sqrt(Math.PI)) * v * (1 - (v * v) / 3 + v ** 4 / 10)],
    ];
    for (const [name, result, f] of references) {
      result!.values.forEach((v, i) => {
        const want = f(small[i]!);
        expect(Math.abs(v - want) / Math.abs(want), `${name}(${small[i]})`).toBeLessThan(2e-6);
      });
    }
    const [rounded] = await runOn('webgpu', () => tf.round(tf.tensor([-0.4, 0.5, 1.5, 2.5, -2.5])));
    expect(rounded!.values.map((v) => (Object.is(v, -0) ? '-0' : v))).toEqual(['-0', 0, 2, 2, -2]);
  });
});

/** Element pairs for each dtype: float32 every special value against every other; int32 wrap-around pairs. */
function specialPairsOf(dtype: TestDtype): [number[], number[]] {
  if (dtype === 'float32') return [SPECIAL.flatMap((x) => SPECIAL.map(() => x)), SPECIAL.flatMap(() => SPECIAL)];
  if (dtype === 'int32')
    return [
      [0, 1, -1, 7, -7, 65536, 2147483647, -2147483648, 3, -3],
      [5, -1, 2, 3, 0, 65536, 1, -1, -2, 4],
    ];
  return [
    [0, 0, 1, 1],
    [0, 1, 0, 1],
  ];
}

/** Shape pairs that broadcast both ways, with scalars, odd sizes and an empty tensor. */
const BROADCAST_CASES: readonly (readonly [number[], number[]])[] = [
  [
    [3, 1],
    [1, 4],
  ],
  [[2, 3, 4], [4]],
  [[4], [2, 3, 4]],
  [[], [7]],
  [[65], []],
  [
    [2, 1, 3],
    [5, 1],
  ],
  [[257], [257]],
  [[0, 3], [3]],
];

// Every binary kernel of the spec, on every dtype its spec accepts (see 'unary kernels').
describe('binary kernels', () => {
  for (const kernel of tf.BINARY_KERNELS) {
    for (const dtype of DTYPES.filter((d) => tf.acceptsDtype(kernel, 'a', d))) {
      const run = (
        a: readonly number[],
        aShape: readonly number[],
        b: readonly number[],
        bShape: readonly number[],
        label: string,
      ): Promise<void> =>
        compareKernel(
          kernel,
          (t) => ({ a: t(a, aShape, dtype), b: t(b, bShape, dtype) }),
          {},
          { shape: broadcastShapes(aShape, bShape), dtype },
          toleranceOf(dtype),
          `${kernel} ${dtype} ${label}`,
        );

      it(`${kernel} on ${dtype}: special values against each other`, async () => {
        const [a, b] = specialPairsOf(dtype);
        await run(a, [a.length], b, [b.length], 'special values');
      });

      it(`${kernel} on ${dtype} broadcasts both ways, with scalars and odd sizes`, async () => {
        // Pow on float32 keeps its base positive (a negative base to a fractional power is NaN on both).
        const lo = kernel === 'Pow' && dtype === 'float32' ? 0.1 : -3;
        for (const [aShape, bShape] of BROADCAST_CASES) {
          const aSize = aShape.reduce((x, y) => x * y, 1);
          const bSize = bShape.reduce((x, y) => x * y, 1);
          await run(
            valuesOf(dtype, aSize, 3, lo, 3),
            aShape,
            valuesOf(dtype, bSize, 5, lo, 3),
            bShape,
            `${JSON.stringify(aShape)} ${JSON.stringify(bShape)}`,
          );
        }
      });
    }
  }

  it("pow gives exact small integer powers and C pow's special cases", async () => {
    const [result] = await runOn('webgpu', () =>
      tf.pow(
        tf.tensor([4, 3, -2, -2, 2, 1, NaN, -1, 0, 0, -0]),
        tf.tensor([2, 3, 3, 0.5, -2, NaN, 0, Infinity, -1, 0, -1]),
      ),
    );
    expect(result!.values).toEqual([16, 27, -8, NaN, 0.25, 1, 1, 1, Infinity, 1, -Infinity]);
  });

  it('int32 division by kernel truncates and gives 0 for a zero divisor, like the CPU backend', async () => {
    const backend = tf.getEngine().backend;
    const a = {
      dataId: backend.write(new Int32Array([7, -7, 7, 5, -2147483648]), [5], 'int32'),
      shape: [5],
      dtype: 'int32',
    } as const;
    const b = {
      dataId: backend.write(new Int32Array([2, 2, 0, -1, -1]), [5], 'int32'),
      shape: [5],
      dtype: 'int32',
    } as const;
    const out = backend.kernels.RealDiv({ inputs: { a, b }, attrs: {}, output: { shape: [5], dtype: 'int32' } });
    expect(Array.from(await backend.read(out))).toEqual([3, -3, 0, -5, -2147483648]);
    for (const id of [a.dataId, b.dataId, out]) backend.disposeData(id);
  });
});

describe('comparisons, Select and Cast', () => {
  const COMPARISONS = ['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual'] as const;
  for (const op of COMPARISONS) {
    it(`${op} on every dtype, NaN and broadcasting`, async () => {
      const a = SPECIAL.flatMap((x) => SPECIAL.map(() => x));
      const b = SPECIAL.flatMap(() => SPECIAL);
      await compareWithCpu(() => tf[op](tf.tensor(a), tf.tensor(b)), 0, `${op} float32`);
      await compareWithCpu(
        () => tf[op](tf.tensor(seededInts(12, 4, -2, 2), [3, 4], 'int32'), tf.tensor([0, 1, -1, 0], [4], 'int32')),
        0,
        `${op} int32`,
      );
      await compareWithCpu(
        () => tf[op](tf.tensor([true, false, true], [3, 1], 'bool'), tf.tensor([false, true], [1, 2], 'bool')),
        0,
        `${op} bool`,
      );
    });
  }

  it('where broadcasts condition, a and b, on every dtype', async () => {
    const condition = (): tf.Tensor => tf.tensor([true, false, false, true, true, false], [2, 3, 1], 'bool');
    await compareWithCpu(() => tf.where(condition(), tf.tensor(seeded(4), [4]), tf.scalar(-1)));
    await compareWithCpu(() =>
      tf.where(condition(), tf.tensor([1, 2, 3], [3, 1], 'int32'), tf.tensor([7], [1], 'int32')),
    );
    await compareWithCpu(() =>
      tf.where(
        tf.tensor([true, false], [2], 'bool'),
        tf.tensor([true, true], [2], 'bool'),
        tf.tensor([false, false], [2], 'bool'),
      ),
    );
  });

  it('cast between every pair of dtypes, with JavaScript ToInt32 wrapping past 2^31', async () => {
    const floats = [0, -0, 1.7, -1.7, 2.5, -2.5, 1e9, 3e9, -3e9, 2147483648, 5e10, 1e20, Infinity, -Infinity, NaN, 0.1];
    const dtypes = ['float32', 'int32', 'bool'] as const;
    for (const from of dtypes) {
      for (const to of dtypes) {
        const values =
          from === 'float32' ? floats : from === 'int32' ? [0, 1, -1, 7, 2147483647, -2147483648] : [1, 0, 1];
        await compareWithCpu(() => tf.cast(tf.tensor(values, undefined, from), to), 0, `${from} → ${to}`);
      }
    }
  });

  it('clipByValue (Maximum then Minimum) matches', async () => {
    await compareWithCpu(() => tf.clipByValue(tf.tensor(seeded(65, 2, -4, 4)), -1, 1.5));
  });
});
