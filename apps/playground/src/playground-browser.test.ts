/**
 * @file The built site in headless Debian chromium (SwiftShader WebGPU), served with the
 * cross-origin-isolation headers: every notebook cell runs on cpu and on webgpu and prints what the
 * example prints in Node (matmul-bias' dl_dw and dl_db come from an unseeded random draw, so only their
 * shape is checked) and leaves `tf.memory()` as it found it, the Gradients page's f' and f'' of x³ − 2x
 * match 3x² − 2 and 6x, the Train page trains the MLP (two short epochs on webgpu, then on cpu) and the
 * CNN (one short epoch on cpu) without leaking a tensor, no page logs a console error, and each page
 * (the API reference too) leaves a screenshot in apps/playground/output/.
 */

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from 'tapeflow';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../browser-test/src/browser.js';
import type { HeadlessChromium } from '../../browser-test/src/browser.js';
import { parseCells } from '../../examples/src/cells.js';
import { EXAMPLES } from '../../examples/src/examples/index.js';
import { serveSite } from './serve.js';
import type { SiteServer } from './serve.js';
import type { CellOutput } from './site.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUTPUT = join(ROOT, 'output');

let dist: string | undefined;
let server: SiteServer | undefined;
let browser: HeadlessChromium | undefined;
const consoleErrors: string[] = [];

beforeAll(async () => {
  // The API reference (TypeDoc, about a minute on two cores) is made by the site's build script; CI
  // builds first, a bare `pnpm test` makes it here once (public/ is ignored by git).
  if (!existsSync(join(ROOT, 'public/api/index.html'))) {
    await promisify(execFile)(join(ROOT, 'node_modules/.bin/typedoc'), [], { cwd: ROOT });
  }
  dist = await mkdtemp(join(tmpdir(), 'tapeflow-playground-'));
  // No minifying: the test needs the site, not its smallest form, and CI has two cores.
  await build({
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: dist, emptyOutDir: true, minify: false, reportCompressedSize: false },
  });
  server = await serveSite(dist);
  browser = await launchChromium();
  await mkdir(OUTPUT, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dist !== undefined) await rm(dist, { recursive: true, force: true });
});

async function open(file: string): Promise<Page> {
  const page = await browser!.context.newPage();
  await page.setViewportSize({ width: 1100, height: 900 });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${file}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`${file}: ${error.message}`));
  await page.goto(new URL(file, server!.url).href);
  await page.waitForFunction(() => window.tapeflowPlayground !== undefined);
  await page.evaluate(() => window.tapeflowPlayground.ready);
  return page;
}

/** What each cell of each notebook example prints when the example runs in Node on the CPU. */
async function expectedOutputs(): Promise<Map<string, string[][]>> {
  const expected = new Map<string, string[][]>();
  for (const example of EXAMPLES) {
    const source = await readFile(join(ROOT, '../examples/src/examples', `${example.name}.ts`), 'utf8');
    const cells = parseCells(source);
    const lines: string[] = [];
    tf.dispose(await example.run((line) => lines.push(line)));
    const perCell: string[][] = [];
    let at = 0;
    for (const cell of cells) {
      at += cell.python.split('\n').length;
      const printed: string[] = [];
      while (at < lines.length && !lines[at]!.startsWith('>>> ')) printed.push(...lines[at++]!.split('\n'));
      perCell.push(printed);
    }
    expected.set(example.name, perCell);
  }
  return expected;
}

function expectNotebook(outputs: readonly CellOutput[], expected: Map<string, string[][]>): void {
  expect(outputs.length).toBe([...expected.values()].reduce((sum, cells) => sum + cells.length, 0));
  for (const output of outputs) {
    const where = `${output.example} cell ${output.index} (${output.python})`;
    expect(output.error, where).toBeNull();
    if (output.example === 'matmul-bias' && (output.python === 'dl_dw' || output.python === 'dl_db')) {
      expect(output.lines[0], where).toMatch(/^Tensor\(shape=\[(4,2|2)\], dtype=float32, \[/);
      continue;
    }
    expect(output.lines, where).toEqual(expected.get(output.example)![output.index]);
  }
}

describe('the playground in headless chromium', () => {
  it('Notebook: every cell on cpu and on webgpu prints what the examples print, and runAll leaks no tensor', async () => {
    const expected = await expectedOutputs();
    const page = await open('index.html');
    expect(await page.locator('[data-cell]').count()).toBe(
      [...expected.values()].reduce((sum, cells) => sum + cells.length, 0),
    );
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    const live = (): Promise<number[]> =>
      page.evaluate(() => {
        const memory = window.tapeflowPlayground.memory();
        return [memory.numTensors, memory.numVariables];
      });
    const before = await live();
    expectNotebook(await page.evaluate(() => window.tapeflowPlayground.runAll!('webgpu')), expected);
    // Every cell ran and printed; the run disposed what the cells made, the Variables too.
    expect(await live(), 'after runAll on webgpu').toEqual(before);
    const onCpu = await page.evaluate(() => window.tapeflowPlayground.runAll!('cpu'));
    expectNotebook(onCpu, expected);
    expect(await live(), 'after runAll on cpu').toEqual(before);
    // The values the notebook is about, as the page shows them.
    const xSquared = page.locator('[data-cell="x-squared"] [data-output]');
    expect(await xSquared.nth(2).textContent()).toBe('Tensor(shape=[], dtype=float32, 16.0)');
    expect(await xSquared.nth(4).textContent()).toBe('Tensor(shape=[], dtype=float32, 8.0)');
    expect(await page.locator('[data-cell="watch"] [data-output]').nth(2).textContent()).toBe(
      '[Tensor(shape=[], dtype=float32, 8.0), Tensor(shape=[], dtype=float32, 10.0), null, null]',
    );
    await page.screenshot({ path: join(OUTPUT, 'notebook.png') });
    await page.close();
  }, 120_000);

  it("Gradients: f' and f'' of x³ - 2x from nested tapes are 3x² - 2 and 6x, on cpu and webgpu", async () => {
    const page = await open('gradients.html');
    for (const backend of ['cpu', 'webgpu'] as const) {
      const values = await page.evaluate(
        (name) => window.tapeflowPlayground.plot!('x.pow(3).sub(x.mul(2))', name),
        backend,
      );
      expect(values.x.length).toBe(81);
      values.x.forEach((x, i) => {
        expect(values.f[i]!).toBeCloseTo(x ** 3 - 2 * x, 4);
        expect(values.df[i]!).toBeCloseTo(3 * x * x - 2, 4);
        expect(values.d2f[i]!).toBeCloseTo(6 * x, 4);
      });
    }
    await page.waitForSelector('[data-chart] svg');
    await page.screenshot({ path: join(OUTPUT, 'gradients.png') });
    await page.close();
  }, 60_000);

  it('Train: two short epochs of the MNIST MLP learn on webgpu and on cpu, one of the CNN on cpu (held-out accuracy above chance), no tensor leaked', async () => {
    const page = await open('train.html');
    const live = (): Promise<number> => page.evaluate(() => window.tapeflowPlayground.memory().numTensors);
    const before = await live();
    await expect(page.evaluate(() => window.tapeflowPlayground.train!({ epochs: 0, backend: 'cpu' }))).rejects.toThrow(
      /InvalidArgumentError: train: argument 'options.epochs' expected an integer in \[1, 100\]/,
    );
    const onWebGpu = await page.evaluate(() =>
      window.tapeflowPlayground.train!({ epochs: 2, backend: 'webgpu', samples: 320 }),
    );
    expect(onWebGpu['loss']!.length).toBe(2);
    expect(onWebGpu['loss']![1]!).toBeLessThan(onWebGpu['loss']![0]!);
    // Two epochs of 10 batches on 320 digits: chance is 10%.
    expect(onWebGpu['val_accuracy']![1]!).toBeGreaterThan(0.5);
    expect(await live(), 'after the MLP on webgpu').toBe(before);
    await expect(
      page.evaluate(() => window.tapeflowPlayground.train!({ epochs: 1, backend: 'cpu', model: 'convnet' as 'cnn' })),
    ).rejects.toThrow(/InvalidArgumentError: train: argument 'options.model' expected one of "mlp", "cnn"/);
    const cnn = await page.evaluate(() =>
      window.tapeflowPlayground.train!({ epochs: 1, backend: 'cpu', model: 'cnn', samples: 320 }),
    );
    expect(Object.keys(cnn).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(cnn['loss']!.length).toBe(1);
    // One epoch of 10 batches of Adam on 320 digits, judged on the 500 held out: chance is 10%.
    expect(cnn['val_accuracy']![0]!).toBeGreaterThan(0.3);
    expect(await page.locator('select[data-model]').inputValue()).toBe('cnn');
    expect(await page.locator('[data-status]').textContent()).toMatch(
      /^done: CNN, 1 epoch\(s\) on 320 digits in [\d.]+ s on cpu/,
    );
    expect(await live(), 'after the CNN on cpu').toBe(before);
    await page.waitForSelector('.digits canvas');
    await page.screenshot({ path: join(OUTPUT, 'train-cnn.png') });
    const history = await page.evaluate(() =>
      window.tapeflowPlayground.train!({ epochs: 2, backend: 'cpu', samples: 800 }),
    );
    expect(Object.keys(history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(history['loss']!.length).toBe(2);
    expect(history['loss']![1]!).toBeLessThan(history['loss']![0]!);
    // Two epochs of 25 batches of SGD on 800 digits: chance is 10%.
    expect(history['val_accuracy']![1]!).toBeGreaterThan(0.7);
    expect(await live(), 'after the MLP on cpu').toBe(before);
    await page.waitForSelector('[data-chart] svg');
    await page.waitForSelector('.digits canvas');
    await page.screenshot({ path: join(OUTPUT, 'train.png') });
    await page.close();
  }, 150_000);

  it('API reference: the TypeDoc site is linked from the pages and documents the umbrella package', async () => {
    const page = await browser!.context.newPage();
    await page.setViewportSize({ width: 1100, height: 900 });
    page.on('pageerror', (error) => consoleErrors.push(`api/index.html: ${error.message}`));
    await page.goto(new URL('index.html', server!.url).href);
    await page.locator('nav a, header a', { hasText: 'API reference' }).first().click();
    await page.waitForURL(/\/api\/index\.html$/);
    expect(await page.title()).toBe('Tapeflow API reference');
    const modules = page.locator('.col-content a[href^="modules/"]');
    expect((await modules.allTextContents()).map((text) => text.trim())).toEqual(
      expect.arrayContaining(['tapeflow', '@tapeflow/tensor-core', '@tapeflow/autodiff-tape', '@tapeflow/layers']),
    );
    await page.screenshot({ path: join(OUTPUT, 'api.png') });
    await modules.filter({ hasText: '@tapeflow/autodiff-tape' }).first().click();
    await page.waitForSelector('a[href*="GradientTape"]');
    await page.close();
  }, 60_000);

  it('logged no console error on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
