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

const FLOAT = ['float32'] as const;
const NUMERIC = ['float32', 'int32'] as const;
const ANY = ['float32', 'int32', 'bool'] as const;
const INT = ['int32'] as const;
const BOOL = ['bool'] as const;

const unarySpec = <const D extends readonly DataType[]>(dtypes: D, note: string) =>
  ({ family: 'unary', inputs: { x: { dtypes } }, output: { sameAs: 'x' }, attrs: {}, note }) as const;
const binarySpec = <const D extends readonly DataType[]>(dtypes: D, note: string) =>
  ({ family: 'binary', inputs: { a: { dtypes }, b: { dtypes } }, output: { sameAs: 'a' }, attrs: {}, note }) as const;
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
const UNARY_KEEPS = 'Output keeps the dtype; int32 wraps (`Neg(-2^31)` is `-2^31`).';
const FLOAT_MATH = 'float32 only, as in TensorFlow. `Log(0)` is -Infinity, `Sqrt(-1)` NaN; NaN propagates.';
const BINARY_NOTE =
  "Both inputs have the output's dtype; shapes broadcast (NumPy) to `output.shape`. int32 wraps; int32 `Pow` is exact " +
  '(a negative exponent truncates). float32 `Pow` follows C: `pow(-2, 3)` is `-8`.';

const CONV_NOTE =
  '`x` [n, h, w, c], `filter` [kh, kw, c, o], `dy` [n, oh, ow, o]; `strides`, `dilations` [along h, along w], ' +
  '`pads` [top, left] (cells outside `x` read 0; SAME already resolved with the extra row bottom/right).';
const DEPTHWISE_NOTE =
  '`filter` [kh, kw, c, m]: input channel k feeds output channels k·m … k·m + m - 1; otherwise as Conv2D.';
const convSpec = <const A extends string, const B extends string>(first: A, second: B, note: string) =>
  ({
    family: 'other',
    inputs: { [first]: { dtypes: FLOAT }, [second]: { dtypes: FLOAT } } as {
      readonly [N in A | B]: { readonly dtypes: typeof FLOAT };
    },
    output: { sameAs: first },
    attrs: { strides: 'number[]', dilations: 'number[]', pads: 'number[]' },
    note,
  }) as const;

/**
 * The spec of every primitive kernel, keyed by TensorFlow's kernel name. Order is the order of
 * `PRIMITIVE_KERNEL_NAMES` and of the README table.
 */
export const PRIMITIVE_SPECS = {
  Neg: unarySpec(NUMERIC, UNARY_KEEPS),
  Abs: unarySpec(NUMERIC, UNARY_KEEPS),
  Sign: unarySpec(NUMERIC, UNARY_KEEPS),
  Square: unarySpec(NUMERIC, UNARY_KEEPS),
  Sqrt: unarySpec(FLOAT, FLOAT_MATH),
  Exp: unarySpec(FLOAT, FLOAT_MATH),
  Log: unarySpec(FLOAT, FLOAT_MATH),
  Relu: unarySpec(NUMERIC, 'Output keeps the dtype; `Relu(NaN)` is NaN.'),
  Sigmoid: unarySpec(FLOAT, FLOAT_MATH),
  Tanh: unarySpec(FLOAT, FLOAT_MATH),
  Softplus: unarySpec(
    FLOAT,
    'float32 only, as in TensorFlow. `log(1 + eˣ)` without overflow: `x` for large x, `eˣ` far below 0.',
  ),
  Add: binarySpec(NUMERIC, BINARY_NOTE),
  Sub: binarySpec(NUMERIC, BINARY_NOTE),
  Mul: binarySpec(NUMERIC, BINARY_NOTE),
  RealDiv: binarySpec(FLOAT, "Integers are cast to float32 first (TensorFlow's truediv). `0/0` is NaN."),
  Pow: binarySpec(NUMERIC, BINARY_NOTE),
  Maximum: binarySpec(NUMERIC, BINARY_NOTE),
  Minimum: binarySpec(NUMERIC, BINARY_NOTE),
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
  // Convolutions (NHWC inputs, HWIO filters; tensor-core resolves SAME/VALID into `pads`).
  Conv2D: convSpec('x', 'filter', CONV_NOTE),
  Conv2DBackpropInput: convSpec(
    'dy',
    'filter',
    'The gradient of Conv2D w.r.t. `x` (shape `output.shape`). ' + CONV_NOTE,
  ),
  Conv2DBackpropFilter: convSpec(
    'x',
    'dy',
    'The gradient of Conv2D w.r.t. `filter` (shape `output.shape`). ' + CONV_NOTE,
  ),
  DepthwiseConv2dNative: convSpec('x', 'filter', DEPTHWISE_NOTE),
  DepthwiseConv2dNativeBackpropInput: convSpec(
    'dy',
    'filter',
    'The gradient of DepthwiseConv2dNative w.r.t. `x`. ' + DEPTHWISE_NOTE,
  ),
  DepthwiseConv2dNativeBackpropFilter: convSpec(
    'x',
    'dy',
    'The gradient of DepthwiseConv2dNative w.r.t. `filter`. ' + DEPTHWISE_NOTE,
  ),
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
