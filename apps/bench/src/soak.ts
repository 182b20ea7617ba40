/**
 * @file The long soak (issue: memory that never leaks): the 784-256-10 MLP's training step through
 * GradientTape for 100,000 steps (or `--steps N`) on Tapeflow's CPU backend, printing RSS, JS heap and
 * tf.memory() every tenth of the run and writing them to bench-results/soak-*.json. Like an
 * application, the loop yields to the event loop every 100 steps. Flat figures are the pass mark; the
 * script exits 1 if the tensor count or bytes at the end differ from those after the first step.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tapeflow/tensor-core';
import { FULL } from './config.js';
import { tapeflow } from './libraries/tapeflow.js';

const stepsArgument = process.argv.indexOf('--steps');
const steps = stepsArgument === -1 ? 100_000 : Number(process.argv[stepsArgument + 1]);
if (!Number.isInteger(steps) || steps < 10)
  throw new Error(`soak: --steps expected an integer >= 10, got ${process.argv[stepsArgument + 1]}`);

interface Sample {
  readonly step: number;
  readonly seconds: number;
  readonly rssMB: number;
  readonly heapMB: number;
  readonly numTensors: number;
  readonly numDataBuffers: number;
  readonly numBytes: number;
}

const library = await tapeflow({});
const task = library.mlp(FULL.mlp);
const started = performance.now();
const samples: Sample[] = [];
const sample = (step: number): Sample => {
  const usage = process.memoryUsage();
  const memory = tf.memory();
  const entry: Sample = {
    step,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    rssMB: Math.round(usage.rss / 1e5) / 10,
    heapMB: Math.round(usage.heapUsed / 1e5) / 10,
    numTensors: memory.numTensors,
    numDataBuffers: memory.numDataBuffers,
    numBytes: memory.numBytes,
  };
  samples.push(entry);
  console.log(
    `step ${String(step).padStart(7)}  ${String(entry.seconds).padStart(7)} s  RSS ${entry.rssMB} MB  heap ${entry.heapMB} MB  tensors ${entry.numTensors}  buffers ${entry.numDataBuffers}  bytes ${entry.numBytes}`,
  );
  return entry;
};

await task.run();
const first = sample(1);
const every = Math.max(1, Math.floor(steps / 10));
for (let step = 2; step <= steps; step++) {
  await task.run();
  if (step % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
  if (step % every === 0 || step === steps) sample(step);
}
task.dispose();
const last = samples[samples.length - 1]!;
mkdirSync('../../bench-results', { recursive: true });
const file = `../../bench-results/soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, JSON.stringify({ steps, backend: library.description, samples }, null, 2));
const flat =
  last.numTensors === first.numTensors &&
  last.numBytes === first.numBytes &&
  last.numDataBuffers === first.numDataBuffers;
console.log(
  `${flat ? 'flat' : 'NOT FLAT'}: tensors ${first.numTensors} → ${last.numTensors}, bytes ${first.numBytes} → ${last.numBytes}, RSS ${first.rssMB} → ${last.rssMB} MB, heap ${first.heapMB} → ${last.heapMB} MB over ${steps} steps (${file})`,
);
process.exit(flat ? 0 : 1);
