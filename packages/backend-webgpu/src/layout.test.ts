/**
 * @file Data-movement, indexing and creation kernels on WebGPU against the CPU backend: Transpose
 * (every permutation), Slice at the edges, Concat (any axis, empty parts, many inputs), Gather,
 * BroadcastTo, OneHot, UnsortedSegmentSum, Fill and Range, on every dtype they take.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { compareKernel, compareWithCpu, registerBoth, seeded, seededInts } from './test-utils.js';

beforeAll(async () => {
  await registerBoth();
});
afterAll(() => tf.removeBackend('webgpu'));

function permutations(items: readonly number[]): number[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

const DTYPE_VALUES = {
  float32: (n: number) => seeded(n, 4),
  int32: (n: number) => seededInts(n, 4),
  bool: (n: number) => seededInts(n, 4, 0, 2),
} as const;

describe('Transpose, Slice, BroadcastTo', () => {
  it('transposes with every permutation of rank 3 and 4, on every dtype', async () => {
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      for (const perm of permutations([0, 1, 2])) {
        await compareWithCpu(
          () => tf.transpose(tf.tensor(DTYPE_VALUES[dtype](105), [3, 5, 7], dtype), perm),
          0,
          `${dtype} ${perm.join(',')}`,
        );
      }
    }
    for (const perm of permutations([0, 1, 2, 3]).filter((_, i) => i % 5 === 0)) {
      await compareWithCpu(() => tf.transpose(tf.tensor(seeded(120), [2, 3, 4, 5]), perm), 0, perm.join(','));
    }
    await compareWithCpu(() => tf.transpose(tf.tensor(seeded(6), [1, 6, 1])), 0, 'size-1 dims');
    await compareWithCpu(() => tf.transpose(tf.zeros([0, 3])), 0, 'empty');
  });

  it('slices boxes at every edge', async () => {
    const x = (): tf.Tensor => tf.tensor(seeded(60), [3, 4, 5]);
    const boxes: [number[], number[]][] = [
      [
        [0, 0, 0],
        [3, 4, 5],
      ],
      [
        [0, 0, 0],
        [1, 1, 1],
      ],
      [
        [2, 3, 4],
        [1, 1, 1],
      ],
      [
        [1, 0, 2],
        [2, 4, 3],
      ],
      [
        [0, 1, 0],
        [3, 2, 5],
      ],
      [
        [1, 2, 3],
        [0, 2, 2],
      ],
      [
        [0, 0, 4],
        [3, 4, 1],
      ],
    ];
    for (const [begin, size] of boxes)
      await compareWithCpu(() => tf.slice(x(), begin, size), 0, `${begin.join(',')} ${size.join(',')}`);
    await compareWithCpu(() => tf.slice(tf.tensor(seededInts(7), [7], 'int32'), 2, 5), 0, 'int32');
    await compareWithCpu(() => tf.slice(tf.tensor([1, 0, 1, 1], [4], 'bool'), 1, 2), 0, 'bool');
  });

  it('broadcasts to larger shapes on every dtype', async () => {
    await compareWithCpu(() => tf.broadcastTo(tf.tensor(seeded(3), [3, 1]), [2, 3, 4]));
    await compareWithCpu(() => tf.broadcastTo(tf.scalar(7, 'int32'), [65]));
    await compareWithCpu(() => tf.broadcastTo(tf.tensor([1, 0], [2], 'bool'), [3, 2]));
    await compareWithCpu(() => tf.broadcastTo(tf.tensor(seeded(4), [4]), [0, 4]));
  });
});

describe('Concat and Gather', () => {
  it('concatenates along every axis, with empty parts, many parts, every dtype', async () => {
    for (const axis of [0, 1, 2]) {
      await compareWithCpu(
        () => {
          const shape = (d: number): number[] => [2, 3, 4].map((s, i) => (i === axis ? d : s));
          return tf.concat(
            [
              tf.tensor(seeded(24), shape(axis === 0 ? 2 : axis === 1 ? 3 : 4)),
              tf.zeros(shape(0)),
              tf.tensor(seeded(2 * 3 * 4, 8), shape([2, 3, 4][axis]!)),
            ],
            axis,
          );
        },
        0,
        `axis ${axis}`,
      );
    }
    await compareWithCpu(
      () => tf.concat(Array.from({ length: 9 }, (_, i) => tf.tensor(seededInts(i + 1, i), [i + 1], 'int32'))),
      0,
      'many',
    );
    await compareWithCpu(
      () => tf.concat([tf.tensor([1, 0], [1, 2], 'bool'), tf.tensor([0, 1, 1, 1], [2, 2], 'bool')]),
      0,
      'bool',
    );
    await compareWithCpu(() => tf.concat([tf.zeros([0, 2]), tf.zeros([0, 2])]), 0, 'all empty');
  });

  it('gathers along every axis, repeated and empty indices, every dtype', async () => {
    for (const axis of [0, 1, 2]) {
      const size = [3, 4, 5][axis]!;
      await compareWithCpu(
        () => tf.gather(tf.tensor(seeded(60), [3, 4, 5]), tf.tensor([size - 1, 0, 1, 0], [2, 2], 'int32'), axis),
        0,
        `axis ${axis}`,
      );
    }
    await compareWithCpu(() => tf.gather(tf.tensor(seededInts(12), [6, 2], 'int32'), [5, 5, 0]), 0, 'int32');
    await compareWithCpu(() => tf.gather(tf.tensor([1, 0, 1], [3], 'bool'), [2, 1]), 0, 'bool');
    await compareWithCpu(() => tf.gather(tf.tensor(seeded(6), [3, 2]), tf.tensor([], [0], 'int32')), 0, 'empty');
  });
});

describe('OneHot, UnsortedSegmentSum, Fill, Range', () => {
  it('one-hot with out-of-range indices, on/off values and every dtype', async () => {
    const indices = (): tf.Tensor => tf.tensor([0, 2, -1, 3, 1, 7], [2, 3], 'int32');
    await compareWithCpu(() => tf.oneHot(indices(), 4));
    await compareWithCpu(() => tf.oneHot(indices(), 3, { onValue: 5, offValue: -2, dtype: 'int32' }));
    await compareWithCpu(() => tf.oneHot(indices(), 3, { onValue: 1.5, offValue: 0.25 }));
    await compareWithCpu(() => tf.oneHot(indices(), 2, { dtype: 'bool' }));
  });

  it('sums segments, dropping out-of-range ids, adding repeats', async () => {
    await compareWithCpu(
      () => tf.unsortedSegmentSum(tf.tensor(seeded(12), [4, 3]), tf.tensor([1, 3, 1, -1], [4], 'int32'), 4),
      1e-6,
    );
    await compareWithCpu(
      () =>
        tf.unsortedSegmentSum(
          tf.tensor(seededInts(12), [2, 2, 3], 'int32'),
          tf.tensor([0, 0, 2, 5], [2, 2], 'int32'),
          3,
        ),
      0,
    );
    await compareWithCpu(
      () => tf.unsortedSegmentSum(tf.tensor(seeded(3), [3]), tf.tensor([0, 0, 0], [3], 'int32'), 2),
      1e-6,
    );
    await compareKernel(
      'UnsortedSegmentSum',
      (t) => ({ data: t([], [0, 2]), segmentIds: t([], [0], 'int32') }),
      { numSegments: 2 },
      { shape: [2, 2], dtype: 'float32' },
    );
  });

  it('fills every dtype with converted values', async () => {
    await compareWithCpu(() => [tf.fill([2, 3], 1.5), tf.fill([65], NaN), tf.fill([3], -Infinity), tf.fill([0, 2], 4)]);
    await compareWithCpu(() => [tf.fill([3], 2, 'bool'), tf.fill([3], 0, 'bool')]);
    // The front-end refuses a non-integral or out-of-range int32 fill; the kernels still convert alike.
    await compareKernel('Fill', () => ({}), { value: 7.9 }, { shape: [4], dtype: 'int32' });
    await compareKernel('Fill', () => ({}), { value: -3e9 }, { shape: [2], dtype: 'int32' });
    await compareWithCpu(() => [
      tf.zeros([3, 3]),
      tf.ones([7], 'int32'),
      tf.eye(4),
      tf.zerosLike(tf.tensor([1, 0], [2], 'bool')),
    ]);
  });

  it('ranges forward, backward, with fractions, and on int32', async () => {
    await compareWithCpu(
      () => [tf.range(0, 10), tf.range(5, -5, -1.5), tf.range(0.1, 1, 0.1), tf.range(0, 0), tf.linspace(-1, 1, 65)],
      1e-6,
    );
    await compareWithCpu(() => [tf.range(3, 100, 7, 'int32'), tf.range(10, 0, -3, 'int32')], 0);
    await compareKernel('Range', () => ({}), { start: 0.5, step: 1 }, { shape: [4], dtype: 'int32' });
    await compareKernel('Range', () => ({}), { start: 2147483640, step: 3 }, { shape: [5], dtype: 'int32' });
    await compareKernel('Range', () => ({}), { start: -1, step: 1 }, { shape: [3], dtype: 'bool' });
  });

  it('pad (the PadV2 kernel) matches', async () => {
    await compareWithCpu(() =>
      tf.pad(
        tf.tensor(seeded(6), [2, 3]),
        [
          [1, 2],
          [0, 1],
        ],
        -1,
      ),
    );
  });
});
