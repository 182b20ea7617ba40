/**
 * @file One library's benchmark run, in its own process (two libraries in one process disturb each
 * other's allocation state): `child.ts <library id> <full|quick> [workload-id prefixes, comma-separated]`.
 * Progress goes to stderr; the last line of stdout is the JSON result that run.ts reads.
 */

import { FULL, LIBRARIES, QUICK, type BenchConfig } from './config.js';
import type { Library } from './libraries/types.js';
import { measure, measurePair, type Stats } from './measure.js';
import { selects, workloads, type Workload } from './workloads.js';

/** A workload's result: the figure (median) and its range, in the workload's unit. */
export interface Figure {
  readonly value: number;
  readonly low: number;
  readonly high: number;
  readonly samples: number;
  readonly runsPerSample: number;
  // Issue 16 (speed II, group w-bench2): heap after a full GC, for workloads that ask (`heap`).
  /** Heap used after a full GC between the warm-up and the timed runs (MB). */
  readonly heapStartMB?: number;
  /** Heap used after a full GC after the timed runs, before the task is disposed (MB). */
  readonly heapEndMB?: number;
  // Issue 16 (item 4, group w-ew4): what a read-back into fresh memory costs shows as page faults.
  /** Minor page faults of the process per timed run (the memory-speed rows record it). */
  readonly faultsPerRun?: number;
  /** The workload this one was timed with, samples alternating (`Workload.pairedWith`, measurePair). */
  readonly pairedWith?: string;
}

/** The memory check: the MLP step run many times. */
export interface MemoryCheck {
  readonly steps: number;
  readonly seconds: number;
  readonly rssStartMB: number;
  readonly rssEndMB: number;
  readonly heapStartMB: number;
  readonly heapEndMB: number;
  readonly tensorsStart: number | undefined;
  readonly tensorsEnd: number | undefined;
}

/** What a child prints. */
export interface LibraryResult {
  readonly id: string;
  readonly description: string;
  readonly figures: Record<string, Figure>;
  readonly errors: Record<string, string>;
  /** Workloads not run because the child's time budget was spent (absent in older commits' results). */
  readonly skipped?: Record<string, string>;
  readonly memory: MemoryCheck | undefined;
}

async function load(id: string): Promise<Library> {
  switch (id) {
    case 'tapeflow':
    case 'tapeflow-relaxed':
      return (await import('./libraries/tapeflow.js')).tapeflow({});
    case 'tapeflow-1t':
      return (await import('./libraries/tapeflow.js')).tapeflow({ threads: 1 });
    case 'tfjs-cpu':
      return (await import('./libraries/tfjs.js')).tfjs('cpu');
    case 'tfjs-wasm':
      return (await import('./libraries/tfjs.js')).tfjs('wasm');
    case 'jax-wasm':
      return (await import('./libraries/jax.js')).jax();
    default:
      throw new Error(`unknown library '${id}' (known: ${LIBRARIES.map((l) => l.id).join(', ')})`);
  }
}

const megabytes = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
const collect = (): void => (globalThis as { gc?: () => void }).gc?.();
/** The heap used after a full GC (run.ts starts children with --expose-gc), in MB. */
const heapAfterGc = (): number => {
  collect();
  return megabytes(process.memoryUsage().heapUsed);
};

/** The process's minor page faults so far (a fresh page's first touch is one). */
const minorFaults = (): number => process.resourceUsage().minorPageFault;

function toFigure(stats: Stats, figure: (ms: number) => number): Figure {
  const [a, b] = [figure(stats.min), figure(stats.max)];
  return {
    value: figure(stats.median),
    low: Math.min(a, b),
    high: Math.max(a, b),
    samples: stats.samples,
    runsPerSample: stats.runsPerSample,
  };
}

async function memoryCheck(library: Library, config: BenchConfig): Promise<MemoryCheck> {
  const task = library.mlp(config.mlp);
  try {
    for (let i = 0; i < 3; i++) await task.run();
    collect();
    const start = {
      rss: process.memoryUsage().rss,
      heap: process.memoryUsage().heapUsed,
      tensors: library.memory().tensors,
    };
    const began = performance.now();
    let steps = 0;
    while (steps < config.memorySteps && performance.now() - began < config.memoryBudgetMs) {
      await task.run();
      steps++;
      // Back to the event loop now and then, as an application's loop goes: FinalizationRegistry
      // clean-ups (Tapeflow's safety net for forgotten tensors) run only there.
      if (steps % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const seconds = (performance.now() - began) / 1000;
    collect();
    const end = {
      rss: process.memoryUsage().rss,
      heap: process.memoryUsage().heapUsed,
      tensors: library.memory().tensors,
    };
    return {
      steps,
      seconds: Math.round(seconds * 10) / 10,
      rssStartMB: megabytes(start.rss),
      rssEndMB: megabytes(end.rss),
      heapStartMB: megabytes(start.heap),
      heapEndMB: megabytes(end.heap),
      tensorsStart: start.tensors,
      tensorsEnd: end.tensors,
    };
  } finally {
    task.dispose();
  }
}

async function main(): Promise<void> {
  const [id = '', mode = 'full', only = ''] = process.argv.slice(2);
  const config = mode === 'quick' ? QUICK : FULL;
  const prefixes = only === '' ? undefined : only.split(',');
  const selected = workloads(config).filter((workload) => selects(prefixes, workload.id));
  const library = await load(id);
  const figures: Record<string, Figure> = {};
  const errors: Record<string, string> = {};
  // One pass over every workload first: engines compile WebAssembly with a baseline tier and optimise
  // hot functions later, in the background; on a busy machine that can still be pending when the
  // first workload's own warm-up ends. Errors surface in the measured pass. A task with its own
  // warm-up (an epoch of `fit` lasts seconds) is skipped here: `measure` warms it up right before
  // timing it. The last run's time is kept: a run of seconds needs no second warm-up (slowRunMs).
  const began = performance.now();
  const firstPassMs = new Map<string, number>();
  for (const workload of selected) {
    try {
      const task = workload.task(library);
      if (task === undefined) continue;
      if (task.warmUp === undefined) {
        const start = performance.now();
        let last;
        do {
          const runStart = performance.now();
          await task.run();
          last = performance.now() - runStart;
        } while (performance.now() - start < config.measure.warmupMs / 3);
        firstPassMs.set(workload.id, last);
      }
      task.dispose();
    } catch {
      // Reported below.
    }
  }
  const skipped: Record<string, string> = {};
  const budgetSpent = (): boolean => performance.now() - began > config.childBudgetMs;
  const skip = (workloadId: string, label: string): void => {
    skipped[workloadId] =
      `not run: this process's ${Math.round(config.childBudgetMs / 60000)}-minute budget was spent by the rows before it`;
    process.stderr.write(`[${id}] ${label}: ${skipped[workloadId]}\n`);
  };
  // A workload paired with one before it (`pairedWith`) is timed with it, when both are selected.
  const partners = new Map<string, Workload>();
  for (const workload of selected)
    if (workload.pairedWith !== undefined && selected.some((other) => other.id === workload.pairedWith))
      partners.set(workload.pairedWith, workload);
  const pairedDone = new Set<string>();
  const report = (workload: Workload): void => {
    const value = figures[workload.id]!.value;
    process.stderr.write(`[${id}] ${workload.label}: ${value.toPrecision(3)} ${workload.unit}\n`);
  };
  const fail = (workload: Workload, error: unknown): void => {
    errors[workload.id] = error instanceof Error ? error.message : String(error);
    process.stderr.write(`[${id}] ${workload.label}: FAILED ${errors[workload.id]}\n`);
  };
  const warmedRun = (workload: Workload): number | undefined => {
    const previous = firstPassMs.get(workload.id);
    return previous !== undefined && previous >= config.slowRunMs ? previous : undefined;
  };
  for (const workload of selected) {
    if (pairedDone.has(workload.id)) continue;
    if (budgetSpent()) {
      skip(workload.id, workload.label);
      continue;
    }
    const partner = partners.get(workload.id);
    if (partner !== undefined && (await measuredAsPair(workload, partner))) continue;
    let task;
    try {
      task = workload.task(library);
      if (task === undefined) continue;
      let heapStartMB: number | undefined;
      let faultsStart = 0;
      const afterWarmUp = (): void => {
        if (workload.heap === true) heapStartMB = heapAfterGc();
        faultsStart = minorFaults();
      };
      const stats = await measure(task, workload.measure ?? config.measure, afterWarmUp, warmedRun(workload));
      const faultsPerRun =
        workload.faults === true
          ? Math.round((minorFaults() - faultsStart) / (stats.samples * stats.runsPerSample))
          : undefined;
      figures[workload.id] = {
        ...toFigure(stats, workload.figure),
        ...(heapStartMB === undefined ? {} : { heapStartMB, heapEndMB: heapAfterGc() }),
        ...(faultsPerRun === undefined ? {} : { faultsPerRun }),
      };
      report(workload);
    } catch (error) {
      fail(workload, error);
    } finally {
      task?.dispose();
    }
  }

  /**
   * Times `first` and its partner `second` as a pair (samples alternating); false, having measured
   * nothing, when the library has no task for one of them (each is then timed alone). A pair that
   * fails reports the failure for both.
   */
  async function measuredAsPair(first: Workload, second: Workload): Promise<boolean> {
    const tasks = [first.task(library), second.task(library)] as const;
    try {
      if (tasks[0] === undefined || tasks[1] === undefined) return false;
      pairedDone.add(second.id);
      let heapStartMB: number | undefined;
      const heap = first.heap === true || second.heap === true;
      const [a, b] = await measurePair(
        { task: tasks[0], warmedRunMs: warmedRun(first) },
        { task: tasks[1], warmedRunMs: warmedRun(second) },
        first.measure ?? config.measure,
        () => void (heap ? (heapStartMB = heapAfterGc()) : undefined),
      );
      // Both loops' heap is read before and after the pair's timed runs: one pair of figures for both.
      const heapFigures = heapStartMB === undefined ? {} : { heapStartMB, heapEndMB: heapAfterGc() };
      for (const [workload, stats, other] of [
        [first, a, second],
        [second, b, first],
      ] as const) {
        figures[workload.id] = {
          ...toFigure(stats, workload.figure),
          ...(workload.heap === true ? heapFigures : {}),
          pairedWith: other.id,
        };
        report(workload);
      }
    } catch (error) {
      fail(first, error);
      fail(second, error);
    } finally {
      tasks[0]?.dispose();
      tasks[1]?.dispose();
    }
    return true;
  }
  let memory: MemoryCheck | undefined;
  try {
    if (selects(prefixes, 'memory') && budgetSpent()) skip('memory', 'memory check');
    else if (selects(prefixes, 'memory')) {
      memory = await memoryCheck(library, config);
      process.stderr.write(
        `[${id}] memory over ${memory.steps} steps: RSS ${memory.rssStartMB} → ${memory.rssEndMB} MB, tensors ${memory.tensorsStart} → ${memory.tensorsEnd}\n`,
      );
    }
  } catch (error) {
    errors.memory = error instanceof Error ? error.message : String(error);
  }
  const result: LibraryResult = { id, description: library.description, figures, errors, skipped, memory };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // Workers and wasm runtimes may hold handles; the result is out, so leave now.
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
