/**
 * @file Emits the float32 elementwise kernels: binary ops on two contiguous operands (`vv`) or with
 * one scalar operand (`vs`, `sv`), and unary ops. Every function has the signature
 * `(a, b, out, n)` (byte addresses; `n` elements; unary ones ignore `b`), so the thread pool can call
 * any of them through one table slot on a chunk of the range.
 *
 * The main loop does 16 floats (four vectors) per pass so the loads, the ops and the stores of
 * different vectors overlap; a scalar loop finishes the last n % 16. Scalar and vector forms of each
 * op round identically (IEEE single precision), so where the split falls never changes a result, and
 * a chunked (threaded) run equals the whole-range run bit for bit. NaN: f32x4.max / min propagate it,
 * like Math.max / min, and relu keeps NaN as TensorFlow's relu does. The SIMD forms themselves are the
 * `simd` entries of the CPU table (kernels/elementwise-table.ts): each kernel with a non-null one is emitted.
 */

import { BINARY_KERNELS, type BinaryKernel, UNARY_KERNELS, type UnaryKernel } from '@tapeflow/tensor-core/backend';
import { BINARY, UNARY } from '../kernels/elementwise-table.js';
import { type Code, FunctionBuilder, type Local, type ModuleBuilder, Type, seq } from './encoder.js';
import { f32, f32x4, i32, increment, v128, walkTo } from './instructions.js';

/** Operand layouts of a binary op: both contiguous, `b` a scalar, `a` a scalar. */
export type BinaryVariant = 'vv' | 'vs' | 'sv';

/** The binary kernels with WebAssembly forms (derived from `BINARY`). */
export type WasmBinaryOp = { [K in BinaryKernel]: (typeof BINARY)[K]['simd'] extends null ? never : K }[BinaryKernel];
/** The unary kernels with WebAssembly forms (derived from `UNARY`). */
export type WasmUnaryOp = { [K in UnaryKernel]: (typeof UNARY)[K]['simd'] extends null ? never : K }[UnaryKernel];
/** Whether binary kernel `op` has a WebAssembly form. */
export const isWasmBinary = (op: BinaryKernel): op is WasmBinaryOp => BINARY[op].simd !== null;
/** Whether unary kernel `op` has a WebAssembly form. */
export const isWasmUnary = (op: UnaryKernel): op is WasmUnaryOp => UNARY[op].simd !== null;
/** The binary kernels with WebAssembly forms, in `BINARY_KERNELS` order (their module slots follow it). */
export const WASM_BINARY_OPS: readonly WasmBinaryOp[] = BINARY_KERNELS.filter(isWasmBinary);
/** The unary kernels with WebAssembly forms, in `UNARY_KERNELS` order. */
export const WASM_UNARY_OPS: readonly WasmUnaryOp[] = UNARY_KERNELS.filter(isWasmUnary);

const VECTORS_PER_PASS = 4;

/**
 * The loop shared by every elementwise function: `out[i] = op(i)` over `n` floats from `out`, with
 * `vector(offset)` / `scalar()` producing the value at the current addresses and `advance(bytes)`
 * stepping the input addresses.
 */
function elementwiseLoop(
  f: FunctionBuilder,
  out: Local,
  n: Local,
  vector: (offset: number) => Code,
  scalar: () => Code,
  advance: (bytes: number) => Code,
): Code {
  const end = f.local(Type.i32);
  const end16 = f.local(Type.i32);
  const stores: Code[] = [];
  for (let v = 0; v < VECTORS_PER_PASS; v++) stores.push(v128.store(out.get(), vector(16 * v), 16 * v));
  return seq(
    end.set(i32.add(out.get(), i32.shl(n.get(), i32.const(2)))),
    end16.set(i32.add(out.get(), i32.shl(i32.and(n.get(), i32.const(~15)), i32.const(2)))),
    walkTo(out, end16, ...stores, advance(64), increment(out, 64)),
    walkTo(out, end, f32.store(out.get(), scalar()), advance(4), increment(out, 4)),
  );
}

/** Emits `op` for one operand layout; returns the function index. */
export function emitBinary(module: ModuleBuilder, op: WasmBinaryOp, variant: BinaryVariant): number {
  const { vector, scalar } = BINARY[op].simd;
  return module.add(
    new FunctionBuilder([Type.i32, Type.i32, Type.i32, Type.i32]),
    (f) => {
      const [a, b, out, n] = f.params as [Local, Local, Local, Local];
      const splat = f.local(Type.v128);
      const single = f.local(Type.f32);
      const scalarSide = variant === 'vs' ? b : variant === 'sv' ? a : undefined;
      const vectorOf = (side: Local, offset: number): Code =>
        side === scalarSide ? splat.get() : v128.load(side.get(), offset);
      const scalarOf = (side: Local): Code => (side === scalarSide ? single.get() : f32.load(side.get()));
      return seq(
        scalarSide === undefined
          ? []
          : seq(single.set(f32.load(scalarSide.get())), splat.set(f32x4.splat(single.get()))),
        elementwiseLoop(
          f,
          out,
          n,
          (offset) => vector(vectorOf(a, offset), vectorOf(b, offset)),
          () => scalar(scalarOf(a), scalarOf(b)),
          (bytes) => seq(a === scalarSide ? [] : increment(a, bytes), b === scalarSide ? [] : increment(b, bytes)),
        ),
      );
    },
    `${op}_${variant}`,
  );
}

/** Emits unary `op`; returns the function index. */
export function emitUnary(module: ModuleBuilder, op: WasmUnaryOp): number {
  const { vector, scalar } = UNARY[op].simd;
  return module.add(
    new FunctionBuilder([Type.i32, Type.i32, Type.i32, Type.i32]),
    (f) => {
      const [x, , out, n] = f.params as [Local, Local, Local, Local];
      const vectorTemp = f.local(Type.v128);
      const scalarTemp = f.local(Type.f32);
      return elementwiseLoop(
        f,
        out,
        n,
        (offset) => vector(v128.load(x.get(), offset), vectorTemp),
        () => scalar(f32.load(x.get()), scalarTemp),
        (bytes) => increment(x, bytes),
      );
    },
    op,
  );
}
