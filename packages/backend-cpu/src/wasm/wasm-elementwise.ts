/**
 * @file Elementwise kernels on the WebAssembly path. float32 binary ops run in SIMD when the operands
 * are the output's size or scalars (one call, split across the pool when large), and row by row for
 * any other broadcast (each row of a coalesced broadcast has input strides 1 or 0, which are exactly
 * the `vv` / `vs` / `sv` forms). Unary ops with a SIMD form (`UNARY` in emit-elementwise.ts) run in
 * SIMD; the others (Sign and the transcendental ones) run the reference JavaScript loop straight into
 * the output's heap block.
 * int32 and bool go to the reference kernels.
 */

import type { BinaryKernel, KernelFunction, UnaryKernel } from '@tapeflow/tensor-core/backend';
import { sizeFromShape } from '@tapeflow/tensor-core/backend';
import { binaryRow } from '../kernels/binary.js';
import { unaryImpl } from '../kernels/unary.js';
import { forEachBroadcastRow } from '../strided.js';
import { type BinaryVariant, isWasmBinary, isWasmUnary } from './emit-elementwise.js';
import { ELEMENTWISE_JOB, JOB_KIND, LAYOUT, type ElementwiseFunction, type ElementwiseName } from './kernel-module.js';
import type { WasmBufferStore } from './wasm-buffer-store.js';

/**
 * Threshold units per element. Elementwise kernels are memory-bound: while the operands fit in the
 * last-level cache one core already streams them at full speed, and a second thread only adds its
 * wake-up (measured here: add of 2^20 floats 0.105 ms on one thread, 0.120 ms on two; of 2^22, 0.85 ms
 * against 0.50 ms). So an element counts 1/16, putting the default threshold at 2^21 elements.
 */
const WORK_PER_ELEMENT = 1 / 16;
/** Elements per pool chunk: 64 KiB of output, enough to amortise a claim (tens of nanoseconds). */
const CHUNK = 16384;
/** Chunk size with `fineGrain` (tests). */
const FINE_CHUNK = 64;
/** Most chunks a job may have (the claim word keeps the chunk index in 16 bits). */
const MAX_CHUNKS = 0xffff;

/**
 * Runs `name` (whose export is `direct`, looked up once by the caller: a keyed lookup per call showed
 * in the profile of scalar ops) over n elements at byte addresses a, b, out; operands with step 0 are
 * scalars.
 */
export function runElementwise(
  store: WasmBufferStore,
  name: ElementwiseName,
  direct: ElementwiseFunction,
  a: number,
  b: number,
  out: number,
  n: number,
  aStep: 0 | 1,
  bStep: 0 | 1,
): void {
  if (!store.parallel(n * WORK_PER_ELEMENT)) {
    direct(a, b, out, n);
    return;
  }
  const chunk = Math.max(store.fineGrain ? FINE_CHUNK : CHUNK, Math.ceil(n / MAX_CHUNKS / 64) * 64);
  const job = LAYOUT.job >>> 2;
  const fields = store.i32;
  fields[job] = JOB_KIND.elementwise;
  fields[job + ELEMENTWISE_JOB.slot] = store.kernels.slots[name];
  fields[job + ELEMENTWISE_JOB.a] = a;
  fields[job + ELEMENTWISE_JOB.b] = b;
  fields[job + ELEMENTWISE_JOB.out] = out;
  fields[job + ELEMENTWISE_JOB.n] = n;
  fields[job + ELEMENTWISE_JOB.chunk] = chunk;
  fields[job + ELEMENTWISE_JOB.aStep] = aStep;
  fields[job + ELEMENTWISE_JOB.bStep] = bStep;
  store.runChunks(Math.ceil(n / chunk), true);
}

/** A binary kernel: SIMD for float32 (all but Pow), the reference kernel otherwise. */
export function wasmBinary<K extends BinaryKernel>(
  store: WasmBufferStore,
  op: K,
  reference: KernelFunction<K>,
): KernelFunction<K> {
  if (!isWasmBinary(op)) return reference;
  const name = (variant: BinaryVariant): ElementwiseName => `${op}_${variant}`;
  const [vv, vs, sv] = [name('vv'), name('vs'), name('sv')];
  const { [vv]: vvFunction, [vs]: vsFunction, [sv]: svFunction } = store.exports;
  return (call) => {
    const { inputs, output } = call;
    if (output.dtype !== 'float32') return reference(call);
    const a = store.resolve(inputs.a.dataId);
    const b = store.resolve(inputs.b.dataId);
    const n = sizeFromShape(output.shape);
    const out = store.allocate(n, 'float32');
    if (n === 0) return out;
    if (a.length === n && b.length === n)
      runElementwise(store, vv, vvFunction, a.offset, b.offset, out.offset, n, 1, 1);
    else if (b.length === 1 && a.length === n)
      runElementwise(store, vs, vsFunction, a.offset, b.offset, out.offset, n, 1, 0);
    else if (a.length === 1 && b.length === n)
      runElementwise(store, sv, svFunction, a.offset, b.offset, out.offset, n, 0, 1);
    else {
      forEachBroadcastRow(output.shape, [inputs.a.shape, inputs.b.shape], (offsets, length, strides) => {
        const ai = a.offset + 4 * offsets[1]!;
        const bi = b.offset + 4 * offsets[2]!;
        const oi = out.offset + 4 * offsets[0]!;
        const as = strides[1]!;
        const bs = strides[2]!;
        if (as === 1 && bs === 1) vvFunction(ai, bi, oi, length);
        else if (as === 1 && bs === 0) vsFunction(ai, bi, oi, length);
        else if (as === 0 && bs === 1) svFunction(ai, bi, oi, length);
        else binaryRow(op, false, store.f32, ai >>> 2, as, store.f32, bi >>> 2, bs, store.f32, oi >>> 2, length);
      });
    }
    return out;
  };
}

/** A unary kernel: SIMD where it has a form, else the reference loop writing into the heap. */
export function wasmUnary<K extends UnaryKernel>(
  store: WasmBufferStore,
  op: K,
  reference: KernelFunction<K>,
): KernelFunction<K> {
  const direct = isWasmUnary(op) ? store.exports[op] : undefined;
  return (call) => {
    const { inputs, output } = call;
    if (output.dtype !== 'float32') return reference(call);
    const x = store.resolve(inputs.x.dataId);
    const out = store.allocate(x.length, 'float32');
    if (direct !== undefined && isWasmUnary(op))
      runElementwise(store, op, direct, x.offset, 0, out.offset, x.length, 1, 0);
    else unaryImpl(op, store.view(x), 'float32', store.view(out));
    return out;
  };
}
