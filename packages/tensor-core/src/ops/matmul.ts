/**
 * @file `matmul`: batched matrix product with optional transposes; leading (batch) dims broadcast.
 */

import { checkAllocation } from '../allocation-guard.js';
import { getEngine } from '../engine.js';
import { formatShape, invalidArgument } from '../errors.js';
import { checkOptions } from '../options.js';
import type { OptionSchema } from '../options.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertLiveTensor } from './convert.js';
import { checkInputDtype } from '../op-specs.js';

/** Options of `matmul`. */
export interface MatMulOptions {
  /** Use `a`'s last two dims transposed. */
  readonly transposeA?: boolean;
  /** Use `b`'s last two dims transposed. */
  readonly transposeB?: boolean;
}

const MATMUL_OPTIONS: OptionSchema<MatMulOptions> = {
  transposeA: { kind: 'boolean' },
  transposeB: { kind: 'boolean' },
};

/**
 * `a · b` over the last two dims, batched over leading dims (which broadcast).
 * @example tf.matmul(tf.tensor([[1, 2]]), tf.tensor([[3], [4]])) // [[11]]
 */
export function matmul(a: Tensor, b: Tensor, options: MatMulOptions = {}): Tensor {
  assertLiveTensor(a, 'matmul', 'a');
  assertLiveTensor(b, 'matmul', 'b');
  checkOptions('matmul', options, MATMUL_OPTIONS);
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  if (a.rank < 2) invalidArgument('matmul', 'a', 'a tensor of rank >= 2', `shape ${formatShape(a.shape)}`);
  if (b.rank < 2) invalidArgument('matmul', 'b', 'a tensor of rank >= 2', `shape ${formatShape(b.shape)}`);
  if (a.dtype !== b.dtype) invalidArgument('matmul', 'b', `dtype ${a.dtype} (the dtype of 'a')`, `dtype ${b.dtype}`);
  checkInputDtype('matmul', 'MatMul', 'a', a.dtype);
  const [a0, a1] = a.shape.slice(-2) as [number, number];
  const [b0, b1] = b.shape.slice(-2) as [number, number];
  const m = transposeA ? a1 : a0;
  const kA = transposeA ? a0 : a1;
  const kB = transposeB ? b1 : b0;
  const n = transposeB ? b0 : b1;
  if (kA !== kB) {
    invalidArgument(
      'matmul',
      'b',
      `inner dimensions to match (a${transposeA ? 'ᵀ' : ''}: ${formatShape(a.shape)}, b${transposeB ? 'ᵀ' : ''}: ${formatShape(b.shape)})`,
      `${kA} vs. ${kB}`,
    );
  }
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const shape = [...batch, m, n];
  checkAllocation('matmul', shape, a.dtype);
  return getEngine().runKernel('MatMul', { a, b }, { transposeA, transposeB }, { shape, dtype: a.dtype });
}
