/**
 * @file The worker pool: workers that share the backend's WebAssembly memory and run chunks of the
 * current job alongside the calling thread.
 *
 * Protocol (all through Atomics on Int32 control words in the shared memory, no messages):
 * 1. The main thread writes the job's fields (LAYOUT.job), then `count`, `done = 0`,
 *    `next = generation << 16`, and finally bumps `generation` and wakes the sleeping workers.
 * 2. Every participant, main thread included, claims chunk `c` by compare-exchanging
 *    `next` from `generation << 16 | c` to `... | c + 1`, runs `run_chunk(job, c, participant)`, and
 *    adds 1 to `done`. A claim only succeeds while the job it read is still running, so a late worker
 *    can never run a chunk of a newer job with an older job's fields.
 * 3. The main thread, out of chunks, waits for `done = count`, then returns: kernels stay synchronous.
 *
 * Chunks are handed out dynamically, so a worker that starts late (or a core another process holds)
 * costs nothing: the main thread simply takes more chunks. Which participant runs a chunk never
 * changes its result, so threaded results equal single-threaded ones bit for bit. Workers start on
 * the first job, are unref'd in Node (they never keep a process alive) and end with `dispose()`.
 */

import { nodeProcess } from '../features.js';
import type { WasmMemory, WasmModule } from '../wasm/webassembly-api.js';
import { CONTROL, WORKER_SOURCE, type WorkerData } from './worker-source.js';

/** How long the calling thread spins for the last chunks before it sleeps. */
const SPIN_MS = 2;

/** Runs chunk `chunk` of the current job as participant `participant` (0 = the calling thread). */
export type ChunkRunner = (chunk: number, participant: number) => void;

interface WorkerHandle {
  terminate(): unknown;
  /** Resolves when the thread has ended (at once for Web Workers, which do not report it). */
  readonly exited: Promise<void>;
}

interface NodeWorker {
  terminate(): unknown;
  unref(): void;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  once(event: 'exit', listener: () => void): unknown;
}

type NodeWorkerConstructor = new (source: string, options: { eval: true; workerData: WorkerData }) => NodeWorker;

function spawn(kind: 'node' | 'web', data: WorkerData): WorkerHandle {
  if (kind === 'node') {
    const threads = nodeProcess()?.getBuiltinModule?.('node:worker_threads') as { Worker: NodeWorkerConstructor };
    const worker = new threads.Worker(WORKER_SOURCE, { eval: true, workerData: data });
    worker.unref();
    worker.on('error', (error) => console.error('@tapeflow/backend-cpu: a worker failed', error));
    const exited = new Promise<void>((resolve) => worker.once('exit', resolve));
    return { terminate: () => worker.terminate(), exited };
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  // The DOM's Worker: the package compiles without the DOM lib (it runs on Node too), so the global is
  // described here; this branch runs only where `node:worker_threads` is absent (browsers).
  const WebWorker = (
    globalThis as unknown as { Worker: new (url: string) => { terminate(): void; postMessage(data: WorkerData): void } }
  ).Worker;
  // The URL is not revoked: browsers may fetch a worker's script after the constructor returns.
  const worker = new WebWorker(url);
  worker.postMessage(data);
  return { terminate: () => worker.terminate(), exited: Promise.resolve() };
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
function canBlock(control: Int32Array): boolean {
  try {
    Atomics.wait(control, CONTROL.length - 1, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** A pool of `workers` threads over one shared memory. */
export class WorkerPool {
  readonly #control: Int32Array;
  readonly #canBlock: boolean;
  #workers: WorkerHandle[] | undefined;
  #exited: Promise<void> = Promise.resolve();
  #generation = 0;
  #disposed = false;

  constructor(
    private readonly kind: 'node' | 'web',
    private readonly module: WasmModule,
    private readonly memory: WasmMemory,
    private readonly controlAddress: number,
    private readonly jobAddress: number,
    /** Worker threads (the calling thread is one more participant). */
    readonly workers: number,
  ) {
    this.#control = new Int32Array(memory.buffer, controlAddress, CONTROL.length);
    this.#canBlock = canBlock(this.#control);
  }

  /** Whether workers have been started. */
  get started(): boolean {
    return this.#workers !== undefined;
  }

  /**
   * Workers that would start a job at once: started, and spinning for the next job or running one
   * rather than asleep (an idle worker spins briefly after each job, then sleeps). Handing a job to
   * them costs a few cache-line transfers; waking a sleeping one costs a system call and tens of
   * microseconds, more than a small product takes.
   */
  get awakeWorkers(): number {
    return this.#workers === undefined ? 0 : Atomics.load(this.#control, CONTROL.awake);
  }

  /** Chunks the workers (not the calling thread) have run so far. */
  get workerChunks(): number {
    return Atomics.load(this.#control, CONTROL.workerChunks);
  }

  /** Runs chunks 0 .. count-1 of the job already written at the job address; returns when all are done. */
  run(count: number, runChunk: ChunkRunner): void {
    if (this.#disposed) throw new Error('@tapeflow/backend-cpu: the worker pool was disposed');
    if (count > 0xffff) throw new Error(`@tapeflow/backend-cpu: ${count} chunks is more than a job may have`);
    this.#start();
    const control = this.#control;
    const generation = (this.#generation = (this.#generation + 1) & 0x7fff);
    Atomics.store(control, CONTROL.error, 0);
    Atomics.store(control, CONTROL.count, count);
    Atomics.store(control, CONTROL.done, 0);
    Atomics.store(control, CONTROL.next, generation << 16);
    Atomics.store(control, CONTROL.generation, generation);
    Atomics.notify(control, CONTROL.generation);
    let failure: unknown;
    for (let chunk = claimChunk(control, generation); chunk >= 0; chunk = claimChunk(control, generation)) {
      try {
        runChunk(chunk, 0);
      } catch (error) {
        failure ??= error;
      }
      Atomics.add(control, CONTROL.done, 1);
    }
    // Even after a failure, wait: workers may still be writing this job's output. What is left is at
    // most one chunk per worker, so spin first: sleeping would hand this thread's core to another
    // process, and on a busy machine getting it back costs a scheduler slice (milliseconds).
    const waitStart = performance.now();
    for (let spin = 1; Atomics.load(control, CONTROL.done) < count; spin++) {
      if ((spin & 1023) !== 0 || !this.#canBlock || performance.now() - waitStart < SPIN_MS) continue;
      const done = Atomics.load(control, CONTROL.done);
      if (done < count) Atomics.wait(control, CONTROL.done, done, 1);
    }
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows what the job threw, as it was
    if (failure !== undefined) throw failure;
    if (Atomics.load(control, CONTROL.error) !== 0)
      throw new Error('@tapeflow/backend-cpu: a kernel failed in a worker');
  }

  /** Resolves when every worker started so far has ended (after `dispose()`). */
  get exited(): Promise<void> {
    return this.#exited;
  }

  /** Stops the workers; the pool cannot run jobs afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#workers === undefined) return;
    Atomics.store(this.#control, CONTROL.shutdown, 1);
    Atomics.add(this.#control, CONTROL.generation, 1);
    Atomics.notify(this.#control, CONTROL.generation);
    for (const worker of this.#workers) void worker.terminate();
    this.#workers = undefined;
  }

  #start(): void {
    if (this.#workers !== undefined) return;
    this.#workers = [];
    for (let i = 1; i <= this.workers; i++) {
      const data: WorkerData = {
        module: this.module,
        memory: this.memory,
        control: this.controlAddress,
        job: this.jobAddress,
        participant: i,
      };
      this.#workers.push(spawn(this.kind, data));
    }
    this.#exited = Promise.all(this.#workers.map((worker) => worker.exited)).then(() => undefined);
  }
}

/** Claims the next chunk of job `generation`, or returns -1 when none is left (see the protocol). */
function claimChunk(control: Int32Array, generation: number): number {
  for (;;) {
    const next = Atomics.load(control, CONTROL.next);
    if (next >>> 16 !== generation) return -1;
    if ((next & 0xffff) >= Atomics.load(control, CONTROL.count)) return -1;
    if (Atomics.compareExchange(control, CONTROL.next, next, next + 1) === next) return next & 0xffff;
  }
}
