/**
 * @file The matrix product's cache blocking, derived from the cache sizes of the machine it runs on
 * (features.ts reads them) rather than tuned for one: BLIS's analytic rules, cut down to the two
 * levels every core has. A separate module so the rules can be tested on fixed cache sizes.
 *
 * - Depth block kc: the B micro-panel (kc × NR floats) that the micro-kernel sweeps once per row panel
 *   takes a quarter of L1d, leaving the rest to the A micro-panel streaming past it, the C tile and
 *   the stack (32 KiB → 256, 48 KiB → 384).
 * - Rows of a chunk (mc, in panels of MR rows, or of MR_TALL in MatMul's relaxed-SIMD products): the
 *   chunk's A block (mc × kc) takes at most half of L2, so it is read from L2, not memory, for every
 *   column panel of the chunk.
 * - Columns of a chunk (nc, in NR-column panels): the chunk's B block (kc × nc) takes at most a
 *   quarter of L2 beside it.
 * Both chunk sides are also capped at MAX_PANELS: a chunk is the unit the thread pool hands out, and a
 * thread that the OS preempts mid-chunk holds the others up for a chunk's time (about 0.1 ms at the cap).
 */

import { DEFAULT_CACHE_SIZES, type CacheSizes } from '../features.js';
import { MR, NR } from './emit-matmul.js';

/** How a product is cut: depth block and the panels of a chunk of C. */
export interface GemmBlocking {
  /** Depth steps per block (a multiple of 16). */
  readonly kc: number;
  /** MR-row panels of A per chunk (a power of two, at most MAX_PANELS). */
  readonly rowPanels: number;
  /** NR-column panels of B per chunk (a power of two, at most MAX_PANELS). */
  readonly columnPanels: number;
}

/** Most panels along either side of a chunk (32 × 64 of C): the thread pool's granularity. */
export const MAX_PANELS = 8;
const MIN_KC = 64;
const MAX_KC = 1024;
const FLOAT_BYTES = 4;

const largestPowerOfTwoAtMost = (x: number): number => (x < 1 ? 1 : 2 ** Math.floor(Math.log2(x)));

/** The blocking for a core with `cache`'s data caches, for A panels of `panelRows` rows (MR or MR_TALL). */
export function gemmBlocking(cache: CacheSizes = DEFAULT_CACHE_SIZES, panelRows: number = MR): GemmBlocking {
  const kcFromL1 = Math.floor(cache.l1Data / 4 / (NR * FLOAT_BYTES) / 16) * 16;
  const kc = Math.min(MAX_KC, Math.max(MIN_KC, kcFromL1));
  const rowPanels = largestPowerOfTwoAtMost(cache.l2 / 2 / (kc * panelRows * FLOAT_BYTES));
  const columnPanels = largestPowerOfTwoAtMost(cache.l2 / 4 / (kc * NR * FLOAT_BYTES));
  return {
    kc,
    rowPanels: Math.min(MAX_PANELS, rowPanels),
    columnPanels: Math.min(MAX_PANELS, columnPanels),
  };
}
