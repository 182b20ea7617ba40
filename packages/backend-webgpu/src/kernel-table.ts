/**
 * @file The WebGPU backend's kernel table: every primitive kernel plus the fused Softmax, each bound to
 * one backend's context. Typed over every kernel name, so `tsc` rejects this file when tensor-core adds
 * a kernel this backend lacks. The unary and binary kernels are
 * bound by mapping over their names: their WGSL expressions (kernels/elementwise.ts) are typed over every
 * name instead.
 */

import type { BinaryKernel, KernelFunction, KernelName, UnaryKernel } from '@tapeflow/tensor-core/backend';
import { BINARY_KERNELS, UNARY_KERNELS, kernelsByName } from '@tapeflow/tensor-core/backend';
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
import {
  avgPoolGradKernel,
  avgPoolKernel,
  maxPoolGradGradKernel,
  maxPoolGradKernel,
  maxPoolKernel,
} from './kernels/pooling.js';
import { reductionKernel } from './kernels/reduction.js';
import { cumulativeKernel, topKV2Kernel } from './kernels/scan.js';
// Shape kernels of issue 12
import {
  gatherNdKernel,
  mirrorPadKernel,
  padV2Kernel,
  reverseV2Kernel,
  scatterNdKernel,
  stridedSliceKernel,
  tileKernel,
} from './kernels/shape-more.js';

/** Every kernel, fused ones included; assignable to tensor-core's `KernelTable`. */
export type WebGpuKernelTable = { readonly [K in KernelName]: KernelFunction<K> };

type UnaryTable = { readonly [K in UnaryKernel]: WebGpuKernelTable[K] };
type BinaryTable = { readonly [K in BinaryKernel]: WebGpuKernelTable[K] };

/** The kernel table of one backend, whose buffers and dispatcher `context` gives. */
export function createKernelTable(context: KernelContext): WebGpuKernelTable {
  const bind =
    <K extends KernelName>(kernel: WebGpuKernel<K>): KernelFunction<K> =>
    (call) =>
      kernel(context, call);
  return {
    ...kernelsByName<UnaryKernel, UnaryTable>(UNARY_KERNELS, (op) => bind(unaryKernel(op))),
    ...kernelsByName<BinaryKernel, BinaryTable>(BINARY_KERNELS, (op) => bind(binaryKernel(op))),
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
    // Pooling (group w-poolnn).
    MaxPool: bind(maxPoolKernel),
    AvgPool: bind(avgPoolKernel),
    MaxPoolGrad: bind(maxPoolGradKernel),
    MaxPoolGradGrad: bind(maxPoolGradGradKernel),
    AvgPoolGrad: bind(avgPoolGradKernel),
    // Shape kernels of issue 12
    Tile: bind(tileKernel),
    PadV2: bind(padV2Kernel),
    MirrorPad: bind(mirrorPadKernel),
    ReverseV2: bind(reverseV2Kernel),
    GatherNd: bind(gatherNdKernel),
    ScatterNd: bind(scatterNdKernel),
    StridedSlice: bind(stridedSliceKernel),
    // Convolutions (issue 12)
    Conv2D: bind(conv2dKernel),
    Conv2DBackpropInput: bind(conv2dBackpropInputKernel),
    Conv2DBackpropFilter: bind(conv2dBackpropFilterKernel),
    DepthwiseConv2dNative: bind(depthwiseConv2dKernel),
    DepthwiseConv2dNativeBackpropInput: bind(depthwiseBackpropInputKernel),
    DepthwiseConv2dNativeBackpropFilter: bind(depthwiseBackpropFilterKernel),
    Softmax: bind(softmaxKernel),
    // Reductions and scans (issue 12)
    Prod: bind(reductionKernel('Prod')),
    Any: bind(reductionKernel('Any')),
    All: bind(reductionKernel('All')),
    Cumsum: bind(cumulativeKernel('Cumsum')),
    Cumprod: bind(cumulativeKernel('Cumprod')),
    TopKV2: bind(topKV2Kernel),
  };
}
