/**
 * @file Public entry of @tapeflow/autodiff-tape: GradientTape, the gradient table (one definition per
 * op, and `defineGradient` to write one), customGradient, stopGradient and a numeric gradient checker.
 */
export { GradientTape } from './gradient-tape.js';
export type { GradientOptions, GradientResult, GradientTapeOptions, Sources } from './gradient-tape.js';
export { customGradient, stopGradient } from './custom-gradient.js';
export type { CustomGradientResult } from './custom-gradient.js';
export { checkGradients } from './check-gradients.js';
export type { CheckGradientsOptions, GradientCheckReport, GradientComparison } from './check-gradients.js';
export { Batch, defineGradient, GRADIENTS } from './gradients/index.js';
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
} from './gradients/index.js';
export { sumToShape } from './backprop.js';
