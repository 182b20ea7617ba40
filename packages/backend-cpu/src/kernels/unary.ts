/**
 * @file The loops of the elementwise unary kernels. Each kernel is defined once, in elementwise-table.ts
 * (`UNARY`); the hot kernels (Neg ... Softplus) also have one tight loop per dtype here, picked by a
 * switch outside the loop, and every other kernel runs its table form per element (one call per
 * element, through a function looked up once per call). Which kernels take int32 is tensor-core's spec:
 * int32 input to a float-only kernel is refused. Abs, Sign and Square also keep bool (the identity on
 * {0, 1}), which tensor-core never sends but a direct caller may.
 */

import type { DataType, TypedArray, UnaryKernel } from '@tapeflow/tensor-core/backend';
import { acceptsDtype, describeDtypes, invalidArgument, makeTypedArray, OP_SPECS } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';
import { type IntUnaryKernel, UNARY } from './elementwise-table.js';
const isIntUnary = (op: UnaryKernel): op is IntUnaryKernel => acceptsDtype(op, 'x', 'int32');

/**
 * Applies unary kernel `op` to every element of `x`; the result has `dtype` (the input's). `out`, when
 * given, receives the result (the WebAssembly path passes a view of its heap, saving a copy).
 */
export function unaryImpl(
  op: UnaryKernel,
  x: TypedArray,
  dtype: DataType,
  out: TypedArray = makeTypedArray(x.length, dtype),
): TypedArray {
  if (dtype === 'float32') floatUnary(op, x, out);
  else if (dtype === 'int32') intUnary(op, x, out);
  else boolUnary(op, x, out);
  return out;
}

function floatUnary(op: UnaryKernel, x: TypedArray, out: TypedArray): void {
  const n = x.length;
  // The table form of `op`, for the default (the switch narrows `op` itself to never there).
  const table: UnaryKernel = op;
  switch (op) {
    case 'Neg':
      for (let i = 0; i < n; i++) out[i] = -x[i]!;
      return;
    case 'Abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]!);
      return;
    case 'Sign':
      // Math.sign keeps NaN as NaN, as TensorFlow's sign does.
      for (let i = 0; i < n; i++) out[i] = Math.sign(x[i]!);
      return;
    case 'Square':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v * v;
      }
      return;
    case 'Sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!);
      return;
    case 'Exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!);
      return;
    case 'Log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!);
      return;
    case 'Relu':
      // TensorFlow's relu passes NaN through; `v > 0 ? v : 0` would turn it into 0.
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v > 0 || v !== v ? v : 0;
      }
      return;
    case 'Sigmoid':
      // exp(-v) overflows to Infinity for v < -709, giving exactly the limit 0; no branch needed.
      for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-x[i]!));
      return;
    case 'Tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!);
      return;
    case 'Softplus':
      // log(1 + eᵛ) = v + log(1 + e⁻ᵛ) for v > 0: exp never overflows, `x` comes out for large x and
      // log1p keeps eᵛ far below 0. NaN fails `v > 0` and propagates through exp and log1p.
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
      }
      return;
    default: {
      const f = UNARY[table].float;
      for (let i = 0; i < n; i++) out[i] = f(x[i]!);
    }
  }
}

function intUnary(op: UnaryKernel, x: TypedArray, out: TypedArray): void {
  if (!isIntUnary(op)) invalidArgument(op, 'x', describeDtypes(OP_SPECS[op].inputs.x.dtypes), 'an int32 tensor');
  const n = x.length;
  const table: IntUnaryKernel = op;
  switch (op) {
    case 'Neg':
      for (let i = 0; i < n; i++) out[i] = -x[i]! | 0;
      return;
    case 'Abs':
      // abs(-2^31) wraps back to -2^31, as in TensorFlow.
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]!) | 0;
      return;
    case 'Sign':
      for (let i = 0; i < n; i++) out[i] = Math.sign(x[i]!);
      return;
    case 'Square':
      for (let i = 0; i < n; i++) out[i] = Math.imul(x[i]!, x[i]!);
      return;
    case 'Relu':
      for (let i = 0; i < n; i++) out[i] = x[i]! > 0 ? x[i]! : 0;
      return;
    default: {
      const f: (v: number) => number = UNARY[table].int;
      for (let i = 0; i < n; i++) out[i] = f(x[i]!);
    }
  }
}

function boolUnary(op: UnaryKernel, x: TypedArray, out: TypedArray): void {
  if (op !== 'Abs' && op !== 'Sign' && op !== 'Square') {
    invalidArgument(op, 'x', 'a float32 tensor', 'a bool tensor');
  }
  // On {0, 1} all three are the identity.
  out.set(x);
}

/** The kernel glue shared by every unary kernel. */
export function unaryKernel<K extends UnaryKernel>(op: K): CpuKernel<K> {
  return (buffers, { inputs, output }) => buffers.adopt(unaryImpl(op, buffers.values(inputs.x), output.dtype));
}
