/**
 * @file Tests of the ratio chart (issue 16, item 6) on a fixed, made-up report (no library is run):
 * which bars and targets it takes from a run, and the SVG it renders.
 */

import { describe, expect, it } from 'vitest';
import type { Figure, LibraryResult } from './child.js';
import { ratioBars, ratioChartSpec, renderRatioChart } from './chart.js';
import { FULL, LIBRARIES } from './config.js';
import { checkTargets, type LibraryOutcome } from './report.js';

const figure = (value: number): Figure => ({ value, low: value, high: value, samples: 3, runsPerSample: 1 });

function outcome(id: string, figures: Record<string, number>): LibraryOutcome {
  const result: LibraryResult = {
    id,
    description: id,
    figures: Object.fromEntries(Object.entries(figures).map(([key, value]) => [key, figure(value)])),
    errors: {},
    memory: undefined,
  };
  return { spec: LIBRARIES.find((spec) => spec.id === id)!, result, failure: undefined };
}

// GFLOP/s for matmul (higher is better), ms for the rest (lower is better).
const outcomes = [
  outcome('tapeflow', { 'matmul-1024': 60, 'add-1M': 0.5, lstm: 10, 'dense-loop-sync': 2 }),
  outcome('tfjs-cpu', { 'matmul-1024': 6, 'add-1M': 1, lstm: 80 }),
  outcome('tfjs-wasm', { 'matmul-1024': 30, 'add-1M': 0.25, lstm: 15 }),
  outcome('jax-wasm', { 'matmul-1024': 15 }),
];

describe('ratioBars', () => {
  it("gives Tapeflow's speed-up over each peer per workload in table order, with the issues' targets", () => {
    const bars = ratioBars(FULL, outcomes, undefined, checkTargets(FULL, outcomes));
    expect(bars).toEqual([
      { workload: 'matmul-1024', peer: 'tfjs cpu 4.22', ratio: 10, target: undefined },
      { workload: 'matmul-1024', peer: 'tfjs wasm 4.22', ratio: 2, target: 1.5 },
      { workload: 'matmul-1024', peer: 'jax-js 0.1 wasm', ratio: 4, target: undefined },
      { workload: 'add-1M', peer: 'tfjs cpu 4.22', ratio: 2, target: undefined },
      { workload: 'add-1M', peer: 'tfjs wasm 4.22', ratio: 0.5, target: 1 },
      { workload: 'lstm', peer: 'tfjs cpu 4.22', ratio: 8, target: undefined },
      { workload: 'lstm', peer: 'tfjs wasm 4.22', ratio: 1.5, target: 2 },
    ]);
  });

  it('takes no bar from a reference row (issue 16, item 4): the copy loop is no library task', () => {
    const withCopy = [
      outcome('tapeflow', { 'add-1M': 0.5, 'copy-1M': 0.4, 'copy-fresh-1M': 2 }),
      outcome('tfjs-wasm', { 'add-1M': 0.25, 'copy-1M': 0.5, 'copy-fresh-1M': 1 }),
    ];
    expect(ratioBars(FULL, withCopy, ['add', 'copy'], [])).toEqual([
      { workload: 'add-1M', peer: 'tfjs wasm 4.22', ratio: 0.5, target: undefined },
    ]);
  });

  it('draws, with several rounds (--repeat), the median over rounds of the speed-up within each round', () => {
    const round = (ours: number, theirs: number): LibraryOutcome[] => [
      outcome('tapeflow', { 'matmul-64': ours }),
      outcome('tfjs-wasm', { 'matmul-64': theirs }),
    ];
    // Speed-ups 1.18×, 1.31×, 1.44×; the medians' ratio (14.16 / 12) would be 1.18×.
    const rounds = [round(14.16, 12), round(13.1, 10), round(23.76, 16.5)];
    const combined = [outcome('tapeflow', { 'matmul-64': 14.16 }), outcome('tfjs-wasm', { 'matmul-64': 12 })];
    const targets = checkTargets(FULL, combined);
    const [bar] = ratioBars(FULL, combined, ['matmul-64'], targets, rounds);
    expect(bar).toEqual({ workload: 'matmul-64', peer: 'tfjs wasm 4.22', ratio: expect.closeTo(1.31, 9), target: 1.2 });
    // One round draws the figures' ratio, as without rounds.
    expect(ratioBars(FULL, combined, ['matmul-64'], targets, [rounds[0]!])[0]!.ratio).toBeCloseTo(1.18, 9);
  });

  it('keeps to the workloads a partial run picked, and draws no target it was not given', () => {
    expect(ratioBars(FULL, outcomes, ['add'], [])).toEqual([
      { workload: 'add-1M', peer: 'tfjs cpu 4.22', ratio: 2, target: undefined },
      { workload: 'add-1M', peer: 'tfjs wasm 4.22', ratio: 0.5, target: undefined },
    ]);
  });
});

describe('ratioChartSpec', () => {
  it('spans whole powers of two around 1× and every bar and target on a log scale', () => {
    const bars = ratioBars(FULL, outcomes, undefined, checkTargets(FULL, outcomes));
    const spec = JSON.stringify(ratioChartSpec(bars, 'test'));
    expect(spec).toContain('"scale":{"type":"log","domain":[0.5,16]}');
    const slower = ratioChartSpec([{ workload: 'lstm', peer: 'p', ratio: 0.3, target: 2 }], 'test');
    expect(JSON.stringify(slower)).toContain('"domain":[0.25,2]');
  });
});

describe('renderRatioChart', () => {
  it('renders an SVG with a bar per ratio, the 1× line, a tick per target and every workload named', async () => {
    const bars = ratioBars(FULL, outcomes, undefined, checkTargets(FULL, outcomes));
    const svg = await renderRatioChart(bars, 'pnpm bench (made-up figures)');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('pnpm bench (made-up figures)');
    for (const name of ['matmul-1024', 'add-1M', 'lstm', 'tfjs wasm 4.22', 'jax-js 0.1 wasm'])
      expect(svg).toContain(name);
    // Each mark carries an aria label: a bar names its ratio, a target tick only its workload and peer.
    expect(svg.match(/aria-label="[^"]*workload: [^;"]*; peer: [^;"]*; ratio: [^"]*"/g)).toHaveLength(7);
    expect(svg.match(/aria-label="[^"]*workload: [^;"]*; peer: [^;"]*"/g)).toHaveLength(3);
    expect(svg).toMatch(/aria-label="[^"]*faster\): 1"/);
    for (const tick of ['0.5×', '1×', '2×', '16×']) expect(svg).toContain(`>${tick}</text>`);
  });
});
