/**
 * @file What recorders (gradient tapes) are told: the ops that ran, view ops, custom-gradient ops and
 * Variable reads. tensor-core defines the interface; @tapeflow/autodiff-tape implements it.
 */

import type { KernelSpecs, TensorInfo } from './kernels.js';
import type { Tensor, Variable } from './tensor.js';

/** Ops the Engine records that are not backend kernels: views sharing their input's buffer. */
export interface ViewOpSpecs {
  /** Same buffer, another shape. */
  Reshape: { inputs: { x: TensorInfo }; attrs: { shape: readonly number[] } };
  /** Same buffer, same shape (e.g. a cast to the dtype a tensor already has). */
  Identity: { inputs: { x: TensorInfo }; attrs: Record<string, never> };
}

/** Everything a recorder may be told about: kernels and view ops. */
export interface RecordedOpSpecs extends KernelSpecs, ViewOpSpecs {}
/** The name of a recorded op. */
export type RecordedOpName = keyof RecordedOpSpecs;

/** Replaces TensorInfo by Tensor in an input record (what recorders and gradients see). */
export type TensorInputs<I> = {
  readonly [P in keyof I]: I[P] extends readonly TensorInfo[] ? readonly Tensor[] : Tensor;
};

/** One op that ran, as a recorder sees it. */
export interface OperationRecord<N extends RecordedOpName = RecordedOpName> {
  readonly kernelName: N;
  readonly inputs: TensorInputs<RecordedOpSpecs[N]['inputs']>;
  readonly attrs: RecordedOpSpecs[N]['attrs'];
  readonly output: Tensor;
}

/** A gradient function supplied by user code (customGradient): one gradient or null per input. */
export type CustomGradientFunction = (upstream: Tensor) => readonly (Tensor | null)[];

/** A composite op with a user gradient, as a recorder sees it. */
export interface CustomOperationRecord {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly gradient: CustomGradientFunction;
}

/** Something that watches ops as they run: a gradient tape. */
export interface Recorder {
  recordOperation(record: OperationRecord): void;
  recordCustomOperation(record: CustomOperationRecord): void;
  /** A Variable was an input of an op (TensorFlow: a variable read). */
  recordVariableRead(variable: Variable): void;
}
