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

const UNARY = ['neg', 'abs', 'sign', 'square', 'sqrt', 'exp', 'log', 'relu', 'sigmoid', 'tanh', 'softplus'] as const;

describe('unary kernels', () => {
  for (const op of UNARY) {
    it(`${op} on float32: special values and odd sizes`, async () => {
      await compareWithCpu(() => tf[op](tf.tensor(SPECIAL)), 2e-6, op);
      for (const n of [1, 3, 7, 65, 257])
        await compareWithCpu(() => tf[op](tf.tensor(seeded(n, n, -5, 5))), 2e-6, `${op} n=${n}`);
      await compareWithCpu(() => tf[op](tf.tensor(seeded(6), [2, 3]).transpose()), 2e-6, `${op} transposed`);
      await compareWithCpu(() => tf[op](tf.zeros([0, 3])), 0, `${op} empty`);
    });
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

  for (const op of ['Neg', 'Abs', 'Sign', 'Square', 'Relu'] as const) {
    it(`${op} on int32 keeps the dtype and wraps like int32`, async () => {
      const values = [0, 1, -1, 7, -7, 46341, 2147483647, -2147483648];
      await compareKernel(op, (t) => ({ x: t(values, [8], 'int32') }), {}, { shape: [8], dtype: 'int32' });
    });
  }
});

const BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const;

describe('binary kernels', () => {
  for (const op of BINARY) {
    it(`${op} on float32: special values against each other`, async () => {
      const a = SPECIAL.flatMap((x) => SPECIAL.map(() => x));
      const b = SPECIAL.flatMap(() => SPECIAL);
      await compareWithCpu(() => tf[op](tf.tensor(a), tf.tensor(b)), 2e-6, op);
    });

    it(`${op} broadcasts both ways, with scalars and odd sizes`, async () => {
      const lo = op === 'pow' ? 0.1 : -3;
      const cases: [number[], number[]][] = [
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
      for (const [aShape, bShape] of cases) {
        const aSize = aShape.reduce((x, y) => x * y, 1);
        const bSize = bShape.reduce((x, y) => x * y, 1);
        await compareWithCpu(
          () => tf[op](tf.tensor(seeded(aSize, 3, lo, 3), aShape), tf.tensor(seeded(bSize, 5, lo, 3), bShape)),
          2e-6,
          `${op} ${JSON.stringify(aShape)} ${JSON.stringify(bShape)}`,
        );
      }
    });
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

  for (const op of ['add', 'sub', 'mul', 'pow', 'maximum', 'minimum'] as const) {
    it(`${op} on int32 matches exactly (wrapping)`, async () => {
      const a = [0, 1, -1, 7, -7, 65536, 2147483647, -2147483648, 3, -3];
      const b = [5, -1, 2, 3, 0, 65536, 1, -1, -2, 4];
      await compareWithCpu(() => tf[op](tf.tensor(a, undefined, 'int32'), tf.tensor(b, undefined, 'int32')), 0, op);
      await compareWithCpu(
        () => tf[op](tf.tensor(seededInts(12, 9), [3, 4], 'int32'), tf.tensor(seededInts(4, 2, 0, 5), [4], 'int32')),
        0,
        `${op} broadcast`,
      );
    });
  }

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
