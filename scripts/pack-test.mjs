#!/usr/bin/env node
/**
 * @file Packaging test: proves a selective install works from the packed `dist`.
 *
 * Builds every library (through turbo, so a prior `pnpm build` makes it a cache hit), packs tensor-core,
 * backend-cpu and autodiff-tape with `pnpm pack` (which rewrites `workspace:` ranges as publishing
 * does), installs only those three tarballs with plain npm into an empty project outside the
 * monorepo, and runs the notebook's first cell there as ESM (`.mjs`) and CommonJS (`.cjs`):
 *   x = tf.Variable(4.0); with tf.GradientTape() as tape: y = x**2; dy_dx = tape.gradient(y, x)
 * which must give y = 16 and dy_dx = 8. The cell also loads the `@tapeflow/tensor-core/backend` and
 * `/internal` subpaths and reports (`subpaths`) that they share the main entry's classes and Engine.
 *
 * Prints one JSON line on stdout (the last line) that apps/packaging-test reads:
 *   { esm: {y, dydx, subpaths}, cjs: {y, dydx, subpaths}, installed: [names under node_modules], webgpu: boolean }
 * Progress goes to stderr. Exits non-zero with a message saying which step failed.
 *
 * Usage: node scripts/pack-test.mjs [--keep]   (--keep leaves the temporary folder for inspection)
 * Environment: PNPM overrides how pnpm is run (default: the pnpm running this script or on PATH,
 * else `npx -y pnpm@<packageManager version>`); TAPEFLOW_PACK_TEST_NO_BUILD=1 skips the build step.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = ['tensor-core', 'backend-cpu', 'autodiff-tape'];
const keep = process.argv.includes('--keep');

// The notebook's first cell with selective packages. Keep the two module formats identical apart
// from how they load the packages.
const CELL_BODY = `
registerBackend('cpu', cpuBackend);
const x = variable(4);
const tape = new GradientTape();
const y = tape.record(() => x.pow(2));
const dydx = tape.gradient(y, x);
let writeError = null;
try {
  checkWrite(new Float32Array(1), [2], 'float32');
} catch (error) {
  writeError = error instanceof InvalidArgumentError;
}
const subpaths = {
  specVersion: BACKEND_SPEC_VERSION,
  oneTensorClass: internal.Tensor === Tensor && y instanceof internal.Tensor,
  oneEngine: internal.getEngine() === getEngine(),
  writeError,
  helpersOffMain: ['makeTypedArray', 'invalidArgument', 'BINARY_KERNELS'].filter((name) => name in main),
};
console.log(JSON.stringify({ y: y.dataSync()[0], dydx: dydx.dataSync()[0], subpaths }));
`;
// The main entry, the backend authors' subpath and the libraries' subpath, all from dist: one module
// graph (one Tensor class, one Engine) whichever entries are loaded.
const CELL_ESM = `import * as main from '@tapeflow/tensor-core';
import { variable, registerBackend, getEngine, InvalidArgumentError, Tensor } from '@tapeflow/tensor-core';
import { BACKEND_SPEC_VERSION, checkWrite } from '@tapeflow/tensor-core/backend';
import * as internal from '@tapeflow/tensor-core/internal';
import { cpuBackend } from '@tapeflow/backend-cpu';
import { GradientTape } from '@tapeflow/autodiff-tape';
${CELL_BODY}`;
const CELL_CJS = `'use strict';
const main = require('@tapeflow/tensor-core');
const { variable, registerBackend, getEngine, InvalidArgumentError, Tensor } = main;
const { BACKEND_SPEC_VERSION, checkWrite } = require('@tapeflow/tensor-core/backend');
const internal = require('@tapeflow/tensor-core/internal');
const { cpuBackend } = require('@tapeflow/backend-cpu');
const { GradientTape } = require('@tapeflow/autodiff-tape');
${CELL_BODY}`;

function log(message) {
  process.stderr.write(`[pack-test] ${message}\n`);
}

/** Runs a command, echoing it; on failure throws with the step name and the command's output. */
function run(step, file, args, options = {}) {
  log(`${step}: ${[file, ...args].join(' ')}${options.cwd ? `  (in ${options.cwd})` : ''}`);
  try {
    return execFileSync(file, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
      ...options,
    });
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim();
    throw new Error(`pack-test: ${step} failed (${[file, ...args].join(' ')}):\n${output || error.message}`, {
      cause: error,
    });
  }
}

/**
 * How to run pnpm: $PNPM, the pnpm that launched us (npm_execpath), a pnpm on PATH (`npx pnpm` puts
 * one there for the scripts it runs), or the pinned one through npx.
 */
function pnpmCommand() {
  if (process.env.PNPM) {
    const [file, ...args] = process.env.PNPM.split(' ');
    return { file, args };
  }
  const execpath = process.env.npm_execpath ?? '';
  if (/pnpm/.test(execpath) && existsSync(execpath)) {
    return /\.(c|m)?js$/.test(execpath) ? { file: process.execPath, args: [execpath] } : { file: execpath, args: [] };
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'pnpm'))) return { file: join(dir, 'pnpm'), args: [] };
  }
  const manager = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager ?? 'pnpm';
  return { file: 'npx', args: ['-y', manager.split('+')[0]] };
}

function main() {
  const pnpm = pnpmCommand();
  const work = mkdtempSync(join(tmpdir(), 'tapeflow-pack-test-'));
  const tarballs = join(work, 'tarballs');
  const project = join(work, 'project');
  mkdirSync(tarballs);
  mkdirSync(project);
  try {
    if (process.env.TAPEFLOW_PACK_TEST_NO_BUILD !== '1') {
      // Every library, not only the three packed: apps/packaging-test checks all their .d.ts next.
      const filters = ['--filter=./packages/*'];
      run('build', pnpm.file, [...pnpm.args, 'run', 'build', ...filters, '--output-logs=errors-only'], {
        cwd: root,
      });
    }
    for (const name of PACKAGES) {
      for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts']) {
        if (!existsSync(join(root, 'packages', name, file))) {
          throw new Error(`pack-test: packages/${name}/${file} is missing; run \`pnpm build\` first`);
        }
      }
      run(`pack ${name}`, pnpm.file, [...pnpm.args, 'pack', '--pack-destination', tarballs], {
        cwd: join(root, 'packages', name),
      });
    }
    const packed = readdirSync(tarballs).filter((file) => file.endsWith('.tgz'));
    if (packed.length !== PACKAGES.length) {
      throw new Error(`pack-test: expected ${PACKAGES.length} tarballs, found ${packed.join(', ') || 'none'}`);
    }

    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'tapeflow-pack-test-consumer', version: '0.0.0', private: true }, null, 2)}\n`,
    );
    // Plain npm, outside the monorepo, so nothing resolves through the workspace's node_modules.
    run(
      'npm install',
      'npm',
      ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...packed.map((file) => join(tarballs, file))],
      { cwd: project },
    );

    writeFileSync(join(project, 'cell.mjs'), CELL_ESM);
    writeFileSync(join(project, 'cell.cjs'), CELL_CJS);
    const lastJsonLine = (output) => JSON.parse(output.trim().split('\n').at(-1) ?? 'null');
    const esm = lastJsonLine(run('run cell.mjs', process.execPath, ['cell.mjs'], { cwd: project }));
    const cjs = lastJsonLine(run('run cell.cjs', process.execPath, ['cell.cjs'], { cwd: project }));

    const result = { esm, cjs, installed: installedPackages(join(project, 'node_modules')), webgpu: false };
    result.webgpu = result.installed.some((name) => /webgpu/.test(name));
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    if (keep) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

/** Every package name installed under `nodeModules`, nested ones included, sorted. */
function installedPackages(nodeModules) {
  const names = new Set();
  const visit = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
      if (entry.name.startsWith('@')) {
        for (const scoped of readdirSync(join(dir, entry.name))) {
          names.add(`${entry.name}/${scoped}`);
          visit(join(dir, entry.name, scoped, 'node_modules'));
        }
      } else {
        names.add(entry.name);
        visit(join(dir, entry.name, 'node_modules'));
      }
    }
  };
  visit(nodeModules);
  return [...names].sort();
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
