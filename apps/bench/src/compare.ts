/**
 * @file `pnpm bench --compare <git-ref>` (issue 16, item 6): Tapeflow's configurations at another
 * commit beside this working tree's, in one run, so a speed claim is a same-run ratio. The other
 * commit is checked out into a temporary `git worktree` (dependencies installed there offline from
 * its own lockfile, since pnpm's links point into the checkout they belong to), each Tapeflow
 * configuration's child process runs from there and from here in turn (same Node flags, same
 * process layout), and the table gives both figures and this tree's speed-up over the other commit.
 * The temporary worktree is removed at the end, also after a failure or Ctrl-C. With `--repeat N` the
 * alternation runs N rounds and each side's rounds are combined as a plain run's are (repeat.ts).
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FailedPreconditionError } from '@tapeflow/tensor-core';
import { badArgument, type Arguments } from './arguments.js';
import { runChild } from './children.js';
import { LIBRARIES, type BenchConfig } from './config.js';
import {
  cell,
  formatNumber,
  renderLoopSummary,
  renderMemorySpeedSummary,
  speedUp,
  type LibraryOutcome,
} from './report.js';
import { combineRounds } from './repeat.js';
import { selects, workloads } from './workloads.js';

/** One side of a comparison: which commit, and its Tapeflow configurations' outcomes. */
export interface ComparisonSide {
  /** How the table names it, e.g. `HEAD~1 (9879a43)`. */
  readonly label: string;
  readonly outcomes: readonly LibraryOutcome[];
}

const git = (root: string, args: readonly string[]): string =>
  execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/**
 * The commit `ref` names in the repository at `root`; an InvalidArgumentError naming `ref` when it
 * names none (a typo, a branch not fetched, an option-like string).
 * @example resolveCommit('HEAD~1', root); // '9879a43…' (40 hex digits)
 */
export function resolveCommit(ref: string, root: string): string {
  const expected = 'a git ref naming a commit of this repository (a branch, tag, commit hash or HEAD~n)';
  if (ref === '' || ref.startsWith('-')) badArgument('--compare', expected, `'${ref}'`);
  try {
    return git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  } catch {
    return badArgument('--compare', expected, `'${ref}', which names no commit here`);
  }
}

/**
 * The comparison table (markdown): per workload, each Tapeflow configuration's figure at both commits
 * and `head`'s speed-up over `base` (higher is better: above 1× the working tree is faster).
 * @example renderComparison(QUICK, undefined, { label: 'HEAD~1', outcomes }, { label: 'HEAD', outcomes: now });
 */
export function renderComparison(
  config: BenchConfig,
  workloadPrefixes: readonly string[] | undefined,
  base: ComparisonSide,
  head: ComparisonSide,
): string {
  const present = LIBRARIES.filter((spec) =>
    [base, head].some((side) => side.outcomes.some((o) => o.spec.id === spec.id)),
  );
  const header = ['workload', 'unit'];
  for (const spec of present)
    header.push(`${spec.label}, ${base.label}`, `${spec.label}, ${head.label}`, `${head.label} ÷ ${base.label}`);
  const figureCell = (side: ComparisonSide, id: string, workload: string): string => {
    const outcome = side.outcomes.find((o) => o.spec.id === id);
    if (outcome === undefined) return '—';
    if (outcome.failure !== undefined) return 'failed';
    return cell(outcome.result?.figures[workload], outcome.result?.errors[workload]);
  };
  const figure = (side: ComparisonSide, id: string, workload: string) =>
    side.outcomes.find((o) => o.spec.id === id)?.result?.figures[workload];
  const rows: string[][] = [];
  for (const workload of workloads(config).filter((w) => selects(workloadPrefixes, w.id))) {
    const row = [workload.label, workload.unit];
    for (const spec of present) {
      const ratio = speedUp(workload, figure(head, spec.id, workload.id), figure(base, spec.id, workload.id));
      row.push(
        figureCell(base, spec.id, workload.id),
        figureCell(head, spec.id, workload.id),
        ratio === undefined ? '—' : `${formatNumber(ratio)}×`,
      );
    }
    rows.push(row);
  }
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * pnpm as the bench was started with it (`pnpm bench` sets npm_execpath: a script Node runs, or
 * pnpm's own executable), else the pinned one via npx.
 */
function pnpmCommand(root: string): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /pnpm[^/\\]*$/.test(execPath))
    return /\.[cm]?js$/.test(execPath) ? [process.execPath, [execPath]] : [execPath, []];
  const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    packageManager?: string;
  };
  return ['npx', ['-y', packageManager ?? 'pnpm']];
}

/** Checks out `commit` into a new temporary worktree and installs its dependencies there (offline). */
function checkOut(root: string, commit: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'tapeflow-compare-'));
  git(root, ['worktree', 'add', '--detach', directory, commit]);
  const [command, prefix] = pnpmCommand(root);
  process.stderr.write(`== installing ${commit.slice(0, 7)}'s dependencies offline in ${directory}\n`);
  const install = spawnSync(command, [...prefix, 'install', '--offline', '--frozen-lockfile'], {
    cwd: directory,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (install.status !== 0) {
    const why = `${install.stdout}\n${install.stderr}`.trim().split('\n').slice(-4).join(' / ');
    removeWorktree(root, directory);
    throw new FailedPreconditionError(
      `bench: --compare could not install ${commit.slice(0, 7)}'s dependencies offline (pnpm install --offline --frozen-lockfile in its checkout): ${why}`,
      'bench',
    );
  }
  return directory;
}

function removeWorktree(root: string, directory: string): void {
  try {
    git(root, ['worktree', 'remove', '--force', directory]);
  } catch {
    // Removed below; `git worktree prune` forgets it.
  }
  rmSync(directory, { recursive: true, force: true });
  git(root, ['worktree', 'prune']);
}

/**
 * Runs the comparison `args` asks for: Tapeflow's configurations (those `--only` keeps) at
 * `args.compare` and in this working tree, alternately, then prints and writes the table to
 * bench-results/latest-compare-{full,quick}[-partial].{md,json}.
 */
export async function runComparison(args: Arguments, root: string, machine: string): Promise<void> {
  const { config, only, workloadPrefixes, compare, repeat } = args;
  const commit = resolveCommit(compare ?? '', root);
  const specs = LIBRARIES.filter((spec) => spec.tapeflow && (only === undefined || only.has(spec.id)));
  const headCommit = git(root, ['rev-parse', 'HEAD']);
  const dirty = git(root, ['status', '--porcelain', '--untracked-files=no']) !== '';
  const base: { label: string; rounds: LibraryOutcome[][] } = {
    label: `${compare} (${commit.slice(0, 7)})`,
    rounds: [],
  };
  const head: { label: string; rounds: LibraryOutcome[][] } = {
    label: `HEAD (${headCommit.slice(0, 7)}${dirty ? ' + changes' : ''})`,
    rounds: [],
  };
  const directory = checkOut(root, commit);
  const cleanUp = (): void => {
    removeWorktree(root, directory);
    process.exit(130);
  };
  process.once('SIGINT', cleanUp);
  process.once('SIGTERM', cleanUp);
  try {
    // Alternately, so a change in the machine's load falls on both commits alike; round by round.
    for (let round = 1; round <= repeat; round++) {
      const of = repeat > 1 ? `, round ${round} of ${repeat}` : '';
      base.rounds.push([]);
      head.rounds.push([]);
      for (const spec of specs) {
        process.stderr.write(`== ${spec.label}, ${base.label}${of}\n`);
        base.rounds.at(-1)!.push(await runChild(spec, config, workloadPrefixes, join(directory, 'apps/bench/src')));
        process.stderr.write(`== ${spec.label}, ${head.label}${of}\n`);
        head.rounds.at(-1)!.push(await runChild(spec, config, workloadPrefixes));
      }
    }
  } finally {
    process.off('SIGINT', cleanUp);
    process.off('SIGTERM', cleanUp);
    removeWorktree(root, directory);
  }
  const date = new Date().toISOString();
  const failures = [base, head].flatMap((side) =>
    side.rounds.flatMap((round, index) =>
      round
        .filter((o) => o.failure !== undefined || Object.keys(o.result?.errors ?? {}).length > 0)
        .map(
          (o) =>
            `- ${o.spec.label}, ${side.label}${repeat > 1 ? ` (round ${index + 1})` : ''} failed: ` +
            (o.failure ?? JSON.stringify(o.result?.errors)),
        ),
    ),
  );
  const sides: ComparisonSide[] = [base, head].map((side) => ({
    label: side.label,
    outcomes: combineRounds(side.rounds),
  }));
  const [baseSide, headSide] = sides as [ComparisonSide, ComparisonSide];
  const cells =
    repeat > 1
      ? `${repeat} rounds; each cell: the median over the rounds of each round's median ±half the range over the rounds`
      : 'Each cell: median ±half the range of the samples';
  const markdown = [
    `Date: ${date}. Machine: ${machine}.`,
    `Comparison: Tapeflow at ${base.label} against ${head.label} (this working tree), run alternately in one ` +
      `run; mode ${config.mode}${workloadPrefixes === undefined ? '' : `, workloads ${workloadPrefixes.join(', ')}*`}. ` +
      `${cells}; the ratio is ${head.label}'s speed-up (above 1×: faster).`,
    '',
    renderComparison(config, workloadPrefixes, baseSide, headSide),
    '',
    ...sides.flatMap((side) => renderLoopSummary(side.outcomes).map((line) => `${side.label}: ${line}`)),
    ...sides.flatMap((side) => renderMemorySpeedSummary(config, side.outcomes).map((line) => `${side.label}: ${line}`)),
    ...failures,
  ].join('\n');
  process.stdout.write(`\n${markdown}\n`);
  const results = join(root, 'bench-results');
  mkdirSync(results, { recursive: true });
  const kind = `compare-${config.mode}${workloadPrefixes === undefined ? '' : '-partial'}`;
  const json = JSON.stringify(
    {
      date,
      machine,
      mode: config.mode,
      workloads: workloadPrefixes ?? 'all',
      repeat,
      base: baseSide,
      head: headSide,
      // Each side's own rounds, where there are several (`base` and `head` combine them).
      ...(repeat > 1 ? { rounds: { base: base.rounds, head: head.rounds } } : {}),
    },
    null,
    2,
  );
  for (const name of [`bench-${kind}-${date.replace(/[:.]/g, '-')}`, `latest-${kind}`]) {
    writeFileSync(join(results, `${name}.json`), json);
    writeFileSync(join(results, `${name}.md`), `${markdown}\n`);
  }
  process.stderr.write(`\nwrote bench-results/latest-${kind}.{json,md}\n`);
  if (failures.length > 0) process.exitCode = 1;
}
