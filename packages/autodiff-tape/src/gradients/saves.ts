/**
 * @file What each gradient rule reads besides shapes and dtypes: the inputs whose values it needs and
 * whether it needs the output's. A tape retains only these (TensorFlow's tape likewise keeps only what
 * each gradient function uses), which keeps recording cheap: an `Add` saves nothing at all. A rule may
 * read any input's shape or dtype, never the values of an input not listed here.
 */

import type { RecordedOpName } from '@tapeflow/tensor-core/internal';

/** The values one op's gradient rule reads. */
export interface SavedValues {
  readonly inputs: readonly string[];
  readonly output: boolean;
}

const NOTHING: SavedValues = { inputs: [], output: false };
const OUTPUT: SavedValues = { inputs: [], output: true };
const X: SavedValues = { inputs: ['x'], output: false };
const A_B: SavedValues = { inputs: ['a', 'b'], output: false };
const X_OUTPUT: SavedValues = { inputs: ['x'], output: true };

/** Per recorded op, the values its gradient rule reads. A missing entry is a compile error. */
export const SAVES: { readonly [N in RecordedOpName]: SavedValues } = {
  Add: NOTHING,
  Sub: NOTHING,
  Mul: A_B,
  RealDiv: A_B,
  Pow: { inputs: ['a', 'b'], output: true },
  Maximum: A_B,
  Minimum: A_B,
  Neg: NOTHING,
  Abs: X,
  Sign: NOTHING,
  Square: X,
  Sqrt: OUTPUT,
  Exp: OUTPUT,
  Log: X,
  Relu: OUTPUT,
  Sigmoid: OUTPUT,
  Tanh: OUTPUT,
  Select: { inputs: ['condition'], output: false },
  Cast: NOTHING,
  Sum: NOTHING,
  Max: X_OUTPUT,
  Min: X_OUTPUT,
  Softmax: OUTPUT,
  MatMul: A_B,
  Transpose: NOTHING,
  Slice: NOTHING,
  Concat: NOTHING,
  Gather: { inputs: ['indices'], output: false },
  UnsortedSegmentSum: { inputs: ['segmentIds'], output: false },
  BroadcastTo: NOTHING,
  Reshape: NOTHING,
  Identity: NOTHING,
  Equal: NOTHING,
  NotEqual: NOTHING,
  Greater: NOTHING,
  GreaterEqual: NOTHING,
  Less: NOTHING,
  LessEqual: NOTHING,
  ArgMax: NOTHING,
  ArgMin: NOTHING,
  OneHot: NOTHING,
  Fill: NOTHING,
  Range: NOTHING,
};
