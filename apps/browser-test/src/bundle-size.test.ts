/**
 * @file The size budgets as a test (sizes are deterministic, unlike times): the umbrella
 * page stays within its budget (bundle-size.ts) up front with the WebGPU backend in a lazily loaded chunk of its own,
 * and the selective page (tensor-core + backend-cpu + autodiff-tape) is smaller than the umbrella.
 */
import { describe, expect, it } from 'vitest';
import { BUNDLE_BUDGETS, LAZY_ONLY, WEBGPU_CHUNK_BUDGET, measureBundles } from './bundle-size.js';

describe('bundle size for a web page (esbuild, minified, gzip)', () => {
  it('keeps the umbrella and a selective import within budget, the WebGPU backend in a lazy chunk', async () => {
    const { umbrella, selective } = await measureBundles();
    console.log(
      `bundle sizes (gzip): umbrella ${umbrella.eager} B up front + ${umbrella.webgpuChunk} B WebGPU chunk; ` +
        `(+ ${umbrella.otherLazy} B other lazy chunks); selective ${selective.eager} B`,
    );
    expect(umbrella.eager).toBeLessThanOrEqual(BUNDLE_BUDGETS.umbrella);
    expect(selective.eager).toBeLessThanOrEqual(BUNDLE_BUDGETS.selective);
    expect(selective.eager).toBeLessThan(umbrella.eager);
    // The WebGPU kernels are not in what the umbrella loads up front, but they are in the build.
    expect(umbrella.webgpuChunk).toBeGreaterThan(5 * 1024);
    expect(umbrella.webgpuChunk).toBeLessThanOrEqual(WEBGPU_CHUNK_BUDGET);
    expect(selective.webgpuChunk).toBe(0);
  }, 60_000);

  it('loads model loading and saving, the file system code and the training loop only on first use', async () => {
    const { umbrella } = await measureBundles();
    // The eager inputs are listed (so the check below looks at real paths), and none of the lazy ones is among them.
    expect(umbrella.eagerInputs['layers/src/dense.ts']).toBeGreaterThan(0);
    expect(LAZY_ONLY.filter((file) => umbrella.eagerInputs[file] !== undefined)).toEqual([]);
    // They are still in the build, in the lazily loaded chunks.
    expect(umbrella.otherLazy).toBeGreaterThan(10 * 1024);
  }, 60_000);
});
