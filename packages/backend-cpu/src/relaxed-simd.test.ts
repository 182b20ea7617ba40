/**
 * @file Runs this package's kernel, thread and conformance tests again on the relaxed-SIMD path.
 * Node 20 enables relaxed SIMD only with --experimental-wasm-relaxed-simd, a V8 flag a running
 * process (or a worker thread) cannot take back or scope, so the suite runs in a child vitest with
 * TAPEFLOW_CPU_TEST_PATHS=relaxed (test-utils.ts then picks the relaxed paths, and the default
 * backend of the conformance suite is the relaxed one). The child is TAPEFLOW_RELAXED_NODE when set
 * (CI points it at Node 22, which has relaxed SIMD without flags: the run is then also a test of the
 * runtime users get, and of the feature detection picking relaxed SIMD by itself), else this Node
 * with the flag.
 */

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
/** The child's Node and flags: a Node with relaxed SIMD by default, or this one with V8's flag. */
const relaxedNode = process.env.TAPEFLOW_RELAXED_NODE;
const [node, flags] =
  relaxedNode === undefined || relaxedNode === ''
    ? [process.execPath, ['--experimental-wasm-relaxed-simd']]
    : [relaxedNode, []];

describe.skipIf(process.env.TAPEFLOW_CPU_TEST_PATHS !== undefined)('relaxed SIMD path', () => {
  it('passes the kernel, thread and conformance tests', () => {
    const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
    const files = [
      'packages/backend-cpu/src/kernels',
      'packages/backend-cpu/src/threads',
      'packages/backend-cpu/src/conformance.test.ts',
      'packages/backend-cpu/src/conformance-paths.test.ts',
      'packages/backend-cpu/src/wasm/emit-matmul.test.ts',
    ];
    let output: string;
    try {
      output = execFileSync(node, [...flags, vitest, 'run', ...files], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, TAPEFLOW_CPU_TEST_PATHS: 'relaxed', NO_COLOR: '1', FORCE_COLOR: '0' },
        timeout: 240000,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`the relaxed-SIMD run failed:\n${stdout.slice(-6000)}\n${stderr.slice(-2000)}`, { cause: error });
    }
    expect(output).toMatch(/Tests\s+\d+ passed/);
    expect(output).not.toMatch(/failed/);
  }, 300000);

  it('is what the backend picks by default there', () => {
    const script = [
      "import { cpuBackend } from './packages/backend-cpu/src/index.ts';",
      'const backend = cpuBackend({ threads: 1 });',
      "console.log(process.version + ' ' + backend.path);",
    ].join('\n');
    const output = execFileSync(
      node,
      [...flags, '--conditions=@tapeflow/source', '--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(output.trim()).toMatch(/^v\d+\.\d+\.\d+ relaxed-simd$/);
  }, 60000);
});
