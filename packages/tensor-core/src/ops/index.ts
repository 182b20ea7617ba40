/**
 * @file The op front-ends, gathered for the Tensor methods and the package entry.
 */
export * from './activations.js';
export * from './convert.js';
export * from './creation.js';
export * from './elementwise.js';
export * from './matmul.js';
export * from './reduction.js';
export * from './shape-ops.js';
// Convolutions (issue 12).
export * from './convolution.js';
