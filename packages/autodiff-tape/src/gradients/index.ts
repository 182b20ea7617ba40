/**
 * @file The gradient table: every recorded op mapped to its rule, or to null where TensorFlow declares
 * the op non-differentiable (comparisons, argMax/argMin, oneHot, fill, range: their inputs get none).
 */

import * as elementwise from './elementwise.js';
import * as linalg from './linalg.js';
import * as reduction from './reduction.js';
import type { GradientTable } from './types.js';

export const GRADIENTS: GradientTable = {
  ...elementwise,
  ...reduction,
  ...linalg,
  Equal: null,
  NotEqual: null,
  Greater: null,
  GreaterEqual: null,
  Less: null,
  LessEqual: null,
  ArgMax: null,
  ArgMin: null,
  OneHot: null,
  Fill: null,
  Range: null,
};

export type { GradientRule, GradientTable, InputGradients, SavedOperation } from './types.js';
