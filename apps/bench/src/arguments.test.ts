/**
 * @file Tests of `pnpm bench`'s command line (issue 16, item 6 adds `--compare <git-ref>`): what it
 * asks for, and the typed error naming the argument for each bad one (its follow-up adds `--repeat N`).
 * Nothing is run.
 */

import { InvalidArgumentError } from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { parseArguments } from './arguments.js';
import { FULL, QUICK } from './config.js';

const rejects = (argv: string[], message: RegExp): void => {
  let error: unknown;
  try {
    parseArguments(argv);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect((error as Error).message).toMatch(message);
};

describe('parseArguments', () => {
  it('reads the mode, --only, --workload and --compare', () => {
    const plain = parseArguments([]);
    expect(plain).toMatchObject({ config: FULL, only: undefined, workloadPrefixes: undefined, compare: undefined });
    const all = parseArguments([
      '--quick',
      '--only',
      'tapeflow,tfjs-wasm',
      '--workload',
      'dense',
      '--compare',
      'HEAD~1',
    ]);
    expect(all.config).toBe(QUICK);
    expect([...all.only!]).toEqual(['tapeflow', 'tfjs-wasm']);
    expect(all.workloadPrefixes).toEqual(['dense']);
    expect(all.compare).toBe('HEAD~1');
    expect(parseArguments(['--compare', 'v1.2.0', '--only', 'tapeflow-1t']).compare).toBe('v1.2.0');
  });

  it('rejects --compare without a ref, with an option-like ref, or with no Tapeflow configuration left', () => {
    rejects(['--compare'], /^bench: argument '--compare' expected a value after it, but got nothing\.$/);
    rejects(['--compare', '--quick'], /argument '--compare' expected a value after it, but got the option --quick/);
    rejects(['--compare', '-x'], /argument '--compare' expected a git ref .*, but got '-x'/);
    rejects(['--compare', ''], /argument '--compare' expected a git ref .*, but got ''/);
    rejects(
      ['--compare', 'main', '--only', 'tfjs-wasm'],
      /argument '--only' expected at least one Tapeflow .*'tfjs-wasm'/,
    );
  });

  it('reads --repeat N (issue 16, item 6 follow-up), one round without it', () => {
    expect(parseArguments([]).repeat).toBe(1);
    expect(parseArguments(['--repeat', '3', '--quick']).repeat).toBe(3);
    expect(parseArguments(['--quick', '--repeat', '1']).repeat).toBe(1);
    expect(parseArguments(['--repeat', '20', '--compare', 'HEAD~1']).repeat).toBe(20);
  });

  it('rejects a --repeat that is no integer from 1 to 20, naming it, what it takes and what it got', () => {
    const expected = "argument '--repeat' expected an integer from 1 to 20 \\(the rounds to run\\)";
    for (const given of ['0', '21', '-1', '2.5', '3x', 'three', '', ' 2', '1e1'])
      rejects(['--repeat', given], new RegExp(`^bench: ${expected}, but got '${given}'\\.$`));
    rejects(['--repeat'], /^bench: argument '--repeat' expected a value after it, but got nothing\.$/);
    rejects(['--repeat', '--quick'], /argument '--repeat' expected a value after it, but got the option --quick/);
  });

  it('rejects unknown options and workload prefixes that match nothing, naming them', () => {
    rejects(
      ['--quik'],
      /argument '--quik' expected a known option \(.*--repeat N, --compare <git-ref>\), but got '--quik'/,
    );
    rejects(['--workload', 'nope'], /argument '--workload' expected workload-id prefixes .*, but got 'nope'/);
    rejects(['--workload', ''], /argument '--workload'/);
  });
});
