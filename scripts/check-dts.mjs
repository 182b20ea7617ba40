#!/usr/bin/env node
/**
 * @file The published types carry no internals: every declaration tagged `@internal` in a library's
 * sources (a class member such as `Tensor.storage` or `Engine.recorders`, or a top-level function) is
 * absent from the built `dist/*.d.ts` and `dist/*.d.cts` of every library, and no `@internal` text is
 * left there. The build strips them (tsup.shared.ts, `stripInternal`); this checks the result.
 *
 * Reads the built dist folders: run `pnpm build` first (apps/packaging-test runs it after
 * scripts/pack-test.mjs, which builds every library). Prints one JSON line:
 *   { checked: [d.ts files], internals: number, leaks: [{ file, name }] }
 * and exits non-zero when a step fails (not when there are leaks: the test asserts on `leaks`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = join(root, 'packages');

/** Every file under `dir` whose name passes `keep`, skipping node_modules. */
function filesUnder(dir, keep) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path, keep));
    else if (keep(entry.name)) found.push(path);
  }
  return found;
}

const hasInternalTag = (node, text) =>
  /@internal\b/.test(text.slice(node.getFullStart(), node.getStart())) ||
  ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'internal');

/** `Class.member` and top-level names of declarations tagged @internal in `file`. */
function internalNames(file) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const names = [];
  const visit = (node) => {
    if ((ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) && node.name) {
      for (const member of node.members) {
        if (member.name && ts.isIdentifier(member.name) && hasInternalTag(member, text)) {
          names.push(`${node.name.text}.${member.name.text}`);
        }
        if (ts.isConstructorDeclaration(member) && hasInternalTag(member, text))
          names.push(`${node.name.text}.constructor`);
      }
    }
    if (ts.isFunctionDeclaration(node) && node.name && node.parent === source && hasInternalTag(node, text)) {
      names.push(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

/** `Class.member` and top-level names that a built .d.ts declares. */
function declaredNames(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const names = new Set();
  const visit = (node) => {
    if ((ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) && node.name) {
      for (const member of node.members) {
        if (member.name && ts.isIdentifier(member.name)) names.add(`${node.name.text}.${member.name.text}`);
        if (ts.isConstructorDeclaration(member)) names.add(`${node.name.text}.constructor`);
      }
    }
    if (ts.isFunctionDeclaration(node) && node.name) names.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

function main() {
  const libraries = readdirSync(packagesDir).filter((name) => existsSync(join(packagesDir, name, 'tsup.config.ts')));
  const internals = new Set();
  const declarations = [];
  for (const name of libraries) {
    const isSource = (file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts');
    for (const file of filesUnder(join(packagesDir, name, 'src'), isSource)) {
      if (file.includes('__fixtures__')) continue;
      for (const internal of internalNames(file)) internals.add(internal);
    }
    const dist = join(packagesDir, name, 'dist');
    if (!existsSync(dist)) throw new Error(`check-dts: packages/${name}/dist is missing; run \`pnpm build\` first`);
    declarations.push(...filesUnder(dist, (file) => file.endsWith('.d.ts') || file.endsWith('.d.cts')));
  }
  const leaks = [];
  for (const file of declarations) {
    const where = relative(root, file);
    if (/@internal\b/.test(readFileSync(file, 'utf8'))) leaks.push({ file: where, name: '@internal' });
    for (const name of declaredNames(file)) if (internals.has(name)) leaks.push({ file: where, name });
  }
  const checked = declarations.map((file) => relative(root, file)).sort();
  process.stdout.write(`${JSON.stringify({ checked, internals: internals.size, leaks })}\n`);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
