/**
 * @file Checks of the comparison kernels (float32, int32 and bool inputs, ties, broadcasting), `Select`
 * (every dtype, all three operands broadcasting) and `Cast` (every pair of distinct dtypes).
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { ComparisonKernel, DataType, Tensor } from '@tapeflow/tensor-core/internal';
import { COMPARISON_KERNELS } from '@tapeflow/tensor-core/internal';
import type { ConformanceCase, ConformanceGroup, OutputCheck } from '../case.js';
import { checkOutputs, toTensor } from '../case.js';
import { randomReference } from '../reference/data.js';
import { cast, compare, select } from '../reference/elementwise.js';
import type { ReferenceTensor } from '../reference/tensor.js';
import { referenceTensor } from '../reference/tensor.js';
import { seedFor } from './inputs.js';
import { formatShape } from './shapes.js';

/** The front-end that runs each comparison kernel. */
export const COMPARISON_OPS: Readonly<Record<ComparisonKernel, (a: Tensor, b: Tensor) => Tensor>> = {
  Equal: tf.equal,
  NotEqual: tf.notEqual,
  Greater: tf.greater,
  GreaterEqual: tf.greaterEqual,
  Less: tf.less,
  LessEqual: tf.lessEqual,
};

/** Values from a small set, so equal pairs (ties) are frequent. */
function tiedInput(label: string, shape: readonly number[], dtype: DataType): ReferenceTensor {
  if (dtype === 'bool') return randomReference(shape, { seed: seedFor(label), dtype });
  const ints = randomReference(shape, { seed: seedFor(label), min: -2, max: 2, dtype: 'int32' });
  return dtype === 'int32' ? ints : { ...ints, dtype, values: ints.values.map((v) => v / 2) };
}

const COMPARISON_PAIRS: readonly (readonly [readonly number[], readonly number[]])[] = [
  [[7], [7]],
  [[257], [257]],
  [[], [3, 5]],
  [[3, 5], []],
  [[2, 3], [3]],
  [
    [2, 1],
    [1, 3],
  ],
  [[0, 3], [3]],
];

function comparisonCase(op: ComparisonKernel): ConformanceCase {
  const checks = (['float32', 'int32', 'bool'] as const).flatMap((dtype) =>
    COMPARISON_PAIRS.map(([aShape, bShape]): OutputCheck => {
      const label = `${op} ${dtype} ${formatShape(aShape)} with ${formatShape(bShape)}`;
      const a = tiedInput(`${label}/a`, aShape, dtype);
      const b = tiedInput(`${label}/b`, bShape, dtype);
      return { label, build: () => COMPARISON_OPS[op](toTensor(a), toTensor(b)), expected: compare(op, a, b) };
    }),
  );
  return {
    name: `${op}: float32, int32 and bool inputs with ties, broadcasting and size-0 dims`,
    kernels: [op],
    run: (env) => checkOutputs(env, checks),
  };
}

function selectCheck(
  dtype: DataType,
  shapes: readonly [readonly number[], readonly number[], readonly number[]],
): OutputCheck {
  const label = `Select ${dtype} condition ${formatShape(shapes[0])}, a ${formatShape(shapes[1])}, b ${formatShape(shapes[2])}`;
  const condition = randomReference(shapes[0], { seed: seedFor(`${label}/c`), dtype: 'bool' });
  const a = randomReference(shapes[1], { seed: seedFor(`${label}/a`), dtype });
  const b = randomReference(shapes[2], { seed: seedFor(`${label}/b`), dtype });
  return {
    label,
    build: () => tf.where(toTensor(condition), toTensor(a), toTensor(b)),
    expected: select(condition, a, b),
  };
}

const SELECT_SHAPES: readonly (readonly [readonly number[], readonly number[], readonly number[]])[] = [
  [[257], [257], [257]],
  [[], [2, 3], [2, 3]],
  [[3, 1], [1, 4], []],
  [[2, 3], [3], [2, 1]],
  [[7], [], [7]],
  [[0, 3], [3], []],
];

const selectCase: ConformanceCase = {
  name: 'Select: float32, int32 and bool, condition and both branches broadcasting, size-0 dims',
  kernels: ['Select'],
  run: (env) =>
    checkOutputs(
      env,
      (['float32', 'int32', 'bool'] as const).flatMap((dtype) => SELECT_SHAPES.map((s) => selectCheck(dtype, s))),
    ),
};

const CAST_INPUTS: Readonly<Record<DataType, ReferenceTensor>> = {
  // Truncation toward zero on both sides of 0, values below one, and a large integral float.
  float32: referenceTensor([1.7, -1.7, 0.5, -0.5, 0, 3, -3, 1048576.5, 2.25, -1e6, 7, 0.001], [3, 4]),
  int32: referenceTensor([0, 1, -1, 7, 2147483647, -2147483648, 16777217, 100], [8], 'int32'),
  bool: referenceTensor([1, 0, 0, 1, 1], [5], 'bool'),
};

const castCase: ConformanceCase = {
  name: 'Cast: between every pair of dtypes (float→int32 truncates toward zero, anything→bool is != 0)',
  kernels: ['Cast'],
  run: (env) => {
    const checks: OutputCheck[] = [];
    for (const from of ['float32', 'int32', 'bool'] as const) {
      for (const to of ['float32', 'int32', 'bool'] as const) {
        if (from === to) continue;
        const x = CAST_INPUTS[from];
        checks.push({ label: `Cast ${from} to ${to}`, build: () => tf.cast(toTensor(x), to), expected: cast(x, to) });
        const empty = referenceTensor([], [2, 0], from);
        checks.push({
          label: `Cast ${from} to ${to} size 0`,
          build: () => tf.cast(toTensor(empty), to),
          expected: cast(empty, to),
        });
      }
    }
    return checkOutputs(env, checks);
  },
};

/** The comparison, Select and Cast checks. */
export const logicGroup: ConformanceGroup = {
  name: 'comparison, Select and Cast kernels',
  cases: [...COMPARISON_KERNELS.map(comparisonCase), selectCase, castCase],
};
