/**
 * @file Checks of MatMul: odd and degenerate sizes, all four transpose combinations, batches, batch
 * dims that broadcast (either side, across ranks), int32, and k = 0 (a zero matrix) and m = 0. Float
 * tolerances are relative to |A|·|B|, the scale of any accumulation order's rounding error.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { ConformanceCase, ConformanceGroup, OutputCheck } from '../case.js';
import { checkOutputs, toTensor } from '../case.js';
import { matMul } from '../reference/linalg.js';
import { uniformInput } from './inputs.js';
import { formatShape } from './shapes.js';

interface MatMulShape {
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

function matMulCheck(
  { a: aShape, b: bShape, transposeA = false, transposeB = false }: MatMulShape,
  dtype: 'float32' | 'int32' = 'float32',
): OutputCheck {
  const flags = `${transposeA ? ' transposeA' : ''}${transposeB ? ' transposeB' : ''}`;
  const label = `MatMul ${dtype} ${formatShape(aShape)} · ${formatShape(bShape)}${flags}`;
  const [lo, hi] = dtype === 'int32' ? [-20, 20] : [-1, 1];
  const a = uniformInput(`${label}/a`, aShape, lo, hi, dtype);
  const b = uniformInput(`${label}/b`, bShape, lo, hi, dtype);
  return {
    label,
    build: () => tf.matmul(toTensor(a), toTensor(b), { transposeA, transposeB }),
    expected: matMul(a, b, { transposeA, transposeB }),
    ...(dtype === 'float32' ? { scale: matMul(a, b, { transposeA, transposeB, magnitude: true }).values } : {}),
  };
}

const cases: ConformanceCase[] = [
  {
    name: 'MatMul float32: odd and degenerate sizes (1, 3, 7, 65, 257)',
    kernels: ['MatMul'],
    run: (env) =>
      checkOutputs(
        env,
        [
          { a: [1, 1], b: [1, 1] },
          { a: [3, 7], b: [7, 5] },
          { a: [1, 257], b: [257, 1] },
          { a: [257, 1], b: [1, 3] },
          { a: [7, 65], b: [65, 3] },
          { a: [65, 3], b: [3, 257] },
        ].map((s) => matMulCheck(s)),
      ),
  },
  {
    name: 'MatMul float32: transposeA, transposeB and both',
    kernels: ['MatMul'],
    run: (env) =>
      checkOutputs(
        env,
        [
          { a: [7, 3], b: [7, 5], transposeA: true },
          { a: [3, 7], b: [5, 7], transposeB: true },
          { a: [7, 3], b: [5, 7], transposeA: true, transposeB: true },
          { a: [65, 1], b: [3, 65], transposeA: true, transposeB: true },
        ].map((s) => matMulCheck(s)),
      ),
  },
  {
    name: 'MatMul float32: batched, with batch dims broadcasting on either side and across ranks',
    kernels: ['MatMul'],
    run: (env) =>
      checkOutputs(
        env,
        [
          { a: [2, 3, 4], b: [2, 4, 5] },
          { a: [2, 3, 4], b: [4, 5] },
          { a: [3, 4], b: [3, 4, 5] },
          { a: [2, 1, 3, 4], b: [3, 4, 5] },
          { a: [1, 3, 4], b: [2, 4, 5] },
          { a: [2, 4, 3], b: [2, 5, 4], transposeA: true, transposeB: true },
          { a: [3, 2, 7], b: [1, 7, 2], transposeA: false, transposeB: false },
          { a: [2, 1, 7, 3], b: [1, 3, 5, 7], transposeA: true, transposeB: true },
        ].map((s) => matMulCheck(s)),
      ),
  },
  {
    name: 'MatMul int32: plain, transposed and batched',
    kernels: ['MatMul'],
    run: (env) =>
      checkOutputs(
        env,
        [
          { a: [3, 7], b: [7, 5] },
          { a: [7, 3], b: [5, 7], transposeA: true, transposeB: true },
          { a: [2, 3, 4], b: [4, 5] },
        ].map((s) => matMulCheck(s, 'int32')),
      ),
  },
  {
    name: 'MatMul: size-0 dims (m = 0, n = 0, an empty batch, and k = 0 giving zeros)',
    kernels: ['MatMul'],
    run: (env) =>
      checkOutputs(
        env,
        [
          { a: [0, 3], b: [3, 4] },
          { a: [3, 4], b: [4, 0] },
          { a: [0, 2, 3], b: [3, 4] },
          { a: [2, 0], b: [0, 3] },
          { a: [0, 2], b: [3, 0], transposeA: true, transposeB: true },
        ].map((s) => matMulCheck(s)),
      ),
  },
];

/** The MatMul checks. */
export const matMulGroup: ConformanceGroup = { name: 'MatMul', cases };
