/**
 * @file Selective installs work from the published artifacts (issue 2, item 1). Runs
 * scripts/pack-test.mjs: packs tensor-core + backend-cpu + autodiff-tape, installs only those with
 * plain npm into an empty project outside the monorepo, and runs the notebook's first cell from the
 * packed dist as ESM and as CommonJS. The notebook prints y = 16 and dy_dx = 8.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

interface CellResult {
  readonly y: number;
  readonly dydx: number;
}
interface PackTestResult {
  readonly esm: CellResult;
  readonly cjs: CellResult;
  readonly installed: readonly string[];
  readonly webgpu: boolean;
}

const script = fileURLToPath(new URL('../../../scripts/pack-test.mjs', import.meta.url));

// Builds (a turbo cache hit after `pnpm build`), packs three packages and runs `npm install`: allow
// for a loaded CI machine.
const title = 'tensor-core + backend-cpu + autodiff-tape alone run the first cell from dist, ESM and CJS';
test(title, { timeout: 120_000 }, async () => {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(process.execPath, [script], { maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`scripts/pack-test.mjs failed:\n${stderr ?? message}`, { cause: error });
  }
  const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null') as PackTestResult;

  expect(result.esm).toEqual({ y: 16, dydx: 8 });
  expect(result.cjs).toEqual({ y: 16, dydx: 8 });
  expect(result.installed.filter((name) => name.startsWith('@tapeflow/') || name === 'tapeflow')).toEqual([
    '@tapeflow/autodiff-tape',
    '@tapeflow/backend-cpu',
    '@tapeflow/tensor-core',
  ]);
  expect(result.webgpu).toBe(false);
});
