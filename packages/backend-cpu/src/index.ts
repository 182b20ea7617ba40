/**
 * @file Public entry of @tapeflow/backend-cpu: the CPU backend. Importing it has no side effects;
 * call `cpuBackend()` for an instance and give it to an Engine.
 */
export { CPU_BACKEND_NAME, CpuBackend, cpuBackend } from './cpu-backend.js';
export type { CpuBackendOptions, CpuPath } from './cpu-backend.js';
export type { CpuKernelTable } from './kernel-table.js';
