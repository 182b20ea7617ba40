/**
 * @file The reference of every kernel, called the way a backend's kernel is called (`inputs` by the
 * spec's names, `attrs`, `output`), in one table typed over every kernel name: a kernel added to
 * tensor-core's spec without a reference here fails `tsc`, and completeness.test.ts names it at run time.
 */

import type {
  BinaryKernel,
  KernelAttrs,
  KernelInputs,
  KernelName,
  OutputSpec,
  UnaryKernel,
} from '@tapeflow/tensor-core/internal';
import { BINARY_KERNELS, UNARY_KERNELS, kernelsByName } from '@tapeflow/tensor-core/internal';
import { convolution, convolutionBackpropFilter, convolutionBackpropInput } from './convolution.js';
import { binary, cast, compare, select, unary } from './elementwise.js';
import { broadcastTo, concat, fill, gather, oneHot, range, slice, unsortedSegmentSum } from './indexing.js';
import { matMul, transpose } from './linalg.js';
import { softmax } from './nn.js';
import { avgPool, avgPoolGrad, maxPool, maxPoolGrad, maxPoolGradGrad } from './pooling.js';
// Shape kernels of issue 12
import { gatherNd, mirrorPad, padV2, reverse, scatterNd, stridedSlice, tile } from './shape-more.js';
import { argReduce, reduce } from './reduction.js';
import { cumulative, topKIndices } from './scan.js';
import type { ReferenceTensor } from './tensor.js';

/** A kernel's inputs as reference tensors, under the spec's input names. */
export type ReferenceInputs<K extends KernelName> = {
  readonly [N in keyof KernelInputs<K>]: KernelInputs<K>[N] extends readonly unknown[]
    ? readonly ReferenceTensor[]
    : ReferenceTensor;
};

/** Kernel `K`'s reference: what its backend kernel must return, within tolerance. */
export type KernelReference<K extends KernelName> = (
  inputs: ReferenceInputs<K>,
  attrs: KernelAttrs<K>,
  output: OutputSpec,
) => ReferenceTensor;

type UnaryReferences = { readonly [K in UnaryKernel]: KernelReference<K> };
type BinaryReferences = { readonly [K in BinaryKernel]: KernelReference<K> };

/**
 * The reference of every kernel, primitive and fused. The unary and binary kernels map over their
 * names: their definitions are the spec's (reference/elementwise.ts reads them).
 */
const PLAIN = { depthwise: false } as const;
const DEPTHWISE = { depthwise: true } as const;

/** The reference of every kernel, primitive and fused. */
export const KERNEL_REFERENCES: { readonly [K in KernelName]: KernelReference<K> } = {
  ...kernelsByName<UnaryKernel, UnaryReferences>(
    UNARY_KERNELS,
    (op) =>
      ({ x }) =>
        unary(op, x),
  ),
  ...kernelsByName<BinaryKernel, BinaryReferences>(
    BINARY_KERNELS,
    (op) =>
      ({ a, b }) =>
        binary(op, a, b),
  ),
  Equal: ({ a, b }) => compare('Equal', a, b),
  NotEqual: ({ a, b }) => compare('NotEqual', a, b),
  Greater: ({ a, b }) => compare('Greater', a, b),
  GreaterEqual: ({ a, b }) => compare('GreaterEqual', a, b),
  Less: ({ a, b }) => compare('Less', a, b),
  LessEqual: ({ a, b }) => compare('LessEqual', a, b),
  Sum: ({ x }, { axes }) => reduce('Sum', x, axes),
  Max: ({ x }, { axes }) => reduce('Max', x, axes),
  Min: ({ x }, { axes }) => reduce('Min', x, axes),
  Select: ({ condition, a, b }) => select(condition, a, b),
  Cast: ({ x }, _attrs, output) => cast(x, output.dtype),
  ArgMax: ({ x }, { axis }) => argReduce('ArgMax', x, axis),
  ArgMin: ({ x }, { axis }) => argReduce('ArgMin', x, axis),
  MatMul: ({ a, b }, { transposeA, transposeB }) => matMul(a, b, { transposeA, transposeB }),
  Transpose: ({ x }, { perm }) => transpose(x, perm),
  Slice: ({ x }, { begin }, output) => slice(x, begin, output.shape),
  Concat: ({ tensors }, { axis }) => concat(tensors, axis),
  Gather: ({ x, indices }, { axis }) => gather(x, indices, axis),
  UnsortedSegmentSum: ({ data, segmentIds }, { numSegments }) => unsortedSegmentSum(data, segmentIds, numSegments),
  OneHot: ({ indices }, { depth, onValue, offValue }, output) =>
    oneHot(indices, depth, onValue, offValue, output.dtype),
  Fill: (_inputs, { value }, output) => fill(output.shape, value, output.dtype),
  Range: (_inputs, { start, step }, output) => range(start, step, output.shape[0] ?? 0, output.dtype),
  BroadcastTo: ({ x }, _attrs, output) => broadcastTo(x, output.shape),
  // Pooling (group w-poolnn).
  MaxPool: ({ x }, attrs, output) => maxPool(x, output.shape, attrs),
  AvgPool: ({ x }, attrs, output) => avgPool(x, output.shape, attrs),
  MaxPoolGrad: ({ x, dy }, attrs) => maxPoolGrad(x, dy, attrs),
  MaxPoolGradGrad: ({ x, grad }, attrs, output) => maxPoolGradGrad(x, grad, output.shape, attrs),
  AvgPoolGrad: ({ dy }, attrs, output) => avgPoolGrad(dy, output.shape, attrs),
  // Shape kernels of issue 12
  Tile: ({ x }, { multiples }) => tile(x, multiples),
  PadV2: ({ x }, { paddings, constantValue }) => padV2(x, paddings, constantValue),
  MirrorPad: ({ x }, { paddings, symmetric }) => mirrorPad(x, paddings, symmetric),
  ReverseV2: ({ x }, { axes }) => reverse(x, axes),
  GatherNd: ({ x, indices }) => gatherNd(x, indices),
  ScatterNd: ({ indices, updates }, _attrs, output) => scatterNd(indices, updates, output.shape),
  StridedSlice: ({ x }, { begin, strides }, output) => stridedSlice(x, begin, strides, output.shape),
  // Convolutions (issue 12)
  Conv2D: ({ x, filter }, attrs, output) => convolution(x, filter, attrs, output.shape, PLAIN),
  Conv2DBackpropInput: ({ dy, filter }, attrs, output) =>
    convolutionBackpropInput(dy, filter, attrs, output.shape, PLAIN),
  Conv2DBackpropFilter: ({ x, dy }, attrs, output) => convolutionBackpropFilter(x, dy, attrs, output.shape, PLAIN),
  DepthwiseConv2dNative: ({ x, filter }, attrs, output) => convolution(x, filter, attrs, output.shape, DEPTHWISE),
  DepthwiseConv2dNativeBackpropInput: ({ dy, filter }, attrs, output) =>
    convolutionBackpropInput(dy, filter, attrs, output.shape, DEPTHWISE),
  DepthwiseConv2dNativeBackpropFilter: ({ x, dy }, attrs, output) =>
    convolutionBackpropFilter(x, dy, attrs, output.shape, DEPTHWISE),
  Softmax: ({ x }, { axis }) => softmax(x, axis),
  // Reductions and scans (issue 12)
  Prod: ({ x }, { axes }) => reduce('Prod', x, axes),
  Any: ({ x }, { axes }) => reduce('Any', x, axes),
  All: ({ x }, { axes }) => reduce('All', x, axes),
  Cumsum: ({ x }, { axis, exclusive, reverse }) => cumulative('Cumsum', x, axis, { exclusive, reverse }),
  Cumprod: ({ x }, { axis, exclusive, reverse }) => cumulative('Cumprod', x, axis, { exclusive, reverse }),
  TopKV2: ({ x }, { k }) => topKIndices(x, k),
};
