/**
 * @file Checks of the elementwise unary and binary kernels: every dtype their spec (`PRIMITIVE_SPECS`) takes,
 * odd sizes, scalars, size-0 dims, broadcasting in both directions, and int32 wrap-around.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { BinaryKernel, UnaryKernel } from '@tapeflow/tensor-core/internal';
import type { FrontEndOf } from '@tapeflow/tensor-core/internal';
import {
  BINARY_KERNELS,
  UNARY_KERNELS,
  acceptsDtype,
  binaryDefinition,
  kernelsByName,
  unaryDefinition,
} from '@tapeflow/tensor-core/internal';
import type { ConformanceCase, ConformanceGroup, OutputCheck } from '../case.js';
import { checkOutputs, toTensor } from '../case.js';
import { binary, unary } from '../reference/elementwise.js';
import { referenceTensor } from '../reference/tensor.js';
import type { ReferenceTensor } from '../reference/tensor.js';
import { binaryInputs, unaryInput } from './inputs.js';
import { BROADCAST_PAIRS, EMPTY_PAIRS, EMPTY_SHAPES, ODD_SHAPES, SAME_OR_SCALAR_PAIRS, formatShape } from './shapes.js';

/**
 * The front-end that runs each unary kernel: tensor-core's export named by the spec (`definition.frontEnd`).
 * Typed from the spec, so a name tensor-core does not export is a compile error here.
 */
export const UNARY_OPS: { readonly [K in UnaryKernel]: (typeof tf)[FrontEndOf<K>] } = kernelsByName<
  UnaryKernel,
  { readonly [K in UnaryKernel]: (typeof tf)[FrontEndOf<K>] }
>(UNARY_KERNELS, (op) => frontEnd(unaryDefinition(op).frontEnd));

/** The front-end that runs each binary kernel (`div` runs RealDiv), as `UNARY_OPS`. */
export const BINARY_OPS: { readonly [K in BinaryKernel]: (typeof tf)[FrontEndOf<K>] } = kernelsByName<
  BinaryKernel,
  { readonly [K in BinaryKernel]: (typeof tf)[FrontEndOf<K>] }
>(BINARY_KERNELS, (op) => frontEnd(binaryDefinition(op).frontEnd));

/** tensor-core's front-end named `name`; the spec's names are checked at compile time by the types above. */
function frontEnd<F>(name: string): F {
  const found: unknown = (tf as Readonly<Record<string, unknown>>)[name];
  if (typeof found !== 'function') throw new Error(`conformance: tensor-core exports no front-end '${name}'.`);
  return found as F;
}

function unaryCheck(op: UnaryKernel, x: ReferenceTensor): OutputCheck {
  return {
    label: `${op} ${x.dtype} ${formatShape(x.shape)}`,
    build: () => UNARY_OPS[op](toTensor(x)),
    expected: unary(op, x),
  };
}

function unaryCases(op: UnaryKernel): ConformanceCase[] {
  const cases: ConformanceCase[] = [
    {
      name: `${op} float32: scalar, odd sizes and size-0 dims`,
      kernels: [op],
      run: (env) =>
        checkOutputs(
          env,
          [...ODD_SHAPES, ...EMPTY_SHAPES].map((shape) =>
            unaryCheck(op, unaryInput(op, `${op}/${formatShape(shape)}`, shape)),
          ),
        ),
    },
  ];
  if (acceptsDtype(op, 'x', 'int32')) {
    cases.push({
      name: `${op} int32: keeps the dtype and wraps like int32`,
      kernels: [op],
      run: (env) =>
        checkOutputs(env, [
          unaryCheck(op, referenceTensor([-7, -1, 0, 1, 2, 65, -300], [7], 'int32')),
          unaryCheck(op, referenceTensor([5], [], 'int32')),
          unaryCheck(op, referenceTensor([-2147483648, 2147483647, 46341, -65536], [2, 2], 'int32')),
          unaryCheck(op, referenceTensor([], [0, 3], 'int32')),
        ]),
    });
  }
  return cases;
}

function binaryCheck(
  op: BinaryKernel,
  dtype: 'float32' | 'int32',
  aShape: readonly number[],
  bShape: readonly number[],
): OutputCheck {
  const label = `${op} ${dtype} ${formatShape(aShape)} with ${formatShape(bShape)}`;
  const [a, b] = binaryInputs(op, dtype, label, aShape, bShape);
  return { label, build: () => BINARY_OPS[op](toTensor(a), toTensor(b)), expected: binary(op, a, b) };
}

function binaryCases(op: BinaryKernel): ConformanceCase[] {
  const sweep = (dtype: 'float32' | 'int32', pairs: typeof BROADCAST_PAIRS) =>
    pairs.map(([aShape, bShape]) => binaryCheck(op, dtype, aShape, bShape));
  const cases: ConformanceCase[] = [
    {
      name: `${op} float32: equal shapes of odd sizes and scalars on either side`,
      kernels: [op],
      run: (env) => checkOutputs(env, sweep('float32', SAME_OR_SCALAR_PAIRS)),
    },
    {
      name: `${op} float32: broadcasting in both directions and size-0 dims`,
      kernels: [op],
      run: (env) => checkOutputs(env, sweep('float32', [...BROADCAST_PAIRS, ...EMPTY_PAIRS])),
    },
  ];
  // RealDiv's spec takes float32 only: tensor-core divides integers as float32 (TensorFlow's truediv).
  if (!acceptsDtype(op, 'a', 'int32')) return cases;
  cases.push({
    name: `${op} int32: equal shapes, scalars and broadcasting`,
    kernels: [op],
    run: (env) =>
      checkOutputs(
        env,
        sweep('int32', [
          [[7], [7]],
          [[], [3, 5]],
          [[2, 3], [3]],
          [
            [2, 1],
            [1, 3],
          ],
          [[0, 3], [3]],
        ]),
      ),
  });
  if (op === 'Add' || op === 'Sub' || op === 'Mul') {
    const a = referenceTensor([2147483647, -2147483648, 65536, 46341], [4], 'int32');
    const b = referenceTensor([1, 1, 65536, 46341], [4], 'int32');
    cases.push({
      name: `${op} int32: wraps around like int32`,
      kernels: [op],
      run: (env) =>
        checkOutputs(env, [
          {
            label: `${op} int32 overflow`,
            build: () => BINARY_OPS[op](toTensor(a), toTensor(b)),
            expected: binary(op, a, b),
          },
        ]),
    });
  }
  if (op === 'Pow') {
    // TensorFlow's pow follows C: a negative base with an integer exponent is well defined (WGSL's pow is not).
    const a = referenceTensor([-2, -2, -3, -0.5, 0, 0], [6]);
    const b = referenceTensor([3, 2, 0, -2, 2, 0], [6]);
    cases.push({
      name: 'Pow float32: negative bases with integer exponents, zero bases and zero exponents',
      kernels: ['Pow'],
      run: (env) =>
        checkOutputs(env, [
          {
            label: 'Pow float32 signed bases',
            build: () => tf.pow(toTensor(a), toTensor(b)),
            expected: binary('Pow', a, b),
          },
        ]),
    });
  }
  return cases;
}

/** The unary kernels' checks. */
export const unaryGroup: ConformanceGroup = {
  name: 'unary kernels',
  cases: UNARY_KERNELS.flatMap(unaryCases),
};

/** The binary kernels' checks. */
export const binaryGroup: ConformanceGroup = {
  name: 'binary kernels',
  cases: BINARY_KERNELS.flatMap(binaryCases),
};
