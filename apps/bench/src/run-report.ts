/**
 * @file The markdown report of a plain `pnpm bench` run, apart from run.ts (which starts processes on
 * import) so its text can be tested: with `--repeat N` (issue 16, item 6 follow-up) it combines the
 * rounds (repeat.ts), says how many there were and what a cell then means, and lists each round's
 * failures; with one round it is exactly the report run.ts printed before `--repeat`.
 */

import type { BenchConfig } from './config.js';
import { combineRounds, combineTargets, medianSpeedUp, type Rounds } from './repeat.js';
import {
  checkTargets,
  REFERENCE,
  renderLoopSummary,
  renderMemorySpeedSummary,
  renderTable,
  renderTargets,
  type LibraryOutcome,
  type TargetCheck,
} from './report.js';

/** What a run measured and where. */
export interface RunInput {
  readonly date: string;
  readonly machine: string;
  readonly config: BenchConfig;
  readonly workloadPrefixes: readonly string[] | undefined;
  /** Every round's outcomes (one round without `--repeat`). */
  readonly rounds: Rounds;
}

/** The report of a run: the rounds combined, the targets checked on them, and the markdown. */
export interface RunReport {
  readonly outcomes: LibraryOutcome[];
  /** The targets (none in a quick or partial run). */
  readonly targets: TargetCheck[];
  /** The targets on any run, for the chart's ticks. */
  readonly chartTargets: TargetCheck[];
  /** Whether a child failed or a workload threw in any round (the run then exits non-zero). */
  readonly failed: boolean;
  readonly markdown: string;
}

const failedIn = (outcome: LibraryOutcome): boolean =>
  outcome.failure !== undefined || Object.keys(outcome.result?.errors ?? {}).length > 0;

/**
 * The run's report: the rounds combined (combineRounds), the table, the summaries, the targets
 * (combineTargets: with several rounds, the median of each round's ratio), the workloads not run and
 * the failures, each failure with its round where there are several.
 * @example process.stdout.write(renderRunReport({ date, machine, config, workloadPrefixes, rounds }).markdown);
 */
export function renderRunReport(input: RunInput): RunReport {
  const { date, machine, config, workloadPrefixes, rounds } = input;
  const repeat = rounds.length;
  const outcomes = combineRounds(rounds);
  const allTargets = combineTargets(
    rounds.map((round) => checkTargets(config, round)),
    checkTargets(config, outcomes),
  );
  // The targets are about a whole run; a partial one would list most as not measured.
  const targets = config.mode === 'full' && workloadPrefixes === undefined ? allTargets : [];
  const failures = rounds.flatMap((round, index) =>
    round
      .filter(failedIn)
      .map(
        (o) =>
          `- ${o.spec.label} failed${repeat > 1 ? ` (round ${index + 1})` : ''}: ${o.failure ?? JSON.stringify(o.result?.errors)}`,
      ),
  );
  const cells =
    repeat > 1
      ? ` ${repeat} rounds, each running every library's child once in turn. Each cell: the median over the rounds` +
        ` of each round's median ±half the range over the rounds; each speed-up and target's ratio: the median` +
        ` over the rounds of the ratio within a round.`
      : ' Each cell: median ±half the range of the samples.';
  const notes = [
    `Date: ${date}. Machine: ${machine}.`,
    `Mode: ${config.mode}${config.mode === 'quick' ? ' (smoke run: tiny sizes, 1-2 samples; the figures mean nothing)' : ''}${workloadPrefixes === undefined ? '' : `, workloads ${workloadPrefixes.join(', ')}*`}.${cells}`,
    `Kernels: ${outcomes.map((o) => `${o.spec.label}: ${o.result?.description ?? 'failed'}`).join('; ')}.`,
  ];
  const markdown = [
    notes.join('\n'),
    '',
    renderTable(
      config,
      outcomes,
      workloadPrefixes,
      repeat > 1 ? (workload, peer) => medianSpeedUp(rounds, workload, REFERENCE, peer) : undefined,
    ),
    '',
    ...renderLoopSummary(outcomes).map((line) => `${line}\n`),
    ...renderMemorySpeedSummary(config, outcomes).map((line) => `${line}\n`),
    ...(targets.length > 0 ? ['Targets (issues 5, 12, 14 and 16):', renderTargets(targets), ''] : []),
    ...outcomes.flatMap((o) =>
      Object.entries(o.result?.skipped ?? {}).map(([workload, why]) => `- ${o.spec.label}, ${workload}: ${why}`),
    ),
    ...failures,
  ].join('\n');
  return { outcomes, targets, chartTargets: allTargets, failed: failures.length > 0, markdown };
}
