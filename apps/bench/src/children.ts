/**
 * @file Starting a library's benchmark child process (child.ts) and reading its result: shared by the
 * plain run and by `--compare`, which starts the same children from another commit's checkout, so
 * both commits run with the same process layout and Node flags.
 */

import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LibraryResult } from './child.js';
import type { BenchConfig, LibrarySpec } from './config.js';
import type { LibraryOutcome } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Runs one library's child process, from the bench sources in `sourceDirectory` (this checkout's by
 * default; `--compare` passes the other commit's), with that checkout's apps/bench as the working
 * directory; resolves with its result or the reason it failed.
 */
export function runChild(
  spec: LibrarySpec,
  config: BenchConfig,
  workloadPrefixes: readonly string[] | undefined,
  sourceDirectory: string = here,
): Promise<LibraryOutcome> {
  const args = [
    ...spec.nodeFlags,
    '--expose-gc',
    '--conditions=@tapeflow/source',
    '--import',
    'tsx',
    join(sourceDirectory, 'child.ts'),
    spec.id,
    config.mode,
    workloadPrefixes?.join(',') ?? '',
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: join(sourceDirectory, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
