/**
 * @file One spec per kernel: its family, its inputs (by name) with the dtypes tensor-core sends each,
 * the rule that gives the output's dtype, and its attributes' types. Everything else is derived from
 * this table: `PrimitiveKernelSpecs` / `FusedKernelSpecs` (the typed kernel calls), the kernel-name
 * lists and families, the op front-ends' dtype checks, the backends' per-dtype tables (typed from
 * `KernelsAccepting`), and the conformance kit's dtype lists and README table. Adding a kernel here
 * makes `tsc` name every table that lacks it.
 *
 * Only front-end dtypes are stated here: a backend may accept more (the CPU kernels keep bool for Abs
 * and Sign), but tensor-core never sends it more.
 */

import type { DataType } from './dtype.js';
import { invalidArgument } from './errors.js';

/** The dtypes one input accepts. */
export interface InputSpec {
  readonly dtypes: readonly DataType[];
  /** The input is a list of tensors (Concat's `tensors`), each accepting `dtypes`. */
  readonly list?: true;
}

/** The type of one attribute: a number, a boolean, or a list of numbers (axes, a permutation). */
export type AttrType = 'number' | 'boolean' | 'number[]';

/**
 * How a kernel's output dtype is chosen: the dtype of input `sameAs`, always `dtype`, or by the caller
 * (`Cast`, `Fill`, ...) among `chosen`.
 */
export type OutputDtypeRule =
  { readonly sameAs: string } | { readonly dtype: DataType } | { readonly chosen: readonly DataType[] };

/** The kernel families backends implement with one shared kernel each. */
export type KernelFamily = 'unary' | 'binary' | 'comparison' | 'reduction' | 'other' | 'fused';

/** One kernel's spec. */
export interface OpSpec {
  readonly family: KernelFamily;
  /** Tensor inputs by name, in call order. */
  readonly inputs: Readonly<Record<string, InputSpec>>;
  readonly output: OutputDtypeRule;
  readonly attrs: Readonly<Record<string, AttrType>>;
  /** The contract in a sentence (the conformance kit's README table shows it). */
  readonly note: string;
}

import {
  ANY,
  BOOL,
  BASIC_ELEMENTWISE_SPECS,
  ELEMENTWISE_MATH_SPECS,
  FLOAT,
  INT,
  NUMERIC,
  type BinaryDefinition,
  type UnaryDefinition,
} from './elementwise-specs.js';
import { NN_SPECS } from './nn-specs.js';
export type { BinaryDefinition, BinaryDomain, UnaryDefinition } from './elementwise-specs.js';
export { referenceIntPow, SELU_ALPHA, SELU_SCALE } from './elementwise-specs.js';

const COMPARISON_NOTE = 'Inputs share a dtype; shapes broadcast; output bool (bytes 0 and 1).';
const comparisonSpec = () =>
  ({
    family: 'comparison',
    inputs: { a: { dtypes: ANY }, b: { dtypes: ANY } },
    output: { dtype: 'bool' },
    attrs: {},
    note: COMPARISON_NOTE,
  }) as const;
const REDUCTION_NOTE =
  '`attrs.axes` sorted, unique, non-negative, non-empty; the output drops them (`keepDims` is a view on top). ' +
  "Over zero elements: TensorFlow's identity (0, the dtype's lowest, its highest). NaN propagates.";
const reductionSpec = () =>
  ({
    family: 'reduction',
    inputs: { x: { dtypes: NUMERIC } },
    output: { sameAs: 'x' },
    attrs: { axes: 'number[]' },
    note: REDUCTION_NOTE,
  }) as const;
const ARG_NOTE = 'int32 output, the axis removed; ties take the first index; the axis is never empty.';
const argSpec = () =>
  ({
    family: 'other',
    inputs: { x: { dtypes: NUMERIC } },
    output: { dtype: 'int32' },
    attrs: { axis: 'number' },
    note: ARG_NOTE,
  }) as const;
const scanSpec = (what: string) =>
  ({
    family: 'other',
    inputs: { x: { dtypes: NUMERIC } },
    output: { sameAs: 'x' },
    attrs: { axis: 'number', exclusive: 'boolean', reverse: 'boolean' },
    note:
      `Along \`attrs.axis\` (non-negative): the ${what}; \`exclusive\` leaves out the element itself, ` +
      '`reverse` runs from the end. float32 accumulates in at least float32; NaN propagates.',
  }) as const;

/**
 * The spec of every primitive kernel, keyed by TensorFlow's kernel name. Order is the order of
 * `PRIMITIVE_KERNEL_NAMES` and of the README table.
 */
export const PRIMITIVE_SPECS = {
  ...BASIC_ELEMENTWISE_SPECS,
  Equal: comparisonSpec(),
  NotEqual: comparisonSpec(),
  Greater: comparisonSpec(),
  GreaterEqual: comparisonSpec(),
  Less: comparisonSpec(),
  LessEqual: comparisonSpec(),
  Sum: reductionSpec(),
  Max: reductionSpec(),
  Min: reductionSpec(),
  Select: {
    family: 'other',
    inputs: { condition: { dtypes: BOOL }, a: { dtypes: ANY }, b: { dtypes: ANY } },
    output: { sameAs: 'a' },
    attrs: {},
    note: '`condition ? a : b`; all three broadcast to `output.shape`.',
  },
  Cast: {
    family: 'other',
    inputs: { x: { dtypes: ANY } },
    output: { chosen: ANY },
    attrs: {},
    note: 'To another dtype: float→int32 truncates toward zero; anything→bool is `!= 0` (NaN is true).',
  },
  ArgMax: argSpec(),
  ArgMin: argSpec(),
  MatMul: {
    family: 'other',
    inputs: { a: { dtypes: NUMERIC }, b: { dtypes: NUMERIC } },
    output: { sameAs: 'a' },
    attrs: { transposeA: 'boolean', transposeB: 'boolean' },
    note: "Rank ≥ 2; leading (batch) dims broadcast; `transposeA` reads `a`'s last two dims as [k, m]. k may be 0 (zeros).",
  },
  Transpose: {
    family: 'other',
    inputs: { x: { dtypes: ANY } },
    output: { sameAs: 'x' },
    attrs: { perm: 'number[]' },
    note: 'Output dim i is input dim `perm[i]`.',
  },
  Slice: {
    family: 'other',
    inputs: { x: { dtypes: ANY } },
    output: { sameAs: 'x' },
    attrs: { begin: 'number[]' },
    note: "The box starting at `begin` of the output's shape.",
  },
  Concat: {
    family: 'other',
    inputs: { tensors: { dtypes: ANY, list: true } },
    output: { sameAs: 'tensors' },
    attrs: { axis: 'number' },
    note: 'Inputs agree on every other dim and share the output dtype.',
  },
  Gather: {
    family: 'other',
    inputs: { x: { dtypes: ANY }, indices: { dtypes: INT } },
    output: { sameAs: 'x' },
    attrs: { axis: 'number' },
    note: 'An index outside [0, x.shape[axis]) that tensor-core could not check gives zeros, never a read outside `x`.',
  },
  UnsortedSegmentSum: {
    family: 'other',
    inputs: { data: { dtypes: NUMERIC }, segmentIds: { dtypes: INT } },
    output: { sameAs: 'data' },
    attrs: { numSegments: 'number' },
    note: 'Ids outside [0, numSegments) are dropped; repeated ids add up.',
  },
  OneHot: {
    family: 'other',
    inputs: { indices: { dtypes: INT } },
    output: { chosen: ANY },
    attrs: { depth: 'number', onValue: 'number', offValue: 'number' },
    note: 'An index outside [0, depth) gives a row of `offValue`.',
  },
  Fill: {
    family: 'other',
    inputs: {},
    output: { chosen: ANY },
    attrs: { value: 'number' },
    note: 'Values stored as the output dtype stores them.',
  },
  Range: {
    family: 'other',
    inputs: {},
    output: { chosen: NUMERIC },
    attrs: { start: 'number', step: 'number' },
    note: '`start + i * step`, stored as the output dtype stores them.',
  },
  BroadcastTo: {
    family: 'other',
    inputs: { x: { dtypes: ANY } },
    output: { sameAs: 'x' },
    attrs: {},
    note: "Repeats `x` (whose shape broadcasts to the output's) to `output.shape`.",
  },
  // Reductions and scans (issue 12): TensorFlow's Prod, Any, All, Cumsum, Cumprod and TopKV2.
  Prod: {
    ...reductionSpec(),
    note:
      '`attrs.axes` as for Sum; the product, 1 over zero elements. int32 wraps; NaN propagates; ' +
      'float32 products accumulate in at least float32.',
  },
  Any: {
    family: 'reduction',
    inputs: { x: { dtypes: BOOL } },
    output: { sameAs: 'x' },
    attrs: { axes: 'number[]' },
    note: '`attrs.axes` as for Sum; logical or, false over zero elements.',
  },
  All: {
    family: 'reduction',
    inputs: { x: { dtypes: BOOL } },
    output: { sameAs: 'x' },
    attrs: { axes: 'number[]' },
    note: '`attrs.axes` as for Sum; logical and, true over zero elements.',
  },
  Cumsum: scanSpec('running sum (0 for the exclusive first element)'),
  Cumprod: scanSpec('running product (1 for the exclusive first element); int32 wraps'),
  TopKV2: {
    family: 'other',
    inputs: { x: { dtypes: NUMERIC } },
    output: { dtype: 'int32' },
    attrs: { k: 'number' },
    note:
      "TensorFlow's second output: the indices of the `k` largest values of each last-axis row (output " +
      '`[...x.shape[:-1], k]`, 0 <= k <= the row length), largest first, equal values lowest index first, ' +
      'NaN above every number. tensor-core gathers the values.',
  },
  // Shape (issue 12: tile, pad, reverse, gatherNd, scatterNd, stridedSlice)
  Tile: {
    family: 'other',
    inputs: { x: { dtypes: ANY } },
    output: { sameAs: 'x' },
    attrs: { multiples: 'number[]' },
    note: 'Output dim d is `x.shape[d] * multiples[d]`; element c reads `x[c mod x.shape]`.',
  },
  PadV2: {
    family: 'other',
    inputs: { x: { dtypes: ANY } },
    output: { sameAs: 'x' },
    attrs: { paddings: 'number[]', constantValue: 'number' },
    note: '`paddings` flat `[before0, after0, before1, ...]`, non-negative; the border holds `constantValue` as the dtype stores it.',
  },
  MirrorPad: {
    family: 'other',
    inputs: { x: { dtypes: ANY } },
    output: { sameAs: 'x' },
    attrs: { paddings: 'number[]', symmetric: 'boolean' },
    note: "TensorFlow's MirrorPad: REFLECT (edge not repeated, each pad ≤ dim − 1) or SYMMETRIC (edge repeated, each pad ≤ dim).",
  },
  ReverseV2: {
    family: 'other',
    inputs: { x: { dtypes: ANY } },
    output: { sameAs: 'x' },
    attrs: { axes: 'number[]' },
    note: '`attrs.axes` unique and non-negative; those dims are read back to front.',
  },
  GatherNd: {
    family: 'other',
    inputs: { x: { dtypes: ANY }, indices: { dtypes: INT } },
    output: { sameAs: 'x' },
    attrs: {},
    note: "Output = indices.shape[:-1] + x.shape[K:] (K = indices' last dim); an index row tensor-core could not check that falls outside `x` gives zeros.",
  },
  ScatterNd: {
    family: 'other',
    inputs: { indices: { dtypes: INT }, updates: { dtypes: NUMERIC } },
    output: { sameAs: 'updates' },
    attrs: {},
    note: 'Zeros of the output shape with each update row added at its index row; repeated rows add up; a row outside the output is dropped.',
  },
  StridedSlice: {
    family: 'other',
    inputs: { x: { dtypes: ANY } },
    output: { sameAs: 'x' },
    attrs: { begin: 'number[]', strides: 'number[]' },
    note: 'Output element c reads `x[begin + c * strides]` (strides non-zero, may be negative); output rank = x rank, every read in range.',
  },
  // ---- elementwise math and activations (issue 12): elementwise-specs.ts ----
  ...ELEMENTWISE_MATH_SPECS,
  // ---- pooling and convolutions (issue 12): nn-specs.ts ----
  ...NN_SPECS,
} as const satisfies Readonly<Record<string, OpSpec>>;

/** The spec of every fused kernel (optional for a backend: tensor-core runs the composite instead). */
export const FUSED_SPECS = {
  Softmax: {
    family: 'fused',
    inputs: { x: { dtypes: FLOAT } },
    output: { sameAs: 'x' },
    attrs: { axis: 'number' },
    note: 'Fused, optional: when absent, tensor-core runs the composite of primitives; results agree within float32 rounding.',
  },
} as const satisfies Readonly<Record<string, OpSpec>>;

type PrimitiveSpecTable = typeof PRIMITIVE_SPECS;
type FusedSpecTable = typeof FUSED_SPECS;
/** The spec type of every kernel. */
export type OpSpecTable = PrimitiveSpecTable & FusedSpecTable;

/** The value type of an attribute type. */
type AttrValue<T extends AttrType> = T extends 'number' ? number : T extends 'boolean' ? boolean : readonly number[];

/**
 * The `{ inputs, attrs }` type a spec describes (`Info`: kernels.ts's `TensorInfo`, passed in to avoid
 * an import cycle).
 */
export type CallTypesOf<S extends OpSpec, Info> = {
  inputs: keyof S['inputs'] extends never
    ? Record<string, never>
    : { -readonly [N in keyof S['inputs']]: S['inputs'][N] extends { list: true } ? readonly Info[] : Info };
  attrs: keyof S['attrs'] extends never
    ? Record<string, never>
    : { -readonly [A in keyof S['attrs']]: AttrValue<S['attrs'][A]> };
};

/** The kernels of `family`. */
export type KernelsOfFamily<F extends KernelFamily> = {
  [K in keyof OpSpecTable]: OpSpecTable[K]['family'] extends F ? K : never;
}[keyof OpSpecTable];

/**
 * The kernels of `Names` whose input `Input` accepts `D`: backends type their per-dtype tables with it
 * (e.g. the int32 forms of the unary kernels), so a kernel that starts taking int32 needs one.
 */
export type KernelsAccepting<Names extends keyof OpSpecTable, Input extends string, D extends DataType> = {
  [K in Names]: OpSpecTable[K]['inputs'] extends { readonly [I in Input]: { readonly dtypes: readonly (infer T)[] } }
    ? D extends T
      ? K
      : never
    : never;
}[Names];

/** Every kernel's spec, by name (primitive and fused). */
export const OP_SPECS: { readonly [K in keyof OpSpecTable]: OpSpecTable[K] } = { ...PRIMITIVE_SPECS, ...FUSED_SPECS };

/** One bit per dtype, for the accepted-dtype masks below. */
const DTYPE_BITS: { readonly [D in DataType]: number } = { float32: 1, int32: 2, bool: 4 };

/**
 * Per kernel, per input, the mask of the dtypes it accepts: built once from `OP_SPECS`, so the check
 * every op call makes is two Map reads and a bit test (no scan, no allocation).
 */
const ACCEPTED_DTYPES: ReadonlyMap<string, ReadonlyMap<string, number>> = new Map(
  Object.entries(OP_SPECS).map(([kernel, spec]) => [
    kernel,
    new Map(
      Object.entries(spec.inputs as Readonly<Record<string, InputSpec>>).map(([input, inputSpec]) => [
        input,
        inputSpec.dtypes.reduce((mask, dtype) => mask | DTYPE_BITS[dtype], 0),
      ]),
    ),
  ]),
);

/** Whether kernel `kernel`'s input `input` accepts `dtype`. */
export function acceptsDtype(kernel: keyof OpSpecTable, input: string, dtype: DataType): boolean {
  const mask = ACCEPTED_DTYPES.get(kernel)?.get(input);
  return mask !== undefined && (mask & DTYPE_BITS[dtype]) !== 0;
}

/** `a float32 tensor`, `a float32 or int32 tensor`, `an int32 tensor`: the dtypes an input accepts, in words. */
export function describeDtypes(dtypes: readonly DataType[]): string {
  const words =
    dtypes.length <= 2 ? dtypes.join(' or ') : `${dtypes.slice(0, -1).join(', ')} or ${dtypes[dtypes.length - 1]}`;
  return `${words.startsWith('int') ? 'an' : 'a'} ${words} tensor`;
}

/**
 * Throws `InvalidArgumentError` naming `op` and `argument` when kernel `kernel`'s input `input` does not
 * accept `dtype`: the front-ends' (and backends' defensive) dtype check, derived from the spec. The
 * passing path is `acceptsDtype`'s: no allocation.
 */
export function checkInputDtype(
  op: string,
  kernel: keyof OpSpecTable,
  input: string,
  dtype: DataType,
  argument: string = input,
): void {
  if (acceptsDtype(kernel, input, dtype)) return;
  const spec: Readonly<Record<string, InputSpec | undefined>> = OP_SPECS[kernel].inputs;
  invalidArgument(op, argument, describeDtypes(spec[input]?.dtypes ?? []), `a ${dtype} tensor`);
}

/** The definition (front-end, references, input domain) of unary kernel `kernel`. */
export function unaryDefinition(kernel: UnaryKernelName): UnaryDefinition {
  return PRIMITIVE_SPECS[kernel].definition;
}

/** The definition (front-end, references, input domains) of binary kernel `kernel`. */
export function binaryDefinition(kernel: BinaryKernelName): BinaryDefinition {
  return PRIMITIVE_SPECS[kernel].definition;
}

type UnaryKernelName = KernelsOfFamily<'unary'>;
type BinaryKernelName = KernelsOfFamily<'binary'>;

/** The name of the tensor-core front-end that runs each unary and binary kernel, typed from the spec. */
export type FrontEndOf<K extends UnaryKernelName | BinaryKernelName> = PrimitiveSpecTable[K]['definition']['frontEnd'];
