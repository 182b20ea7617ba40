/**
 * @file The closed set of kernels a backend implements, typed by one mapped type keyed by TensorFlow's
 * kernel names and derived from the spec table in op-specs.ts. Adding a kernel there makes `tsc` reject
 * every backend table and gradient table that misses it. Inputs are tensor descriptions (`TensorInfo`);
 * tensor-core has already validated them and computed the output's shape and dtype, which every kernel
 * receives as `output`.
 */

import type { DataType } from './dtype.js';
import { FUSED_SPECS, PRIMITIVE_SPECS } from './op-specs.js';
import type { CallTypesOf, KernelFamily, KernelsOfFamily } from './op-specs.js';

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

/**
 * Elementwise unary kernels: output has the input's shape and dtype. The dtypes each takes are in
 * `PRIMITIVE_SPECS` (`Sqrt`, `Exp`, `Log`, `Sigmoid`, `Tanh` take float32 only, as in TensorFlow). NaN
 * propagates (`Relu(NaN)` is NaN, `Sign(NaN)` is NaN); `Log(0)` is -Infinity and `Sqrt(-1)` NaN.
 */
export type UnaryKernel = KernelsOfFamily<'unary'>;
/**
 * Elementwise binary kernels with NumPy broadcasting: both inputs have the output's dtype, and their
 * shapes broadcast to the output's shape. int32 arithmetic wraps; int32 `Pow` with a negative exponent
 * truncates (1 for base 1, ±1 for base -1, else 0).
 */
export type BinaryKernel = KernelsOfFamily<'binary'>;
/** Comparisons with broadcasting: inputs share a dtype, output is bool. */
export type ComparisonKernel = KernelsOfFamily<'comparison'>;
/**
 * Reductions over `axes` (sorted, unique, non-negative); output drops those axes (never keeps dims)
 * and has the input's dtype. Over an empty axis they give their identity: `Sum` 0, `Max` -Infinity
 * (int32: -2^31), `Min` +Infinity (int32: 2^31 - 1). NaN propagates through Max/Min.
 */
export type ReductionKernel = KernelsOfFamily<'reduction'>;

/** The primitive kernels of `family`, in `PRIMITIVE_SPECS` order. */
function kernelsOf<F extends KernelFamily>(family: F): readonly KernelsOfFamily<F>[] {
  // Object.keys loses the key type; every key of PRIMITIVE_SPECS is a kernel name, and the filter keeps
  // exactly the family's.
  return (Object.keys(PRIMITIVE_SPECS) as (keyof typeof PRIMITIVE_SPECS)[]).filter(
    (name): name is Extract<keyof typeof PRIMITIVE_SPECS, KernelsOfFamily<F>> =>
      PRIMITIVE_SPECS[name].family === family,
  );
}

/** The unary kernels, derived from `PRIMITIVE_SPECS`. */
export const UNARY_KERNELS: readonly UnaryKernel[] = kernelsOf('unary');
/** The binary kernels, derived from `PRIMITIVE_SPECS`. */
export const BINARY_KERNELS: readonly BinaryKernel[] = kernelsOf('binary');
/** The comparison kernels, derived from `PRIMITIVE_SPECS`. */
export const COMPARISON_KERNELS: readonly ComparisonKernel[] = kernelsOf('comparison');
/** The reduction kernels, derived from `PRIMITIVE_SPECS`. */
export const REDUCTION_KERNELS: readonly ReductionKernel[] = kernelsOf('reduction');

type PrimitiveCallTypes = { [K in keyof typeof PRIMITIVE_SPECS]: CallTypesOf<(typeof PRIMITIVE_SPECS)[K], TensorInfo> };
type FusedCallTypes = { [K in keyof typeof FUSED_SPECS]: CallTypesOf<(typeof FUSED_SPECS)[K], TensorInfo> };

/**
 * Inputs and attributes of every primitive kernel, derived from `PRIMITIVE_SPECS` (whose entries say
 * what each kernel does), so the types and the spec cannot disagree.
 */
// An interface (not a type alias) so compiler messages name it rather than expanding the mapped type.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PrimitiveKernelSpecs extends PrimitiveCallTypes {}

/**
 * Fused kernels a backend may add for speed, derived from `FUSED_SPECS`. When the active backend lacks
 * one, tensor-core runs the composite of primitives instead, so results must agree with that composite
 * within float32 rounding.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface FusedKernelSpecs extends FusedCallTypes {}

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

/** The primitive kernel names, in `PRIMITIVE_SPECS` order (the conformance kit and `pnpm size` count them). */
// Object.keys loses the key type; the keys of PRIMITIVE_SPECS are exactly the primitive kernel names.
export const PRIMITIVE_KERNEL_NAMES: readonly PrimitiveKernelName[] = Object.keys(
  PRIMITIVE_SPECS,
) as PrimitiveKernelName[];

/** The fused kernel names, in `FUSED_SPECS` order. */
export const FUSED_KERNEL_NAMES: readonly FusedKernelName[] = Object.keys(FUSED_SPECS) as FusedKernelName[];
