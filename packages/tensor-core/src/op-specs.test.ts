/**
 * Tests that the op front-ends' dtype checks are the spec's: for every unary and binary kernel and
 * every dtype, the front-end runs exactly when `PRIMITIVE_SPECS` says the kernel takes that dtype, and
 * otherwise throws an InvalidArgumentError stating the spec's dtypes; that each of those front-ends is
 * also a Tensor method; and that the kernel lists and types derived from the spec agree with it.
 */
import './test-setup.js';
import { describe, expect, it } from 'vitest';
import { DATA_TYPES, type DataType } from './dtype.js';
import { InvalidArgumentError } from './errors.js';
import {
  BINARY_KERNELS,
  FUSED_KERNEL_NAMES,
  PRIMITIVE_KERNEL_NAMES,
  UNARY_KERNELS,
  type BinaryKernel,
  type UnaryKernel,
} from './kernels.js';
import { kernelsByName } from './backend-helpers.js';
import {
  OP_SPECS,
  PRIMITIVE_SPECS,
  acceptsDtype,
  binaryDefinition,
  describeDtypes,
  unaryDefinition,
  type FrontEndOf,
} from './op-specs.js';
import * as tf from './ops/index.js';
import type { Tensor } from './tensor.js';

/**
 * The front-end of each kernel, by the name its spec gives (`definition.frontEnd`). The type reads the
 * name from the spec too, so a name with no export in ops/ is a compile error here.
 */
type FrontEnds<K extends UnaryKernel | BinaryKernel> = { readonly [P in K]: (typeof tf)[FrontEndOf<P>] };
function frontEndNamed<F>(name: string): F {
  const found: unknown = Reflect.get(tf, name);
  if (typeof found !== 'function') throw new Error(`ops/ exports no front-end '${name}' (the spec names it)`);
  return found as F;
}
const UNARY_FRONT_ENDS = kernelsByName<UnaryKernel, FrontEnds<UnaryKernel>>(UNARY_KERNELS, (kernel) =>
  frontEndNamed(unaryDefinition(kernel).frontEnd),
);
// RealDiv is left out: `div` converts int32 itself (TensorFlow's truediv) before running it.
const BINARY_FRONT_ENDS = kernelsByName<BinaryKernel, FrontEnds<BinaryKernel>>(BINARY_KERNELS, (kernel) =>
  frontEndNamed(binaryDefinition(kernel).frontEnd),
);
const unaryFrontEnd = (kernel: UnaryKernel): [string, (x: Tensor) => Tensor] => [
  unaryDefinition(kernel).frontEnd,
  UNARY_FRONT_ENDS[kernel],
];
const binaryFrontEnd = (kernel: BinaryKernel): [string, (a: Tensor, b: Tensor) => Tensor] => [
  binaryDefinition(kernel).frontEnd,
  BINARY_FRONT_ENDS[kernel],
];

/**
 * The front-end names the spec gives that ops/ does not export: \`never\`, or \`tsc\` names them here
 * ("Type 'true' is not assignable to type '\"sine\"'").
 */
type MissingFrontEnds = Exclude<FrontEndOf<UnaryKernel | BinaryKernel>, keyof typeof tf>;
const EVERY_FRONT_END_EXISTS: [MissingFrontEnds] extends [never] ? true : MissingFrontEnds = true;

function sample(dtype: DataType): Tensor {
  return tf.tensor([1, 0, 1], [3], dtype);
}

function expectFollowsSpec(
  op: string,
  dtypes: readonly DataType[],
  accepted: boolean,
  run: () => Tensor,
  dtype: DataType,
): void {
  if (accepted) {
    const out = run();
    expect(out.dtype, `${op} ${dtype}`).toBe(dtype);
    out.dispose();
  } else {
    expect(run, `${op} ${dtype}`).toThrow(InvalidArgumentError);
    expect(run, `${op} ${dtype}`).toThrow(`${op}: argument`);
    expect(run, `${op} ${dtype}`).toThrow(`expected ${describeDtypes(dtypes)}, but got a ${dtype} tensor`);
  }
}

describe('the front-ends take exactly the dtypes of their kernel spec', () => {
  for (const kernel of UNARY_KERNELS) {
    it(`${kernel}`, () => {
      const [op, frontEnd] = unaryFrontEnd(kernel);
      for (const dtype of DATA_TYPES) {
        const x = sample(dtype);
        expectFollowsSpec(
          op,
          PRIMITIVE_SPECS[kernel].inputs.x.dtypes,
          acceptsDtype(kernel, 'x', dtype),
          () => frontEnd(x),
          dtype,
        );
        x.dispose();
      }
    });
  }
  for (const kernel of BINARY_KERNELS) {
    if (kernel === 'RealDiv') continue;
    it(`${kernel}`, () => {
      const [op, frontEnd] = binaryFrontEnd(kernel);
      for (const dtype of DATA_TYPES) {
        const a = sample(dtype);
        expectFollowsSpec(
          op,
          PRIMITIVE_SPECS[kernel].inputs.a.dtypes,
          acceptsDtype(kernel, 'a', dtype),
          () => frontEnd(a, a),
          dtype,
        );
        a.dispose();
      }
    });
  }
});

describe('every unary and binary front-end is also a Tensor method of the same name (API.md)', () => {
  const frontEnds: [string, (x: Tensor) => Tensor, number][] = [
    ...UNARY_KERNELS.map((kernel): [string, (x: Tensor) => Tensor, number] => [...unaryFrontEnd(kernel), 0]),
    ...BINARY_KERNELS.map(binaryFrontEnd).map(([op, frontEnd]): [string, (x: Tensor) => Tensor, number] => [
      op,
      (x) => frontEnd(x, x),
      1,
    ]),
  ];
  for (const [op, frontEnd, extra] of frontEnds) {
    it(op, () => {
      const x = tf.tensor([0.5, 2], [2]);
      const method: unknown = Reflect.get(x, op);
      expect(typeof method, `Tensor has no method '${op}' (add it in tensor.ts beside the others)`).toBe('function');
      const viaMethod = (method as (...args: unknown[]) => Tensor).apply(x, extra === 0 ? [] : [x]);
      const viaFunction = frontEnd(x);
      expect(Array.from(viaMethod.dataSync())).toEqual(Array.from(viaFunction.dataSync()));
      for (const t of [x, viaMethod, viaFunction]) t.dispose();
    });
  }
});

describe('the lists derived from the spec', () => {
  it('name front-ends that ops/ exports (checked by the compiler: EVERY_FRONT_END_EXISTS)', () => {
    expect(EVERY_FRONT_END_EXISTS).toBe(true);
    for (const kernel of UNARY_KERNELS) expect(typeof UNARY_FRONT_ENDS[kernel], kernel).toBe('function');
    for (const kernel of BINARY_KERNELS) expect(typeof BINARY_FRONT_ENDS[kernel], kernel).toBe('function');
  });

  it('name every kernel of the spec once, primitive then fused', () => {
    expect([...PRIMITIVE_KERNEL_NAMES, ...FUSED_KERNEL_NAMES]).toEqual(Object.keys(OP_SPECS));
    for (const kernel of UNARY_KERNELS) expect(OP_SPECS[kernel].family).toBe('unary');
  });

  it('describe dtypes as the error messages word them', () => {
    expect(describeDtypes(['float32'])).toBe('a float32 tensor');
    expect(describeDtypes(['float32', 'int32'])).toBe('a float32 or int32 tensor');
    expect(describeDtypes(['int32'])).toBe('an int32 tensor');
    expect(describeDtypes(['float32', 'int32', 'bool'])).toBe('a float32, int32 or bool tensor');
  });
});
