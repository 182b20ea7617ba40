/**
 * @file `pnpm bench [--quick] [--only id,id] [--workload prefix,prefix]`: runs each library (or those
 * `--only` names) in its own Node process (child.ts), on every workload (or those whose id starts with
 * a `--workload` prefix; `memory` is the memory check), prints the table and the targets, and writes
 * both as JSON and markdown to bench-results/ at the repository root (git-ignored). Exits non-zero
 * when a library's run fails, so `--quick` in CI checks that everything still runs (never its times).
 */

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LibraryResult } from './child.js';
import { FULL, LIBRARIES, QUICK, type BenchConfig, type LibrarySpec } from './config.js';
import { checkTargets, renderLoopSummary, renderTable, renderTargets, type LibraryOutcome } from './report.js';
// Issue 16 (speed II, group w-bench2): the ratio chart.
import { ratioBars, renderRatioChart } from './chart.js';
import { workloads } from './workloads.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');

interface Arguments {
  readonly config: BenchConfig;
  /** The library ids to run, or undefined for all. */
  readonly only: Set<string> | undefined;
  /** Workload-id prefixes to run, or undefined for all. */
  readonly workloadPrefixes: string[] | undefined;
}

function parseArguments(argv: readonly string[]): Arguments {
  const quick = argv.includes('--quick');
  const list = (option: string): string[] | undefined => {
    const index = argv.indexOf(option);
    return index >= 0 ? (argv[index + 1] ?? '').split(',').filter(Boolean) : undefined;
  };
  const onlyList = list('--only');
  const only = onlyList === undefined ? undefined : new Set(onlyList);
  const workloadPrefixes = list('--workload');
  const withValue = ['--only', '--workload'];
  const unknown = argv.filter(
    (arg, i) =>
      arg.startsWith('--') && !['--quick', ...withValue].includes(arg) && !withValue.includes(argv[i - 1] ?? ''),
  );
  if (unknown.length > 0)
    throw new Error(
      `bench: unknown option ${unknown.join(' ')} (known: --quick, --only id,id, --workload prefix,prefix)`,
    );
  const config = quick ? QUICK : FULL;
  const ids = [...workloads(config).map((w) => w.id), 'memory'];
  const unmatched = (workloadPrefixes ?? []).filter((prefix) => !ids.some((id) => id.startsWith(prefix)));
  if (workloadPrefixes?.length === 0 || unmatched.length > 0) {
    throw new Error(
      `bench: --workload ${unmatched.join(',') || '(empty)'} matches no workload (ids: ${ids.join(', ')})`,
    );
  }
  return { config, only, workloadPrefixes };
}

/** Runs one library's child process; resolves with its result or the reason it failed. */
function runChild(
  spec: LibrarySpec,
  config: BenchConfig,
  workloadPrefixes: readonly string[] | undefined,
): Promise<LibraryOutcome> {
  const args = [
    ...spec.nodeFlags,
    '--expose-gc',
    '--conditions=@tapeflow/source',
    '--import',
    'tsx',
    join(here, 'child.ts'),
    spec.id,
    config.mode,
    workloadPrefixes?.join(',') ?? '',
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: join(here, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), config.childTimeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(signal !== null ? `killed by ${signal}` : `exit code ${code}`);
        resolve({ spec, result: JSON.parse(last) as LibraryResult, failure: undefined });
      } catch (error) {
        const reason = `${error instanceof Error ? error.message : String(error)}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`;
        resolve({ spec, result: undefined, failure: reason });
      }
    });
  });
}

function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpu}, ${cpus().length} logical cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}-${process.arch}`;
}

async function main(): Promise<void> {
  const { config, only, workloadPrefixes } = parseArguments(process.argv.slice(2));
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
    ...(targets.length > 0 ? ['Targets (issue 5):', renderTargets(targets), ''] : []),
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
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
