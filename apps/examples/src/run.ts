/**
 * @file `pnpm examples` runs every example; `pnpm examples <name>` runs one. An unknown name lists the
 * names and exits with status 1. `--backend webgpu` runs them on WebGPU (Node's `webgpu` package)
 * instead of the CPU. Under each notebook cell's Python prompt it prints the TypeScript that cell runs
 * (`ts> ` lines), read from the example's own source by ./cells.ts.
 */

import { readFileSync } from 'node:fs';

import * as tf from 'tapeflow';
import { withTypeScript, parseCells } from './cells.js';
import { ALL_EXAMPLES as EXAMPLES, EXAMPLES as NOTEBOOK_EXAMPLES } from './examples/index.js';
import type { Example } from './examples/index.js';
import { releaseWebGpu, useWebGpu } from './webgpu.js';

async function runExample(example: Example): Promise<void> {
  console.log(`\n# ${example.name}: ${example.title}\n`);
  const print = (line: string): void => console.log(line);
  if (!NOTEBOOK_EXAMPLES.includes(example)) {
    tf.dispose(await example.run(print));
    return;
  }
  const source = readFileSync(new URL(`./examples/${example.name}.ts`, import.meta.url), 'utf8');
  tf.dispose(await example.run(withTypeScript(print, parseCells(source))));
}

async function main(args: readonly string[]): Promise<number> {
  // pnpm forwards a literal `--` in some versions; it is not an example name.
  let names = args.filter((arg) => arg !== '--');
  const flag = names.findIndex((arg) => arg === '--backend' || arg.startsWith('--backend='));
  if (flag >= 0) {
    const backend = names[flag]!.includes('=') ? names[flag]!.slice('--backend='.length) : names[flag + 1];
    names = names.filter((_, i) => i !== flag && (i !== flag + 1 || names[flag]!.includes('=')));
    if (backend === 'webgpu') await useWebGpu();
    else if (backend !== 'cpu') {
      console.error(`Unknown backend: ${backend ?? '(none)'}. Use --backend cpu or --backend webgpu.`);
      return 1;
    }
  }
  if (names.length === 0) {
    for (const example of EXAMPLES) await runExample(example);
    return 0;
  }
  const unknown = names.filter((name) => !EXAMPLES.some((e) => e.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown example${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. The examples are:`);
    for (const e of EXAMPLES) console.error(`  ${e.name.padEnd(26)}${e.title}`);
    return 1;
  }
  for (const name of names) await runExample(EXAMPLES.find((e) => e.name === name)!);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} finally {
  releaseWebGpu();
}
