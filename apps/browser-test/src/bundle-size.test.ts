/**
 * @file The size budgets as a test (sizes are deterministic, unlike times): the umbrella
 * page stays within its budget (bundle-size.ts) up front with the WebGPU backend in a lazily loaded chunk of its own,
 * and the selective page (tensor-core + backend-cpu + autodiff-tape) is smaller than the umbrella.
 */
import { describe, expect, it } from 'vitest';
import { BUNDLE_BUDGETS, measureBundles } from './bundle-size.js';

describe('bundle size for a web page (esbuild, minified, gzip)', () => {
  it('keeps the umbrella and a selective import within budget, the WebGPU backend in a lazy chunk', async () => {
    const { umbrella, selective } = await measureBundles();
    console.log(
      `bundle sizes (gzip): umbrella ${umbrella.eager} B up front + ${umbrella.webgpuChunk} B WebGPU chunk; ` +
        `(+ ${umbrella.otherLazy} B saving chunk); selective ${selective.eager} B`,
    );
    expect(umbrella.eager).toBeLessThanOrEqual(BUNDLE_BUDGETS.umbrella);
    expect(selective.eager).toBeLessThanOrEqual(BUNDLE_BUDGETS.selective);
    expect(selective.eager).toBeLessThan(umbrella.eager);
    // The WebGPU kernels are not in what the umbrella loads up front, but they are in the build.
    expect(umbrella.webgpuChunk).toBeGreaterThan(5 * 1024);
    expect(selective.webgpuChunk).toBe(0);
  }, 60_000);
});
