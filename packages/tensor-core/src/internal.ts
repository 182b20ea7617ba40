/**
 * @file `@tapeflow/tensor-core/internal`: what Tapeflow's own libraries (autodiff-tape, layers, the
 * conformance kit) need beyond the public entry: the engine's recording hooks and storage handles,
 * the argument checkers and converters the op front-ends use, shape helpers, and everything in
 * `@tapeflow/tensor-core/backend`. A superset of the main entry, so a library module can take all
 * it needs from one place. Not a stable API: it changes with the packages, which are versioned
 * together; applications use `@tapeflow/tensor-core` (or `tapeflow`).
 */
export * from './index.js';
export * from './backend-api.js';
export { checkOptions, describeValue, nearestKey } from './options.js';
export type { OptionRule, OptionSchema } from './options.js';
export { assertValidShape, broadcastReductionAxes, describeShape, MAX_RANK, normalizeAxes } from './shape.js';
export { AllocationGuard } from './allocation-guard.js';
export { collectTensors } from './collect.js';
export type { Storage } from './engine.js';
export { BackendRegistry } from './backend-registry.js';
export type {
  CustomGradientFunction,
  CustomOperationRecord,
  OperationRecord,
  RecordedOpName,
  RecordedOpSpecs,
  Recorder,
  TensorInputs,
  ViewOpSpecs,
} from './recorder.js';
export { assertDataType, assertLiveTensor, convertPair, convertToTensor, releaseConverted } from './ops/convert.js';
// The op front-ends' description of an argument (a tensor by dtype and shape; a string as given), as
// opposed to `describeValue` above, which options messages use (a string quoted and cut at 40 characters).
export { describeValue as describeOperand } from './ops/convert.js';
export { variableInitialValue } from './ops/creation.js';
export { reducedShape } from './ops/reduction.js';
export { convolutionKernel } from './ops/convolution.js';
export type { ConvolutionAttrs, ConvolutionKernel } from './ops/convolution.js';
export { formatTensor, formatValues, shortestFloat32 } from './print.js';
export { randomBits, threefry2x32 } from './random.js';
// Pooling (group w-poolnn): the windows of a pooling call, and the gradients' kernels as functions.
export { poolGeometry } from './ops/pooling.js';
export type { PoolGeometry } from './ops/pooling.js';
export { avgPoolGrad, avgPoolWindows, maxPoolGrad, maxPoolGradGrad } from './ops/pooling-gradients.js';
export type { PoolAttributes } from './ops/pooling-gradients.js';
