/**
 * @file The closed set of kernels a backend implements, typed by one mapped type keyed by TensorFlow's
 * kernel names. Adding a kernel here makes `tsc` reject every backend table and gradient table that
 * misses it. Inputs are tensor descriptions (`TensorInfo`); tensor-core has already validated them and
 * computed the output's shape and dtype, which every kernel receives as `output`.
 */

import type { DataType } from './dtype.js';

/** A backend's opaque handle on one buffer. Backends create them; tensor-core only passes them back. */
export type DataId = object;

/** What a kernel sees of a tensor: its buffer, shape and dtype. */
export interface TensorInfo {
  readonly dataId: DataId;
  readonly shape: readonly number[];
  readonly dtype: DataType;
}

/** The shape and dtype of a kernel's output, computed by tensor-core before the call. */
export interface OutputSpec {
  readonly shape: readonly number[];
  readonly dtype: DataType;
}

type Unary = { inputs: { x: TensorInfo }; attrs: Record<string, never> };
type Binary = { inputs: { a: TensorInfo; b: TensorInfo }; attrs: Record<string, never> };
type Reduction = { inputs: { x: TensorInfo }; attrs: { axes: readonly number[] } };

/**
 * Elementwise unary kernels: output has the input's shape and dtype. `Neg`, `Abs`, `Sign`, `Square`
 * and `Relu` take float32 or int32; `Sqrt`, `Exp`, `Log`, `Sigmoid` and `Tanh` take float32 only
 * (tensor-core rejects integers, as TensorFlow does). NaN propagates (`Relu(NaN)` is NaN, `Sign(NaN)`
 * is NaN); `Log(0)` is -Infinity and `Sqrt(-1)` NaN, by IEEE 754.
 */
export const UNARY_KERNELS = [
  'Neg', 'Abs', 'Sign', 'Square', 'Sqrt', 'Exp', 'Log', 'Relu', 'Sigmoid', 'Tanh',
] as const;
/** One of the elementwise unary kernels. */
export type UnaryKernel = (typeof UNARY_KERNELS)[number];

/**
 * Elementwise binary kernels with NumPy broadcasting: both inputs have the output's dtype (float32 or
 * int32; `RealDiv` float32 only), and their shapes broadcast to the output's shape. int32 arithmetic
 * wraps; int32 `Pow` with a negative exponent truncates (1 for base 1, ±1 for base -1, else 0).
 */
export const BINARY_KERNELS = ['Add', 'Sub', 'Mul', 'RealDiv', 'Pow', 'Maximum', 'Minimum'] as const;
/** One of the elementwise binary kernels. */
export type BinaryKernel = (typeof BINARY_KERNELS)[number];

/** Comparisons with broadcasting: inputs share a dtype, output is bool. */
export const COMPARISON_KERNELS = ['Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual'] as const;
/** One of the comparison kernels. */
export type ComparisonKernel = (typeof COMPARISON_KERNELS)[number];

/**
 * Reductions over `axes` (sorted, unique, non-negative); output drops those axes (never keeps dims)
 * and has the input's dtype (float32 or int32). Over an empty axis they give their identity: `Sum` 0,
 * `Max` -Infinity (int32: -2^31), `Min` +Infinity (int32: 2^31 - 1). NaN propagates through Max/Min.
 */
export const REDUCTION_KERNELS = ['Sum', 'Max', 'Min'] as const;
/** One of the reduction kernels. */
export type ReductionKernel = (typeof REDUCTION_KERNELS)[number];

/** Inputs and attributes of every primitive kernel. */
export interface PrimitiveKernelSpecs
  extends Record<UnaryKernel, Unary>,
    Record<BinaryKernel, Binary>,
    Record<ComparisonKernel, Binary>,
    Record<ReductionKernel, Reduction> {
  /** `condition ? a : b` elementwise; all three broadcast to the output shape. */
  Select: { inputs: { condition: TensorInfo; a: TensorInfo; b: TensorInfo }; attrs: Record<string, never> };
  /** Converts to `output.dtype`: float→int truncates toward zero, anything→bool is `!= 0`. */
  Cast: Unary;
  /** Index of the largest value along `axis`; output int32, the axis removed. Ties take the first. */
  ArgMax: { inputs: { x: TensorInfo }; attrs: { axis: number } };
  /** Index of the smallest value along `axis`; output int32, the axis removed. Ties take the first. */
  ArgMin: { inputs: { x: TensorInfo }; attrs: { axis: number } };
  /**
   * Batched matrix product. Both inputs have rank ≥ 2; leading (batch) dims broadcast to the output's.
   * With `transposeA`, `a`'s last two dims are read as [k, m] instead of [m, k] (likewise `transposeB`).
   */
  MatMul: {
    inputs: { a: TensorInfo; b: TensorInfo };
    attrs: { transposeA: boolean; transposeB: boolean };
  };
  /** Permutes dimensions: output dim i is input dim `perm[i]`. */
  Transpose: { inputs: { x: TensorInfo }; attrs: { perm: readonly number[] } };
  /** The box starting at `begin` of the output's shape. */
  Slice: { inputs: { x: TensorInfo }; attrs: { begin: readonly number[] } };
  /** Joins inputs along `axis`; they agree on every other dim and share the output dtype. */
  Concat: { inputs: { tensors: readonly TensorInfo[] }; attrs: { axis: number } };
  /**
   * Picks slices of `x` along `axis` at int32 `indices`: output shape is x.shape[:axis] +
   * indices.shape + x.shape[axis+1:]. tensor-core checks the indices are in range wherever it can read
   * them synchronously; a backend that reads asynchronously must write zeros for an index outside
   * [0, x.shape[axis]) (TensorFlow's GPU rule), never read outside `x`.
   */
  Gather: { inputs: { x: TensorInfo; indices: TensorInfo }; attrs: { axis: number } };
  /**
   * Adds rows of `data` into `numSegments` rows by int32 `segmentIds` (shape data.shape[:ids.rank]);
   * ids outside [0, numSegments) are dropped. Output: [numSegments] + data.shape[ids.rank:].
   * It is Gather's gradient: repeated indices add up.
   */
  UnsortedSegmentSum: {
    inputs: { data: TensorInfo; segmentIds: TensorInfo };
    attrs: { numSegments: number };
  };
  /** One-hot along a new last axis: `onValue` where index == position, else `offValue`. */
  OneHot: { inputs: { indices: TensorInfo }; attrs: { depth: number; onValue: number; offValue: number } };
  /** A tensor of the output shape filled with `value`. */
  Fill: { inputs: Record<string, never>; attrs: { value: number } };
  /** `start + i * step` for i in [0, output size). */
  Range: { inputs: Record<string, never>; attrs: { start: number; step: number } };
  /** Repeats `x` (whose shape broadcasts to the output's) to the output's shape. */
  BroadcastTo: Unary;
}

/**
 * Fused kernels a backend may add for speed. When the active backend lacks one, tensor-core runs the
 * composite of primitives instead, so results must agree with that composite within float32 rounding.
 */
export interface FusedKernelSpecs {
  /** `exp(x - max) / sum(exp(x - max))` along `axis`. */
  Softmax: { inputs: { x: TensorInfo }; attrs: { axis: number } };
}

/** Inputs and attributes of every kernel. */
export interface KernelSpecs extends PrimitiveKernelSpecs, FusedKernelSpecs {}

/** Every primitive kernel name. */
export type PrimitiveKernelName = keyof PrimitiveKernelSpecs;
/** Every fused kernel name. */
export type FusedKernelName = keyof FusedKernelSpecs;
/** Every kernel name. */
export type KernelName = keyof KernelSpecs;

/** Kernel `K`'s tensor inputs. */
export type KernelInputs<K extends KernelName> = KernelSpecs[K]['inputs'];
/** Kernel `K`'s attributes. */
export type KernelAttrs<K extends KernelName> = KernelSpecs[K]['attrs'];

/** Everything a kernel receives in one call. */
export interface KernelCall<K extends KernelName> {
  readonly inputs: KernelInputs<K>;
  readonly attrs: KernelAttrs<K>;
  readonly output: OutputSpec;
}

/** A backend's implementation of kernel `K`: returns the new buffer holding the output. */
export type KernelFunction<K extends KernelName> = (call: KernelCall<K>) => DataId;

/** A full table of primitive kernels plus any fused kernels a backend chooses to add. */
export type KernelTable = { readonly [K in PrimitiveKernelName]: KernelFunction<K> } & {
  readonly [K in FusedKernelName]?: KernelFunction<K>;
};

/** The primitive kernel names, listed once so tools (the conformance kit, `pnpm size`) can count them. */
export const PRIMITIVE_KERNEL_NAMES: readonly PrimitiveKernelName[] = [
  ...UNARY_KERNELS,
  ...BINARY_KERNELS,
  ...COMPARISON_KERNELS,
  ...REDUCTION_KERNELS,
  'Select', 'Cast', 'ArgMax', 'ArgMin', 'MatMul', 'Transpose', 'Slice', 'Concat', 'Gather',
  'UnsortedSegmentSum', 'OneHot', 'Fill', 'Range', 'BroadcastTo',
];

/** The fused kernel names. */
export const FUSED_KERNEL_NAMES: readonly FusedKernelName[] = ['Softmax'];
