/**
 * @file The elementwise kernels: unary (Neg ... Tanh), binary with broadcasting (Add ... Minimum),
 * comparisons, Select and Cast, each one WGSL expression over the elementwise program. Semantics follow
 * the CPU backend: int32 wraps (WGSL integer arithmetic wraps too), int32 division by zero gives 0 (WGSL
 * would give the dividend), NaN propagates through Maximum/Minimum/Relu/Sign, and bool is 0u or 1u.
 */

import type { BinaryKernel, ComparisonKernel, DataType, UnaryKernel } from '@tapeflow/tensor-core/backend';
import { invalidArgument } from '@tapeflow/tensor-core/backend';
import type { WebGpuKernel } from '../kernel-context.js';
import { wgslType } from '../program.js';
import { broadcastOperand, runElementwise, sameShapeOperand } from './elementwise-program.js';

const FLOAT_UNARY: Readonly<Record<UnaryKernel, string>> = {
  Neg: '-v0',
  Abs: 'abs(v0)',
  Sign: 'sign_f32(v0)',
  Square: 'v0 * v0',
  Sqrt: 'sqrt_f32(v0)',
  Exp: 'exp_f32(v0)',
  Log: 'log_f32(v0)',
  // TensorFlow's relu passes NaN through.
  Relu: 'select(0.0, v0, v0 > 0.0 || is_nan(v0))',
  Sigmoid: 'sigmoid_f32(v0)',
  Tanh: 'tanh_f32(v0)',
};

/** Integer forms: only what the CPU backend accepts for int32 (tensor-core rejects the rest). */
const INT_UNARY: Partial<Record<UnaryKernel, string>> = {
  Neg: '-v0',
  // abs(-2^31) wraps back to -2^31 in WGSL, as in TensorFlow.
  Abs: 'abs(v0)',
  Sign: 'sign(v0)',
  Square: 'v0 * v0',
  Relu: 'max(v0, 0)',
};

/** The WGSL expression of unary kernel `op` on dtype `dtype`, or the CPU backend's error. */
export function unaryExpression(op: UnaryKernel, dtype: DataType): string {
  if (dtype === 'float32') return FLOAT_UNARY[op];
  if (dtype === 'int32') {
    return INT_UNARY[op] ?? invalidArgument(op, 'x', 'a float32 tensor (tensor-core rejects integers for this op)', 'an int32 tensor');
  }
  // On {0, 1}, Abs, Sign and Square are the identity.
  if (op === 'Abs' || op === 'Sign' || op === 'Square') return 'v0';
  return invalidArgument(op, 'x', 'a float32 tensor', 'a bool tensor');
}

/** The kernel shared by every unary kernel. */
export function unaryKernel<K extends UnaryKernel>(op: K): WebGpuKernel<K> {
  return (context, { inputs: { x }, output }) =>
    runElementwise(context, {
      op,
      operands: [sameShapeOperand(x)],
      outShape: output.shape,
      outDtype: output.dtype,
      expression: unaryExpression(op, output.dtype),
    });
}

const FLOAT_BINARY: Readonly<Record<BinaryKernel, string>> = {
  Add: 'v0 + v1',
  Sub: 'v0 - v1',
  Mul: 'v0 * v1',
  RealDiv: 'v0 / v1',
  Pow: 'pow_f32(v0, v1)',
  Maximum: 'max_f32(v0, v1)',
  Minimum: 'min_f32(v0, v1)',
};

const INT_BINARY: Readonly<Record<BinaryKernel, string>> = {
  Add: 'v0 + v1',
  Sub: 'v0 - v1',
  Mul: 'v0 * v1',
  // The CPU backend's `(a / b) | 0`: truncation, and 0 for a zero divisor (±Infinity | 0).
  RealDiv: 'select(v0 / v1, 0, v1 == 0)',
  Pow: 'pow_i32(v0, v1)',
  Maximum: 'max(v0, v1)',
  Minimum: 'min(v0, v1)',
};

/** The kernel shared by every binary kernel. */
export function binaryKernel<K extends BinaryKernel>(op: K): WebGpuKernel<K> {
  return (context, { inputs: { a, b }, output }) => {
    if (output.dtype === 'bool') invalidArgument(op, 'a', 'a float32 or int32 tensor', 'a bool tensor');
    return runElementwise(context, {
      op,
      operands: [broadcastOperand(a, output.shape), broadcastOperand(b, output.shape)],
      outShape: output.shape,
      outDtype: output.dtype,
      expression: (output.dtype === 'float32' ? FLOAT_BINARY : INT_BINARY)[op],
    });
  };
}

const COMPARISON: Readonly<Record<ComparisonKernel, string>> = {
  Equal: '==',
  NotEqual: '!=',
  Greater: '>',
  GreaterEqual: '>=',
  Less: '<',
  LessEqual: '<=',
};

/**
 * The kernel shared by every comparison kernel. NaN is unequal to everything, as IEEE says; SwiftShader
 * compiles float `!=` as an ordered comparison (false for NaN), so NotEqual on float32 tests for NaN.
 */
export function comparisonKernel<K extends ComparisonKernel>(op: K): WebGpuKernel<K> {
  return (context, { inputs: { a, b }, output }) => {
    const test =
      op === 'NotEqual' && a.dtype === 'float32' ? 'v0 != v1 || is_nan(v0) || is_nan(v1)' : `v0 ${COMPARISON[op]} v1`;
    return runElementwise(context, {
      op,
      operands: [broadcastOperand(a, output.shape), broadcastOperand(b, output.shape)],
      outShape: output.shape,
      outDtype: 'bool',
      expression: `select(0u, 1u, ${test})`,
    });
  };
}

/** Select's kernel: `condition ? a : b` with all three broadcast to the output. */
export const selectKernel: WebGpuKernel<'Select'> = (context, { inputs: { condition, a, b }, output }) =>
  runElementwise(context, {
    op: 'Select',
    operands: [
      broadcastOperand(condition, output.shape),
      broadcastOperand(a, output.shape),
      broadcastOperand(b, output.shape),
    ],
    outShape: output.shape,
    outDtype: output.dtype,
    expression: 'select(v2, v1, v0 != 0u)',
  });

/** The WGSL conversion of a value `v0` of `from` to `to`, as the CPU backend's Cast converts. */
export function castExpression(from: DataType, to: DataType): string {
  if (from === to) return 'v0';
  // NaN is true, as in TensorFlow (and `!=` alone is ordered on SwiftShader: false for NaN).
  if (to === 'bool') return from === 'float32' ? 'select(0u, 1u, v0 != 0.0 || is_nan(v0))' : 'select(0u, 1u, v0 != 0)';
  if (to === 'int32') return from === 'float32' ? 'f32_to_i32(v0)' : 'i32(v0)';
  return `${wgslType(to)}(v0)`;
}

/** Cast's kernel. */
export const castKernel: WebGpuKernel<'Cast'> = (context, { inputs: { x }, output }) =>
  runElementwise(context, {
    op: 'Cast',
    operands: [sameShapeOperand(x)],
    outShape: output.shape,
    outDtype: output.dtype,
    expression: castExpression(x.dtype, output.dtype),
  });
