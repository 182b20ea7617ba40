/**
 * @file Test set-up for tensor-core's own tests: the reference CPU backend, imported by path (a
 * package dependency on it would make a cycle), registered and active. Not part of the entry.
 */
import { cpuBackend } from '../../backend-cpu/src/index.js';
import { getEngine } from './engine.js';

const engine = getEngine();
if (!engine.registeredBackends().includes('cpu')) engine.registerBackend('cpu', cpuBackend);
await engine.setBackend('cpu');
