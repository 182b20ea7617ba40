/**
 * @file Kernels that walk one axis per output row: ArgMax, ArgMin and the fused Softmax. The input is
 * seen as [outer, axis, inner]; one invocation handles one (outer, inner) pair and strides down the
 * axis by `inner`. ArgMax/ArgMin take the first of ties and the first NaN (as the CPU backend and
 * NumPy do); Softmax subtracts the row's max (NaN-propagating, like the Max kernel) before exp.
 */

import { sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { WebGpuKernel } from '../kernel-context.js';
import { shaderSource, wgslType } from '../program.js';

/** [outer, axis size, inner] of `shape` around `axis`. */
function splitAxis(shape: readonly number[], axis: number): [number, number, number] {
  return [sizeFromShape(shape.slice(0, axis)), shape[axis] ?? 1, sizeFromShape(shape.slice(axis + 1))];
}

const ROW_UNIFORMS = [
  { name: 'axis_size', type: 'u32' },
  { name: 'inner', type: 'u32' },
] as const;

const ROW_START = '  let o = index / p.inner;\n  let base = o * p.axis_size * p.inner + (index - o * p.inner);';

/** The kernel shared by ArgMax and ArgMin. */
export function argReductionKernel<K extends 'ArgMax' | 'ArgMin'>(op: K): WebGpuKernel<K> {
  return (context, { inputs: { x }, attrs: { axis }, output }) => {
    const input = context.input(x);
    const size = sizeFromShape(output.shape);
    const result = context.allocate(size, 'int32', op, output.shape);
    const [outer, axisSize, inner] = splitAxis(x.shape, axis);
    // An empty axis leaves index 0 (tensor-core rejects that case before calling).
    if (size === 0 || outer * inner === 0) return result;
    const better = op === 'ArgMax' ? '>' : '<';
    const float = x.dtype === 'float32';
    const workgroupSize = context.workgroupSize;
    const source = shaderSource({
      inputs: [{ name: 'x', type: wgslType(x.dtype) }],
      outputType: 'i32',
      uniforms: ROW_UNIFORMS,
      workgroupSize,
      mode: 'element',
      helpers: float ? ['classify'] : [],
      body: `${ROW_START}
  var best_index = 0;
  if (p.axis_size > 0u) {
    var best = x[base];
    for (var k = 1u; k < p.axis_size; k++) {
      ${float ? 'if (is_nan(best)) { break; }' : ''}
      let v = x[base + k * p.inner];
      if (v ${better} best${float ? ' || is_nan(v)' : ''}) { best = v; best_index = i32(k); }
    }
  }
  out[index] = best_index;`,
    });
    context.run({
      source,
      inputs: [input],
      output: result,
      size,
      uniforms: [
        { name: 'axis_size', type: 'u32', value: axisSize },
        { name: 'inner', type: 'u32', value: inner },
      ],
      workgroups: Math.ceil(size / workgroupSize),
    });
    return result;
  };
}

/** The fused Softmax: one pass for the max, one for exp and its sum, one to divide. */
export const softmaxKernel: WebGpuKernel<'Softmax'> = (context, { inputs: { x }, attrs: { axis }, output }) => {
  const input = context.input(x);
  const result = context.allocate(sizeFromShape(output.shape), 'float32', 'Softmax', output.shape);
  const [outer, axisSize, inner] = splitAxis(x.shape, axis);
  const rows = outer * inner;
  if (result.size === 0 || rows === 0) return result;
  const workgroupSize = context.workgroupSize;
  const source = shaderSource({
    inputs: [{ name: 'x', type: 'f32' }],
    outputType: 'f32',
    uniforms: ROW_UNIFORMS,
    workgroupSize,
    mode: 'element',
    helpers: ['classify', 'exp_f32'],
    body: `${ROW_START}
  let end = base + p.axis_size * p.inner;
  var m = -inf_f32();
  for (var i = base; i < end; i = i + p.inner) {
    let v = x[i];
    if (v > m || is_nan(v)) { m = v; }
  }
  var sum = 0.0;
  for (var i = base; i < end; i = i + p.inner) {
    let e = exp_f32(x[i] - m);
    out[i] = e;
    sum = sum + e;
  }
  for (var i = base; i < end; i = i + p.inner) { out[i] = out[i] / sum; }`,
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
