/**
 * @file Reductions over a set of axes: Sum, Max, Min, Prod, and Any/All over bools. The input is
 * walked once in memory order with a second offset into the output that stands still along reduced
 * axes, so any axis set (none, some, all, contiguous or not) is one coalesced row walk: a row along a
 * reduced axis folds into a local before touching the output; a row along a kept axis updates
 * consecutive output slots.
 *
 * Empty reductions give TensorFlow's identities: 0 for Sum, the dtype's lowest value for Max
 * (-Infinity, -2^31, false), its highest for Min, 1 for Prod, false for Any, true for All. float32
 * sums and products accumulate in double and round once; int32 sums and products wrap. Max and Min
 * propagate NaN, like NumPy and the ArgMax/ArgMin here.
 */

import type { DataType, ReductionKernel, TypedArray } from '@tapeflow/tensor-core/backend';
import { computeStrides, invalidArgument, makeTypedArray, sizeFromShape } from '@tapeflow/tensor-core/backend';
import { type CpuKernel, missingKernelCase } from '../cpu-kernel.js';
import { planRows, visitRows, type RowPlan } from '../strided.js';

/**
 * Reduces `x` of `xShape` over `axes` (sorted, unique) under `op`; the result, of `dtype`, has
 * `xShape` without those axes.
 */
export function reduceImpl(
  op: ReductionKernel,
  x: TypedArray,
  xShape: readonly number[],
  axes: readonly number[],
  dtype: DataType,
): TypedArray {
  if (axes.length === 0) {
    const out = makeTypedArray(x.length, dtype);
    out.set(x);
    return out;
  }
  const reduced = new Set(axes);
  const keptShape = xShape.filter((_, d) => !reduced.has(d));
  const keptStrides = computeStrides(keptShape);
  const outStrides: number[] = [];
  let kept = 0;
  for (let d = 0; d < xShape.length; d++) outStrides.push(reduced.has(d) ? 0 : keptStrides[kept++]!);
  const plan = planRows(xShape, [computeStrides(xShape), outStrides]);
  const outSize = sizeFromShape(keptShape);
  if (op === 'Sum') {
    if (dtype === 'float32') return floatSum(x, plan, outSize);
    if (dtype === 'int32') return intSum(x, plan, outSize);
    invalidArgument(op, 'x', 'a float32 or int32 tensor', 'a bool tensor');
  }
  if (op === 'Max') return max(x, plan, makeTypedArray(outSize, dtype).fill(lowest(dtype)));
  if (op === 'Min') return min(x, plan, makeTypedArray(outSize, dtype).fill(highest(dtype)));
  if (op === 'Prod') {
    if (dtype === 'float32') return floatProd(x, plan, outSize);
    if (dtype === 'int32') return intProd(x, plan, outSize);
    invalidArgument(op, 'x', 'a float32 or int32 tensor', 'a bool tensor');
  }
  // Bools are bytes 0 and 1: `any` is their maximum (false over none), `all` their minimum (true).
  if (op === 'Any') return max(x, plan, makeTypedArray(outSize, 'bool'));
  if (op === 'All') return min(x, plan, makeTypedArray(outSize, 'bool').fill(1));
  return missingKernelCase(op);
}

function lowest(dtype: DataType): number {
  return dtype === 'float32' ? -Infinity : dtype === 'int32' ? -2147483648 : 0;
}

function highest(dtype: DataType): number {
  return dtype === 'float32' ? Infinity : dtype === 'int32' ? 2147483647 : 1;
}

function floatSum(x: TypedArray, plan: RowPlan, outSize: number): Float32Array {
  const sums = new Float64Array(outSize);
  visitRows(plan, (offsets, length, strides) => {
    let xi = offsets[0]!;
    let oi = offsets[1]!;
    const xs = strides[0]!;
    const os = strides[1]!;
    if (os === 0) {
      let sum = 0;
      for (let j = 0; j < length; j++, xi += xs) sum += x[xi]!;
      sums[oi] = sums[oi]! + sum;
    } else {
      for (let j = 0; j < length; j++, xi += xs, oi += os) sums[oi] = sums[oi]! + x[xi]!;
    }
  });
  return Float32Array.from(sums);
}

function intSum(x: TypedArray, plan: RowPlan, outSize: number): Int32Array {
  const out = new Int32Array(outSize);
  visitRows(plan, (offsets, length, strides) => {
    let xi = offsets[0]!;
    let oi = offsets[1]!;
    const xs = strides[0]!;
    const os = strides[1]!;
    if (os === 0) {
      let sum = 0;
      for (let j = 0; j < length; j++, xi += xs) sum = (sum + x[xi]!) | 0;
      out[oi] = (out[oi]! + sum) | 0;
    } else {
      for (let j = 0; j < length; j++, xi += xs, oi += os) out[oi] = (out[oi]! + x[xi]!) | 0;
    }
  });
  return out;
}

function floatProd(x: TypedArray, plan: RowPlan, outSize: number): Float32Array {
  const products = new Float64Array(outSize).fill(1);
  visitRows(plan, (offsets, length, strides) => {
    let xi = offsets[0]!;
    let oi = offsets[1]!;
    const xs = strides[0]!;
    const os = strides[1]!;
    if (os === 0) {
      let product = 1;
      for (let j = 0; j < length; j++, xi += xs) product *= x[xi]!;
      products[oi] = products[oi]! * product;
    } else {
      for (let j = 0; j < length; j++, xi += xs, oi += os) products[oi] = products[oi]! * x[xi]!;
    }
  });
  return Float32Array.from(products);
}

function intProd(x: TypedArray, plan: RowPlan, outSize: number): Int32Array {
  const out = new Int32Array(outSize).fill(1);
  visitRows(plan, (offsets, length, strides) => {
    let xi = offsets[0]!;
    let oi = offsets[1]!;
    const xs = strides[0]!;
    const os = strides[1]!;
    if (os === 0) {
      let product = 1;
      for (let j = 0; j < length; j++, xi += xs) product = Math.imul(product, x[xi]!);
      out[oi] = Math.imul(out[oi]!, product);
    } else {
      for (let j = 0; j < length; j++, xi += xs, oi += os) out[oi] = Math.imul(out[oi]!, x[xi]!);
    }
  });
  return out;
}

// `v !== v` is NaN: once a NaN is taken, no comparison with it is true, so it stays.
function max(x: TypedArray, plan: RowPlan, out: TypedArray): TypedArray {
  visitRows(plan, (offsets, length, strides) => {
    let xi = offsets[0]!;
    let oi = offsets[1]!;
    const xs = strides[0]!;
    const os = strides[1]!;
    if (os === 0) {
      let best = out[oi]!;
      for (let j = 0; j < length; j++, xi += xs) {
        const v = x[xi]!;
        if (v > best || v !== v) best = v;
      }
      out[oi] = best;
    } else {
      for (let j = 0; j < length; j++, xi += xs, oi += os) {
        const v = x[xi]!;
        if (v > out[oi]! || v !== v) out[oi] = v;
      }
    }
  });
  return out;
}

function min(x: TypedArray, plan: RowPlan, out: TypedArray): TypedArray {
  visitRows(plan, (offsets, length, strides) => {
    let xi = offsets[0]!;
    let oi = offsets[1]!;
    const xs = strides[0]!;
    const os = strides[1]!;
    if (os === 0) {
      let best = out[oi]!;
      for (let j = 0; j < length; j++, xi += xs) {
        const v = x[xi]!;
        if (v < best || v !== v) best = v;
      }
      out[oi] = best;
    } else {
      for (let j = 0; j < length; j++, xi += xs, oi += os) {
        const v = x[xi]!;
        if (v < out[oi]! || v !== v) out[oi] = v;
      }
    }
  });
  return out;
}

/** The kernel glue shared by every reduction kernel. */
export function reductionKernel<K extends ReductionKernel>(op: K): CpuKernel<K> {
  return (buffers, { inputs: { x }, attrs, output }) =>
    buffers.adopt(reduceImpl(op, buffers.values(x), x.shape, attrs.axes, output.dtype));
}
