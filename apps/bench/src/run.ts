/**
 * @file `pnpm bench [--quick] [--only id,id] [--workload prefix,prefix] [--repeat N] [--compare <git-ref>]`: runs
 * each library (or those `--only` names) in its own Node process (child.ts), on every workload (or
 * those whose id starts with a `--workload` prefix; `memory` is the memory check), prints the table
 * and the targets, and writes them as JSON and markdown, and the speed-ups as an SVG chart, to
 * bench-results/ at the repository root (git-ignored). Exits non-zero when a library's run fails, so
 * `--quick` in CI checks that everything still runs (never its times). With `--compare`, runs the
 * Tapeflow configurations of another commit beside this working tree's instead (compare.ts). With
 * `--repeat N`, the children run in N rounds (each round every library once, in the usual order) and
 * the report gives medians over the rounds (repeat.ts, run-report.ts).
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TapeflowError } from '@tapeflow/tensor-core';
import { parseArguments } from './arguments.js';
import { runChild } from './children.js';
import { LIBRARIES } from './config.js';
import type { LibraryOutcome } from './report.js';
// Issue 16 (item 6 follow-up, group w-rep6): --repeat N, the rounds combined into one report.
import { renderRunReport } from './run-report.js';
// Issue 16 (speed II, group w-bench2): the ratio chart.
import { ratioBars, renderRatioChart } from './chart.js';
// Issue 16 (speed II, group w-bench2): --compare <git-ref>.
import { runComparison } from './compare.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');

function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpu}, ${cpus().length} logical cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}-${process.arch}`;
}

async function main(): Promise<void> {
  const { config, only, workloadPrefixes, compare, repeat } = parseArguments(process.argv.slice(2));
  if (compare !== undefined) {
    await runComparison({ config, only, workloadPrefixes, compare, repeat }, root, machine());
    return;
  }
  const selected = LIBRARIES.filter((spec) => only === undefined || only.has(spec.id));
  // Round by round, every library once in the usual order: drift over time falls on all alike.
  const rounds: LibraryOutcome[][] = [];
  for (let round = 1; round <= repeat; round++) {
    const outcomes: LibraryOutcome[] = [];
    for (const spec of selected) {
      process.stderr.write(`== ${spec.label}${repeat > 1 ? `, round ${round} of ${repeat}` : ''}\n`);
      outcomes.push(await runChild(spec, config, workloadPrefixes));
    }
    rounds.push(outcomes);
  }
  const date = new Date().toISOString();
  const { outcomes, targets, chartTargets, failed, markdown } = renderRunReport({
    date,
    machine: machine(),
    config,
    workloadPrefixes,
    rounds,
  });
  process.stdout.write(`\n${markdown}\n`);
  const directory = join(root, 'bench-results');
  mkdirSync(directory, { recursive: true });
  const stamp = date.replace(/[:.]/g, '-');
  const json = JSON.stringify(
    {
      date,
      machine: machine(),
      mode: config.mode,
      workloads: workloadPrefixes ?? 'all',
      config,
      repeat,
      outcomes,
      targets,
      // Each round's own outcomes, where there are several (`outcomes` combines them).
      ...(repeat > 1 ? { rounds } : {}),
    },
    null,
    2,
  );
  // A partial run does not replace the latest whole one.
  const kind = `${config.mode}${workloadPrefixes === undefined ? '' : '-partial'}`;
  // The ratio chart: every speed-up bar, with the targets' bounds (the quick run's are its sizes').
  const bars = ratioBars(config, outcomes, workloadPrefixes, chartTargets, rounds);
  const title = `pnpm bench (${kind}), ${date.slice(0, 16).replace('T', ' ')} UTC, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`;
  const svg = await renderRatioChart(bars, title);
  for (const name of [`bench-${kind}-${stamp}`, `latest-${kind}`]) {
    writeFileSync(join(directory, `${name}.json`), json);
    writeFileSync(join(directory, `${name}.md`), `${markdown}\n`);
    writeFileSync(join(directory, `${name}.svg`), svg);
  }
  process.stderr.write(`\nwrote bench-results/latest-${kind}.{json,md,svg}\n`);
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  // A bad command line or a ref that cannot be checked out: the message says it all.
  if (error instanceof TapeflowError) process.stderr.write(`${error.name}: ${error.message}\n`);
  else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
