/**
 * @file Tests of the matrix product's blocking rules on fixed cache sizes (no timing): the depth block
 * follows L1d, the chunk sides follow L2 up to the pool's cap, and the defaults keep the blocking
 * the kernels were tuned with.
 */

import { describe, expect, it } from 'vitest';
import { DEFAULT_CACHE_SIZES } from '../features.js';
import { MAX_PANELS, gemmBlocking } from './gemm-blocking.js';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('gemmBlocking', () => {
  it('keeps a B micro-panel (kc × 8 floats) in a quarter of L1d', () => {
    expect(gemmBlocking({ l1Data: 32 * KiB, l2: 1 * MiB }).kc).toBe(256);
    expect(gemmBlocking({ l1Data: 48 * KiB, l2: 2 * MiB }).kc).toBe(384);
    expect(gemmBlocking({ l1Data: 64 * KiB, l2: 1 * MiB }).kc).toBe(512);
    // Not a multiple of 16 floats' worth: rounded down.
    expect(gemmBlocking({ l1Data: 40 * KiB, l2: 1 * MiB }).kc).toBe(320);
    expect(gemmBlocking({ l1Data: 37 * KiB, l2: 1 * MiB }).kc).toBe(288);
  });

  it('bounds the depth block for implausible L1 sizes', () => {
    expect(gemmBlocking({ l1Data: 4 * KiB, l2: 1 * MiB }).kc).toBe(64);
    expect(gemmBlocking({ l1Data: 1 * MiB, l2: 8 * MiB }).kc).toBe(1024);
  });

  it('sizes chunks so their A block fits half of L2 and their B block a quarter, capped for the pool', () => {
    // Ample L2: the cap (32 × 64 of C).
    expect(gemmBlocking({ l1Data: 48 * KiB, l2: 2 * MiB })).toEqual({ kc: 384, rowPanels: 8, columnPanels: 8 });
    // 64 KiB of L2 with kc = 256: A block 32 KiB = 8 row panels of 4 KiB; B block 16 KiB = 2 column panels of 8 KiB.
    expect(gemmBlocking({ l1Data: 32 * KiB, l2: 64 * KiB })).toEqual({ kc: 256, rowPanels: 8, columnPanels: 2 });
    // 96 KiB: 12 row panels fit, 3 column panels: rounded down to powers of two.
    expect(gemmBlocking({ l1Data: 32 * KiB, l2: 96 * KiB })).toEqual({ kc: 256, rowPanels: 8, columnPanels: 2 });
    // 32 KiB of L2: 4 row panels, 1 column panel; never less than one panel.
    expect(gemmBlocking({ l1Data: 32 * KiB, l2: 32 * KiB })).toEqual({ kc: 256, rowPanels: 4, columnPanels: 1 });
    expect(gemmBlocking({ l1Data: 32 * KiB, l2: 4 * KiB })).toEqual({ kc: 256, rowPanels: 1, columnPanels: 1 });
    expect(MAX_PANELS).toBe(8);
  });

  it('sizes the chunks of 6-row panels (MatMul with relaxed SIMD) by their own A block', () => {
    // 64 KiB of L2, kc = 256: a 6-row panel is 6 KiB, so 5 fit half of L2: 4, a power of two.
    expect(gemmBlocking({ l1Data: 32 * KiB, l2: 64 * KiB }, 6)).toEqual({ kc: 256, rowPanels: 4, columnPanels: 2 });
    // 128 KiB: 10 fit, 8 (the 4-row panels would take 16, capped at 8 as well).
    expect(gemmBlocking({ l1Data: 32 * KiB, l2: 128 * KiB }, 6)).toEqual({ kc: 256, rowPanels: 8, columnPanels: 4 });
    expect(gemmBlocking({ l1Data: 32 * KiB, l2: 32 * KiB }, 6)).toEqual({ kc: 256, rowPanels: 2, columnPanels: 1 });
  });

  it('gives the blocking the kernels were tuned with on the default cache sizes', () => {
    expect(gemmBlocking(DEFAULT_CACHE_SIZES)).toEqual({ kc: 256, rowPanels: 8, columnPanels: 8 });
    expect(gemmBlocking()).toEqual(gemmBlocking(DEFAULT_CACHE_SIZES));
  });
});
