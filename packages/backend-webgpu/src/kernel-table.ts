/**
 * @file The WebGPU backend's kernel table: every primitive kernel plus the fused Softmax, each bound to
 * one backend's context. Typed over every kernel name, so `tsc` rejects this file when tensor-core adds
 * a kernel this backend lacks.
 */

import type { KernelFunction, KernelName } from '@tapeflow/tensor-core/backend';
import type { KernelContext, WebGpuKernel } from './kernel-context.js';
import { argReductionKernel, softmaxKernel } from './kernels/along-axis.js';
import {
  conv2dBackpropFilterKernel,
  conv2dBackpropInputKernel,
  conv2dKernel,
  depthwiseBackpropFilterKernel,
  depthwiseBackpropInputKernel,
  depthwiseConv2dKernel,
} from './kernels/convolution.js';
import { broadcastToKernel, concatKernel, sliceKernel, transposeKernel } from './kernels/copy.js';
import { fillKernel, rangeKernel } from './kernels/creation.js';
import { binaryKernel, castKernel, comparisonKernel, selectKernel, unaryKernel } from './kernels/elementwise.js';
import { gatherKernel, oneHotKernel, unsortedSegmentSumKernel } from './kernels/indexing.js';
import { matMulKernel } from './kernels/MatMul.js';
import { reductionKernel } from './kernels/reduction.js';

/** Every kernel, fused ones included; assignable to tensor-core's `KernelTable`. */
export type WebGpuKernelTable = { readonly [K in KernelName]: KernelFunction<K> };

/** The kernel table of one backend, whose buffers and dispatcher `context` gives. */
export function createKernelTable(context: KernelContext): WebGpuKernelTable {
  const bind =
    <K extends KernelName>(kernel: WebGpuKernel<K>): KernelFunction<K> =>
    (call) =>
      kernel(context, call);
  return {
    Neg: bind(unaryKernel('Neg')),
    Abs: bind(unaryKernel('Abs')),
    Sign: bind(unaryKernel('Sign')),
    Square: bind(unaryKernel('Square')),
    Sqrt: bind(unaryKernel('Sqrt')),
    Exp: bind(unaryKernel('Exp')),
    Log: bind(unaryKernel('Log')),
    Relu: bind(unaryKernel('Relu')),
    Sigmoid: bind(unaryKernel('Sigmoid')),
    Tanh: bind(unaryKernel('Tanh')),
    Softplus: bind(unaryKernel('Softplus')),
    Add: bind(binaryKernel('Add')),
    Sub: bind(binaryKernel('Sub')),
    Mul: bind(binaryKernel('Mul')),
    RealDiv: bind(binaryKernel('RealDiv')),
    Pow: bind(binaryKernel('Pow')),
    Maximum: bind(binaryKernel('Maximum')),
    Minimum: bind(binaryKernel('Minimum')),
    Equal: bind(comparisonKernel('Equal')),
    NotEqual: bind(comparisonKernel('NotEqual')),
    Greater: bind(comparisonKernel('Greater')),
    GreaterEqual: bind(comparisonKernel('GreaterEqual')),
    Less: bind(comparisonKernel('Less')),
    LessEqual: bind(comparisonKernel('LessEqual')),
    Sum: bind(reductionKernel('Sum')),
    Max: bind(reductionKernel('Max')),
    Min: bind(reductionKernel('Min')),
    Select: bind(selectKernel),
    Cast: bind(castKernel),
    ArgMax: bind(argReductionKernel('ArgMax')),
    ArgMin: bind(argReductionKernel('ArgMin')),
    MatMul: bind(matMulKernel),
    Transpose: bind(transposeKernel),
    Slice: bind(sliceKernel),
    Concat: bind(concatKernel),
    Gather: bind(gatherKernel),
    UnsortedSegmentSum: bind(unsortedSegmentSumKernel),
    OneHot: bind(oneHotKernel),
    Fill: bind(fillKernel),
    Range: bind(rangeKernel),
    BroadcastTo: bind(broadcastToKernel),
    // Convolutions (issue 12)
    Conv2D: bind(conv2dKernel),
    Conv2DBackpropInput: bind(conv2dBackpropInputKernel),
    Conv2DBackpropFilter: bind(conv2dBackpropFilterKernel),
    DepthwiseConv2dNative: bind(depthwiseConv2dKernel),
    DepthwiseConv2dNativeBackpropInput: bind(depthwiseBackpropInputKernel),
    DepthwiseConv2dNativeBackpropFilter: bind(depthwiseBackpropFilterKernel),
    Softmax: bind(softmaxKernel),
  };
}
