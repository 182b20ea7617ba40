/**
 * @file The gradient table: every op tensor-core can record, mapped to its one gradient definition
 * (what it saves and its rule), or to null where TensorFlow declares the op non-differentiable
 * (comparisons, argMax/argMin, oneHot, fill, range, and cast while float32 is the only floating
 * dtype: their inputs get none). A plain object typed by `GradientTable`, not a registry: nothing
 * registers into it at run time, and an op of tensor-core without an entry here is a compile error.
 */

import type { GradientTable } from './definition.js';
import * as convolution from './convolution.js';
import * as elementwise from './elementwise.js';
import * as indexing from './indexing.js';
import * as linalg from './linalg.js';
import * as reduction from './reduction.js';
import * as shape from './shape.js';

export const GRADIENTS: GradientTable = {
  ...elementwise,
  ...reduction,
  ...linalg,
  ...shape,
  ...indexing,
  // Convolutions (issue 12)
  ...convolution,
  Equal: null,
  NotEqual: null,
  Greater: null,
  GreaterEqual: null,
  Less: null,
  LessEqual: null,
  // TF: _CastGrad passes the gradient only between floating dtypes. With float32 the one floating dtype,
  // a recorded Cast never joins two (float32 to float32 is the Identity view): no gradient. A second
  // floating dtype needs a rule here, and the generated tests then ask for its cases.
  Cast: null,
  ArgMax: null,
  ArgMin: null,
  OneHot: null,
  Fill: null,
  Range: null,
};

export { Batch, defineGradient } from './definition.js';
export type {
  GradientDefinition,
  GradientRule,
  GradientTable,
  GradientThunks,
  InputGradients,
  InputName,
  RecordedOperation,
  Saves,
  SavedOperation,
  TensorMeta,
} from './definition.js';
