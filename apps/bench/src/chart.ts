/**
 * @file The bench's ratios as an SVG chart (issue 16, item 6): one bar per workload and peer with
 * Tapeflow's speed-up over that peer, on a log scale so 2× faster and 2× slower are the same length,
 * drawn from the 1× line, with a tick at each target the issues set. Built the way the examples draw
 * their training curves (apps/examples' training-chart.ts): a Vega-Lite spec compiled to Vega and
 * rendered to SVG in Node with `renderer: 'none'`, no canvas or browser (vega 6.4.0, vega-lite 6.4.3,
 * the examples' pinned versions; dev dependencies of this private app).
 */

import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { LIBRARIES, type BenchConfig } from './config.js';
import { PEERS, REFERENCE, speedUp, type LibraryOutcome, type TargetCheck } from './report.js';
import { medianSpeedUp, type Rounds } from './repeat.js';
import { selects, workloads } from './workloads.js';

/** One bar: Tapeflow's speed-up over `peer` on `workload`, and the target for it if there is one. */
export interface RatioBar {
  readonly workload: string;
  readonly peer: string;
  readonly ratio: number;
  readonly target: number | undefined;
}

/**
 * The bars of a run: every workload (or those the `--workload` prefixes pick) in table order, and
 * every peer with a figure for it; `targets` (checkTargets' speed-up bounds) set the ticks. With
 * `rounds` (`--repeat N`, N > 1) each bar is the median over rounds of the speed-up within a round,
 * as the targets take it; `outcomes` (the rounds combined) then only fill in a bar no round has.
 * @example const bars = ratioBars(FULL, outcomes, undefined, checkTargets(FULL, outcomes));
 */
export function ratioBars(
  config: BenchConfig,
  outcomes: readonly LibraryOutcome[],
  workloadPrefixes: readonly string[] | undefined,
  targets: readonly TargetCheck[],
  rounds?: Rounds,
): RatioBar[] {
  const figureOf = (id: string, workload: string) => outcomes.find((o) => o.spec.id === id)?.result?.figures[workload];
  const label = (id: string): string => LIBRARIES.find((spec) => spec.id === id)?.label ?? id;
  const bars: RatioBar[] = [];
  for (const workload of workloads(config).filter((w) => selects(workloadPrefixes, w.id))) {
    // A reference (issue 16, item 4) is no library's task: no speed-up is taken on it.
    if (workload.reference === true) continue;
    for (const peer of PEERS) {
      const ratio =
        (rounds !== undefined && rounds.length > 1 ? medianSpeedUp(rounds, workload, REFERENCE, peer) : undefined) ??
        speedUp(workload, figureOf(REFERENCE, workload.id), figureOf(peer, workload.id));
      if (ratio === undefined) continue;
      const bounds = targets
        .filter((t) => t.workload === workload.id && t.peer === peer && t.bound !== undefined)
        .map((t) => t.bound!);
      bars.push({
        workload: workload.id,
        peer: label(peer),
        ratio,
        target: bounds.length === 0 ? undefined : Math.max(...bounds),
      });
    }
  }
  return bars;
}

/**
 * The Vega-Lite spec: horizontal bars from 1× on a log x axis, grouped by workload, coloured by peer,
 * the 1× line, and a black tick per target.
 * @example const spec = ratioChartSpec(bars, 'pnpm bench, 2026-11-26');
 */
export function ratioChartSpec(bars: readonly RatioBar[], title: string): TopLevelSpec {
  const ratios = bars.flatMap((bar) => [bar.ratio, bar.target ?? 1]);
  // A domain in whole powers of two around 1× and every bar and target, so 1× is always inside.
  const low = 2 ** Math.floor(Math.log2(Math.min(1, ...ratios)));
  const high = 2 ** Math.ceil(Math.log2(Math.max(1, ...ratios)));
  const powersOfTwo: number[] = [];
  for (let value = low; value <= high; value *= 2) powersOfTwo.push(value);
  const peerLabels = PEERS.map((id) => LIBRARIES.find((spec) => spec.id === id)?.label ?? id);
  const y = { field: 'workload', type: 'nominal' as const, title: null, sort: null, axis: { labelLimit: 240 } };
  const yOffset = { field: 'peer', type: 'nominal' as const, sort: null };
  const x = {
    field: 'ratio',
    type: 'quantitative' as const,
    title: "Tapeflow's speed-up over the peer (log scale; > 1× is faster)",
    scale: { type: 'log' as const, domain: [low, high] },
    axis: { values: powersOfTwo, labelExpr: "datum.label + '×'" },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: bars.map((bar) => ({ ...bar, target: bar.target ?? null })) },
    width: 480,
    height: { step: 11 },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y,
          yOffset,
          x,
          x2: { datum: 1 },
          // Every peer keeps its colour from chart to chart, whichever peers a run has.
          color: { field: 'peer', type: 'nominal', title: 'peer', scale: { domain: peerLabels } },
          tooltip: [
            { field: 'workload', type: 'nominal' },
            { field: 'peer', type: 'nominal' },
            { field: 'ratio', type: 'quantitative', format: '.3g' },
          ],
        },
      },
      {
        transform: [{ filter: 'datum.target !== null' }],
        mark: { type: 'tick', color: 'black', thickness: 2, orient: 'vertical' },
        encoding: { y, yOffset, x: { ...x, field: 'target' } },
      },
      {
        data: { values: [{ one: 1 }] },
        mark: { type: 'rule', color: 'gray', strokeDash: [4, 3] },
        encoding: { x: { ...x, field: 'one' } },
      },
    ],
    config: { font: 'sans-serif' },
  };
}

/**
 * The chart as an SVG document.
 * @example writeFileSync('latest-full.svg', await renderRatioChart(bars, 'pnpm bench'));
 */
export async function renderRatioChart(bars: readonly RatioBar[], title: string): Promise<string> {
  const view = new vega.View(vega.parse(compile(ratioChartSpec(bars, title)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
