/**
 * @file Public entry of @tapeflow/tensor-core.
 */
export * from './dtype.js';
export * from './errors.js';
export * from './kernels.js';
export * from './backend.js';
export * from './shape.js';
