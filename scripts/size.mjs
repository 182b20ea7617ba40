#!/usr/bin/env node
/**
 * @file `pnpm size`: keeps growth visible (a habit taken from tinygrad's CI). Prints, per package,
 * the source files and lines of code under src/ (non-blank lines, tests and fixtures left out), the
 * number of primitive and fused kernels in tensor-core's kernel table, and every source file over the
 * per-file budget (STYLE.md: "a module does one thing; past ~400 lines, split it").
 *
 * `pnpm size --check` (run by `pnpm run ci`) fails when a source file is over the budget, or when a
 * file on the allow-list below has grown past the size it was allowed at.
 *
 * Run through tsx (`tsx scripts/size.mjs`, which `pnpm size` does) so the kernel lists are imported
 * from packages/tensor-core/src/kernels.ts itself rather than parsed out of it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

/** Non-blank lines a source file (tests and fixtures excluded) may hold. */
const FILE_BUDGET = 400;

/**
 * Files over the budget today, each with the size it may not grow past (counted as Prettier formats
 * it) and why it has not been split yet. Shrink an entry when its file shrinks; remove it once the
 * file is back under the budget.
 */
const OVER_BUDGET_ALLOWED = new Map([]);

/** Every source file with its non-blank line count, path relative to the repository root. */
const sourceFiles = [];

const isTest = (name) => /\.(test|spec|bench)\.[cm]?tsx?$|^test-setup\./.test(name);
const isSource = (name) => /\.[cm]?tsx?$/.test(name) && !name.endsWith('.d.ts');

/** Files and non-blank lines of the sources under `dir`, tests and fixtures excluded. */
function countSources(dir) {
  let files = 0;
  let lines = 0;
  if (!existsSync(dir)) return { files, lines };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === '__fixtures__' || entry.name === 'node_modules') continue;
      const inner = countSources(path);
      files += inner.files;
      lines += inner.lines;
    } else if (isSource(entry.name) && !isTest(entry.name)) {
      const fileLines = readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '').length;
      files += 1;
      lines += fileLines;
      sourceFiles.push({ path: relative(root, path).split(sep).join('/'), lines: fileLines });
    }
  }
  return { files, lines };
}

const rows = [];
for (const group of ['packages', 'apps']) {
  const groupDir = join(root, group);
  if (!existsSync(groupDir)) continue;
  for (const name of readdirSync(groupDir).sort()) {
    const manifest = join(groupDir, name, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name: packageName } = JSON.parse(readFileSync(manifest, 'utf8'));
    rows.push({ packageName, ...countSources(join(groupDir, name, 'src')) });
  }
}

const width = Math.max(...rows.map((row) => row.packageName.length), 'package'.length);
console.log(`${'package'.padEnd(width)}  files  lines`);
for (const row of rows) {
  console.log(`${row.packageName.padEnd(width)}  ${String(row.files).padStart(5)}  ${String(row.lines).padStart(5)}`);
}
const total = rows.reduce((sum, row) => ({ files: sum.files + row.files, lines: sum.lines + row.lines }), {
  files: 0,
  lines: 0,
});
console.log(`${'total'.padEnd(width)}  ${String(total.files).padStart(5)}  ${String(total.lines).padStart(5)}`);

const overBudget = [];
const staleAllowances = [];
for (const file of sourceFiles) {
  const allowed = OVER_BUDGET_ALLOWED.get(file.path);
  if (file.lines > (allowed ?? FILE_BUDGET)) overBudget.push({ ...file, allowed });
  else if (allowed !== undefined && file.lines < allowed) staleAllowances.push({ ...file, allowed });
}
for (const path of OVER_BUDGET_ALLOWED.keys()) {
  if (!sourceFiles.some((file) => file.path === path)) staleAllowances.push({ path, lines: 0, allowed: 0 });
}
const allowedNow = sourceFiles.filter((file) => OVER_BUDGET_ALLOWED.has(file.path) && file.lines > FILE_BUDGET);
console.log(`per-file budget: ${FILE_BUDGET} lines; over it by allowance: ${allowedNow.length}`);
for (const file of allowedNow)
  console.log(`  ${file.path}  ${file.lines} (allowed ${OVER_BUDGET_ALLOWED.get(file.path)})`);
for (const file of overBudget) {
  const limit = file.allowed === undefined ? `the budget of ${FILE_BUDGET}` : `its allowance of ${file.allowed}`;
  console.error(`size: ${file.path} has ${file.lines} lines, over ${limit}: split it`);
}
for (const file of staleAllowances) {
  const now = file.lines === 0 ? 'is gone' : `has ${file.lines} lines`;
  console.log(`size: ${file.path} ${now}; lower or remove its entry in OVER_BUDGET_ALLOWED (scripts/size.mjs)`);
}
if (check && overBudget.length > 0) process.exitCode = 1;

const kernelsFile = join(root, 'packages/tensor-core/src/kernels.ts');
try {
  const kernels = await import(pathToFileURL(kernelsFile).href);
  const primitive = kernels.PRIMITIVE_KERNEL_NAMES?.length;
  const fused = kernels.FUSED_KERNEL_NAMES?.length;
  console.log(`primitive kernels: ${primitive ?? 'unknown (PRIMITIVE_KERNEL_NAMES not exported)'}`);
  console.log(`fused kernels: ${fused ?? 'unknown (FUSED_KERNEL_NAMES not exported)'}`);
} catch (error) {
  console.error(`size: cannot import ${kernelsFile} (run through tsx: \`pnpm size\`): ${error.message}`);
  process.exitCode = 1;
}
