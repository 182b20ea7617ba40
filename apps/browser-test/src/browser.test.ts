/**
 * @file The backend conformance suite and the notebook's key values on WebGPU in a real browser:
 * headless Debian chromium (SwiftShader) loads the bundled page from a local server, the page runs
 * every check against `navigator.gpu` and reports on `window.__results`, and each check becomes one
 * test here, named as the page named it. A check that never ran in the page fails too.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFORMANCE_GROUPS } from '@tapeflow/backend-conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.js';
import type { HeadlessChromium } from './browser.js';
import { bundlePage } from './bundle.js';
import { NOTEBOOK_CHECKS } from './page/notebook-checks.js';
import type { PageReport } from './page/report.js';
import { startServer } from './server.js';
import type { PageServer } from './server.js';

/** The whole page: a browser start, an adapter, ~200 checks on a CPU-emulated GPU. */
const PAGE_TIMEOUT_MS = 300_000;

let outdir: string | undefined;
let server: PageServer | undefined;
let browser: HeadlessChromium | undefined;
let report: PageReport | undefined;
const consoleErrors: string[] = [];

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'tapeflow-page-'));
  await bundlePage(outdir);
  server = await startServer(outdir);
  browser = await launchChromium();
  const page = await browser.context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(server.url);
  await page.waitForFunction(() => window.__results?.done === true, undefined, {
    timeout: PAGE_TIMEOUT_MS,
    polling: 250,
  });
  report = await page.evaluate(() => window.__results);
}, PAGE_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outdir !== undefined) await rm(outdir, { recursive: true, force: true });
});

describe('WebGPU in headless chromium', () => {
  it('made the backend on a WebGPU adapter and ran every check', () => {
    expect(report, `the page reported nothing; console errors: ${consoleErrors.join(' | ')}`).toBeDefined();
    expect(report!.fatal, `console errors: ${consoleErrors.join(' | ')}`).toBeNull();
    expect(report!.adapter).not.toBeNull();
  });

  const names = [
    'the WebGPU implementation is fetched only when the backend is made',
    ...CONFORMANCE_GROUPS.flatMap((group) => group.cases.map((c) => `${group.name} › ${c.name}`)),
    ...NOTEBOOK_CHECKS.map((check) => check.name),
  ];
  for (const name of names) {
    it(name, () => {
      const result = report?.results.find((r) => r.name === name);
      expect(result, 'ran in the page').toBeDefined();
      if (!result!.ok) throw new Error(result!.message ?? 'failed');
    });
  }
});
