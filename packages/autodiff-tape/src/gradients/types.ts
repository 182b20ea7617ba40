/**
 * @file The shape of a gradient rule. A rule gets the upstream gradient and what the tape saved of the
 * op (inputs, attributes, output) and returns, per input, a thunk computing that input's gradient, so
 * the tape computes only the gradients it needs. Thunks may return a gradient of the op's output shape
 * for a broadcast input: the tape sums it back to the input's shape in one place (`sumToShape`).
 */

import type { RecordedOpName, RecordedOpSpecs, Tensor, TensorInputs } from '@tapeflow/tensor-core/internal';

/** What the tape saved of one op. */
export interface SavedOperation<N extends RecordedOpName> {
  readonly inputs: TensorInputs<RecordedOpSpecs[N]['inputs']>;
  readonly attrs: RecordedOpSpecs[N]['attrs'];
  readonly output: Tensor;
}

/** Gradient thunks per input; an array input gets an array of thunks. */
export type InputGradients<N extends RecordedOpName> = {
  readonly [P in keyof RecordedOpSpecs[N]['inputs']]?: RecordedOpSpecs[N]['inputs'][P] extends readonly unknown[]
    ? readonly (() => Tensor)[]
    : () => Tensor;
};

/**
 * The vector-Jacobian product of one op. `batchRank` leading dims of `upstream` are a batch of
 * cotangents (jacobians run one backward pass for many of them): the rule returns gradients with the
 * same leading dims. Saved tensors have no batch dims; most rules get this for free by broadcasting.
 */
export type GradientRule<N extends RecordedOpName> = (upstream: Tensor, op: SavedOperation<N>, batchRank: number) => InputGradients<N>;

/**
 * The gradient table: one entry for every recorded op, `null` for ops TensorFlow declares
 * non-differentiable (their inputs get no gradient). A missing entry is a compile error.
 */
export type GradientTable = { readonly [N in RecordedOpName]: GradientRule<N> | null };
