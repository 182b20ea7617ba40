/**
 * @file Kernels with no tensor input: Fill (one value, passed as the bits of the output's element type,
 * converted as the CPU backend's castScalar converts) and Range (`start + i * step`, each element
 * from i directly so error does not grow along the range).
 */

import { sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { WebGpuKernel } from '../kernel-context.js';
import type { Uniform } from '../program.js';
import { shaderSource, uniformFields, wgslType } from '../program.js';
import { scalarBits } from './indexing.js';

/** Fill's kernel. */
export const fillKernel: WebGpuKernel<'Fill'> = (context, { attrs, output }) => {
  const size = sizeFromShape(output.shape);
  const result = context.allocate(size, output.dtype, 'Fill', output.shape);
  if (size === 0) return result;
  const uniforms: Uniform[] = [{ name: 'value', type: 'u32', value: scalarBits(attrs.value, output.dtype) }];
  const type = wgslType(output.dtype);
  const workgroupSize = context.workgroupSize;
  const source = shaderSource({
    inputs: [],
    outputType: type,
    uniforms: uniformFields(uniforms),
    workgroupSize,
    mode: 'element',
    helpers: [],
    body: `  out[index] = bitcast<${type}>(p.value);`,
  });
  context.run({ source, inputs: [], output: result, size, uniforms, workgroups: Math.ceil(size / workgroupSize) });
  return result;
};

/**
 * Range's kernel. int32 ranges with integer start and step are computed in i32 (wrapping as the
 * CPU's `| 0` does); anything else in f32 and then converted like Cast, which matches the CPU's
 * double computation within float32 rounding.
 */
export const rangeKernel: WebGpuKernel<'Range'> = (context, { attrs: { start, step }, output }) => {
  const size = sizeFromShape(output.shape);
  const dtype = output.dtype;
  const result = context.allocate(size, dtype, 'Range', output.shape);
  if (size === 0) return result;
  const integral = dtype !== 'float32' && Number.isInteger(start) && Number.isInteger(step);
  const scalarType = integral ? 'i32' : 'f32';
  const uniforms: Uniform[] = [
    { name: 'start', type: scalarType, value: integral ? start | 0 : start },
    { name: 'step', type: scalarType, value: integral ? step | 0 : step },
  ];
  const value = `p.start + ${scalarType}(index) * p.step`;
  const store =
    dtype === 'float32'
      ? value
      : dtype === 'bool'
        ? `select(0u, 1u, ${value} != ${integral ? '0' : '0.0'})`
        : integral
          ? value
          : `f32_to_i32(${value})`;
  const workgroupSize = context.workgroupSize;
  const source = shaderSource({
    inputs: [],
    outputType: wgslType(dtype),
    uniforms: uniformFields(uniforms),
    workgroupSize,
    mode: 'element',
    helpers: store.startsWith('f32_to_i32') ? ['f32_to_i32'] : [],
    body: `  out[index] = ${store};`,
  });
  context.run({ source, inputs: [], output: result, size, uniforms, workgroups: Math.ceil(size / workgroupSize) });
  return result;
};
