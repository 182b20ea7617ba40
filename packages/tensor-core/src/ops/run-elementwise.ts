/**
 * @file How an elementwise front-end runs its kernel: convert the operands (numbers, nested arrays),
 * refuse a disposed tensor, check the dtypes against the kernel's spec and the shapes for broadcasting,
 * then run the one kernel. Shared by ops/elementwise.ts and ops/elementwise-math.ts; not exported from
 * the package (the ops are).
 */

import { getEngine } from '../engine.js';
import { invalidArgument } from '../errors.js';
import { BINARY_KERNELS, UNARY_KERNELS } from '../kernels.js';
import type { BinaryKernel, ComparisonKernel, UnaryKernel } from '../kernels.js';
import { acceptsDtype, checkInputDtype } from '../op-specs.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { convertPair, convertToTensor, releaseConverted } from './convert.js';

export function checkSameDtype(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    invalidArgument(op, 'b', `dtype ${a.dtype} (the dtype of 'a')`, `dtype ${b.dtype}`);
  }
}

/**
 * Whether every binary (unary) kernel's spec takes float32: then a float32 operand, the common case,
 * skips the spec lookup on the per-op path. Derived from the spec once, so a kernel that ever refuses
 * float32 turns the fast path off rather than being let through.
 */
const EVERY_BINARY_TAKES_FLOAT32 = BINARY_KERNELS.every((kernel) => acceptsDtype(kernel, 'a', 'float32'));
const EVERY_UNARY_TAKES_FLOAT32 = UNARY_KERNELS.every((kernel) => acceptsDtype(kernel, 'x', 'float32'));

export function binary(kernel: BinaryKernel, op: string, a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = convertPair(a, b, op);
  try {
    checkSameDtype(op, ta, tb);
    if (ta.dtype !== 'float32' || !EVERY_BINARY_TAKES_FLOAT32) checkInputDtype(op, kernel, 'a', ta.dtype);
    const shape = broadcastShapes(op, ta.shape, tb.shape);
    return getEngine().runKernel(kernel, { a: ta, b: tb }, {}, { shape, dtype: ta.dtype });
  } finally {
    releaseConverted(ta, a, tb, b);
  }
}

export function comparison(kernel: ComparisonKernel, op: string, a: TensorLike, b: TensorLike): Tensor<'bool'> {
  const [ta, tb] = convertPair(a, b, op);
  try {
    checkSameDtype(op, ta, tb);
    const shape = broadcastShapes(op, ta.shape, tb.shape);
    return getEngine().runKernel(kernel, { a: ta, b: tb }, {}, { shape, dtype: 'bool' }) as Tensor<'bool'>;
  } finally {
    releaseConverted(ta, a, tb, b);
  }
}

export function unary(kernel: UnaryKernel, op: string, x: TensorLike): Tensor {
  const tx = convertToTensor(x, op, 'x');
  try {
    if (tx.dtype !== 'float32' || !EVERY_UNARY_TAKES_FLOAT32) checkInputDtype(op, kernel, 'x', tx.dtype);
    return getEngine().runKernel(kernel, { x: tx }, {}, { shape: tx.shape, dtype: tx.dtype });
  } finally {
    if (tx !== x) tx.dispose();
  }
}
