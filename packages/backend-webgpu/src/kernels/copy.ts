/**
 * @file The data-movement kernels: Transpose, Slice and BroadcastTo are one strided copy each (the
 * elementwise program with the identity expression and a permuted, offset or zero-stride view), and
 * Concat copies each input into its column of the output, one dispatch per non-empty input.
 */

import { broadcastStrides, computeStrides, sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { WebGpuKernel } from '../kernel-context.js';
import { shaderSource, wgslType } from '../program.js';
import { runElementwise } from './elementwise-program.js';

/** Transpose's kernel: output dim i reads input dim `perm[i]`. */
export const transposeKernel: WebGpuKernel<'Transpose'> = (context, { inputs: { x }, attrs, output }) => {
  const strides = computeStrides(x.shape);
  return runElementwise(context, {
    op: 'Transpose',
    operands: [{ tensor: x, view: { strides: attrs.perm.map((axis) => strides[axis]!), offset: 0 } }],
    outShape: output.shape,
    outDtype: output.dtype,
    expression: 'v0',
    helpers: [],
  });
};

/** Slice's kernel: the box of the output's shape at `begin`. */
export const sliceKernel: WebGpuKernel<'Slice'> = (context, { inputs: { x }, attrs, output }) => {
  const strides = computeStrides(x.shape);
  let offset = 0;
  for (let d = 0; d < x.shape.length; d++) offset += attrs.begin[d]! * strides[d]!;
  return runElementwise(context, {
    op: 'Slice',
    operands: [{ tensor: x, view: { strides, offset } }],
    outShape: output.shape,
    outDtype: output.dtype,
    expression: 'v0',
    helpers: [],
  });
};

/** BroadcastTo's kernel: stride 0 along the broadcast dims. */
export const broadcastToKernel: WebGpuKernel<'BroadcastTo'> = (context, { inputs: { x }, output }) =>
  runElementwise(context, {
    op: 'BroadcastTo',
    operands: [{ tensor: x, view: { strides: broadcastStrides(x.shape, output.shape), offset: 0 } }],
    outShape: output.shape,
    outDtype: output.dtype,
    expression: 'v0',
    helpers: [],
  });

/**
 * Concat's kernel. Seen as [outer, rest], input t contributes a chunk of `chunk` elements per outer
 * index, placed at `column` within the output's chunk of `outChunk`.
 */
export const concatKernel: WebGpuKernel<'Concat'> = (context, { inputs: { tensors }, attrs, output }) => {
  const inputs = tensors.map((t) => context.input(t));
  const size = sizeFromShape(output.shape);
  const result = context.allocate(size, output.dtype, 'Concat', output.shape);
  if (size === 0) return result;
  const outer = sizeFromShape(output.shape.slice(0, attrs.axis));
  const outChunk = size / outer;
  const type = wgslType(output.dtype);
  const workgroupSize = context.workgroupSize;
  const source = shaderSource({
    inputs: [{ name: 'x', type }],
    outputType: type,
    uniforms: [
      { name: 'chunk', type: 'u32' },
      { name: 'out_chunk', type: 'u32' },
      { name: 'column', type: 'u32' },
    ],
    workgroupSize,
    mode: 'element',
    helpers: [],
    body: '  let o = index / p.chunk;\n  out[o * p.out_chunk + p.column + (index - o * p.chunk)] = x[index];',
  });
  let column = 0;
  tensors.forEach((tensor, t) => {
    const part = inputs[t]!;
    const chunk = sizeFromShape(tensor.shape.slice(attrs.axis));
    if (part.size > 0) {
      context.run({
        source,
        inputs: [part],
        output: result,
        size: part.size,
        uniforms: [
          { name: 'chunk', type: 'u32', value: chunk },
          { name: 'out_chunk', type: 'u32', value: outChunk },
          { name: 'column', type: 'u32', value: column },
        ],
        workgroups: Math.ceil(part.size / workgroupSize),
      });
    }
    column += chunk;
  });
  return result;
};
