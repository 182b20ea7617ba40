/**
 * @file The one definition of an op's gradient: what the tape must keep of the op (inputs by name, the
 * output) and the rule that reads it, in one object, typed from each other. A rule sees a kept input
 * as a Tensor and any other input as metadata (`TensorMeta`: id, shape, dtype, rank), so reading the
 * values of an input it did not ask to keep is a compile error, not a run-time surprise. The tape
 * keeps exactly what `saves` names (TensorFlow's tape likewise keeps only what each gradient function
 * uses, which keeps recording cheap: an `Add` keeps nothing at all).
 *
 * A rule gets the upstream gradient and returns, per input, a thunk computing that input's gradient,
 * so the tape computes only the gradients it needs. A thunk may return a gradient of the op's output
 * shape for a broadcast input: the backward pass sums it back to the input's shape in one place.
 *
 * A definition may also carry the op's forward rule (`jvp`): given the tangents of the inputs (null
 * for an input without one) and the op as it just ran (every input and the output, live), the tangent
 * of the output. An op without one gets its jvp from the vjp rule by the double-vjp trick (see
 * forward-rule.ts), so `jvp` is an optimisation, never a requirement.
 */

import type {
  DataType,
  RecordedOpName,
  RecordedOpSpecs,
  Tensor,
  TensorInfo,
  TensorInputs,
} from '@tapeflow/tensor-core/internal';

/** What the backward pass knows of a value it did not keep: id, shape and dtype, never the values. */
export interface TensorMeta {
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: DataType;
  readonly rank: number;
}

type InputSpecs<N extends RecordedOpName> = RecordedOpSpecs[N]['inputs'];

/** The names of op `N`'s inputs. */
export type InputName<N extends RecordedOpName> = keyof InputSpecs<N> & string;

/** What a tape keeps of op `N` for its gradient: the inputs whose values the rule reads, and the output's. */
export interface Saves<N extends RecordedOpName> {
  readonly inputs: readonly InputName<N>[];
  readonly output: boolean;
  /**
   * For a saved input that only the gradients of other inputs read (Mul's `a` is read by `b`'s
   * gradient alone): those inputs. When every one of them is a number converted for the op (which
   * can never need a gradient), the tape keeps nothing of that input: `x * 2` keeps the 2, not `x`.
   */
  readonly readBy?: { readonly [P in InputName<N>]?: readonly InputName<N>[] };
}

/** One input as a rule sees it: Tensor(s) when kept, metadata otherwise (a list input element-wise). */
type Seen<I, Kept extends boolean> = I extends readonly TensorInfo[]
  ? readonly (Kept extends true ? Tensor : TensorMeta)[]
  : Kept extends true
    ? Tensor
    : TensorMeta;

/**
 * Op `N` as its rule sees it, given what it saves `S`: kept inputs (and the output, if kept) are
 * Tensors, the others `TensorMeta`, plus the op's attributes.
 */
export interface SavedOperation<N extends RecordedOpName, S extends Saves<N> = Saves<N>> {
  readonly inputs: {
    readonly [P in keyof InputSpecs<N>]: Seen<InputSpecs<N>[P], P extends S['inputs'][number] ? true : false>;
  };
  readonly attrs: RecordedOpSpecs[N]['attrs'];
  readonly output: S['output'] extends true ? Tensor : TensorMeta;
}

/** Gradient thunks per input; a list input gets a list of thunks. */
export type InputGradients<N extends RecordedOpName> = {
  readonly [P in keyof InputSpecs<N>]?: InputSpecs<N>[P] extends readonly unknown[]
    ? readonly (() => Tensor)[]
    : () => Tensor;
};

/**
 * The batch of cotangents a backward pass carries: `rank` leading dims of the upstream gradient
 * (`dims`) are independent cotangents (a vectorised jacobian runs one backward pass for many of
 * them; a plain gradient has rank 0). Kept values and input metadata have no batch dims. Every rule
 * gets this object, and every shape, axis or permutation a rule builds for the upstream goes through
 * it, so rank 0 is not a special case a rule can get right by accident. Elementwise rules need none
 * of it: broadcasting lines the batch dims up.
 */
export class Batch {
  /** How many leading dims of the upstream are the batch. */
  readonly rank: number;

  constructor(
    /** The batch dims themselves. */
    readonly dims: readonly number[],
  ) {
    this.rank = dims.length;
  }

  /** Axis `axis` (non-negative) of a per-example tensor, as an axis of the batched upstream. */
  axis(axis: number): number {
    return axis + this.rank;
  }

  /** A per-example shape with the batch dims in front. */
  shape(shape: readonly number[]): number[] {
    return [...this.dims, ...shape];
  }

  /** A per-example permutation, extended to leave the batch dims in front and in place. */
  permutation(perm: readonly number[]): number[] {
    const result: number[] = [];
    for (let i = 0; i < this.rank; i++) result.push(i);
    for (const p of perm) result.push(p + this.rank);
    return result;
  }

  /** The per-example part of a batched shape. */
  exampleShape(batchedShape: readonly number[]): number[] {
    return batchedShape.slice(this.rank);
  }
}

/** A rule for op `N` that saves `S`. */
export type GradientRule<N extends RecordedOpName, S extends Saves<N>> = (
  upstream: Tensor,
  op: SavedOperation<N, S>,
  batch: Batch,
) => InputGradients<N>;

/** A thunk per input name (a list of them for a list input), as the backward pass reads them. */
export type GradientThunks = Readonly<Record<string, (() => Tensor) | readonly (() => Tensor)[] | undefined>>;

/** Per input its tangent (null: none, a zero tangent); a list input gets a list. */
export type InputTangents<N extends RecordedOpName> = {
  readonly [P in keyof InputSpecs<N>]: InputSpecs<N>[P] extends readonly unknown[]
    ? readonly (Tensor | null)[]
    : Tensor | null;
};

/** Op `N` as a forward rule sees it: it has just run, so every input and the output are live Tensors. */
export interface ForwardOperation<N extends RecordedOpName> {
  readonly inputs: TensorInputs<InputSpecs<N>>;
  readonly attrs: RecordedOpSpecs[N]['attrs'];
  readonly output: Tensor;
}

/**
 * The forward rule (Jacobian-vector product) of op `N`: the output's tangent from the inputs'
 * tangents, at least one of which is not null. It may return a tangent that broadcasts to the output's
 * shape (the accumulator broadcasts it), or null for a zero tangent.
 */
export type ForwardRule<N extends RecordedOpName> = (
  tangents: InputTangents<N>,
  op: ForwardOperation<N>,
) => Tensor | null;

/** Tangents by input name, as the accumulator passes them to a rule at run time. */
export type TangentRecord = Readonly<Record<string, Tensor | null | readonly (Tensor | null)[]>>;

/** A recorded op as the accumulator hands it to a forward rule at run time. */
export interface LiveOperation {
  readonly inputs: Readonly<Record<string, Tensor | readonly Tensor[]>>;
  readonly attrs: unknown;
  readonly output: Tensor;
}

/**
 * A recorded op as the tape hands it to a rule at run time: inputs by name, each a Tensor where the
 * definition saves it and metadata otherwise, the attributes, and the output (likewise).
 */
export interface RecordedOperation {
  readonly inputs: Readonly<Record<string, TensorMeta | readonly TensorMeta[]>>;
  readonly attrs: unknown;
  readonly output: TensorMeta;
}

/**
 * The gradient of op `N` as the table holds it. `rule` is declared as a method (its parameter is
 * checked both ways), so a definition made by `defineGradient`, whose rule sees exactly op `N` with its
 * kept inputs as Tensors, fits here without a cast; the tape builds the operation it passes from the
 * same `saves`, which is what makes that sound.
 */
export interface GradientDefinition<N extends RecordedOpName> {
  readonly saves: Saves<N>;
  rule(upstream: Tensor, op: RecordedOperation, batch: Batch): GradientThunks;
  /** The forward rule, when written; absent: derived from `rule` (double-vjp). */
  jvp?(tangents: TangentRecord, op: LiveOperation): Tensor | null;
}

/**
 * Defines op `name`'s gradient: what it saves and the rule reading it. `saves.inputs` lists input
 * names of that op (a typo is a compile error), and the rule's `op` is typed from it.
 * @example
 * const Mul = defineGradient('Mul', {
 *   saves: { inputs: ['a', 'b'], output: false },
 *   rule: (dy, { inputs: { a, b } }) => ({ a: () => tf.mul(dy, b), b: () => tf.mul(dy, a) }),
 *   jvp: ({ a: ta, b: tb }, { inputs: { a, b } }) => addTangents(ta && tf.mul(ta, b), tb && tf.mul(a, tb)),
 * });
 */
export function defineGradient<N extends RecordedOpName, const S extends Saves<N>>(
  name: N,
  definition: { readonly saves: S; readonly rule: GradientRule<N, S>; readonly jvp?: ForwardRule<N> },
): GradientDefinition<N>;
// The implementation's signature is the table's view; the one above is what callers see and check.
export function defineGradient<N extends RecordedOpName>(
  name: N,
  definition: GradientDefinition<N>,
): GradientDefinition<N> {
  void name; // only there to name N, so the rule's `op` is typed without spelling out type arguments
  return definition;
}

/**
 * The gradient table's type: one entry for every recorded op, `null` for ops TensorFlow declares
 * non-differentiable (their inputs get no gradient). A missing op is a compile error.
 */
export type GradientTable = { readonly [N in RecordedOpName]: GradientDefinition<N> | null };
