/**
 * @file A child process for atomic-save.test.ts: saves models A and B, alternating, into the
 * directory `argv[2]` (starting with `argv[3]`, 'A' or 'B'), `argv[4]` times (0: until it is killed).
 * It prints `ready` just before its first save, so the parent can kill it at instants spread over the
 * saves themselves rather than over its start-up.
 */
import { cpuBackend } from '@tapeflow/backend-cpu';
import * as tf from '@tapeflow/tensor-core';
import { modelA, modelB } from './models.js';

tf.registerBackend('cpu', cpuBackend);
await tf.setBackend('cpu');
const [dir, first, countText] = process.argv.slice(2);
const models = first === 'A' ? [modelA(), modelB()] : [modelB(), modelA()];
const count = Number(countText ?? '0');
process.stdout.write('ready\n');
for (let i = 0; count === 0 || i < count; i++) await models[i % 2]!.save(dir!);
process.stdout.write('done\n');
