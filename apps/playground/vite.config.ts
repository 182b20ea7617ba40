/**
 * @file The playground's Vite set-up: three pages (notebook, train, gradients) built from the packages'
 * sources (the `@tapeflow/source` export condition, so no package build is needed first), the
 * cross-origin-isolation headers on the dev and preview servers (the CPU backend's worker pool needs
 * SharedArrayBuffer), and `virtual:mnist`, a few thousand digits of the `mnist` package as bytes for
 * the Train page, made at build time. The examples' Node built-in imports resolve to src/node-stubs.ts
 * (the Train page imports the mnist-cnn example for its model), and `process.stdout.isTTY`, which that
 * example reads at load to pick its progress bar, is false in the page (there is no terminal).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';

/** COOP + COEP: the page is cross-origin isolated, so SharedArrayBuffer and the CPU threads exist. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Digits per class in the asset: 10 × 300 = 3,000 digits (2,500 to train on, 500 held out). */
const PER_CLASS = 300;

/** The `mnist` package's digits, interleaved by class, pixels as bytes (0–255), base64. */
function mnistAsset(): Plugin {
  const id = 'virtual:mnist';
  return {
    name: 'tapeflow-mnist',
    resolveId: (source) => (source === id ? `\0${id}` : null),
    load(resolved) {
      if (resolved !== `\0${id}`) return null;
      const digits = createRequire(import.meta.url)('mnist') as readonly { raw: readonly number[]; length: number }[];
      const count = PER_CLASS * 10;
      const pixels = new Uint8Array(count * 784);
      const labels = new Uint8Array(count);
      for (let s = 0; s < count; s++) {
        const label = s % 10;
        const index = Math.floor(s / 10);
        labels[s] = label;
        const raw = digits[label]!.raw;
        for (let p = 0; p < 784; p++) pixels[s * 784 + p] = Math.round(raw[index * 784 + p]! * 255);
      }
      return [
        `export const count = ${count};`,
        `export const pixels = ${JSON.stringify(Buffer.from(pixels).toString('base64'))};`,
        `export const labels = ${JSON.stringify(Buffer.from(labels).toString('base64'))};`,
      ].join('\n');
    },
  };
}

const EXAMPLES_SOURCE = fileURLToPath(new URL('../examples/src/', import.meta.url));
const NODE_STUBS = fileURLToPath(new URL('./src/node-stubs.ts', import.meta.url));

/**
 * `node:*` imports made by apps/examples' modules resolve to the browser stubs, and their
 * `new URL(<file>, import.meta.url)` are marked as Node paths (the output files they would write), not
 * page assets for Vite to bundle.
 */
function examplesNodeBuiltins(): Plugin {
  return {
    name: 'tapeflow-examples-node-builtins',
    enforce: 'pre',
    resolveId: (source, importer) =>
      source.startsWith('node:') && importer?.startsWith(EXAMPLES_SOURCE) === true ? NODE_STUBS : null,
    transform(code, id) {
      if (!id.startsWith(EXAMPLES_SOURCE) || id.includes('?') || !code.includes('import.meta.url')) return null;
      return { code: code.replaceAll('new URL(', 'new URL(/* @vite-ignore */ '), map: null };
    },
  };
}

const page = (name: string): string => fileURLToPath(new URL(`./${name}.html`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [mnistAsset(), examplesNodeBuiltins()],
  define: { 'process.stdout.isTTY': 'false' },
  resolve: { conditions: ['@tapeflow/source', 'module', 'browser', 'import', 'default'] },
  server: { headers: ISOLATION_HEADERS, fs: { allow: [fileURLToPath(new URL('../..', import.meta.url))] } },
  preview: { headers: ISOLATION_HEADERS },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    rollupOptions: { input: { index: page('index'), train: page('train'), gradients: page('gradients') } },
  },
  worker: { format: 'es' },
});
