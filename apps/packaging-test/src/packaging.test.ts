/**
 * @file Selective installs work from the published artifacts (issue 2, item 1). Runs
 * scripts/pack-test.mjs: packs tensor-core + backend-cpu + autodiff-tape, installs only those with
 * plain npm into an empty project outside the monorepo, and runs the notebook's first cell from the
 * packed dist as ESM and as CommonJS. The notebook prints y = 16 and dy_dx = 8. The cell also loads
 * the `@tapeflow/tensor-core/backend` and `/internal` subpaths from dist (issue 11): one module graph.
 * Then scripts/check-dts.mjs checks that no `@internal` declaration is in any library's .d.ts.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

interface CellResult {
  readonly y: number;
  readonly dydx: number;
  readonly subpaths: {
    readonly specVersion: number;
    readonly oneTensorClass: boolean;
    readonly oneEngine: boolean;
    readonly writeError: boolean | null;
    readonly helpersOffMain: readonly string[];
  };
}
interface CheckDtsResult {
  readonly checked: readonly string[];
  readonly internals: number;
  readonly leaks: readonly { readonly file: string; readonly name: string }[];
}
interface PackTestResult {
  readonly esm: CellResult;
  readonly cjs: CellResult;
  readonly installed: readonly string[];
  readonly webgpu: boolean;
}

const script = fileURLToPath(new URL('../../../scripts/pack-test.mjs', import.meta.url));
const checkDts = fileURLToPath(new URL('../../../scripts/check-dts.mjs', import.meta.url));
/** What the cell reports of the subpaths, in both module formats. */
const SUBPATHS = { specVersion: 1, oneTensorClass: true, oneEngine: true, writeError: true, helpersOffMain: [] };

// Builds every library (a turbo cache hit after `pnpm build`), packs three packages and runs `npm install`: allow
// for a loaded CI machine.
const title = 'tensor-core + backend-cpu + autodiff-tape alone run the first cell from dist, ESM and CJS';
test(title, { timeout: 240_000 }, async () => {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(process.execPath, [script], { maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`scripts/pack-test.mjs failed:\n${stderr ?? message}`, { cause: error });
  }
  const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null') as PackTestResult;

  expect(result.esm).toEqual({ y: 16, dydx: 8, subpaths: SUBPATHS });
  expect(result.cjs).toEqual({ y: 16, dydx: 8, subpaths: SUBPATHS });
  expect(result.installed.filter((name) => name.startsWith('@tapeflow/') || name === 'tapeflow')).toEqual([
    '@tapeflow/autodiff-tape',
    '@tapeflow/backend-cpu',
    '@tapeflow/tensor-core',
  ]);
  expect(result.webgpu).toBe(false);
});

// Runs after the test above, which built every library: the published .d.ts carry no @internal member.
test("no @internal declaration reaches a library's published .d.ts", { timeout: 60_000 }, async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [checkDts], { maxBuffer: 64 * 1024 * 1024 });
  const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null') as CheckDtsResult;
  // Tensor.storage, Tensor.isDisposedInternal, Tensor.kept, Tensor.safetyNet, Engine.recorders, ... at least.
  expect(result.internals).toBeGreaterThanOrEqual(5);
  expect(result.checked).toContain('packages/tensor-core/dist/backend-api.d.ts');
  expect(result.checked).toContain('packages/tensor-core/dist/internal.d.cts');
  expect(result.leaks).toEqual([]);
});
