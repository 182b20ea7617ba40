/**
 * @file The report: one table (markdown) with every library's figure per workload and Tapeflow's
 * speed-up over each peer, the memory check, and the issue's targets checked against the ratios.
 */

import { LIBRARIES, sizeLabel, type BenchConfig, type LibrarySpec } from './config.js';
import type { Figure, LibraryResult } from './child.js';
import { cell, formatNumber, heapCell } from './cells.js';
import { copyId, freshCopyId, opAloneId, selects, workloads, type Workload } from './workloads.js';

export { cell, formatNumber } from './cells.js';

/** One library's outcome: its result, or why its process failed. */
export interface LibraryOutcome {
  readonly spec: LibrarySpec;
  readonly result: LibraryResult | undefined;
  readonly failure: string | undefined;
}

/** A target of the issue, checked. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | undefined;
  // Issue 16 (group w-bench2): where the target is a bound on Tapeflow's speed-up over a peer on one
  // workload, which (the ratio chart draws it on that bar).
  /** The workload id of a speed-up target. */
  readonly workload?: string;
  /** The peer's library id of a speed-up target. */
  readonly peer?: string;
  /** The least speed-up the target asks for. */
  readonly bound?: number;
  // Issue 16 (item 6 follow-up, group w-rep6): `--repeat N` takes the median of a ratio over rounds.
  /** Where the target bounds one ratio measured within the run, that ratio and its bound. */
  readonly ratio?: TargetRatio;
  /** With `--repeat N` (N > 1): the ratio in each round that measured it, in round order. */
  readonly rounds?: readonly number[];
}

/** A target's ratio: its value in this run, the bound, and which side of the bound meets it. */
export interface TargetRatio {
  readonly value: number;
  readonly bound: number;
  /** Whether the ratio must stay at most the bound (a time ratio) rather than reach it (a speed-up). */
  readonly atMost: boolean;
  /** Shown as a percentage (`93% of plain`) rather than a multiple (`1.31×`). */
  readonly percent?: boolean;
}

/** Whether a ratio meets its bound. */
export const meetsBound = (value: number, ratio: Omit<TargetRatio, 'value'>): boolean =>
  ratio.atMost ? value <= ratio.bound : value >= ratio.bound;

/** The peers Tapeflow's speed-up is taken over, in column order. */
export const PEERS = ['tfjs-cpu', 'tfjs-wasm', 'jax-wasm'] as const;
/** The Tapeflow configuration the speed-ups are about. */
export const REFERENCE = 'tapeflow';
/** Tapeflow's configurations, the default first (targets that hold per configuration check each). */
export const TAPEFLOW_COLUMNS = ['tapeflow', 'tapeflow-1t', 'tapeflow-relaxed'] as const;

/** Tapeflow's speed-up over a peer on `workload` (higher is better), if both have a figure. */
export function speedUp(
  workload: Pick<Workload, 'higherIsBetter'>,
  ours: Figure | undefined,
  theirs: Figure | undefined,
): number | undefined {
  if (ours === undefined || theirs === undefined || ours.value <= 0 || theirs.value <= 0) return undefined;
  return workload.higherIsBetter ? ours.value / theirs.value : theirs.value / ours.value;
}

const figureOf = (outcomes: readonly LibraryOutcome[], id: string, workload: string): Figure | undefined =>
  outcomes.find((o) => o.spec.id === id)?.result?.figures[workload];

/**
 * The markdown table: every workload, or those `--workload` picked (`memory`: the memory rows).
 * `speedUpOf`, where given, gives the speed-up columns (`--repeat`: the median over rounds of the
 * speed-up within a round, as the targets take it) in place of the ratio of the figures.
 */
export function renderTable(
  config: BenchConfig,
  outcomes: readonly LibraryOutcome[],
  workloadPrefixes?: readonly string[],
  speedUpOf?: (workload: Workload, peer: string) => number | undefined,
): string {
  const present = LIBRARIES.filter((spec) => outcomes.some((o) => o.spec.id === spec.id));
  const peers = PEERS.filter((id) => present.some((spec) => spec.id === id));
  const label = (id: string): string => LIBRARIES.find((spec) => spec.id === id)?.label ?? id;
  const header = [
    'workload',
    'unit',
    ...present.map((spec) => spec.label),
    ...peers.map((id) => `Tapeflow ÷ ${label(id)}`),
  ];
  const rows: string[][] = [];
  for (const workload of workloads(config).filter((w) => selects(workloadPrefixes, w.id))) {
    const ours = figureOf(outcomes, REFERENCE, workload.id);
    rows.push([
      workload.label,
      workload.unit,
      ...present.map((spec) => {
        const outcome = outcomes.find((o) => o.spec.id === spec.id);
        return outcome?.failure !== undefined
          ? 'failed'
          : cell(
              outcome?.result?.figures[workload.id],
              outcome?.result?.errors[workload.id],
              outcome?.result?.skipped?.[workload.id],
            );
      }),
      ...peers.map((id) => {
        // A reference is no library's task: its figures differ by process, not by library.
        if (workload.reference === true) return '';
        const ratio = speedUpOf?.(workload, id) ?? speedUp(workload, ours, figureOf(outcomes, id, workload.id));
        return ratio === undefined ? '—' : `${formatNumber(ratio)}×`;
      }),
    ]);
    // Issue 16 (group w-bench2): the heap after a full GC around the timed runs, where recorded.
    if (present.some((spec) => figureOf(outcomes, spec.id, workload.id)?.heapStartMB !== undefined)) {
      rows.push([
        `${workload.label}: heap after GC, before → after the timed runs`,
        'MB',
        ...present.map((spec) => heapCell(figureOf(outcomes, spec.id, workload.id))),
        ...peers.map(() => ''),
      ]);
    }
  }
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const table = (): string => [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
  if (!selects(workloadPrefixes, 'memory')) return table();
  const memory = (pick: (o: LibraryOutcome) => string): string[] =>
    present.map((spec) => pick(outcomes.find((o) => o.spec.id === spec.id)!));
  const steps = outcomes.find((o) => o.result?.memory !== undefined)?.result?.memory?.steps ?? config.memorySteps;
  rows.push([
    `MLP steps: RSS start → end (${steps} steps or ${config.memoryBudgetMs / 1000} s)`,
    'MB',
    ...memory((o) =>
      o.result?.memory === undefined
        ? '—'
        : `${o.result.memory.rssStartMB} → ${o.result.memory.rssEndMB} (${o.result.memory.steps})`,
    ),
    ...peers.map(() => ''),
  ]);
  rows.push([
    'MLP steps: live tensors start → end',
    'count',
    ...memory((o) => {
      const m = o.result?.memory;
      if (m === undefined) return '—';
      return m.tensorsStart === undefined
        ? `n/a (heap ${m.heapStartMB} → ${m.heapEndMB} MB)`
        : `${m.tensorsStart} → ${m.tensorsEnd}`;
    }),
    ...peers.map(() => ''),
  ]);
  return table();
}

// Issue 16 (speed II, group w-bench2): the synchronous loop against the yielding one.
/** The loops' heap counts as flat when it grows by at most 5% + 1 MB over the timed runs. */
const heapFlat = (figure: Figure): boolean =>
  figure.heapStartMB !== undefined &&
  figure.heapEndMB !== undefined &&
  figure.heapEndMB <= figure.heapStartMB * 1.05 + 1;

/**
 * The loops' heaps for a sentence. When the child timed the two loops as a pair (samples alternating,
 * `Figure.pairedWith`), both were alive across both loops' timed runs, so each figure is the heap of both.
 */
function loopHeaps(sync: Figure, yielding: Figure): string {
  const each = `no await ${heapCell(sync)} MB, yielding ${heapCell(yielding)} MB`;
  return sync.pairedWith === 'dense-loop-yield' ? `timed alternately, heap of both: ${each}` : each;
}

/** Issue 16's loop targets, on Tapeflow's figures: time ≤ 1.1× the yielding loop's, heap flat in both. */
export function loopTargets(outcomes: readonly LibraryOutcome[]): TargetCheck[] {
  const sync = figureOf(outcomes, REFERENCE, 'dense-loop-sync');
  const yielding = figureOf(outcomes, REFERENCE, 'dense-loop-yield');
  const both = sync !== undefined && yielding !== undefined;
  return [
    {
      target: 'Dense training loop without any await ≤ 1.1× the time of the same loop yielding',
      measured: both ? `${formatNumber(sync.value / yielding.value)}×` : 'not measured',
      met: both ? sync.value <= 1.1 * yielding.value : undefined,
      ...(both ? { ratio: { value: sync.value / yielding.value, bound: 1.1, atMost: true } } : {}),
    },
    {
      target: 'heap flat after GC over both Dense loops',
      measured: both ? loopHeaps(sync, yielding) : 'not measured',
      met: both ? heapFlat(sync) && heapFlat(yielding) : undefined,
    },
  ];
}

/**
 * The loops' figures in a sentence per Tapeflow configuration that ran both (any mode, whole or
 * partial run, where the targets are not printed): both times, the ratio and the heaps.
 */
export function renderLoopSummary(outcomes: readonly LibraryOutcome[]): string[] {
  const lines: string[] = [];
  for (const outcome of outcomes) {
    const sync = outcome.result?.figures['dense-loop-sync'];
    const yielding = outcome.result?.figures['dense-loop-yield'];
    if (sync === undefined || yielding === undefined) continue;
    lines.push(
      `Dense loop, ${outcome.spec.label}: no await ${formatNumber(sync.value)} s, yielding ${formatNumber(yielding.value)} s: ` +
        `${formatNumber(sync.value / yielding.value)}× (target ≤ 1.1×); heap after GC before → after: ` +
        `${loopHeaps(sync, yielding)}.`,
    );
  }
  return lines;
}

// Issue 16 (item 4, group w-ew4): the elementwise and reduction rows against the copy loop.
/** The rows held to memory speed, in table order. */
const MEMORY_SPEED_OPS = ['add', 'mul', 'relu', 'sum'] as const;
/** How many times the copy loop's time a memory-speed row may take. */
export const MEMORY_SPEED_BOUND = 1.5;

/**
 * Issue 16's memory-speed targets, on Tapeflow's figures, two per elementwise-size row (add, mul, relu,
 * sum): the op alone (its result not read back) within 1.5× of the Float32Array copy loop timed in the
 * same process; and the row as the table times it, op plus `dataSync`, within 1.5× of that copy loop
 * plus a copy into a fresh array (what any read-back into new memory costs: on Linux mostly the page
 * faults of the fresh block, which no kernel of ours can save).
 */
export function memorySpeedTargets(config: BenchConfig, outcomes: readonly LibraryOutcome[]): TargetCheck[] {
  const size = sizeLabel(config.elementwiseSize);
  const copy = figureOf(outcomes, REFERENCE, copyId(config.elementwiseSize));
  const fresh = figureOf(outcomes, REFERENCE, freshCopyId(config.elementwiseSize));
  const check = (target: string, row: Figure | undefined, bar: number | undefined, barName: string): TargetCheck => {
    const both = row !== undefined && bar !== undefined && bar > 0;
    return {
      target,
      measured: both
        ? `${formatNumber(row.value)} ms = ${formatNumber(row.value / bar)}× ${barName} ${formatNumber(bar)} ms`
        : 'not measured',
      met: both ? row.value <= MEMORY_SPEED_BOUND * bar : undefined,
      ...(both ? { ratio: { value: row.value / bar, bound: MEMORY_SPEED_BOUND, atMost: true } } : {}),
    };
  };
  return MEMORY_SPEED_OPS.flatMap((op) => [
    check(
      `${op} ${size}, the op alone, ≤ ${MEMORY_SPEED_BOUND}× the time of a Float32Array copy loop of ${size} (same process)`,
      figureOf(outcomes, REFERENCE, opAloneId(op, config.elementwiseSize)),
      copy?.value,
      "the copy loop's",
    ),
    check(
      `${op} ${size} with its read-back ≤ ${MEMORY_SPEED_BOUND}× the copy loop plus a copy into a fresh array (same process)`,
      figureOf(outcomes, REFERENCE, `${op}-${size}`),
      copy === undefined || fresh === undefined ? undefined : copy.value + fresh.value,
      'the two copies',
    ),
  ]);
}

/** `, N page faults a run` where the child counted them (a fresh page's first touch is one). */
const faults = (figure: Figure, before = ', ', after = ''): string =>
  figure.faultsPerRun === undefined ? '' : `${before}${figure.faultsPerRun} page faults a run${after}`;

/**
 * The memory-speed rows in a sentence per library that ran the copy loop and at least one of them
 * (any mode, whole or partial run): each row's time as a multiple of the copy loop's, the op alone
 * (without the read-back) where measured, and the copy into a fresh array (the read-back) beside it;
 * with the page faults per run where counted, which is where a read-back into fresh memory goes.
 */
export function renderMemorySpeedSummary(config: BenchConfig, outcomes: readonly LibraryOutcome[]): string[] {
  const size = sizeLabel(config.elementwiseSize);
  const lines: string[] = [];
  for (const outcome of outcomes) {
    const figures = outcome.result?.figures ?? {};
    const copy = figures[copyId(config.elementwiseSize)];
    if (copy === undefined || copy.value <= 0) continue;
    const times = (figure: Figure): string =>
      `${formatNumber(figure.value)} ms (${formatNumber(figure.value / copy.value)}×${faults(figure)})`;
    const rows = MEMORY_SPEED_OPS.flatMap((op) => {
      const row = figures[`${op}-${size}`];
      const alone = figures[opAloneId(op, config.elementwiseSize)];
      if (row === undefined) return alone === undefined ? [] : [`${op} alone ${times(alone)}`];
      return [`${op} ${times(row)}${alone === undefined ? '' : `, alone ${times(alone)}`}`];
    });
    if (rows.length === 0) continue;
    const fresh = figures[freshCopyId(config.elementwiseSize)];
    lines.push(
      `Memory speed, ${outcome.spec.label}: Float32Array copy loop ${size} ${formatNumber(copy.value)} ms` +
        (fresh === undefined
          ? ''
          : `, copy into a fresh array (a read-back) ${formatNumber(fresh.value)} ms${faults(fresh, ' (', ')')}`) +
        `; ${rows.join(', ')} (targets: the op alone ≤ ${MEMORY_SPEED_BOUND}× the copy loop; with its read-back ≤ ${MEMORY_SPEED_BOUND}× both copies).`,
    );
  }
  return lines;
}

/** The issue's targets, checked on this run's figures (full mode sizes). */
export function checkTargets(config: BenchConfig, outcomes: readonly LibraryOutcome[]): TargetCheck[] {
  const byId = new Map(workloads(config).map((w) => [w.id, w]));
  const ratio = (workload: string, peer: string, column: string = REFERENCE): number | undefined =>
    speedUp(
      byId.get(workload) ?? { higherIsBetter: true },
      figureOf(outcomes, column, workload),
      figureOf(outcomes, peer, workload),
    );
  const atLeast = (
    target: string,
    workload: string,
    peer: string,
    bound: number,
    column: string = REFERENCE,
  ): TargetCheck => {
    const value = ratio(workload, peer, column);
    return {
      target,
      measured: value === undefined ? 'not measured' : `${formatNumber(value)}×`,
      met: value === undefined ? undefined : value >= bound,
      ...(value === undefined ? {} : { ratio: { value, bound, atMost: false } }),
      // The chart draws the bounds of the default column's ratios only.
      ...(column === REFERENCE ? { workload, peer, bound } : {}),
    };
  };
  const checks: TargetCheck[] = [];
  // Issue 16, item 3: the default configuration ahead of XNNPACK by size (1.2× at the smallest, 1.5×
  // at the largest, 1.3× between), and one Tapeflow thread at least level with XNNPACK's one thread.
  const sizes = config.matmulSizes;
  sizes.forEach((n, index) => {
    const bound = index === 0 ? 1.2 : index === sizes.length - 1 ? 1.5 : 1.3;
    checks.push(atLeast(`matmul ${n} ≥ ${bound}× tfjs-wasm`, `matmul-${n}`, 'tfjs-wasm', bound));
  });
  for (const n of sizes)
    checks.push(
      atLeast(`matmul ${n}, one thread ≥ 1.0× tfjs-wasm's one thread`, `matmul-${n}`, 'tfjs-wasm', 1.0, 'tapeflow-1t'),
    );
  for (const n of config.matmulSizes) {
    const plain = figureOf(outcomes, REFERENCE, `matmul-${n}`)?.value;
    const worst = Math.min(
      ...['-tA', '-tB'].map((s) => figureOf(outcomes, REFERENCE, `matmul-${n}${s}`)?.value ?? Number.NaN),
    );
    const value = plain === undefined || Number.isNaN(worst) ? undefined : worst / plain;
    checks.push({
      target: `matmul ${n}: transposed within 10% of plain`,
      measured: value === undefined ? 'not measured' : `${Math.round(value * 100)}% of plain`,
      met: value === undefined ? undefined : value >= 0.9,
      ...(value === undefined ? {} : { ratio: { value, bound: 0.9, atMost: false, percent: true } }),
    });
  }
  const size = sizeLabel(config.elementwiseSize);
  for (const op of ['add', 'mul', 'relu'])
    checks.push(atLeast(`${op} ${size} ≥ 1.0× tfjs-wasm`, `${op}-${size}`, 'tfjs-wasm', 1.0));
  checks.push(atLeast(`sum ${size} ≥ 2× tfjs-wasm`, `sum-${size}`, 'tfjs-wasm', 2.0));
  const scalar = figureOf(outcomes, REFERENCE, 'scalar')?.value;
  const fastestPeer = Math.min(...PEERS.map((id) => figureOf(outcomes, id, 'scalar')?.value ?? Infinity));
  checks.push({
    target: "scalar op ≤ 1.0 µs and faster than every peer (tensor-core engine: the lead engineer's item)",
    measured:
      scalar === undefined
        ? 'not measured'
        : `${formatNumber(scalar)} µs (fastest peer ${formatNumber(fastestPeer)} µs)`,
    met: scalar === undefined ? undefined : scalar <= 1.0 && scalar < fastestPeer,
  });
  // Issue 16, item 1: recording costs at most 0.3× the op, in every Tapeflow configuration run.
  for (const column of TAPEFLOW_COLUMNS) {
    const plain = figureOf(outcomes, column, 'scalar')?.value;
    const taped = figureOf(outcomes, column, 'scalar-tape')?.value;
    if (column !== REFERENCE && (plain === undefined || taped === undefined)) continue;
    const both = plain !== undefined && taped !== undefined;
    checks.push({
      target: `scalar op with a recording tape ≤ 1.3× without${column === REFERENCE ? '' : ` (${column})`}`,
      measured: both ? `${formatNumber(taped / plain)}×` : 'not measured',
      met: both ? taped <= 1.3 * plain : undefined,
      ...(both ? { ratio: { value: taped / plain, bound: 1.3, atMost: true } } : {}),
    });
  }
  checks.push(atLeast("MLP step ≤ 0.5× tfjs-wasm's time (speed-up ≥ 2×)", 'mlp-step', 'tfjs-wasm', 2.0));
  // Convolutions (issue 12): ≥ 1.5× tfjs-wasm at every conv2d row (and tfjs-cpu where wasm has no gradient).
  for (const w of byId.values()) {
    if (!w.id.startsWith('conv2d-')) continue;
    // tfjs-wasm 4.22 has no Conv2DBackpropFilter: the gradient rows compare with tfjs-cpu as well.
    checks.push(atLeast(`${w.label} ≥ 1.5× tfjs-wasm`, w.id, 'tfjs-wasm', 1.5));
    if (w.id.endsWith('-grad')) checks.push(atLeast(`${w.label} ≥ 1.5× tfjs-cpu`, w.id, 'tfjs-cpu', 1.5));
  }
  // The MNIST convnet epoch (issue 12): ≥ 2× tfjs-wasm; tfjs-wasm 4.22 cannot train it (no
  // Conv2DBackpropFilter kernel), so it is also compared with tfjs-cpu.
  checks.push(atLeast('MNIST convnet fit epoch ≥ 2× tfjs-wasm', 'cnn-fit', 'tfjs-wasm', 2.0));
  checks.push(atLeast('MNIST convnet fit epoch ≥ 2× tfjs-cpu', 'cnn-fit', 'tfjs-cpu', 2.0));
  // Sequence models (issue 14, group w-seq): the LSTM's forward + backward pass ≥ 2× tfjs-wasm.
  checks.push(atLeast('LSTM forward + backward ≥ 2× tfjs-wasm', 'lstm', 'tfjs-wasm', 2.0));
  // Issue 14 (real models II, group w-attn): the transformer-encoder training step, >= 2x tfjs-wasm.
  checks.push(atLeast('transformer encoder step ≥ 2× tfjs-wasm', 'transformer-step', 'tfjs-wasm', 2.0));
  // Issue 16 (speed II, group w-bench2): the synchronous loop within 1.1× of the yielding one, heap flat.
  checks.push(...loopTargets(outcomes));
  // Issue 16 (item 4, group w-ew4): elementwise and reductions at memory speed.
  checks.push(...memorySpeedTargets(config, outcomes));
  const memory = outcomes.find((o) => o.spec.id === REFERENCE)?.result?.memory;
  checks.push({
    target: 'tensor count and RSS flat over the MLP steps',
    measured:
      memory === undefined
        ? 'not measured'
        : `tensors ${memory.tensorsStart} → ${memory.tensorsEnd}, RSS ${memory.rssStartMB} → ${memory.rssEndMB} MB over ${memory.steps} steps`,
    met:
      memory === undefined
        ? undefined
        : memory.tensorsStart === memory.tensorsEnd && memory.rssEndMB <= memory.rssStartMB * 1.1 + 4,
  });
  return checks;
}

/** The targets as a markdown list. */
export function renderTargets(checks: readonly TargetCheck[]): string {
  return checks.map((c) => `- ${c.met === undefined ? '?' : c.met ? '✓' : '✗'} ${c.target}: ${c.measured}`).join('\n');
}
