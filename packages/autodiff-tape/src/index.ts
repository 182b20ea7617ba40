/**
 * @file Public entry of @tapeflow/autodiff-tape: GradientTape, the gradient table (one definition per
 * op), customGradient, stopGradient and a numeric gradient checker.
 */
export { GradientTape } from './gradient-tape.js';
export type { GradientOptions, GradientResult, GradientTapeOptions, Sources } from './gradient-tape.js';
export { customGradient, stopGradient } from './custom-gradient.js';
export type { CustomGradientResult } from './custom-gradient.js';
export { checkGradients } from './check-gradients.js';
export type { CheckGradientsOptions, GradientCheckReport, GradientComparison } from './check-gradients.js';
export { GRADIENTS } from './gradients/index.js';
// The types GRADIENTS is declared with (writing a rule is this package's business, so defineGradient is not exported).
export type {
  Batch,
  GradientDefinition,
  GradientTable,
  GradientThunks,
  RecordedOperation,
  Saves,
  TensorMeta,
} from './gradients/index.js';
export { sumToShape } from './backprop.js';
