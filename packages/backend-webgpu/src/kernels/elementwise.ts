/**
 * @file The elementwise kernels: unary (Neg ... Softplus), binary with broadcasting (Add ... Minimum),
 * comparisons, Select and Cast, each one WGSL expression over the elementwise program. Semantics follow
 * the CPU backend: int32 wraps (WGSL integer arithmetic wraps too), int32 division by zero gives 0 (WGSL
 * would give the dividend), NaN propagates through Maximum/Minimum/Relu/Sign, and bool is 0u or 1u.
 */

import type {
  BinaryKernel,
  ComparisonKernel,
  DataType,
  KernelsAccepting,
  UnaryKernel,
} from '@tapeflow/tensor-core/backend';
import { acceptsDtype, describeDtypes, invalidArgument, OP_SPECS } from '@tapeflow/tensor-core/backend';
import type { WebGpuKernel } from '../kernel-context.js';
import { wgslType } from '../program.js';
import type { WgslHelperName } from '../wgsl/math.js';
import { broadcastOperand, runElementwise, sameShapeOperand } from './elementwise-program.js';

/** A WGSL expression of the operand values `v0`, `v1`, ... and the math helpers it calls. */
interface Expression {
  readonly code: string;
  readonly helpers: readonly WgslHelperName[];
}
const expression = (code: string, ...helpers: WgslHelperName[]): Expression => ({ code, helpers });

const IDENTITY_EXPRESSION = expression('v0');

const FLOAT_UNARY: { readonly [K in UnaryKernel]: Expression } = {
  Neg: expression('-v0'),
  Abs: expression('abs(v0)'),
  Sign: expression('sign_f32(v0)', 'sign_f32'),
  Square: expression('v0 * v0'),
  Sqrt: expression('sqrt_f32(v0)', 'sqrt_f32'),
  Exp: expression('exp_f32(v0)', 'exp_f32'),
  Log: expression('log_f32(v0)', 'log_f32'),
  // TensorFlow's relu passes NaN through.
  Relu: expression('select(0.0, v0, v0 > 0.0 || is_nan(v0))', 'classify'),
  Sigmoid: expression('sigmoid_f32(v0)', 'sigmoid_f32'),
  Tanh: expression('tanh_f32(v0)', 'tanh_f32'),
  Softplus: expression('softplus_f32(v0)', 'softplus_f32'),
  // ---- elementwise math and activations (issue 12) ----
  Sin: expression('sin_f32(v0)', 'sin_f32'),
  Cos: expression('cos_f32(v0)', 'cos_f32'),
  Tan: expression('tan_f32(v0)', 'tan_f32'),
  Asin: expression('asin_f32(v0)', 'asin_f32'),
  Acos: expression('acos_f32(v0)', 'acos_f32'),
  Atan: expression('select(atan(v0), v0, is_nan(v0))', 'classify'),
  Sinh: expression('sinh_f32(v0)', 'sinh_f32'),
  Cosh: expression('cosh_f32(v0)', 'cosh_f32'),
  Asinh: expression('asinh_f32(v0)', 'asinh_f32'),
  Acosh: expression('acosh_f32(v0)', 'acosh_f32'),
  Atanh: expression('atanh_f32(v0)', 'atanh_f32'),
  Floor: expression('select(floor(v0), v0, is_nan(v0))', 'classify'),
  Ceil: expression('select(ceil(v0), v0, is_nan(v0))', 'classify'),
  Round: expression('round_f32(v0)', 'round_f32'),
  Reciprocal: expression('1.0 / v0'),
  Rsqrt: expression('1.0 / sqrt_f32(v0)', 'sqrt_f32'),
  Log1p: expression('log1p_f32(v0)', 'log1p_f32'),
  Expm1: expression('expm1_f32(v0)', 'expm1_f32'),
  Softsign: expression('v0 / (1.0 + abs(v0))'),
  Elu: expression('select(expm1_f32(v0), v0, v0 > 0.0)', 'expm1_f32'),
  Selu: expression('select(1.7580993408473766 * expm1_f32(v0), 1.0507009873554805 * v0, v0 > 0.0)', 'expm1_f32'),
  // NaN fails both comparisons and comes out unchanged, as on the CPU.
  Relu6: expression('select(select(v0, 6.0, v0 > 6.0), 0.0, v0 < 0.0)'),
  Erf: expression('erf_f32(v0)', 'erf_f32'),
};

/** The unary kernels whose spec takes int32. */
type IntUnaryKernel = KernelsAccepting<UnaryKernel, 'x', 'int32'>;
const isIntUnary = (op: UnaryKernel): op is IntUnaryKernel => acceptsDtype(op, 'x', 'int32');

/** Integer forms, keyed by exactly the unary kernels whose spec takes int32 (`tsc` names a missing one). */
const INT_UNARY: { readonly [K in IntUnaryKernel]: Expression } = {
  Neg: expression('-v0'),
  // abs(-2^31) wraps back to -2^31 in WGSL, as in TensorFlow.
  Abs: expression('abs(v0)'),
  Sign: expression('sign(v0)'),
  Square: expression('v0 * v0'),
  Relu: expression('max(v0, 0)'),
  // ---- elementwise math and activations (issue 12) ----
  Round: IDENTITY_EXPRESSION,
  Relu6: expression('select(select(v0, 6, v0 > 6), 0, v0 < 0)'),
};

const IDENTITY = IDENTITY_EXPRESSION;

/** The WGSL expression of unary kernel `op` on dtype `dtype`, or the CPU backend's error. */
export function unaryExpression(op: UnaryKernel, dtype: DataType): Expression {
  if (dtype === 'float32') return FLOAT_UNARY[op];
  if (dtype === 'int32') {
    if (isIntUnary(op)) return INT_UNARY[op];
    return invalidArgument(op, 'x', describeDtypes(OP_SPECS[op].inputs.x.dtypes), 'an int32 tensor');
  }
  // On {0, 1}, Abs, Sign and Square are the identity (as on the CPU backend; tensor-core never sends bool).
  if (op === 'Abs' || op === 'Sign' || op === 'Square') return IDENTITY;
  return invalidArgument(op, 'x', describeDtypes(OP_SPECS[op].inputs.x.dtypes), 'a bool tensor');
}

/** The kernel shared by every unary kernel. */
export function unaryKernel<K extends UnaryKernel>(op: K): WebGpuKernel<K> {
  return (context, { inputs: { x }, output }) => {
    const { code, helpers } = unaryExpression(op, output.dtype);
    return runElementwise(context, {
      op,
      operands: [sameShapeOperand(x)],
      outShape: output.shape,
      outDtype: output.dtype,
      expression: code,
      helpers,
    });
  };
}

const FLOAT_BINARY: { readonly [K in BinaryKernel]: Expression } = {
  Add: expression('v0 + v1'),
  Sub: expression('v0 - v1'),
  Mul: expression('v0 * v1'),
  RealDiv: expression('v0 / v1'),
  Pow: expression('pow_f32(v0, v1)', 'pow_f32'),
  Maximum: expression('max_f32(v0, v1)', 'max_f32'),
  Minimum: expression('min_f32(v0, v1)', 'min_f32'),
  // ---- elementwise math (issue 12) ----
  Atan2: expression('atan2_f32(v0, v1)', 'atan2_f32'),
  FloorDiv: expression('floor_div_f32(v0, v1)', 'floor_div_f32'),
  FloorMod: expression('floor_mod_f32(v0, v1)', 'floor_mod_f32'),
  SquaredDifference: expression('(v0 - v1) * (v0 - v1)'),
  DivNoNan: expression('select(v0 / v1, 0.0, v1 == 0.0)'),
};

/** The binary kernels whose spec takes int32. */
type IntBinaryKernel = KernelsAccepting<BinaryKernel, 'a', 'int32'>;

/**
 * Integer forms of the binary kernels whose spec takes int32, and RealDiv's (its spec takes float32, but a
 * direct caller may not); `tsc` names a missing one.
 */
const INT_BINARY: { readonly [K in IntBinaryKernel | 'RealDiv']: Expression } = {
  Add: expression('v0 + v1'),
  Sub: expression('v0 - v1'),
  Mul: expression('v0 * v1'),
  // The CPU backend's `(a / b) | 0`: truncation, and 0 for a zero divisor (±Infinity | 0).
  RealDiv: expression('select(v0 / v1, 0, v1 == 0)'),
  Pow: expression('pow_i32(v0, v1)', 'pow_i32'),
  Maximum: expression('max(v0, v1)'),
  Minimum: expression('min(v0, v1)'),
  // ---- elementwise math (issue 12) ----
  FloorDiv: expression('floor_div_i32(v0, v1)', 'floor_div_i32'),
  FloorMod: expression('floor_mod_i32(v0, v1)', 'floor_mod_i32'),
  SquaredDifference: expression('(v0 - v1) * (v0 - v1)'),
};

const hasIntForm = (op: BinaryKernel): op is IntBinaryKernel | 'RealDiv' =>
  op === 'RealDiv' || acceptsDtype(op, 'a', 'int32');

/** The WGSL expression of binary kernel `op` on `dtype` (float32 or int32), or the CPU backend's error. */
function binaryExpression(op: BinaryKernel, dtype: DataType): Expression {
  if (dtype === 'float32') return FLOAT_BINARY[op];
  if (dtype === 'int32' && hasIntForm(op)) return INT_BINARY[op];
  return invalidArgument(op, 'a', describeDtypes(OP_SPECS[op].inputs.a.dtypes), `a ${dtype} tensor`);
}

/** The kernel shared by every binary kernel. */
export function binaryKernel<K extends BinaryKernel>(op: K): WebGpuKernel<K> {
  return (context, { inputs: { a, b }, output }) => {
    const { code, helpers } = binaryExpression(op, output.dtype);
    return runElementwise(context, {
      op,
      operands: [broadcastOperand(a, output.shape), broadcastOperand(b, output.shape)],
      outShape: output.shape,
      outDtype: output.dtype,
      expression: code,
      helpers,
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
    const helpers: readonly WgslHelperName[] = a.dtype === 'float32' ? ['classify'] : [];
    return runElementwise(context, {
      op,
      operands: [broadcastOperand(a, output.shape), broadcastOperand(b, output.shape)],
      outShape: output.shape,
      outDtype: 'bool',
      expression: `select(0u, 1u, ${test})`,
      helpers,
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
    helpers: [],
  });

/** The WGSL conversion of a value `v0` of `from` to `to`, as the CPU backend's Cast converts. */
export function castExpression(from: DataType, to: DataType): Expression {
  if (from === to) return IDENTITY;
  // NaN is true, as in TensorFlow (and `!=` alone is ordered on SwiftShader: false for NaN).
  if (to === 'bool') {
    return from === 'float32'
      ? expression('select(0u, 1u, v0 != 0.0 || is_nan(v0))', 'classify')
      : expression('select(0u, 1u, v0 != 0)');
  }
  if (to === 'int32') return from === 'float32' ? expression('f32_to_i32(v0)', 'f32_to_i32') : expression('i32(v0)');
  return expression(`${wgslType(to)}(v0)`);
}

/** Cast's kernel. */
export const castKernel: WebGpuKernel<'Cast'> = (context, { inputs: { x }, output }) => {
  const { code, helpers } = castExpression(x.dtype, output.dtype);
  return runElementwise(context, {
    op: 'Cast',
    operands: [sameShapeOperand(x)],
    outShape: output.shape,
    outDtype: output.dtype,
    expression: code,
    helpers,
  });
};
