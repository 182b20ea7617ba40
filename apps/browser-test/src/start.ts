/**
 * @file `pnpm --filter @tapeflow/browser-test start`: builds the test page and serves it on 127.0.0.1,
 * printing its address, for running the checks in any WebGPU-enabled browser by hand. Ctrl-C stops it.
 */

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundlePage } from './bundle.js';
import { startServer } from './server.js';

const outdir = await mkdtemp(join(tmpdir(), 'tapeflow-page-'));
await bundlePage(outdir);
const server = await startServer(outdir);
console.log(`Tapeflow WebGPU test page: ${server.url}`);
