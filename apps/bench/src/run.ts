/**
 * @file `pnpm bench [--quick] [--only id,id] [--workload prefix,prefix] [--compare <git-ref>]`: runs
 * each library (or those `--only` names) in its own Node process (child.ts), on every workload (or
 * those whose id starts with a `--workload` prefix; `memory` is the memory check), prints the table
 * and the targets, and writes them as JSON and markdown, and the speed-ups as an SVG chart, to
 * bench-results/ at the repository root (git-ignored). Exits non-zero when a library's run fails, so
 * `--quick` in CI checks that everything still runs (never its times). With `--compare`, runs the
 * Tapeflow configurations of another commit beside this working tree's instead (compare.ts).
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TapeflowError } from '@tapeflow/tensor-core';
import { parseArguments } from './arguments.js';
import { runChild } from './children.js';
import { LIBRARIES } from './config.js';
import {
  checkTargets,
  renderLoopSummary,
  renderMemorySpeedSummary,
  renderTable,
  renderTargets,
  type LibraryOutcome,
} from './report.js';
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
  const { config, only, workloadPrefixes, compare } = parseArguments(process.argv.slice(2));
  if (compare !== undefined) {
    await runComparison({ config, only, workloadPrefixes, compare }, root, machine());
    return;
  }
  const selected = LIBRARIES.filter((spec) => only === undefined || only.has(spec.id));
  const outcomes: LibraryOutcome[] = [];
  for (const spec of selected) {
    process.stderr.write(`== ${spec.label}\n`);
    outcomes.push(await runChild(spec, config, workloadPrefixes));
  }
  const date = new Date().toISOString();
  const table = renderTable(config, outcomes, workloadPrefixes);
  // The targets are about a whole run; a partial one would list most as not measured.
  const targets = config.mode === 'full' && workloadPrefixes === undefined ? checkTargets(config, outcomes) : [];
  const failures = outcomes.filter((o) => o.failure !== undefined || Object.keys(o.result?.errors ?? {}).length > 0);
  const notes = [
    `Date: ${date}. Machine: ${machine()}.`,
    `Mode: ${config.mode}${config.mode === 'quick' ? ' (smoke run: tiny sizes, 1-2 samples; the figures mean nothing)' : ''}${workloadPrefixes === undefined ? '' : `, workloads ${workloadPrefixes.join(', ')}*`}. Each cell: median ±half the range of the samples.`,
    `Kernels: ${outcomes.map((o) => `${o.spec.label}: ${o.result?.description ?? 'failed'}`).join('; ')}.`,
  ];
  const markdown = [
    notes.join('\n'),
    '',
    table,
    '',
    ...renderLoopSummary(outcomes).map((line) => `${line}\n`),
    ...renderMemorySpeedSummary(config, outcomes).map((line) => `${line}\n`),
    ...(targets.length > 0 ? ['Targets (issues 5, 12, 14 and 16):', renderTargets(targets), ''] : []),
    ...outcomes.flatMap((o) =>
      Object.entries(o.result?.skipped ?? {}).map(([workload, why]) => `- ${o.spec.label}, ${workload}: ${why}`),
    ),
    ...failures.map((o) => `- ${o.spec.label} failed: ${o.failure ?? JSON.stringify(o.result?.errors)}`),
  ].join('\n');
  process.stdout.write(`\n${markdown}\n`);
  const directory = join(root, 'bench-results');
  mkdirSync(directory, { recursive: true });
  const stamp = date.replace(/[:.]/g, '-');
  const json = JSON.stringify(
    { date, machine: machine(), mode: config.mode, workloads: workloadPrefixes ?? 'all', config, outcomes, targets },
    null,
    2,
  );
  // A partial run does not replace the latest whole one.
  const kind = `${config.mode}${workloadPrefixes === undefined ? '' : '-partial'}`;
  // The ratio chart: every speed-up bar, with the targets' bounds (the quick run's are its sizes').
  const bars = ratioBars(config, outcomes, workloadPrefixes, checkTargets(config, outcomes));
  const title = `pnpm bench (${kind}), ${date.slice(0, 16).replace('T', ' ')} UTC, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`;
  const svg = await renderRatioChart(bars, title);
  for (const name of [`bench-${kind}-${stamp}`, `latest-${kind}`]) {
    writeFileSync(join(directory, `${name}.json`), json);
    writeFileSync(join(directory, `${name}.md`), `${markdown}\n`);
    writeFileSync(join(directory, `${name}.svg`), svg);
  }
  process.stderr.write(`\nwrote bench-results/latest-${kind}.{json,md,svg}\n`);
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  // A bad command line or a ref that cannot be checked out: the message says it all.
  if (error instanceof TapeflowError) process.stderr.write(`${error.name}: ${error.message}\n`);
  else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
