/**
 * @file Reductions, arg-reductions, Softmax and MatMul on WebGPU against the CPU backend: every axis
 * set of a rank-3 tensor with and without keepDims (both the short and the long, workgroup-per-output
 * shaders), empty and size-1 axes, NaN propagation, int32 and bool, a sum above 2^20 elements, and
 * batched matrix products with every transpose pair and broadcast batch dims.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithCpu, registerBoth, runOn, seeded, seededInts, webgpuKernelValues } from './test-utils.js';
import type { TensorWriter } from './test-utils.js';

beforeAll(async () => {
  await registerBoth();
});
afterAll(() => tf.removeBackend('webgpu'));

/** Every subset of [0, rank). */
function axisSets(rank: number): number[][] {
  const sets: number[][] = [];
  for (let mask = 0; mask < 1 << rank; mask++) sets.push([...Array(rank).keys()].filter((d) => mask & (1 << d)));
  return sets;
}

const REDUCTIONS = ['reduceSum', 'reduceMax', 'reduceMin', 'reduceMean'] as const;

describe('reductions', () => {
  for (const op of REDUCTIONS) {
    it(`${op} over every axis set, with and without keepDims`, async () => {
      // [3, 5, 7] gives short reductions; [2, 130, 3] makes axis 1 long enough for the workgroup shader.
      for (const shape of [
        [3, 5, 7],
        [2, 130, 3],
      ]) {
        const size = shape.reduce((a, b) => a * b, 1);
        for (const axes of axisSets(3)) {
          for (const keepDims of [false, true]) {
            await compareWithCpu(
              () => tf[op](tf.tensor(seeded(size, 7), shape), axes, keepDims),
              1e-5,
              `${op} ${JSON.stringify(shape)} ${JSON.stringify(axes)} ${keepDims}`,
            );
          }
        }
      }
    });
  }

  it('reduce int32 exactly (sums wrap) and bool max/min', async () => {
    for (const op of ['reduceSum', 'reduceMax', 'reduceMin'] as const) {
      for (const axes of [[0], [1], [0, 1]]) {
        await compareWithCpu(
          () => tf[op](tf.tensor(seededInts(6 * 200, 3, -1000, 1000), [6, 200], 'int32'), axes),
          0,
          `${op} ${axes.join(',')}`,
        );
      }
    }
    await compareWithCpu(() => tf.reduceSum(tf.tensor([2147483647, 1, 5], undefined, 'int32')), 0, 'wrap');
    // Beyond the contract (float32 and int32): the kernels also take bool, as the CPU backend's do.
    const flags = (t: TensorWriter): { x: tf.TensorInfo } => ({ x: t([1, 0, 0, 0, 1, 1], [2, 3], 'bool') });
    expect(await webgpuKernelValues('Max', flags, { axes: [1] }, { shape: [2], dtype: 'bool' })).toEqual([1, 1]);
    expect(await webgpuKernelValues('Min', flags, { axes: [1] }, { shape: [2], dtype: 'bool' })).toEqual([0, 0]);
    expect(await webgpuKernelValues('Max', flags, { axes: [0] }, { shape: [3], dtype: 'bool' })).toEqual([1, 1, 1]);
    expect(await webgpuKernelValues('Min', flags, { axes: [0, 1] }, { shape: [], dtype: 'bool' })).toEqual([0]);
  });

  it('empty axes give the identities; size-1 and scalar inputs reduce to themselves', async () => {
    for (const op of ['reduceSum', 'reduceMax', 'reduceMin'] as const) {
      await compareWithCpu(() => tf[op](tf.zeros([3, 0]), 1), 0, `${op} empty axis`);
      await compareWithCpu(() => tf[op](tf.zeros([0, 3], 'int32'), 0), 0, `${op} empty int32`);
      await compareWithCpu(() => tf[op](tf.zeros([0, 3]), 1), 0, `${op} empty output`);
      await compareWithCpu(() => tf[op](tf.tensor(seeded(4), [4, 1]), 1), 0, `${op} size-1 axis`);
      await compareWithCpu(() => tf[op](tf.scalar(3.5)), 0, `${op} scalar`);
    }
  });

  it('max and min propagate NaN in both shaders; sums of infinities follow IEEE', async () => {
    const short = [1, NaN, 3, -Infinity, 2, 5];
    const long = seeded(300, 2);
    long[150] = NaN;
    for (const op of ['reduceMax', 'reduceMin', 'reduceSum'] as const) {
      await compareWithCpu(() => tf[op](tf.tensor(short, [2, 3]), 1), 0, op);
      await compareWithCpu(() => tf[op](tf.tensor(long)), 0, `${op} long`);
      await compareWithCpu(
        () => tf[op](tf.tensor([Infinity, 1, 2, Infinity, -Infinity, 1], [2, 3]), 1),
        0,
        `${op} inf`,
      );
    }
  });

  it('sums more than 2^20 elements to float32 accuracy', async () => {
    const n = 1031 * 1019;
    const values = seeded(n, 11, 0, 1);
    const exact = values.reduce((a, b) => a + Math.fround(b), 0);
    const [sum] = await runOn('webgpu', () => tf.reduceSum(tf.tensor(values)));
    expect(Math.abs(sum!.values[0]! - exact) / exact).toBeLessThan(1e-6);
    await compareWithCpu(() => tf.reduceMax(tf.tensor(values).reshape([1031, 1019]), 0), 0, 'max columns');
    await compareWithCpu(() => tf.reduceSum(tf.tensor(values).reshape([1031, 1019]), 1), 1e-5, 'sum rows');
  });
});

describe('argMax, argMin and softmax', () => {
  it('argMax and argMin along every axis, ties to the first, the first NaN wins', async () => {
    for (const op of ['argMax', 'argMin'] as const) {
      for (const axis of [0, 1, 2]) {
        await compareWithCpu(
          () => tf[op](tf.tensor(seededInts(60, axis + 1, -3, 3), [3, 4, 5]), axis),
          0,
          `${op} ${axis}`,
        );
        await compareWithCpu(
          () => tf[op](tf.tensor(seededInts(60, axis + 1, -3, 3), [3, 4, 5], 'int32'), axis),
          0,
          `${op} int32 ${axis}`,
        );
      }
      await compareWithCpu(() => tf[op](tf.tensor([1, NaN, 3, NaN, 2, 2], [6]), 0), 0, `${op} NaN`);
      await compareWithCpu(() => tf[op](tf.zeros([0, 4]), 1), 0, `${op} empty`);
    }
    const flags = (t: TensorWriter): { x: tf.TensorInfo } => ({ x: t([0, 1, 1, 0, 0, 0], [2, 3], 'bool') });
    expect(await webgpuKernelValues('ArgMax', flags, { axis: 1 }, { shape: [2], dtype: 'int32' })).toEqual([1, 0]);
    expect(await webgpuKernelValues('ArgMin', flags, { axis: 1 }, { shape: [2], dtype: 'int32' })).toEqual([0, 0]);
  });

  it('softmax and logSoftmax along every axis, with large values', async () => {
    for (const axis of [0, 1, -1]) {
      await compareWithCpu(() => tf.softmax(tf.tensor(seeded(60, 3, -5, 5), [3, 4, 5]), axis), 1e-6, `softmax ${axis}`);
      await compareWithCpu(
        () => tf.logSoftmax(tf.tensor(seeded(60, 3, -5, 5), [3, 4, 5]), axis),
        1e-5,
        `logSoftmax ${axis}`,
      );
    }
    await compareWithCpu(() => tf.softmax(tf.tensor([1000, 1001, -1000, 0], [2, 2])), 1e-6, 'large');
    await compareWithCpu(() => tf.softmax(tf.tensor(seeded(257 * 3, 4), [3, 257])), 1e-6, 'long rows');
  });
});

describe('matMul', () => {
  it('every transpose pair, odd sizes', async () => {
    for (const [m, k, n] of [
      [1, 1, 1],
      [3, 7, 5],
      [7, 65, 3],
      [33, 17, 65],
    ] as const) {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          await compareWithCpu(
            () =>
              tf.matmul(
                tf.tensor(seeded(m * k, 1), transposeA ? [k, m] : [m, k]),
                tf.tensor(seeded(k * n, 2), transposeB ? [n, k] : [k, n]),
                { transposeA, transposeB },
              ),
            1e-5,
            `${m}x${k}x${n} ${transposeA} ${transposeB}`,
          );
        }
      }
    }
  });

  it('batched, with batch dims broadcast either way', async () => {
    const cases: [number[], number[]][] = [
      [
        [2, 3, 4],
        [2, 4, 5],
      ],
      [
        [2, 3, 4],
        [4, 5],
      ],
      [
        [3, 4],
        [2, 4, 5],
      ],
      [
        [2, 1, 3, 4],
        [1, 3, 4, 2],
      ],
      [
        [0, 3, 4],
        [4, 5],
      ],
    ];
    for (const [aShape, bShape] of cases) {
      const size = (s: number[]): number => s.reduce((x, y) => x * y, 1);
      await compareWithCpu(
        () => tf.matmul(tf.tensor(seeded(size(aShape), 5), aShape), tf.tensor(seeded(size(bShape), 6), bShape)),
        1e-5,
        `${aShape.join(',')} ${bShape.join(',')}`,
      );
      await compareWithCpu(
        () =>
          tf.matmul(
            tf.tensor(seeded(size(aShape), 5), aShape),
            tf
              .tensor(seeded(size(bShape), 6), bShape)
              .transpose([...bShape.keys()].map((d, _, all) => (d < all.length - 2 ? d : 2 * all.length - 3 - d))),
            { transposeB: true },
          ),
        1e-5,
        `${aShape.join(',')} ${bShape.join(',')} transposeB`,
      );
    }
  });

  it('int32 products match exactly; an empty inner dim gives zeros', async () => {
    await compareWithCpu(
      () => tf.matmul(tf.tensor(seededInts(12, 1), [3, 4], 'int32'), tf.tensor(seededInts(8, 2), [4, 2], 'int32')),
      0,
    );
    await compareWithCpu(() => tf.matmul(tf.zeros([3, 0]), tf.zeros([0, 2])), 0);
  });
});
