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
 * 60 KB when the umbrella held an MLP's ops (51.5 KB then). Issue 12's op set, issue 13's forward mode
 * and issue 14's layers (recurrent, attention, functional models) took it to 123.0 KB (selective
 * 57.4 KB); with loadModel's layer table, the file-system code and the training loop moved out of what
 * loads up front it is 114.4 KB. Issue 16's and issue 12's speed work (the direct convolution kernels,
 * cache-sized matmul blocking, the small-product thread policy, the tape's reused columns) added 6 KB:
 * 120.6 KB (selective 63.3 KB). The next round (2026-11-27: SIMD pooling kernels, the strided direct
 * input gradient, the shallow-convolution thread policy, the 6×8 relaxed-SIMD MatMul kernel, the
 * allocator's best fit, the tape's number operands) added 3.5 KB: 124.1 KB (selective 66.8 KB). The
 * budgets sit about 2-3% above the figures measured, so a regression fails here. What still stands
 * between the umbrella and 60 KB is code every page runs or
 * may call synchronously (the CPU backend's JS and Wasm kernels, the op front-ends, the tape, the layer
 * classes); the breakdown (`bundle-size --breakdown`) shows it by package.
 */
export const BUNDLE_BUDGETS = { umbrella: 127 * 1024, selective: 68.5 * 1024 } as const;

/**
 * Gzip budget of the lazily loaded WebGPU chunk(s): 20.8 KB measured, 22.9 KB with the tiled implicit-GEMM
 * convolutions (kernels/conv-gemm.ts).
 */
export const WEBGPU_CHUNK_BUDGET = 23.5 * 1024;

/**
 * Source files (paths under packages/) that must stay out of what the umbrella loads up front: they run
 * only on `loadModel`, `model.save`, a CSVLogger write, `model.fit` or `setBackend('webgpu')`, and each
 * reaches the page through a dynamic `import()`. One static import of any of them (or of a module that
 * imports them) from an eagerly loaded module pulls it, and its imports, back into the first download.
 */
export const LAZY_ONLY = [
  'layers/src/saving/layer-table.ts',
  'layers/src/saving/load.ts',
  'layers/src/saving/save.ts',
  'layers/src/saving/files.ts',
  'layers/src/saving/model-directory.ts',
  'layers/src/training/fit.ts',
  'backend-webgpu/src/backend.ts',
] as const;

/**
 * One page's figures in gzipped bytes: what loads up front, the lazily loaded chunk(s) holding the
 * WebGPU backend, and the other lazy chunks (model saving and loading, Node-only).
 */
export interface BundleFigures {
  readonly eager: number;
  readonly webgpuChunk: number;
  readonly otherLazy: number;
  /** Minified bytes each source file (path under packages/) contributes to what loads up front. */
  readonly eagerInputs: Readonly<Record<string, number>>;
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

/** An esbuild input path as a path under packages/ (`layers/src/dense.ts`), else unchanged. */
function sourcePath(input: string): string {
  const at = input.lastIndexOf('packages/');
  return at < 0 ? input : input.slice(at + 'packages/'.length);
}

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
    const eagerInputs: Record<string, number> = {};
    for (const file of await readdir(outdir)) {
      if (!file.endsWith('.js')) continue;
      const gzipped = gzipSync(await readFile(join(outdir, file)), { level: 9 }).length;
      const key = Object.keys(outputs).find((output) => output.endsWith(`/${file}`) || output === file);
      if (key === undefined) throw new Error(`esbuild's metafile does not list ${file}`);
      const webgpu = Object.keys(outputs[key]?.inputs ?? {}).some((input) => input.includes('backend-webgpu/'));
      if (eager.has(key)) {
        figures.eager += gzipped;
        for (const [input, { bytesInOutput }] of Object.entries(outputs[key]?.inputs ?? {}))
          if (bytesInOutput > 0) eagerInputs[sourcePath(input)] = (eagerInputs[sourcePath(input)] ?? 0) + bytesInOutput;
      } else if (webgpu) figures.webgpuChunk += gzipped;
      else figures.otherLazy += gzipped;
    }
    return { ...figures, eagerInputs };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/** The figures of every page. */
export async function measureBundles(): Promise<Record<keyof typeof BUNDLE_BUDGETS, BundleFigures>> {
  return { umbrella: await measure(PAGES.umbrella), selective: await measure(PAGES.selective) };
}

const kilobytes = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * The eager minified bytes grouped by package and by the folder or file under its src/ (the largest
 * first), each with its estimated share of the gzipped total (gzip is not additive per file, so the
 * share is proportional to the minified bytes).
 */
export function breakdown(figures: BundleFigures): string[] {
  const total = Object.values(figures.eagerInputs).reduce((sum, bytes) => sum + bytes, 0);
  const groups = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const [input, bytes] of Object.entries(figures.eagerInputs)) {
    const parts = input.split('/');
    const name = parts[0] ?? input;
    packages.set(name, (packages.get(name) ?? 0) + bytes);
    const group = parts[1] === 'src' && parts.length > 3 ? parts.slice(0, 3).join('/') + '/' : input;
    groups.set(group, (groups.get(group) ?? 0) + bytes);
  }
  const line = ([name, bytes]: [string, number]): string =>
    `  ${name.padEnd(44)} ${kilobytes(bytes).padStart(9)} min  ~${kilobytes((figures.eager * bytes) / total).padStart(8)} gzip`;
  const sorted = (map: Map<string, number>): [string, number][] => [...map].sort((a, b) => b[1] - a[1]);
  return ['by package:', ...sorted(packages).map(line), 'by folder or file:', ...sorted(groups).map(line)];
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const figures = await measureBundles();
  for (const [page, pageFigures] of Object.entries(figures)) {
    const { eager, webgpuChunk, otherLazy } = pageFigures;
    const budget = BUNDLE_BUDGETS[page as keyof typeof BUNDLE_BUDGETS];
    console.log(
      `${page}: ${kilobytes(eager)} gzip loaded up front (budget ${kilobytes(budget)}); ` +
        `WebGPU chunk ${kilobytes(webgpuChunk)} (on setBackend('webgpu')); ` +
        `other lazy chunks ${kilobytes(otherLazy)} (on save/load, fit, CSVLogger)`,
    );
    if (process.argv.includes('--breakdown')) for (const text of breakdown(pageFigures)) console.log(text);
  }
}
