/**
 * @file The CPU backend's kernel table: every primitive kernel plus the fused Softmax, each bound to
 * one backend's buffers. Typed over every kernel name, so `tsc` rejects this file when tensor-core adds
 * a kernel the CPU backend lacks. The unary and binary kernels
 * are bound by mapping over their names: each family's one table (kernels/elementwise-table.ts) is typed
 * over every name instead.
 */

import type { BinaryKernel, KernelFunction, KernelName, UnaryKernel } from '@tapeflow/tensor-core/backend';
import { BINARY_KERNELS, UNARY_KERNELS, kernelsByName } from '@tapeflow/tensor-core/backend';
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
import {
  avgPoolGradKernel,
  avgPoolKernel,
  maxPoolGradGradKernel,
  maxPoolGradKernel,
  maxPoolKernel,
} from './kernels/Pooling.js';
import { rangeKernel } from './kernels/Range.js';
import { reductionKernel } from './kernels/reduction.js';
import { selectKernel } from './kernels/Select.js';
import { sliceKernel } from './kernels/Slice.js';
import { softmaxKernel } from './kernels/Softmax.js';
import { transposeKernel } from './kernels/Transpose.js';
import { unaryKernel } from './kernels/unary.js';
import { unsortedSegmentSumKernel } from './kernels/UnsortedSegmentSum.js';
import { cumulativeKernel } from './kernels/cumulative.js';
import { topKV2Kernel } from './kernels/TopKV2.js';
// Shape kernels of issue 12
import { gatherNdKernel } from './kernels/GatherNd.js';
import { mirrorPadKernel } from './kernels/MirrorPad.js';
import { padV2Kernel } from './kernels/PadV2.js';
import { reverseV2Kernel } from './kernels/ReverseV2.js';
import { scatterNdKernel } from './kernels/ScatterNd.js';
import { stridedSliceKernel } from './kernels/StridedSlice.js';
import { tileKernel } from './kernels/Tile.js';

/** Every kernel, fused ones included; assignable to tensor-core's `KernelTable`. */
export type CpuKernelTable = { readonly [K in KernelName]: KernelFunction<K> };

type UnaryTable = { readonly [K in UnaryKernel]: CpuKernelTable[K] };
type BinaryTable = { readonly [K in BinaryKernel]: CpuKernelTable[K] };

/** The kernel table of one backend, whose buffers `buffers` reads and creates. */
export function createKernelTable(buffers: KernelBuffers): CpuKernelTable {
  const bind =
    <K extends KernelName>(kernel: CpuKernel<K>): KernelFunction<K> =>
    (call) =>
      kernel(buffers, call);
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
