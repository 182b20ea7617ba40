/**
 * @file `pnpm bench`'s command line, parsed and checked apart from run.ts so it can be tested without
 * running anything: `--quick`, `--only id,id`, `--workload prefix,prefix` and (issue 16, item 6)
 * `--compare <git-ref>`, and (its follow-up) `--repeat N`. A bad option is an InvalidArgumentError that
 * names it and what was expected.
 */

import { InvalidArgumentError } from '@tapeflow/tensor-core';
import { FULL, LIBRARIES, QUICK, type BenchConfig } from './config.js';
import { workloads } from './workloads.js';

/** What the command line asks for. */
export interface Arguments {
  readonly config: BenchConfig;
  /** The library ids to run, or undefined for all. */
  readonly only: Set<string> | undefined;
  /** Workload-id prefixes to run, or undefined for all. */
  readonly workloadPrefixes: string[] | undefined;
  /** The git ref whose Tapeflow rows run beside this working tree's (`--compare`), if any. */
  readonly compare: string | undefined;
  /** How many rounds of the children to run and combine (`--repeat`; 1 without it). */
  readonly repeat: number;
}

/** The most rounds `--repeat` takes (20 full runs take hours). */
export const MAX_REPEAT = 20;

/** Throws the bench's InvalidArgumentError in tensor-core's wording: the argument, expected, given. */
export function badArgument(argument: string, expected: string, given: string): never {
  throw new InvalidArgumentError(`bench: argument '${argument}' expected ${expected}, but got ${given}.`, 'bench');
}

const WITH_VALUE = ['--only', '--workload', '--repeat', '--compare'];
const KNOWN = '--quick, --only id,id, --workload prefix,prefix, --repeat N, --compare <git-ref>';

/**
 * Parses `pnpm bench`'s arguments (those after the script name).
 * @example parseArguments(['--quick', '--compare', 'HEAD~1']).compare; // 'HEAD~1'
 * @example parseArguments(['--repeat', '3']).repeat; // 3
 */
export function parseArguments(argv: readonly string[]): Arguments {
  const quick = argv.includes('--quick');
  const value = (option: string): string | undefined => {
    const index = argv.indexOf(option);
    if (index < 0) return undefined;
    const given = argv[index + 1];
    if (given === undefined || given.startsWith('--'))
      badArgument(option, 'a value after it', given === undefined ? 'nothing' : `the option ${given}`);
    return given;
  };
  const list = (option: string): string[] | undefined => value(option)?.split(',').filter(Boolean);
  const unknown = argv.filter(
    (arg, i) =>
      arg.startsWith('--') && !['--quick', ...WITH_VALUE].includes(arg) && !WITH_VALUE.includes(argv[i - 1] ?? ''),
  );
  if (unknown.length > 0) badArgument(unknown[0]!, `a known option (${KNOWN})`, `'${unknown.join(' ')}'`);
  const onlyList = list('--only');
  const only = onlyList === undefined ? undefined : new Set(onlyList);
  const workloadPrefixes = list('--workload');
  const config = quick ? QUICK : FULL;
  const ids = [...workloads(config).map((w) => w.id), 'memory'];
  const unmatched = (workloadPrefixes ?? []).filter((prefix) => !ids.some((id) => id.startsWith(prefix)));
  if (workloadPrefixes?.length === 0 || unmatched.length > 0)
    badArgument('--workload', `workload-id prefixes (ids: ${ids.join(', ')})`, `'${unmatched.join(',')}'`);
  const repeatText = value('--repeat');
  const repeat = repeatText === undefined ? 1 : Number(repeatText);
  if (repeatText !== undefined && !(/^[0-9]+$/.test(repeatText) && repeat >= 1 && repeat <= MAX_REPEAT))
    badArgument('--repeat', `an integer from 1 to ${MAX_REPEAT} (the rounds to run)`, `'${repeatText}'`);
  const compare = value('--compare');
  if (compare !== undefined) {
    // A ref is handed to git: nothing that git would read as an option, and no empty name.
    if (compare === '' || compare.startsWith('-'))
      badArgument('--compare', 'a git ref (a branch, tag, commit hash or HEAD~n)', `'${compare}'`);
    const tapeflow = LIBRARIES.filter((spec) => spec.tapeflow && (only === undefined || only.has(spec.id)));
    if (tapeflow.length === 0)
      badArgument(
        '--only',
        `at least one Tapeflow configuration with --compare (${LIBRARIES.filter((s) => s.tapeflow)
          .map((s) => s.id)
          .join(', ')})`,
        `'${[...(only ?? [])].join(',')}'`,
      );
  }
  return { config, only, workloadPrefixes, compare, repeat };
}
