/**
 * @file The CPU backend's kernel table: every primitive kernel plus the fused Softmax, each bound to
 * one backend's buffers. Typed over every kernel name, so `tsc` rejects this file when tensor-core adds
 * a kernel the CPU backend lacks.
 */

import type { KernelFunction, KernelName } from '@tapeflow/tensor-core/backend';
import type { CpuKernel, KernelBuffers } from './cpu-kernel.js';
import { argReductionKernel } from './kernels/arg-reduction.js';
import { binaryKernel } from './kernels/binary.js';
import { broadcastToKernel } from './kernels/BroadcastTo.js';
import { castKernel } from './kernels/Cast.js';
import { comparisonKernel } from './kernels/comparison.js';
import { concatKernel } from './kernels/Concat.js';
import {
  conv2dBackpropFilterKernel,
  conv2dBackpropInputKernel,
  conv2dKernel,
  depthwiseBackpropFilterKernel,
  depthwiseBackpropInputKernel,
  depthwiseConv2dKernel,
} from './kernels/convolution.js';
import { fillKernel } from './kernels/Fill.js';
import { gatherKernel } from './kernels/Gather.js';
import { matMulKernel } from './kernels/MatMul.js';
import { oneHotKernel } from './kernels/OneHot.js';
import { rangeKernel } from './kernels/Range.js';
import { reductionKernel } from './kernels/reduction.js';
import { selectKernel } from './kernels/Select.js';
import { sliceKernel } from './kernels/Slice.js';
import { softmaxKernel } from './kernels/Softmax.js';
import { transposeKernel } from './kernels/Transpose.js';
import { unaryKernel } from './kernels/unary.js';
import { unsortedSegmentSumKernel } from './kernels/UnsortedSegmentSum.js';

/** Every kernel, fused ones included; assignable to tensor-core's `KernelTable`. */
export type CpuKernelTable = { readonly [K in KernelName]: KernelFunction<K> };

/** The kernel table of one backend, whose buffers `buffers` reads and creates. */
export function createKernelTable(buffers: KernelBuffers): CpuKernelTable {
  const bind =
    <K extends KernelName>(kernel: CpuKernel<K>): KernelFunction<K> =>
    (call) =>
      kernel(buffers, call);
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
