/**
 * @file The worker's program, as source text: it instantiates the kernel module on the shared memory
 * and then claims and runs chunks of whatever job the main thread publishes, forever.
 *
 * Source text rather than a separate worker file: a library cannot know where a bundler will put a
 * second entry, whereas a string runs anywhere (`eval` workers in Node, a Blob URL in browsers), and
 * nothing in it is transformed by bundlers or coverage tools. It is kept tiny on purpose: all the
 * arithmetic is in `run_chunk`, the same WebAssembly the main thread runs. The claim protocol (control
 * words, generations) is described in pool.ts, whose `claimChunk` this mirrors line for line.
 */

import type { WasmMemory, WasmModule } from '../wasm/webassembly-api.js';

/** Indices of the Int32 control words at LAYOUT.control. */
export const CONTROL = {
  /** Bumped (mod 2^15) for each job; workers sleep on it. */
  generation: 0,
  /** `generation << 16 | next unclaimed chunk`; claimed by compare-exchange. */
  next: 1,
  /** Chunks finished in the current job; the main thread sleeps on it. */
  done: 2,
  /** Chunks in the current job. */
  count: 3,
  /** Non-zero: workers exit. */
  shutdown: 4,
  /** Non-zero: a chunk threw in a worker. */
  error: 5,
  /** Chunks run by workers since the pool started (tests and benchmarks read it). */
  workerChunks: 6,
  /** Workers ready and not asleep (spinning for the next job or running one): they start a job at once. */
  awake: 7,
  /** Words in the control block. */
  length: 16,
} as const;

/** What a worker is started with (posted or passed as workerData). */
export interface WorkerData {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly control: number;
  readonly job: number;
  readonly participant: number;
}

/** How long an idle worker spins for the next job before it sleeps (ms). */
export const WORKER_SPIN_MS = 0.2;

export const WORKER_SOURCE = `'use strict';
const C = ${JSON.stringify(CONTROL)};
function start(data) {
  const run = new WebAssembly.Instance(data.module, { env: { memory: data.memory } }).exports.run_chunk;
  const control = new Int32Array(data.memory.buffer, data.control, C.length);
  let seen = -1;
  Atomics.add(control, C.awake, 1);
  for (;;) {
    // Spin a little before sleeping: the kernels of one training step come tens of microseconds
    // apart, and a futex wake-up costs about as much as a whole mid-sized job.
    const spinUntil = performance.now() + ${WORKER_SPIN_MS};
    for (let spin = 1; Atomics.load(control, C.generation) === seen; spin++) {
      if ((spin & 255) === 0 && performance.now() > spinUntil) break;
    }
    if (Atomics.load(control, C.generation) === seen) {
      Atomics.sub(control, C.awake, 1);
      Atomics.wait(control, C.generation, seen);
      Atomics.add(control, C.awake, 1);
    }
    seen = Atomics.load(control, C.generation);
    if (Atomics.load(control, C.shutdown) !== 0) {
      Atomics.sub(control, C.awake, 1);
      return;
    }
    for (;;) {
      const next = Atomics.load(control, C.next);
      if (next >>> 16 !== seen) break;
      const count = Atomics.load(control, C.count);
      if ((next & 0xffff) >= count) break;
      if (Atomics.compareExchange(control, C.next, next, next + 1) !== next) continue;
      try {
        run(data.job, next & 0xffff, data.participant);
      } catch (error) {
        Atomics.store(control, C.error, 1);
      }
      Atomics.add(control, C.workerChunks, 1);
      if (Atomics.add(control, C.done, 1) + 1 === count) Atomics.notify(control, C.done);
    }
  }
}
if (typeof require === 'function') {
  const threads = require('node:worker_threads');
  start(threads.workerData);
  threads.parentPort?.close();
} else {
  self.onmessage = (event) => start(event.data);
}
`;
