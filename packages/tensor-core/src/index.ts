/**
 * @file Public entry of @tapeflow/tensor-core: tensors, variables, the Engine, backend selection, op
 * front-ends, typed errors, printing and seeded random: what applications call. It imports no backend
 * and no autodiff code. Backend authors import `@tapeflow/tensor-core/backend` (the Backend contract,
 * kernel names, storage arrays, shared kernel helpers); Tapeflow's own libraries import
 * `@tapeflow/tensor-core/internal` (the engine's recording hooks and argument checkers). Neither is
 * re-exported here, and members tagged `@internal` are stripped from the published types.
 */
export type { DataType, DataTypeMap, TypedArray } from './dtype.js';
export {
  FailedPreconditionError,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  ResourceExhaustedError,
  TapeflowError,
  UnimplementedError,
} from './errors.js';
export type { Backend, BackendFactory, BackendMemoryInfo } from './backend.js';
export { Engine, getEngine } from './engine.js';
export type { MemoryInfo } from './engine.js';
export { DEFAULT_ALLOCATION_LIMIT, getAllocationLimit, setAllocationLimit } from './allocation-guard.js';
export type { RegisterBackendOptions } from './backend-registry.js';
export { Tensor, Variable } from './tensor.js';
export type { NestedArray, ScalarOf, TensorContainer, TensorLike, VariableOptions } from './tensor.js';
export type { TensorMathMethods } from './tensor-math-methods.js';
export type { TensorModelMethods } from './tensor-model-methods.js';
// Op front-ends. Each ops/*.ts file holds front-ends only, except the helpers named in
// ops-exports.test.ts, which stay in ./internal.
export * from './ops/activations.js';
export * from './ops/elementwise.js';
export * from './ops/elementwise-math.js';
export * from './ops/matmul.js';
export * from './ops/shape-ops.js';
// Shape ops of issue 12 (stack, split, tile, pad, ...)
export * from './ops/shape-more.js';
export * from './ops/gather-nd.js';
export * from './ops/strided-slice.js';
// Convolutions (issue 12); `convolutionKernel` is the gradients' entry, in ./internal only.
export { conv1d, conv2d, conv2dTranspose, depthwiseConv2d } from './ops/convolution.js';
export type { ConvolutionOperand, ConvolutionOptions, ConvolutionPadding } from './ops/convolution.js';
export {
  constant,
  eye,
  fill,
  linspace,
  ones,
  onesLike,
  range,
  scalar,
  tensor,
  variable,
  zeros,
  zerosLike,
} from './ops/creation.js';
export type { TensorValues } from './ops/creation.js';
export { argMax, argMin, reduceMax, reduceMean, reduceMin, reduceSum } from './ops/reduction.js';
// Reductions, scans and linear algebra (issue 12)
export { reduceAll, reduceAny, reduceLogSumExp, reduceProd } from './ops/reduction.js';
export * from './ops/scan.js';
export * from './ops/linalg.js';
export * from './ops/einsum.js';
// Pooling and tf.nn (group w-poolnn).
export { avgPool2d, maxPool2d } from './ops/pooling.js';
export type { PaddingName, PoolSize } from './ops/pooling.js';
export * as nn from './ops/nn.js';
export * from './api.js';
export type { LiveTensorInfo } from './debug.js';
export * as random from './random-api.js';
