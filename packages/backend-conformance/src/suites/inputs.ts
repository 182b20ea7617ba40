/**
 * @file Seeded inputs for the checks, keyed by a label so every check gets its own reproducible values
 * and adding a check never changes another's inputs. Each kernel's inputs stay inside its domain
 * (positive for Sqrt and Log, denominators away from 0), so a check compares formulas, not IEEE corners.
 */

import type { BinaryKernel, DataType, UnaryKernel } from '@tapeflow/tensor-core/internal';
import { randomReference } from '../reference/data.js';
import type { ReferenceTensor } from '../reference/tensor.js';

/** A 32-bit seed from a label (FNV-1a). */
export function seedFor(label: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** Seeded values of `shape` in [min, max) for `label`. */
export function uniformInput(
  label: string,
  shape: readonly number[],
  min: number,
  max: number,
  dtype: DataType = 'float32',
): ReferenceTensor {
  return randomReference(shape, { seed: seedFor(label), min, max, dtype });
}

/** The float32 input range of each unary kernel. */
const UNARY_DOMAIN: Readonly<Record<UnaryKernel, readonly [number, number]>> = {
  Neg: [-3, 3],
  Abs: [-3, 3],
  Sign: [-3, 3],
  Square: [-3, 3],
  Sqrt: [0.05, 4],
  Exp: [-5, 5],
  Log: [0.05, 4],
  Relu: [-3, 3],
  Sigmoid: [-6, 6],
  Tanh: [-4, 4],
  Softplus: [-20, 20],
};

/** A float32 input for unary kernel `op`, inside its domain. */
export function unaryInput(op: UnaryKernel, label: string, shape: readonly number[]): ReferenceTensor {
  const [min, max] = UNARY_DOMAIN[op];
  const input = uniformInput(label, shape, min, max);
  if (op !== 'Sign' && op !== 'Relu' && op !== 'Abs') return input;
  // Sign, Relu and Abs decide at 0: make sure an exact 0 is among the values.
  return { ...input, values: input.values.map((v, i) => (i % 5 === 2 ? 0 : v)) };
}

/** The two inputs of binary kernel `op` in `dtype`, inside its domain. */
export function binaryInputs(
  op: BinaryKernel,
  dtype: 'float32' | 'int32',
  label: string,
  aShape: readonly number[],
  bShape: readonly number[],
): [ReferenceTensor, ReferenceTensor] {
  if (dtype === 'int32') {
    if (op === 'Pow')
      return [uniformInput(`${label}/a`, aShape, -4, 4, 'int32'), uniformInput(`${label}/b`, bShape, 0, 5, 'int32')];
    return [
      uniformInput(`${label}/a`, aShape, -100, 100, 'int32'),
      uniformInput(`${label}/b`, bShape, -100, 100, 'int32'),
    ];
  }
  if (op === 'Pow') return [uniformInput(`${label}/a`, aShape, 0.5, 2), uniformInput(`${label}/b`, bShape, -2, 2)];
  const a = uniformInput(`${label}/a`, aShape, -3, 3);
  if (op !== 'RealDiv') return [a, uniformInput(`${label}/b`, bShape, -3, 3)];
  const magnitude = uniformInput(`${label}/b`, bShape, 0.5, 2);
  return [a, { ...magnitude, values: magnitude.values.map((v, i) => (i % 2 === 0 ? v : -v)) }];
}
