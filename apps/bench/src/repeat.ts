/**
 * @file `pnpm bench --repeat N` (issue 16, item 6 follow-up): combining N rounds of the children into
 * one report. The shared 2-core machine's speed moves between runs, so a single run's ratio near a
 * bound flips between pass and miss; run.ts runs every library's child once per round, interleaved,
 * and these pure functions give each cell the median over rounds of that round's median (± the range
 * over rounds), and each ratio target the median over rounds of the ratio measured within a round.
 * One round passes through unchanged, so `--repeat 1` (the default) reports exactly as before.
 */

import type { Figure, LibraryResult, MemoryCheck } from './child.js';
import { summarize } from './measure.js';
import {
  formatNumber,
  meetsBound,
  speedUp,
  type LibraryOutcome,
  type TargetCheck,
  type TargetRatio,
} from './report.js';
import type { Workload } from './workloads.js';

/** Every round's outcomes, in round order; each round lists its libraries in run order. */
export type Rounds = readonly (readonly LibraryOutcome[])[];

/** The median of `values` (measure.ts's `summarize`: the mean of the middle two for an even count); NaN for none. */
export const median = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : summarize(values).median;

/**
 * One cell's figure over the rounds that measured it: the median of the rounds' medians, with the
 * lowest and highest round as its range (so the table's ± is half the range over rounds). The
 * samples add up; the other fields (heap, page faults) come from the median round (the lower middle
 * one for an even count).
 * @example combineFigures([f(10), f(14), f(12)]).value; // 12, low 10, high 14
 */
export function combineFigures(figures: readonly Figure[]): Figure {
  const byValue = [...figures].sort((a, b) => a.value - b.value);
  const middle = byValue[(byValue.length - 1) >> 1]!;
  return {
    ...middle,
    value: median(byValue.map((figure) => figure.value)),
    low: byValue[0]!.value,
    high: byValue[byValue.length - 1]!.value,
    samples: byValue.reduce((total, figure) => total + figure.samples, 0),
  };
}

/** The memory check to report over rounds: the one that grew most (tensors first, then RSS). */
function worstMemory(checks: readonly MemoryCheck[]): MemoryCheck | undefined {
  const growth = (check: MemoryCheck): [number, number] => [
    (check.tensorsEnd ?? 0) - (check.tensorsStart ?? 0),
    check.rssEndMB - check.rssStartMB,
  ];
  return checks.reduce<MemoryCheck | undefined>((worst, check) => {
    if (worst === undefined) return check;
    const [tensors, rss] = growth(check);
    const [worstTensors, worstRss] = growth(worst);
    return tensors > worstTensors || (tensors === worstTensors && rss > worstRss) ? check : worst;
  }, undefined);
}

/** One library's outcomes over the rounds (at least one) as one outcome. */
function combineLibrary(outcomes: readonly LibraryOutcome[]): LibraryOutcome {
  const results = outcomes.flatMap((outcome) => (outcome.result === undefined ? [] : [outcome.result]));
  // No round ran: reported as one failed run is.
  if (results.length === 0) return outcomes[0]!;
  const cells = [
    ...new Set(
      results.flatMap((result) => [
        ...Object.keys(result.figures),
        ...Object.keys(result.errors),
        ...Object.keys(result.skipped ?? {}),
      ]),
    ),
  ];
  const figures: Record<string, Figure> = {};
  const errors: Record<string, string> = {};
  const skipped: Record<string, string> = {};
  for (const cell of cells) {
    const measured = results.flatMap((result) => (result.figures[cell] === undefined ? [] : [result.figures[cell]]));
    if (measured.length > 0) {
      figures[cell] = combineFigures(measured);
      continue;
    }
    // A cell no round measured reads as one round's would: failed, else not run.
    const error = results.find((result) => result.errors[cell] !== undefined)?.errors[cell];
    const why = results.find((result) => result.skipped?.[cell] !== undefined)?.skipped?.[cell];
    if (error !== undefined) errors[cell] = error;
    else if (why !== undefined) skipped[cell] = why;
  }
  const first = results[0]!;
  const result: LibraryResult = {
    id: first.id,
    description: first.description,
    figures,
    errors,
    ...(Object.keys(skipped).length > 0 || first.skipped !== undefined ? { skipped } : {}),
    memory: worstMemory(results.flatMap((r) => (r.memory === undefined ? [] : [r.memory]))),
  };
  return { spec: outcomes[0]!.spec, result, failure: undefined };
}

/**
 * The rounds as one run: per library (in the order they first ran), every cell combined over the
 * rounds that measured it (combineFigures); a round whose child failed, or that did not run a cell,
 * is left out of that cell; a library no round ran keeps its failure. One round is returned as is.
 * @example const outcomes = combineRounds([roundOne, roundTwo, roundThree]);
 */
export function combineRounds(rounds: Rounds): LibraryOutcome[] {
  if (rounds.length === 1) return [...rounds[0]!];
  const ids = [...new Set(rounds.flatMap((round) => round.map((outcome) => outcome.spec.id)))];
  return ids.map((id) => combineLibrary(rounds.flatMap((round) => round.filter((o) => o.spec.id === id))));
}

/** A ratio as the targets print it: `1.31×`, or `93%` for a percentage. */
const formatRatio = (value: number, ratio: Pick<TargetRatio, 'percent'>): string =>
  ratio.percent === true ? `${Math.round(value * 100)}%` : `${formatNumber(value)}×`;

/**
 * The targets over the rounds: `combined` (the checks on the combined figures) with each ratio
 * target's ratio replaced by the median over rounds of the ratio each round measured (`perRound`,
 * matched by the target's text), checked against its bound, and the rounds' ratios shown beside it:
 * `1.31× (rounds: 1.18, 1.31, 1.44)`. Targets that are no ratio (the scalar op's time, a heap or
 * memory check) keep the combined figures' check. One round is returned as is.
 * @example combineTargets(rounds.map((r) => checkTargets(FULL, r)), checkTargets(FULL, combineRounds(rounds)));
 */
export function combineTargets(
  perRound: readonly (readonly TargetCheck[])[],
  combined: readonly TargetCheck[],
): TargetCheck[] {
  if (perRound.length === 1) return [...perRound[0]!];
  return combined.map((check) => {
    const ratios = perRound.flatMap((checks) => {
      const ratio = checks.find((c) => c.target === check.target)?.ratio;
      return ratio === undefined ? [] : [ratio];
    });
    if (ratios.length === 0) return check;
    const values = ratios.map((ratio) => ratio.value);
    const value = median(values);
    const ratio: TargetRatio = { ...ratios[0]!, value };
    const rounds = values.map((v) => (ratio.percent === true ? formatRatio(v, ratio) : formatNumber(v))).join(', ');
    return {
      ...check,
      measured: `${formatRatio(value, ratio)}${ratio.percent === true ? ' of plain' : ''} (rounds: ${rounds})`,
      met: meetsBound(value, ratio),
      ratio,
      rounds: values,
    };
  });
}

/**
 * Tapeflow's (`ours`) speed-up over `peer` on `workload`, as the median over the rounds that have
 * both figures of the speed-up within each round; undefined where no round has both.
 * @example medianSpeedUp(rounds, matmul64, 'tapeflow', 'tfjs-wasm'); // 1.31
 */
export function medianSpeedUp(
  rounds: Rounds,
  workload: Pick<Workload, 'id' | 'higherIsBetter'>,
  ours: string,
  peer: string,
): number | undefined {
  const figureOf = (round: readonly LibraryOutcome[], id: string): Figure | undefined =>
    round.find((o) => o.spec.id === id)?.result?.figures[workload.id];
  const ratios = rounds.flatMap((round) => {
    const ratio = speedUp(workload, figureOf(round, ours), figureOf(round, peer));
    return ratio === undefined ? [] : [ratio];
  });
  return ratios.length === 0 ? undefined : median(ratios);
}
