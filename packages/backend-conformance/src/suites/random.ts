/**
 * @file Checks that seeded random numbers are the same on the backend as on the CPU: the stateless
 * `random.statelessNormal` / `statelessUniform`, and `random.normal` / `uniform` (float32 and int32)
 * with op seeds after `random.setSeed` (stateful draws continue a sequence per seed, so each run starts
 * it over), used directly and through a kernel. The suite leaves the global seed set.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { Tensor } from '@tapeflow/tensor-core/internal';
import type { ConformanceCase, ConformanceEnvironment, ConformanceGroup } from '../case.js';
import { compareValues } from '../compare.js';

/** Seeded random tensors, some through a kernel, in a fixed order. */
function draw(): Tensor[] {
  tf.random.setSeed(20261126);
  return [
    tf.random.statelessNormal([7, 65], [42, 1]),
    tf.random.statelessUniform([65], [3, 4], { minval: -5, maxval: 5, dtype: 'int32' }),
    tf.random.normal([7, 65], { seed: 42 }),
    tf.random.normal([5], { seed: 42 }),
    tf.random.normal([257], { seed: 1, mean: 3, stddev: 0.5 }),
    tf.random.uniform([3, 7], { seed: 7, minval: -2, maxval: 3 }),
    tf.random.uniform([65], { seed: 3, minval: -5, maxval: 5, dtype: 'int32' }),
    tf.mul(tf.random.uniform([257], { seed: 11 }), 2),
  ];
}

async function read(): Promise<{ dtype: string; shape: number[]; values: number[] }[]> {
  const tensors = tf.tidy(draw);
  try {
    const values = await Promise.all(tensors.map((t) => t.data()));
    return tensors.map((t, i) => ({ dtype: t.dtype, shape: t.shape.slice(), values: Array.from(values[i]!) }));
  } finally {
    for (const t of tensors) t.dispose();
  }
}

async function compareWithCpu(env: ConformanceEnvironment): Promise<void> {
  const actual = await read();
  const again = await read();
  const expected = await env.onReference(read);
  const problems: string[] = [];
  expected.forEach((want, i) => {
    const got = actual[i]!;
    const label = `random draw ${i} (${want.dtype} [${want.shape.join(',')}])`;
    if (got.dtype !== want.dtype || got.shape.join() !== want.shape.join()) {
      problems.push(`${label}: got ${got.dtype} [${got.shape.join(',')}]`);
      return;
    }
    const mismatch = compareValues(got.values, want.values, {
      exact: want.dtype !== 'float32',
      tolerance: env.tolerance,
      shape: want.shape,
    });
    if (mismatch !== null) problems.push(`${label} differs from the CPU's: ${mismatch}`);
    if (compareValues(again[i]!.values, got.values, { exact: true }) !== null)
      problems.push(`${label}: the same seed gave other numbers on a second draw`);
  });
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

const cases: ConformanceCase[] = [
  {
    name: 'random.normal and random.uniform with a seed give the CPU backend’s numbers, twice',
    kernels: ['Mul'],
    run: compareWithCpu,
  },
];

/** The seeded random checks. */
export const randomGroup: ConformanceGroup = { name: 'seeded random', cases };
