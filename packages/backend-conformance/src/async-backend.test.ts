/**
 * @file The whole suite through `describeBackend` on an asynchronous backend: the CPU kernels behind
 * reads that resolve a macrotask later and no `readSync` (as a GPU backend reads), without the fused
 * Softmax (optional: skipped) and without Tanh (declared unsupported: its checks are skipped). It
 * proves the suite needs nothing synchronous and reports what a backend lacks as skips, not crashes.
 * Large inputs are left to backend-cpu's run of the suite.
 */
import { describeBackend } from './describe-backend.js';
import { delegatingBackend } from './test-setup.js';

describeBackend('async cpu', () => Promise.resolve(delegatingBackend({ without: ['Tanh', 'Softmax'] })), {
  skip: ['Tanh'],
  large: false,
});
