/**
 * @file Public entry of @tapeflow/autodiff-tape: GradientTape, ForwardAccumulator (forward mode), the
 * function transforms (grad, grads, valueAndGrad(s), variableGrads, jvp, vjp, hessian, hvp),
 * customGradient, stopGradient and a numeric gradient checker. The gradient rules are the package's
 * own (gradients/), not exported.
 */
export { GradientTape } from './gradient-tape.js';
export type {
  GradientOptions,
  GradientResult,
  GradientTapeOptions,
  JacobianOptions,
  Sources,
} from './gradient-tape.js';
export { customGradient, stopGradient } from './custom-gradient.js';
export type { CustomGradientResult } from './custom-gradient.js';
export { checkGradients } from './check-gradients.js';
export type { CheckGradientsOptions, GradientCheckReport, GradientComparison } from './check-gradients.js';
export { ForwardAccumulator } from './forward-accumulator.js';
export type { JvpOptions, JvpResult, TangentLike } from './forward-accumulator.js';
export { grad, grads, hessian, hvp, jvp, valueAndGrad, valueAndGrads, variableGrads, vjp } from './transforms.js';
export type { VjpFunction } from './transforms.js';
