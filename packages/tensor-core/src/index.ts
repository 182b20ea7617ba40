/**
 * @file Public entry of @tapeflow/tensor-core: tensors, variables, the Engine, the Backend contract,
 * op front-ends, printing and seeded random. It imports no backend and no autodiff code.
 */
export * from './dtype.js';
export * from './errors.js';
export { checkOptions, describeValue, nearestKey } from './options.js';
export type { OptionRule, OptionSchema } from './options.js';
export * from './kernels.js';
export { FUSED_SPECS, OP_SPECS, PRIMITIVE_SPECS, acceptsDtype, checkInputDtype, describeDtypes } from './op-specs.js';
export type {
  AttrType,
  CallTypesOf,
  InputSpec,
  KernelFamily,
  KernelsAccepting,
  KernelsOfFamily,
  OpSpec,
  OpSpecTable,
  OutputDtypeRule,
} from './op-specs.js';
export * from './backend.js';
export * from './shape.js';
export { Engine, getEngine } from './engine.js';
export { AllocationGuard, DEFAULT_ALLOCATION_LIMIT, getAllocationLimit, setAllocationLimit } from './allocation-guard.js';
export { collectTensors } from './collect.js';
export type { MemoryInfo, Storage } from './engine.js';
export { BackendRegistry } from './backend-registry.js';
export type { RegisterBackendOptions } from './backend-registry.js';
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
export { Tensor, Variable } from './tensor.js';
export type { NestedArray, TensorContainer, TensorLike, VariableOptions } from './tensor.js';
export * from './ops/index.js';
export * from './api.js';
export { formatTensor, formatValues, shortestFloat32 } from './print.js';
export type { LiveTensorInfo } from './debug.js';
export * as random from './random.js';
