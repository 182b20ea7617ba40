/**
 * @file Kernels driven by int32 index tensors: Gather, UnsortedSegmentSum and OneHot.
 *
 * UnsortedSegmentSum runs one invocation per output element, which scans every segment id and adds the
 * matching data. WGSL has no float atomics, so scattering from the data side would race; the scan is
 * O(segments × ids × inner), fine for its use as Gather's gradient, where ids are few.
 */

import type { DataType } from '@tapeflow/tensor-core/backend';
import { invalidArgument, sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { WebGpuKernel } from '../kernel-context.js';
import type { Uniform } from '../program.js';
import { shaderSource, uniformFields, wgslType } from '../program.js';

/** A scalar attribute as the bits of an element of `dtype` (converted as the CPU's castScalar does). */
export function scalarBits(value: number, dtype: DataType): number {
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  if (dtype === 'int32') return value | 0;
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value, true);
  return view.getUint32(0, true);
}

/**
 * Gather's kernel: out[o, t, j] = x[o, indices[t], j] over [outer, indices, inner]; zeros where an
 * index is out of range (TensorFlow's GPU rule; the CPU backend's front-end check raises instead).
 */
export const gatherKernel: WebGpuKernel<'Gather'> = (context, { inputs: { x, indices }, attrs: { axis }, output }) => {
  const xData = context.input(x);
  const indexData = context.input(indices);
  const size = sizeFromShape(output.shape);
  const result = context.allocate(size, output.dtype, 'Gather', output.shape);
  if (size === 0) return result;
  const uniforms: Uniform[] = [
    { name: 'axis_size', type: 'u32', value: x.shape[axis]! },
    { name: 'count', type: 'u32', value: indexData.size },
    { name: 'inner', type: 'u32', value: sizeFromShape(x.shape.slice(axis + 1)) },
  ];
  const type = wgslType(output.dtype);
  const workgroupSize = context.workgroupSize;
  const source = shaderSource({
    inputs: [
      { name: 'x', type },
      { name: 'indices', type: 'i32' },
    ],
    outputType: type,
    uniforms: uniformFields(uniforms),
    workgroupSize,
    mode: 'element',
    helpers: [],
    body: `  let block = p.count * p.inner;
  let o = index / block;
  let rest = index - o * block;
  let t = rest / p.inner;
  let j = rest - t * p.inner;
  // tensor-core cannot read a tensor's indices here (reads are asynchronous): an index outside
  // [0, axis_size) gives zeros, TensorFlow's GPU rule, and is never read (the clamp keeps the load in range).
  let raw = indices[t];
  let inside = raw >= 0 && raw < i32(p.axis_size);
  let row = u32(clamp(raw, 0, i32(p.axis_size) - 1));
  out[index] = select(${type}(0), x[(o * p.axis_size + row) * p.inner + j], inside);`,
  });
  context.run({
    source,
    inputs: [xData, indexData],
    output: result,
    size,
    uniforms,
    workgroups: Math.ceil(size / workgroupSize),
  });
  return result;
};

/** UnsortedSegmentSum's kernel; ids outside [0, numSegments) are dropped. */
export const unsortedSegmentSumKernel: WebGpuKernel<'UnsortedSegmentSum'> = (
  context,
  { inputs: { data, segmentIds }, output },
) => {
  const dtype = output.dtype;
  if (dtype === 'bool') invalidArgument('UnsortedSegmentSum', 'data', 'a float32 or int32 tensor', 'a bool tensor');
  const dataBuffer = context.input(data);
  const idBuffer = context.input(segmentIds);
  const size = sizeFromShape(output.shape);
  const result = context.allocate(size, dtype, 'UnsortedSegmentSum', output.shape);
  if (size === 0) return result;
  const uniforms: Uniform[] = [
    { name: 'count', type: 'u32', value: idBuffer.size },
    { name: 'inner', type: 'u32', value: sizeFromShape(output.shape.slice(1)) },
  ];
  const type = wgslType(dtype);
  const workgroupSize = context.workgroupSize;
  const source = shaderSource({
    inputs: [
      { name: 'data', type },
      { name: 'ids', type: 'i32' },
    ],
    outputType: type,
    uniforms: uniformFields(uniforms),
    workgroupSize,
    mode: 'element',
    helpers: [],
    body: `  let segment = i32(index / p.inner);
  let j = index - u32(segment) * p.inner;
  var acc: ${type} = ${type}(0);
  for (var i = 0u; i < p.count; i++) {
    if (ids[i] == segment) { acc = acc + data[i * p.inner + j]; }
  }
  out[index] = acc;`,
  });
  context.run({
    source,
    inputs: [dataBuffer, idBuffer],
    output: result,
    size,
    uniforms,
    workgroups: Math.ceil(size / workgroupSize),
  });
  return result;
};

/** OneHot's kernel: `onValue` where the index equals the position on the new last axis. */
export const oneHotKernel: WebGpuKernel<'OneHot'> = (context, { inputs: { indices }, attrs, output }) => {
  const indexData = context.input(indices);
  const size = sizeFromShape(output.shape);
  const result = context.allocate(size, output.dtype, 'OneHot', output.shape);
  if (size === 0) return result;
  const uniforms: Uniform[] = [
    { name: 'depth', type: 'u32', value: attrs.depth },
    { name: 'on', type: 'u32', value: scalarBits(attrs.onValue, output.dtype) },
    { name: 'off', type: 'u32', value: scalarBits(attrs.offValue, output.dtype) },
  ];
  const type = wgslType(output.dtype);
  const workgroupSize = context.workgroupSize;
  const source = shaderSource({
    inputs: [{ name: 'indices', type: 'i32' }],
    outputType: type,
    uniforms: uniformFields(uniforms),
    workgroupSize,
    mode: 'element',
    helpers: [],
    body: `  let row = index / p.depth;
  let hot = indices[row] == i32(index - row * p.depth);
  out[index] = bitcast<${type}>(select(p.off, p.on, hot));`,
  });
  context.run({
    source,
    inputs: [indexData],
    output: result,
    size,
    uniforms,
    workgroups: Math.ceil(size / workgroupSize),
  });
  return result;
};
