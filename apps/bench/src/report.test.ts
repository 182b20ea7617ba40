/**
 * @file Tests of the bench's arithmetic and report: medians and ranges, speed-ups in both directions
 * of "better", the table's cells, and the target checks on made-up results (no library is run).
 */

import { describe, expect, it } from 'vitest';
import type { Figure } from './child.js';
import { FULL, QUICK } from './config.js';
import { measure, summarize } from './measure.js';
import {
  checkTargets,
  formatNumber,
  loopTargets,
  memorySpeedTargets,
  renderLoopSummary,
  renderMemorySpeedSummary,
  renderTable,
  speedUp,
  type LibraryOutcome,
} from './report.js';
import { figure, outcomeOf } from './test-fixtures.js';
import { selects, workloads } from './workloads.js';

function outcome(id: string, figures: Record<string, number>, tensors: [number, number] = [11, 11]): LibraryOutcome {
  return outcomeOf(id, figures, {
    description: id,
    errors: {},
    memory: {
      steps: 1000,
      seconds: 3,
      rssStartMB: 100,
      rssEndMB: 101,
      heapStartMB: 10,
      heapEndMB: 10,
      tensorsStart: tensors[0],
      tensorsEnd: tensors[1],
    },
  });
}

describe('summarize', () => {
  it('gives the median (odd and even counts) and the range', () => {
    expect(summarize([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(() => summarize([])).toThrow();
  });
});

describe('measure', () => {
  it('warms a task with its own warmUp once, then times one run per sample within the budget', async () => {
    const calls: string[] = [];
    const task = {
      warmUp: () => void calls.push('warmUp'),
      run: () => void calls.push('run'),
      dispose: () => undefined,
    };
    const stats = await measure(task, { warmupMs: 1000, samples: 3, minSampleMs: 1000, budgetMs: 1000 });
    expect(calls).toEqual(['warmUp', 'run', 'run', 'run']);
    expect(stats).toMatchObject({ samples: 3, runsPerSample: 1 });
    calls.length = 0;
    expect((await measure(task, { warmupMs: 0, samples: 3, minSampleMs: 0, budgetMs: 0 })).samples).toBe(1);
    expect(calls).toEqual(['warmUp', 'run']);
  });

  it('takes a run of seconds made just before as the warm-up of a task without its own, and times one sample', async () => {
    let runs = 0;
    const task = { run: () => void runs++, dispose: () => undefined };
    const options = { warmupMs: 300, samples: 7, minSampleMs: 30, budgetMs: 2500 };
    const stats = await measure(task, options, undefined, 5000);
    expect(runs).toBe(1);
    expect(stats).toMatchObject({ samples: 1, runsPerSample: 1 });
    runs = 0;
    await measure(task, { ...options, warmupMs: 0 });
    expect(runs).toBeGreaterThan(1);
  });
});

describe('speedUp', () => {
  it('divides throughputs and inverts times, so higher always means Tapeflow is faster', () => {
    expect(speedUp({ higherIsBetter: true }, figure(60), figure(30))).toBe(2);
    expect(speedUp({ higherIsBetter: false }, figure(2), figure(8))).toBe(4);
    expect(speedUp({ higherIsBetter: false }, undefined, figure(8))).toBeUndefined();
  });
});

describe('report', () => {
  const ours = {
    'matmul-64': 40,
    'matmul-64-tA': 39,
    'matmul-64-tB': 38,
    'matmul-1024': 60,
    'matmul-1024-tA': 50,
    'matmul-1024-tB': 59,
    'add-1M': 0.1,
    'sum-1M': 0.1,
    'mlp-step': 4,
    scalar: 0.8,
    'scalar-tape': 1.0,
  };
  const wasm = { 'matmul-64': 20, 'matmul-1024': 30, 'add-1M': 0.2, 'sum-1M': 0.8, 'mlp-step': 16, scalar: 4 };
  const outcomes = [outcome('tapeflow', ours), outcome('tfjs-wasm', wasm)];

  it('renders a row per workload with each library and the speed-up', () => {
    const table = renderTable(FULL, outcomes);
    expect(table.split('\n')).toHaveLength(2 + workloads(FULL).length + 2);
    expect(table).toMatch(/\| matmul 1024×1024 \| GFLOP\/s \| 60\.0 ±10% \| 30\.0 ±10% \| 2\.00× \|/);
    expect(table).toMatch(/\| add 1M \| ms \| 0\.10 ±10% \| 0\.20 ±10% \| 2\.00× \|/);
    expect(table).toMatch(/live tensors start → end \| count \| 11 → 11 \| 11 → 11/);
  });

  it('checks the targets: met, missed, and not measured', () => {
    const checks = checkTargets(FULL, outcomes);
    const find = (text: string) => checks.find((c) => c.target.startsWith(text));
    expect(find('matmul 1024 ≥ 1.5×')?.met).toBe(true);
    expect(find('matmul 1024: transposed')).toMatchObject({ met: false, measured: '83% of plain' });
    expect(find('mul 1M')?.met).toBeUndefined();
    expect(find('sum 1M ≥ 2×')).toMatchObject({ met: true, measured: '8.00×' });
    expect(find('MLP step')?.met).toBe(true);
    const conv = checks.filter((c) => c.target.startsWith('conv2d '));
    expect(conv.map((c) => c.target)).toContain(
      'conv2d 1×56×56×64 * 3×3×64×64 SAME, forward + both gradients ≥ 1.5× tfjs-wasm',
    );
    expect(conv.every((c) => c.met === undefined)).toBe(true);
    expect(find('tensor count')?.met).toBe(true);
    expect(find('matmul 64 ≥ 1.2×')).toMatchObject({ met: true, measured: '2.00×' });
    expect(find('scalar op with a recording tape ≤ 1.3× without:')).toBeUndefined();
    expect(checks.find((c) => c.target === 'scalar op with a recording tape ≤ 1.3× without')?.met).toBe(true);
    const leaking = checkTargets(FULL, [outcome('tapeflow', ours, [11, 40]), outcome('tfjs-wasm', wasm)]);
    expect(leaking.find((c) => c.target.startsWith('tensor count'))?.met).toBe(false);
  });

  it("checks issue 16's matmul bounds by size, one thread against XNNPACK's, and the tape in each configuration", () => {
    const checks = checkTargets(FULL, [
      outcome('tapeflow', { 'matmul-64': 22, 'matmul-256': 26, 'matmul-1024': 29, scalar: 1, 'scalar-tape': 1.25 }),
      outcome('tapeflow-1t', { 'matmul-64': 21, 'matmul-256': 19, 'matmul-1024': 20, scalar: 1, 'scalar-tape': 1.9 }),
      outcome('tfjs-wasm', { 'matmul-64': 20, 'matmul-256': 20, 'matmul-1024': 20 }),
    ]);
    const met = (target: string) => checks.find((c) => c.target === target)?.met;
    expect(met('matmul 64 ≥ 1.2× tfjs-wasm')).toBe(false);
    expect(met('matmul 256 ≥ 1.3× tfjs-wasm')).toBe(true);
    expect(met('matmul 1024 ≥ 1.5× tfjs-wasm')).toBe(false);
    expect(met("matmul 64, one thread ≥ 1.0× tfjs-wasm's one thread")).toBe(true);
    expect(met("matmul 256, one thread ≥ 1.0× tfjs-wasm's one thread")).toBe(false);
    expect(met("matmul 1024, one thread ≥ 1.0× tfjs-wasm's one thread")).toBe(true);
    expect(met('scalar op with a recording tape ≤ 1.3× without')).toBe(true);
    expect(met('scalar op with a recording tape ≤ 1.3× without (tapeflow-1t)')).toBe(false);
    // A configuration that was not run has no tape target.
    expect(checks.some((c) => c.target.endsWith('(tapeflow-relaxed)'))).toBe(false);
  });

  it('shows a workload skipped for time as not run, not as failed', () => {
    const slow = outcome('tfjs-cpu', { 'matmul-64': 1 });
    const result = { ...slow.result!, skipped: { 'cnn-fit': 'not run: budget' } };
    const table = renderTable(FULL, [outcome('tapeflow', { 'cnn-fit': 1 }), { ...slow, result }]);
    expect(table).toMatch(/\| MNIST convnet fit [^\n]*\| s \| 1\.00 ±10% \| not run \(time\) \|/);
  });

  it('renders the MNIST fit in seconds, with a dash where a library has no fit', () => {
    const table = renderTable(FULL, [
      outcome('tapeflow', { 'mnist-fit': 1.5 }),
      outcome('tfjs-wasm', { 'mnist-fit': 3 }),
      outcome('jax-wasm', {}),
    ]);
    expect(table).toMatch(
      /\| MNIST fit 784-128-10, one epoch of 8000 digits, batch 32 \| s \| 1\.50 ±10% \| 3\.00 ±10% \| — \| 2\.00× \| — \|/,
    );
  });

  it('renders only the workloads --workload picks, and the memory rows only when it picks `memory`', () => {
    expect(selects(undefined, 'matmul-64')).toBe(true);
    expect(selects(['mnist', 'add'], 'add-1M')).toBe(true);
    expect(selects(['mnist'], 'memory')).toBe(false);
    const table = renderTable(FULL, [outcome('tapeflow', { 'mnist-fit': 1.5 })], ['mnist']);
    expect(table.split('\n')).toHaveLength(3);
    expect(table).toContain('MNIST fit');
    expect(renderTable(FULL, [outcome('tapeflow', {})], ['mlp', 'memory']).split('\n')).toHaveLength(2 + 1 + 2);
  });

  it('formats figures to about three significant digits', () => {
    expect([1234.5, 56.78, 2.345, 0.01234].map(formatNumber)).toEqual(['1235', '56.8', '2.35', '0.012']);
  });
});

// Issue 16 (speed II, group w-bench2): the synchronous Dense loop against the yielding one.
describe('the Dense loop rows', () => {
  const loops = (sync: number, yielding: number, heapEnd = 12.5): LibraryOutcome => {
    const base = outcome('tapeflow', {});
    const heap = (value: number): Figure => ({ ...figure(value), heapStartMB: 12, heapEndMB: heapEnd });
    return {
      ...base,
      result: { ...base.result!, figures: { 'dense-loop-sync': heap(sync), 'dense-loop-yield': heap(yielding) } },
    };
  };

  it('are two workloads of their own: no other id starts with either, and `dense-loop` picks both', () => {
    const ids = [...workloads(FULL).map((w) => w.id), 'memory'];
    for (const id of ['dense-loop-sync', 'dense-loop-yield'])
      expect(ids.filter((other) => other.startsWith(id) || id.startsWith(other))).toEqual([id]);
    expect(ids.filter((id) => selects(['dense-loop'], id))).toEqual(['dense-loop-sync', 'dense-loop-yield']);
    expect(workloads(FULL).find((w) => w.id === 'dense-loop-sync')?.label).toContain('20000 SGD steps, no await');
  });

  it('check the ratio against 1.1× and the heap after GC in both loops', () => {
    expect(loopTargets([loops(2.2, 2)])).toEqual([
      expect.objectContaining({ measured: '1.10×', met: true }),
      expect.objectContaining({ measured: 'no await 12 → 12.5 MB, yielding 12 → 12.5 MB', met: true }),
    ]);
    expect(loopTargets([loops(2.5, 2, 20)]).map((c) => c.met)).toEqual([false, false]);
    expect(loopTargets([outcome('tapeflow', {})]).map((c) => c.met)).toEqual([undefined, undefined]);
    expect(checkTargets(FULL, [loops(4, 2)]).find((c) => c.target.startsWith('Dense training loop'))?.met).toBe(false);
  });

  it('say when the two loops were timed as a pair, so each heap figure is that of both', () => {
    const paired = loops(2.2, 2);
    const figures = paired.result!.figures;
    const marked: LibraryOutcome = {
      ...paired,
      result: {
        ...paired.result!,
        figures: {
          'dense-loop-sync': { ...figures['dense-loop-sync']!, pairedWith: 'dense-loop-yield' },
          'dense-loop-yield': { ...figures['dense-loop-yield']!, pairedWith: 'dense-loop-sync' },
        },
      },
    };
    expect(loopTargets([marked])[1]).toEqual(
      expect.objectContaining({
        measured: 'timed alternately, heap of both: no await 12 → 12.5 MB, yielding 12 → 12.5 MB',
        met: true,
      }),
    );
    expect(renderLoopSummary([marked])[0]).toContain('heap after GC before → after: timed alternately, heap of both:');
  });

  it('put the heap under each loop in the table and both times with their ratio in a summary line', () => {
    const table = renderTable(FULL, [loops(3, 2)], ['dense-loop']);
    expect(table.split('\n')).toHaveLength(2 + 4);
    expect(table).toMatch(/no await \| s \| 3\.00 ±10% \|/);
    expect(table).toMatch(/no await: heap after GC, before → after the timed runs \| MB \| 12 → 12\.5 \|/);
    expect(renderLoopSummary([loops(3, 2)])).toEqual([
      'Dense loop, Tapeflow cpu: no await 3.00 s, yielding 2.00 s: 1.50× (target ≤ 1.1×); heap after GC before → after: no await 12 → 12.5 MB, yielding 12 → 12.5 MB.',
    ]);
    expect(renderLoopSummary([outcome('tapeflow', { 'dense-loop-sync': 3 })])).toEqual([]);
  });
});

// Issue 16 (item 4, group w-ew4): elementwise and reductions against a copy loop in the same process.
describe('the memory-speed rows', () => {
  const ids = [...workloads(FULL).map((w) => w.id), 'memory'];
  const tapeflow = outcome('tapeflow', {
    'add-1M': 0.6,
    'mul-1M': 0.61,
    'relu-1M': 0.5,
    'sum-1M': 0.2,
    'copy-1M': 0.4,
    'copy-fresh-1M': 2,
    'add-op-1M': 0.48,
    'sum-op-1M': 0.1,
  });
  const wasm = outcome('tfjs-wasm', { 'add-1M': 2.4, 'copy-1M': 0.5 });

  it('are the ops alone and two references after the 1M rows: no id starts with another, `copy` picks both', () => {
    for (const id of ['copy-1M', 'copy-fresh-1M'])
      expect(ids.filter((other) => other.startsWith(id) || id.startsWith(other))).toEqual([id]);
    expect(ids.filter((id) => selects(['copy'], id))).toEqual(['copy-1M', 'copy-fresh-1M']);
    expect(ids.slice(ids.indexOf('add-1M'), ids.indexOf('add-1M') + 10)).toEqual([
      'add-1M',
      'mul-1M',
      'relu-1M',
      'sum-1M',
      'add-op-1M',
      'mul-op-1M',
      'relu-op-1M',
      'sum-op-1M',
      'copy-1M',
      'copy-fresh-1M',
    ]);
    for (const op of ['add', 'mul', 'relu', 'sum'])
      expect(ids.filter((other) => other.startsWith(`${op}-`))).toEqual([`${op}-1M`, `${op}-op-1M`]);
    const copy = workloads(FULL).find((w) => w.id === 'copy-1M')!;
    expect(copy).toMatchObject({ label: 'Float32Array copy loop 1M (reference)', unit: 'ms', reference: true });
    expect(
      workloads(QUICK)
        .filter((w) => w.reference === true)
        .map((w) => w.id),
    ).toEqual(['copy-4099', 'copy-fresh-4099']);
  });

  it("show each process's copy figure in the table, with no speed-up on it", () => {
    const table = renderTable(FULL, [tapeflow, wasm], ['add', 'copy']);
    expect(table.split('\n')).toHaveLength(2 + 4);
    expect(table).toContain('| add 1M, the op alone (result not read back) | ms | 0.48 ±10% | — | — |');
    expect(table).toMatch(/\| add 1M \| ms \| 0\.60 ±10% \| 2\.40 ±10% \| 4\.00× \|/);
    expect(table).toContain('| Float32Array copy loop 1M (reference) | ms | 0.40 ±10% | 0.50 ±10% |  |');
    expect(table).toContain(
      '| Float32Array copy 1M into a fresh array, as a read-back makes (reference) | ms | 2.00 ±10% | — |  |',
    );
  });

  it("check each of Tapeflow's four ops alone against 1.5× its process's copy loop, and the rows with their read-back against 1.5× both copies, in checkTargets too", () => {
    expect(memorySpeedTargets(FULL, [wasm, tapeflow])).toEqual([
      {
        target: 'add 1M, the op alone, ≤ 1.5× the time of a Float32Array copy loop of 1M (same process)',
        measured: "0.48 ms = 1.20× the copy loop's 0.40 ms",
        met: true,
        ratio: { value: expect.closeTo(1.2, 9), bound: 1.5, atMost: true },
      },
      {
        target: 'add 1M with its read-back ≤ 1.5× the copy loop plus a copy into a fresh array (same process)',
        measured: '0.60 ms = 0.25× the two copies 2.40 ms',
        met: true,
        ratio: { value: expect.closeTo(0.25, 9), bound: 1.5, atMost: true },
      },
      // mul and relu alone were not measured here: nothing is claimed for them.
      { target: expect.stringMatching(/^mul 1M, the op alone/), measured: 'not measured', met: undefined },
      expect.objectContaining({ target: expect.stringMatching(/^mul 1M with/), met: true }),
      expect.objectContaining({ target: expect.stringMatching(/^relu 1M, the op alone/), met: undefined }),
      expect.objectContaining({ target: expect.stringMatching(/^relu 1M with/), met: true }),
      expect.objectContaining({
        target: expect.stringMatching(/^sum 1M, the op alone/),
        measured: expect.stringMatching(/= 0\.25×/),
      }),
      expect.objectContaining({ target: expect.stringMatching(/^sum 1M with/), met: true }),
    ]);
    const slow = outcome('tapeflow', { 'copy-1M': 0.4, 'copy-fresh-1M': 1, 'add-op-1M': 0.61, 'add-1M': 2.2 });
    expect(
      memorySpeedTargets(FULL, [slow])
        .slice(0, 2)
        .map((c) => c.met),
    ).toEqual([false, false]);
    const checks = checkTargets(FULL, [tapeflow, wasm]);
    expect(checks.filter((c) => c.target.includes('copy')).map((c) => c.met)).toEqual([
      true,
      true,
      undefined,
      true,
      undefined,
      true,
      true,
      true,
    ]);
    // Without the copy figures (or the rows) nothing is claimed.
    const noCopy = outcome('tapeflow', { 'add-1M': 0.6, 'add-op-1M': 0.5 });
    expect(memorySpeedTargets(FULL, [noCopy]).map((c) => [c.measured, c.met])).toEqual(
      Array.from({ length: 8 }, () => ['not measured', undefined]),
    );
    expect(memorySpeedTargets(FULL, [outcome('tapeflow', { 'copy-1M': 0.4 })])[0]!.met).toBeUndefined();
  });

  it('put every row and op alone as a multiple of the copy loop in a line per library, the fresh copy beside it', () => {
    const cpu = outcome('tfjs-cpu', { 'copy-1M': 0.4, 'relu-op-1M': 0.2 });
    expect(renderMemorySpeedSummary(FULL, [tapeflow, wasm, cpu, outcome('jax-wasm', { 'copy-1M': 0.4 })])).toEqual([
      'Memory speed, Tapeflow cpu: Float32Array copy loop 1M 0.40 ms, copy into a fresh array (a read-back) 2.00 ms; ' +
        'add 0.60 ms (1.50×), alone 0.48 ms (1.20×), mul 0.61 ms (1.52×), relu 0.50 ms (1.25×), ' +
        'sum 0.20 ms (0.50×), alone 0.10 ms (0.25×) (targets: the op alone ≤ 1.5× the copy loop; with its read-back ≤ 1.5× both copies).',
      'Memory speed, tfjs wasm 4.22: Float32Array copy loop 1M 0.50 ms; add 2.40 ms (4.80×) (targets: the op alone ≤ 1.5× the copy loop; with its read-back ≤ 1.5× both copies).',
      'Memory speed, tfjs cpu 4.22: Float32Array copy loop 1M 0.40 ms; relu alone 0.20 ms (0.50×) (targets: the op alone ≤ 1.5× the copy loop; with its read-back ≤ 1.5× both copies).',
    ]);
  });
  it('name the page faults a run where the child counted them: where a read-back into fresh memory goes', () => {
    const counted = (value: number, faultsPerRun: number): Figure => ({ ...figure(value), faultsPerRun });
    const base = outcome('tapeflow', {});
    const faulting: LibraryOutcome = {
      ...base,
      result: {
        ...base.result!,
        figures: {
          'add-1M': counted(2.4, 1003),
          'add-op-1M': counted(0.5, 0),
          'copy-1M': counted(0.4, 0),
          'copy-fresh-1M': counted(2, 1024),
        },
      },
    };
    expect(renderMemorySpeedSummary(FULL, [faulting])).toEqual([
      'Memory speed, Tapeflow cpu: Float32Array copy loop 1M 0.40 ms, copy into a fresh array (a read-back) 2.00 ms ' +
        '(1024 page faults a run); add 2.40 ms (6.00×, 1003 page faults a run), alone 0.50 ms (1.25×, 0 page faults a run) ' +
        '(targets: the op alone ≤ 1.5× the copy loop; with its read-back ≤ 1.5× both copies).',
    ]);
  });
});
