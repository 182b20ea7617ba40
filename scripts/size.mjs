#!/usr/bin/env node
/**
 * @file `pnpm size`: keeps growth visible (a habit taken from tinygrad's CI). Prints, per package,
 * the source files and lines of code under src/ (non-blank lines, tests and fixtures left out), and
 * the number of primitive and fused kernels in tensor-core's kernel table.
 *
 * Run through tsx (`tsx scripts/size.mjs`, which `pnpm size` does) so the kernel lists are imported
 * from packages/tensor-core/src/kernels.ts itself rather than parsed out of it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

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
      files += 1;
      lines += readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '').length;
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
