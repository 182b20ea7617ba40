/**
 * @file Sum, Max and Min of float32 on the WebAssembly path. The same coalesced walk as the reference
 * (strided.ts) turns any axis set into rows: a row along reduced axes (output stride 0) is one SIMD
 * row reduction; a row along kept axes (output stride 1) folds into the output row with one SIMD
 * accumulate. Sums accumulate in a float64 scratch row and round once, as the reference does.
 * int32 and bool go to the reference kernels.
 */

import type { KernelFunction } from '@tapeflow/tensor-core/backend';
import { computeStrides, sizeFromShape } from '@tapeflow/tensor-core/backend';
import { planRows, visitRows } from '../strided.js';
import type { WasmBufferStore } from './wasm-buffer-store.js';

/** A reduction kernel on the WebAssembly path. */
export function wasmReduction<K extends 'Sum' | 'Max' | 'Min'>(
  store: WasmBufferStore,
  op: K,
  reference: KernelFunction<K>,
): KernelFunction<K> {
  return (call) => {
    const { inputs, attrs, output } = call;
    if (output.dtype !== 'float32' || attrs.axes.length === 0) return reference(call);
    const x = store.resolve(inputs.x.dataId);
    const shape = inputs.x.shape;
    const reduced = new Set(attrs.axes);
    const keptStrides = computeStrides(shape.filter((_, d) => !reduced.has(d)));
    let kept = 0;
    const outStrides = shape.map((_, d) => (reduced.has(d) ? 0 : keptStrides[kept++]!));
    const plan = planRows(shape, [computeStrides(shape), outStrides]);
    const outSize = sizeFromShape(output.shape);
    const out = store.allocate(outSize, 'float32');
    if (op === 'Sum') sum(store, x.offset, plan, out.offset, outSize);
    else extremum(store, op === 'Max', x.offset, plan, out.offset, outSize);
    return out;
  };
}

type Plan = ReturnType<typeof planRows>;

function sum(store: WasmBufferStore, x: number, plan: Plan, out: number, outSize: number): void {
  const scratch = store.scratch(outSize * 8);
  const { exports, f64, f32 } = store;
  const acc = scratch >>> 3;
  f64.fill(0, acc, acc + outSize);
  visitRows(plan, (offsets, length, strides) => {
    const xi = x + 4 * offsets[0]!;
    const oi = offsets[1]!;
    if (strides[0] === 1 && strides[1] === 0) f64[acc + oi] = f64[acc + oi]! + exports.sum_row(xi, length);
    else if (strides[0] === 1 && strides[1] === 1) exports.sum_acc(xi, scratch + 8 * oi, length);
    else {
      // Not produced by a walk over contiguous tensors; kept so any plan stays correct.
      for (let j = 0; j < length; j++) {
        const o = acc + oi + j * strides[1]!;
        f64[o] = f64[o]! + f32[(xi >>> 2) + j * strides[0]!]!;
      }
    }
  });
  const o = out >>> 2;
  for (let j = 0; j < outSize; j++) f32[o + j] = f64[acc + j]!;
  store.releaseScratch(scratch, outSize * 8);
}

function extremum(store: WasmBufferStore, max: boolean, x: number, plan: Plan, out: number, outSize: number): void {
  const { exports, f32 } = store;
  const o = out >>> 2;
  f32.fill(max ? -Infinity : Infinity, o, o + outSize);
  const row = max ? exports.max_row : exports.min_row;
  const fold = max ? exports.Maximum_vv : exports.Minimum_vv;
  visitRows(plan, (offsets, length, strides) => {
    const xi = x + 4 * offsets[0]!;
    const oi = o + offsets[1]!;
    if (strides[0] === 1 && strides[1] === 0) {
      const value = row(xi, length);
      const current = f32[oi]!;
      // NaN wins, as in the reference and NumPy.
      if ((max ? value > current : value < current) || value !== value) f32[oi] = value;
    } else if (strides[0] === 1 && strides[1] === 1) {
      fold(4 * oi, xi, 4 * oi, length);
    } else {
      for (let j = 0; j < length; j++) {
        const value = f32[(xi >>> 2) + j * strides[0]!]!;
        const slot = oi + j * strides[1]!;
        if ((max ? value > f32[slot]! : value < f32[slot]!) || value !== value) f32[slot] = value;
      }
    }
  });
}
