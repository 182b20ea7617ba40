/**
 * @file The backend conformance suite on the CPU backend's other paths (conformance.test.ts runs the
 * default one): the plain-JavaScript kernels, WebAssembly SIMD on one thread, and SIMD with every
 * kernel cut into the smallest chunks and shared with a worker thread. Imported by path, like
 * conformance.test.ts: a package dependency on the kit would make a cycle.
 */
import { describeBackend } from '../../backend-conformance/src/index.js';
import { cpuBackend } from './index.js';
import { SIMD_UNDER_TEST } from './test-utils.js';

describeBackend('cpu (plain JavaScript)', () => cpuBackend({ simd: false }));
describeBackend(`cpu (${SIMD_UNDER_TEST === 'relaxed' ? 'relaxed ' : ''}SIMD, 1 thread)`, () =>
  cpuBackend({ simd: SIMD_UNDER_TEST, threads: 1 }),
);
describeBackend(`cpu (${SIMD_UNDER_TEST === 'relaxed' ? 'relaxed ' : ''}SIMD, every kernel shared with a worker)`, () =>
  cpuBackend({ simd: SIMD_UNDER_TEST, threads: 2, parallelThreshold: 0 }),
);
