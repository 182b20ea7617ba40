/**
 * @file The one shader shape behind every elementwise kernel: each invocation computes one output
 * element from its operands, each read through a strided view (see wgsl/strided.ts). Unary, binary,
 * comparison, Select, Cast, Transpose, Slice, BroadcastTo are all this program with another
 * expression and other views.
 */

import type { DataType, TensorInfo } from '@tapeflow/tensor-core/backend';
import { broadcastStrides, computeStrides, sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { GpuData } from '../gpu-data.js';
import type { KernelContext } from '../kernel-context.js';
import { shaderSource, uniformFields, wgslType } from '../program.js';
import type { OperandView } from '../wgsl/strided.js';
import { stridedIndexing } from '../wgsl/strided.js';
import type { WgslHelperName } from '../wgsl/math.js';

/** One operand of an elementwise program: a kernel input and how it is read. */
export interface ElementwiseOperand {
  readonly tensor: TensorInfo;
  readonly view: OperandView;
}

/** An operand read as it broadcasts to `outShape`. */
export function broadcastOperand(tensor: TensorInfo, outShape: readonly number[]): ElementwiseOperand {
  return { tensor, view: { strides: broadcastStrides(tensor.shape, outShape), offset: 0 } };
}

/** An operand of the output's own shape, read in place. */
export function sameShapeOperand(tensor: TensorInfo): ElementwiseOperand {
  return { tensor, view: { strides: computeStrides(tensor.shape), offset: 0 } };
}

/** What an elementwise kernel computes. */
export interface ElementwiseSpec {
  readonly op: string;
  readonly operands: readonly ElementwiseOperand[];
  readonly outShape: readonly number[];
  readonly outDtype: DataType;
  /** The output value as a WGSL expression of the operand values `v0`, `v1`, ... */
  readonly expression: string;
  /** The math helpers `expression` calls. */
  readonly helpers: readonly WgslHelperName[];
}

/** Allocates the output and records the dispatch; an empty output records nothing. */
export function runElementwise(context: KernelContext, spec: ElementwiseSpec): GpuData {
  const { op, operands, outShape, outDtype, expression, helpers } = spec;
  // Resolve inputs first: a bad input must throw before an output is allocated.
  const inputs = operands.map((o) => context.input(o.tensor));
  const size = sizeFromShape(outShape);
  const output = context.allocate(size, outDtype, op, outShape);
  if (size === 0) return output;
  const indexing = stridedIndexing(
    outShape,
    operands.map((o) => o.view),
  );
  const loads = indexing.indices.map((index, k) => `  let v${k} = in${k}[${index}];`).join('\n');
  const workgroupSize = context.workgroupSize;
  const source = shaderSource({
    inputs: operands.map((o, k) => ({ name: `in${k}`, type: wgslType(o.tensor.dtype) })),
    outputType: wgslType(outDtype),
    uniforms: uniformFields(indexing.uniforms),
    workgroupSize,
    mode: 'element',
    helpers,
    body: `${indexing.prelude}\n${loads}\n  out[index] = ${expression};`,
  });
  context.run({
    source,
    inputs,
    output,
    size,
    uniforms: indexing.uniforms,
    workgroups: Math.ceil(size / workgroupSize),
  });
  return output;
}
