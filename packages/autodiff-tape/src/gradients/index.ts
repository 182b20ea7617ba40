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
import * as elementwiseMath from './elementwise-math.js';
import * as indexing from './indexing.js';
import * as linalg from './linalg.js';
import * as pooling from './pooling.js';
import * as reduction from './reduction.js';
import * as scan from './scan.js';
import * as shape from './shape.js';
// Shape gradients of issue 12
import * as shapeMore from './shape-more.js';

export const GRADIENTS: GradientTable = {
  ...elementwise,
  ...reduction,
  ...linalg,
  ...shape,
  ...indexing,
  // Pooling (group w-poolnn).
  ...pooling,
  ...shapeMore,
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
  // Reductions and scans (issue 12): TensorFlow registers no gradient for Any, All and TopKV2's indices.
  ...scan,
  Any: null,
  All: null,
  TopKV2: null,
  // ---- elementwise math (issue 12): TensorFlow registers these as having no gradient ----
  ...elementwiseMath,
  Floor: null,
  Ceil: null,
  Round: null,
  FloorDiv: null,
};

export { Batch, defineGradient } from './definition.js';
export { addTangents, scaleTangent, subTangents } from './tangents.js';
export type {
  ForwardOperation,
  ForwardRule,
  InputTangents,
  LiveOperation,
  TangentRecord,
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
