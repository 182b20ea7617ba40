/**
 * @file Public entry of @tapeflow/backend-conformance: `describeBackend`, the suite every Tapeflow
 * backend runs in its own vitest tests; the checks it makes before any kernel runs; the comparison
 * helpers; and the float64 reference implementations of every kernel, for a plugin's own tests.
 */
export { describeBackend } from './describe-backend.js';
export type { DescribeBackendOptions } from './describe-backend.js';
export { DEFAULT_TOLERANCE, compareValues, expectTensorClose } from './compare.js';
export type { CompareOptions, NestedValues, Tolerance } from './compare.js';
export {
  findMissingKernels,
  findMissingStorageMethods,
  implementedFusedKernels,
  missingKernelsMessage,
  specVersionMessage,
} from './kernel-check.js';
export { CONFORMANCE_GROUPS } from './suites/index.js';
export { checkOutputs, memoryDrift, memorySnapshot, toTensor } from './case.js';
export type { ConformanceCase, ConformanceEnvironment, ConformanceGroup, MemorySnapshot, OutputCheck } from './case.js';
export * as reference from './reference/index.js';
export type { ReferenceTensor } from './reference/index.js';
