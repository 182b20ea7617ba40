/**
 * @file Seeded inputs for the checks, keyed by a label so every check gets its own reproducible values
 * and adding a check never changes another's inputs. Each kernel's inputs stay inside its domain
 * (the spec's `definition.domain`: positive for Sqrt and Log, denominators away from 0), so a check
 * compares formulas, not IEEE corners.
 */

import type { BinaryKernel, DataType, UnaryKernel } from '@tapeflow/tensor-core/internal';
import { binaryDefinition, unaryDefinition } from '@tapeflow/tensor-core/internal';
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

/** A float32 input for unary kernel `op`, inside its domain (the spec's `definition.domain`). */
export function unaryInput(op: UnaryKernel, label: string, shape: readonly number[]): ReferenceTensor {
  const { domain, decidesAtZero } = unaryDefinition(op);
  const input = uniformInput(label, shape, domain[0], domain[1]);
  if (decidesAtZero !== true) return input;
  // A kernel that decides at 0 (Sign, Relu, Abs): make sure an exact 0 is among the values.
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
  const definition = binaryDefinition(op);
  const domain = dtype === 'int32' ? (definition.intDomain ?? definition.domain) : definition.domain;
  const a = uniformInput(`${label}/a`, aShape, domain.a[0], domain.a[1], dtype);
  const b = uniformInput(`${label}/b`, bShape, domain.b[0], domain.b[1], dtype);
  if (domain.alternateB !== true) return [a, b];
  // Denominators away from 0, of both signs.
  return [a, { ...b, values: b.values.map((v, i) => (i % 2 === 0 ? v : -v)) }];
}
