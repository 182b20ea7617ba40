/**
 * @file Test set-up shared by this package's tests: the CPU backend registered and active (a library
 * registers nothing itself, so its tests do what an application would). Not part of the entry.
 */
import { cpuBackend } from '@tapeflow/backend-cpu';
import * as tf from '@tapeflow/tensor-core';

if (!tf.getEngine().registeredBackends().includes('cpu')) tf.registerBackend('cpu', cpuBackend);
await tf.setBackend('cpu');
