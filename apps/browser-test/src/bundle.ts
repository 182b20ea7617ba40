/**
 * @file Builds the test page: esbuild bundles src/page/main.ts and the Tapeflow packages it imports
 * (read from their sources through the `@tapeflow/source` condition, so no `pnpm build` is needed)
 * into ES modules with code splitting, so the WebGPU backend's `await import()` becomes its own chunk
 * (`backend-*.js`) that the page can watch being fetched late. `vitest`, which the conformance kit's
 * entry imports for `describeBackend`, is replaced by a stub: the page runs the kit's cases itself.
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Tapeflow on WebGPU</title></head>
<body>
<h1>Tapeflow on WebGPU: conformance suite and notebook values</h1>
<ol id="results"></ol>
<script type="module" src="./main.js"></script>
</body>
</html>
`;

/** `vitest` for a browser bundle: the kit's `describeBackend` is never called there. */
const vitestStub: Plugin = {
  name: 'vitest-stub',
  setup(builder) {
    builder.onResolve({ filter: /^vitest$/ }, () => ({ path: 'vitest', namespace: 'vitest-stub' }));
    builder.onLoad({ filter: /.*/, namespace: 'vitest-stub' }, () => ({
      contents:
        "const unavailable = () => { throw new Error('vitest is not available in the test page'); };\n" +
        'export { unavailable as describe, unavailable as it, unavailable as beforeAll, unavailable as afterAll, unavailable as expect };\n',
      loader: 'js',
    }));
  },
};

/** Writes index.html, main.js and its chunks into `outdir`. */
export async function bundlePage(outdir: string): Promise<void> {
  await build({
    entryPoints: { main: fileURLToPath(new URL('./page/main.ts', import.meta.url)) },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    chunkNames: '[name]-[hash]',
    conditions: ['@tapeflow/source'],
    plugins: [vitestStub],
    logLevel: 'error',
  });
  await writeFile(join(outdir, 'index.html'), PAGE);
}
