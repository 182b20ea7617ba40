/**
 * @file The op front-ends, gathered for the Tensor methods and the package entry.
 */
export * from './activations.js';
export * from './convert.js';
export * from './creation.js';
export * from './elementwise.js';
export * from './elementwise-math.js';
export * from './matmul.js';
export * from './reduction.js';
export * from './shape-ops.js';
// Reductions, scans and linear algebra (issue 12)
export * from './scan.js';
export * from './linalg.js';
export * from './einsum.js';
export * from './pooling.js';
// Shape ops of issue 12
export * from './shape-more.js';
export * from './gather-nd.js';
export * from './strided-slice.js';
// Convolutions (issue 12).
export * from './convolution.js';
