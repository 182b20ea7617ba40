/**
 * @file Cumsum, Cumprod and TopKV2 (issue 12). The scans see the input as [outer, axis, inner], as
 * along-axis.ts does: one invocation per (outer, inner) row walks the axis (from its end with
 * `reverse`), writing the running value before (`exclusive`) or after folding each element in. float32
 * sums are compensated (Kahan), standing in for the CPU backend's double accumulator; int32 wraps.
 *
 * TopKV2 needs no sort and no scratch memory: one invocation per input element counts the elements of
 * its row that rank before it (larger, or equal at a lower index; NaN above every number). That count
 * is the element's place in the row's order, a permutation, so the `k` invocations whose place is
 * below `k` each write one distinct output slot. O(n²) per row of n: fine for the rows top-k is used on
 * (logits, scores); a very long row would want a bitonic sort.
 */

import { sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { WebGpuKernel } from '../kernel-context.js';
import { shaderSource, wgslType } from '../program.js';

/** The kernel shared by Cumsum and Cumprod. */
export function cumulativeKernel<K extends 'Cumsum' | 'Cumprod'>(op: K): WebGpuKernel<K> {
  return (context, { inputs: { x }, attrs: { axis, exclusive, reverse }, output }) => {
    const input = context.input(x);
    const dtype = output.dtype;
    const size = sizeFromShape(output.shape);
    const result = context.allocate(size, dtype, op, output.shape);
    const outer = sizeFromShape(x.shape.slice(0, axis));
    const axisSize = x.shape[axis]!;
    const inner = sizeFromShape(x.shape.slice(axis + 1));
    const rows = outer * inner;
    if (size === 0 || rows === 0) return result;
    const type = wgslType(dtype);
    const float = dtype === 'float32';
    const sum = op === 'Cumsum';
    const fold = sum
      ? float
        ? // An infinite running sum has no meaningful compensation, and (inf - inf) would make it NaN.
          'let y = v - comp; let t = acc + y; comp = select((t - acc) - y, 0.0, is_inf(t) || is_nan(t)); let next = t;'
        : 'let next = acc + v;'
      : 'let next = acc * v;';
    const workgroupSize = context.workgroupSize;
    const source = shaderSource({
      inputs: [{ name: 'x', type }],
      outputType: type,
      uniforms: [
        { name: 'axis_size', type: 'u32' },
        { name: 'inner', type: 'u32' },
      ],
      workgroupSize,
      mode: 'element',
      helpers: float && sum ? ['classify'] : [],
      body: `  let o = index / p.inner;
  let base = o * p.axis_size * p.inner + (index - o * p.inner);
  var acc: ${type} = ${sum ? (float ? '0.0' : '0') : float ? '1.0' : '1'};
  var comp = 0.0;
  for (var s = 0u; s < p.axis_size; s++) {
    let at = base + ${reverse ? '(p.axis_size - 1u - s)' : 's'} * p.inner;
    let v = x[at];
    ${fold}
    out[at] = ${exclusive ? 'acc' : 'next'};
    acc = next;
  }`,
    });
    context.run({
      source,
      inputs: [input],
      output: result,
      size: rows,
      uniforms: [
        { name: 'axis_size', type: 'u32', value: axisSize },
        { name: 'inner', type: 'u32', value: inner },
      ],
      workgroups: Math.ceil(rows / workgroupSize),
    });
    return result;
  };
}

/** The TopKV2 kernel: the indices of each row's `k` largest entries, largest first. */
export const topKV2Kernel: WebGpuKernel<'TopKV2'> = (context, { inputs: { x }, attrs: { k }, output }) => {
  const input = context.input(x);
  const result = context.allocate(sizeFromShape(output.shape), 'int32', 'TopKV2', output.shape);
  const n = x.shape[x.shape.length - 1] ?? 1;
  const size = sizeFromShape(x.shape);
  if (k === 0 || size === 0) return result;
  const float = x.dtype === 'float32';
  // w (at j) ranks before v (at i): larger, or equal at a lower index; NaN above every number.
  const before = float
    ? 'select(w > v || (w == v && j < i), is_nan(w) && (!is_nan(v) || j < i), is_nan(w) || is_nan(v))'
    : 'w > v || (w == v && j < i)';
  const workgroupSize = context.workgroupSize;
  const source = shaderSource({
    inputs: [{ name: 'x', type: wgslType(x.dtype) }],
    outputType: 'i32',
    uniforms: [
      { name: 'n', type: 'u32' },
      { name: 'k', type: 'u32' },
    ],
    workgroupSize,
    mode: 'element',
    helpers: float ? ['classify'] : [],
    body: `  let r = index / p.n;
  let i = index - r * p.n;
  let base = r * p.n;
  let v = x[index];
  var place = 0u;
  for (var j = 0u; j < p.n; j++) {
    let w = x[base + j];
    if (${before}) { place = place + 1u; }
  }
  if (place < p.k) { out[r * p.k + place] = i32(i); }`,
  });
  context.run({
    source,
    inputs: [input],
    output: result,
    size,
    uniforms: [
      { name: 'n', type: 'u32', value: n },
      { name: 'k', type: 'u32', value: k },
    ],
    workgroups: Math.ceil(size / workgroupSize),
  });
  return result;
};
