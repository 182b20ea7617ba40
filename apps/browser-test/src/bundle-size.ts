/**
 * @file What a web page downloads: esbuild bundles three pages for the browser (minified ES modules
 * with code splitting, as a bundler would ship them) and measures each gzipped. `umbrella` is
 * `import * as tf from 'tapeflow'` (the CPU backend with its WebAssembly kernels, autodiff, layers);
 * `selective` is tensor-core + backend-cpu + autodiff-tape picked by name; the WebGPU backend, which
 * the umbrella loads only on `setBackend('webgpu')`, is its own chunk and reported apart. The budgets
 * (issue 15) are checked by bundle-size.test.ts; `pnpm --filter @tapeflow/browser-test bundle-size`
 * prints the figures.
 */

import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Gzip budgets in bytes for the code a page loads before any `setBackend('webgpu')`. Issue 15 asked for
 * 60 KB when the umbrella held an MLP's ops (51.5 KB then); with issue 12's op set, issue 13's forward
 * mode and the new layers it measured 95.2 KB (selective 56.7 KB), so the budgets sit about 15% above
 * that: a regression fails here, and shrinking further is tracked work, not a waiver.
 */
export const BUNDLE_BUDGETS = { umbrella: 110 * 1024, selective: 65 * 1024 } as const;

/**
 * One page's figures in gzipped bytes: what loads up front, the lazily loaded chunk(s) holding the
 * WebGPU backend, and the other lazy chunks (model saving and loading, Node-only).
 */
export interface BundleFigures {
  readonly eager: number;
  readonly webgpuChunk: number;
  readonly otherLazy: number;
}

const PAGES: Readonly<Record<keyof typeof BUNDLE_BUDGETS, string>> = {
  umbrella: "import * as tf from 'tapeflow';\n(globalThis as { tf?: unknown }).tf = tf;\n",
  selective:
    "import { registerBackend, tensor, variable } from '@tapeflow/tensor-core';\n" +
    "import { cpuBackend } from '@tapeflow/backend-cpu';\n" +
    "import { GradientTape } from '@tapeflow/autodiff-tape';\n" +
    "registerBackend('cpu', cpuBackend);\n" +
    'const x = variable(4);\nconst tape = new GradientTape();\n' +
    'const y = tape.record(() => x.pow(2).add(tensor(1)));\nconsole.log(tape.gradient(y, x));\n',
};

/** Bundles `source` as a page's entry and sums the gzipped sizes of what loads eagerly and lazily. */
async function measure(source: string): Promise<BundleFigures> {
  const outdir = await mkdtemp(join(tmpdir(), 'tapeflow-bundle-'));
  try {
    const result = await build({
      stdin: { contents: source, loader: 'ts', resolveDir: new URL('.', import.meta.url).pathname },
      outdir,
      bundle: true,
      splitting: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      entryNames: 'entry',
      chunkNames: 'chunk-[hash]',
      conditions: ['@tapeflow/source'],
      metafile: true,
      logLevel: 'error',
    });
    // A chunk is lazy when only dynamic imports reach it from the entry.
    const outputs = result.metafile.outputs;
    const eager = new Set<string>();
    const visit = (file: string): void => {
      if (eager.has(file)) return;
      eager.add(file);
      for (const imported of outputs[file]?.imports ?? [])
        if (imported.kind === 'import-statement') visit(imported.path);
    };
    const entry = Object.keys(outputs).find((file) => file.endsWith('entry.js'));
    if (entry === undefined) throw new Error('esbuild wrote no entry.js');
    visit(entry);
    const figures = { eager: 0, webgpuChunk: 0, otherLazy: 0 };
    for (const file of await readdir(outdir)) {
      if (!file.endsWith('.js')) continue;
      const gzipped = gzipSync(await readFile(join(outdir, file)), { level: 9 }).length;
      const key = Object.keys(outputs).find((output) => output.endsWith(`/${file}`) || output === file);
      if (key === undefined) throw new Error(`esbuild's metafile does not list ${file}`);
      const webgpu = Object.keys(outputs[key]?.inputs ?? {}).some((input) => input.includes('backend-webgpu/'));
      if (eager.has(key)) figures.eager += gzipped;
      else if (webgpu) figures.webgpuChunk += gzipped;
      else figures.otherLazy += gzipped;
    }
    return figures;
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/** The figures of every page. */
export async function measureBundles(): Promise<Record<keyof typeof BUNDLE_BUDGETS, BundleFigures>> {
  return { umbrella: await measure(PAGES.umbrella), selective: await measure(PAGES.selective) };
}

const kilobytes = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const figures = await measureBundles();
  for (const [page, { eager, webgpuChunk, otherLazy }] of Object.entries(figures)) {
    const budget = BUNDLE_BUDGETS[page as keyof typeof BUNDLE_BUDGETS];
    console.log(
      `${page}: ${kilobytes(eager)} gzip loaded up front (budget ${kilobytes(budget)}); ` +
        `WebGPU chunk ${kilobytes(webgpuChunk)} (on setBackend('webgpu')); saving ${kilobytes(otherLazy)} (on save/load)`,
    );
  }
}
