/**
 * @file `@tapeflow/tensor-core/backend`: what a backend author imports. The Backend contract and its
 * version, the kernel names and their signatures, storage arrays by dtype, the shape and stride
 * helpers kernels use, the typed errors, and the helpers every backend shares (dimension coalescing,
 * MatMul geometry, `write`'s checks). None of it is for applications: the package's main entry and
 * the `tapeflow` umbrella leave it out. Versioned with the package; the contract version is
 * `BACKEND_SPEC_VERSION`.
 */
export { BACKEND_SPEC_VERSION } from './backend.js';
export type { Backend, BackendFactory, BackendMemoryInfo } from './backend.js';
export * from './kernels.js';
export {
  FUSED_SPECS,
  OP_SPECS,
  PRIMITIVE_SPECS,
  acceptsDtype,
  binaryDefinition,
  checkInputDtype,
  describeDtypes,
  referenceIntPow,
  unaryDefinition,
} from './op-specs.js';
export type {
  AttrType,
  BinaryDefinition,
  BinaryDomain,
  CallTypesOf,
  FrontEndOf,
  InputSpec,
  KernelFamily,
  KernelsAccepting,
  KernelsOfFamily,
  OpSpec,
  OpSpecTable,
  OutputDtypeRule,
  UnaryDefinition,
} from './op-specs.js';
export type { DataType, DataTypeMap, TypedArray } from './dtype.js';
export {
  DATA_TYPES,
  allocate,
  bytesPerElement,
  dtypeOfTypedArray,
  isDataType,
  isFloatingDataType,
  makeTypedArray,
} from './dtype.js';
export * from './errors.js';
export {
  broadcastShapes,
  broadcastStrides,
  computeStrides,
  normalizeAxis,
  shapesEqual,
  sizeFromShape,
} from './shape.js';
export { coalesceDimensions, checkWrite, kernelsByName, matMulGeometry } from './backend-helpers.js';
export type { CoalescedDimensions, MatMulGeometry, MatrixStrides } from './backend-helpers.js';
