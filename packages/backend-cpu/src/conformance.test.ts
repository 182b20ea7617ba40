/**
 * @file The backend conformance suite on the CPU backend: every primitive kernel and the fused Softmax
 * against float64 reference values, memory accounting, seeded random and the tape's gradients. The
 * kit is imported by path: a package dependency on it (it depends on this package) would make a cycle.
 */
import { describeBackend } from '../../backend-conformance/src/index.js';
import { cpuBackend } from './index.js';

describeBackend('cpu', cpuBackend);
