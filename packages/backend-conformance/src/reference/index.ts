/**
 * @file The reference implementations: naive float64 (and wrapping int32) definitions of every
 * primitive kernel and the fused ones, on host `ReferenceTensor`s, plus seeded test data. The
 * conformance suite compares backends with these; a plugin author can use them in their own tests.
 */
export type { ReferenceTensor } from './tensor.js';
export {
  broadcastOffset,
  broadcastShape,
  indicesOf,
  offsetOf,
  referenceTensor,
  sizeOf,
  storeAs,
  stridesOf,
} from './tensor.js';
export { binary, cast, compare, intPow, select, unary } from './elementwise.js';
export { argReduce, reduce, reducedShape, reductionIdentity, sumMagnitude } from './reduction.js';
export type { MatMulReferenceOptions } from './linalg.js';
export { matMul, transpose } from './linalg.js';
export { broadcastTo, concat, fill, gather, oneHot, range, slice, unsortedSegmentSum } from './indexing.js';
export { logSoftmax, softmax } from './nn.js';
// Pooling (group w-poolnn).
export type { ReferencePoolAttrs } from './pooling.js';
export { avgPool, avgPoolGrad, maxPool, maxPoolGrad, maxPoolGradGrad } from './pooling.js';
// Shape kernels of issue 12
export { gatherNd, mirrorIndices, mirrorPad, padV2, reverse, scatterNd, stridedSlice, tile } from './shape-more.js';
export type { RandomReferenceOptions } from './data.js';
export { randomReference, seededRandom } from './data.js';
export type { KernelReference, ReferenceInputs } from './kernels.js';
export { KERNEL_REFERENCES } from './kernels.js';
