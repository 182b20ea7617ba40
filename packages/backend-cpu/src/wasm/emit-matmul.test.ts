/**
 * @file Tests of MatMul's tall panels in the kernel module itself: `pack6` lays out 6-row panels
 * (copy, 4×4 and 2×4 transposes, zero padding, generic strides, bits kept), and in the relaxed-SIMD
 * module a gemm job marked `panelRows = MR_TALL` runs the 6×8 micro-kernel on them, matching a
 * float64 reference for m, n and k around the tile sizes, with depth blocks (beta = 1), any chunk
 * shape and two participants' tile scratch (192 bytes each now), while a job not so marked still
 * runs on 4-row panels. (The 4-row path of the plain module is the convolutions' and MatMul's
 * everywhere else: kernels/*.test.ts cover it.)
 */

import { describe, expect, it } from 'vitest';
import { detectFeatures } from '../features.js';
import { seededRandom } from '../test-utils.js';
import { GEMM_JOB, MR, MR_TALL, NR, TILE_BYTES } from './emit-matmul.js';
import { JOB_KIND, LAYOUT, instantiateKernels, kernelModule, type KernelExports } from './kernel-module.js';
import { requireWebAssembly } from './webassembly-api.js';

const api = requireWebAssembly();
const PAGES = 64;

function instance(relaxed: boolean): { kernels: KernelExports; f32: Float32Array; i32: Int32Array } {
  const memory = new api.Memory({ initial: PAGES });
  const kernels = instantiateKernels(kernelModule({ shared: false, relaxed }), memory);
  return { kernels, f32: new Float32Array(memory.buffer), i32: new Int32Array(memory.buffer) };
}

describe('pack6', () => {
  it('lays out 6-row panels: copies, 4×4 and 2×4 transposes, zero padding and generic strides', () => {
    const { kernels, f32 } = instance(false);
    const src = LAYOUT.heapStart;
    const dst = src + 8192;
    for (let i = 0; i < 2048; i++) f32[(src >>> 2) + i] = i + 1;
    for (const [rows, depth] of [
      [6, 4],
      [11, 7],
      [13, 9],
      [5, 3],
      [12, 1],
    ] as const) {
      // Element (x, p) at x * sx + p * sp: contiguous along x, along p, and neither.
      for (const [sx, sp] of [
        [1, rows],
        [depth, 1],
        [2, 3 * rows],
      ] as const) {
        f32.fill(-1, dst >>> 2, (dst >>> 2) + 1024);
        kernels.pack6(src, sx, sp, rows, depth, dst);
        const panels = Math.ceil(rows / MR_TALL);
        for (let q = 0; q < panels; q++) {
          for (let p = 0; p < depth; p++) {
            for (let lane = 0; lane < MR_TALL; lane++) {
              const x = q * MR_TALL + lane;
              const expected = x < rows ? x * sx + p * sp + 1 : 0;
              expect(
                f32[(dst >>> 2) + (q * depth + p) * MR_TALL + lane],
                `X=${rows} K=${depth} sx=${sx} sp=${sp} x=${x} p=${p}`,
              ).toBe(expected);
            }
          }
        }
        // Nothing past the last panel is written.
        expect(f32[(dst >>> 2) + panels * MR_TALL * depth]).toBe(-1);
      }
    }
  });

  it('keeps every bit (NaN payloads, -0) on each path', () => {
    const { kernels, f32 } = instance(false);
    const bits = new Uint32Array(f32.buffer);
    const src = LAYOUT.heapStart;
    const dst = src + 4096;
    const [rows, depth] = [12, 8];
    const patterns = [0x7fa00001, 0xffc00123, 0x80000000, 0x7f800000, 0x00000001, 0x3f800000];
    for (let i = 0; i < rows * depth; i++) bits[(src >>> 2) + i] = patterns[i % patterns.length]!;
    for (const [sx, sp] of [
      [1, rows],
      [depth, 1],
    ] as const) {
      kernels.pack6(src, sx, sp, rows, depth, dst);
      for (let x = 0; x < rows; x++) {
        for (let p = 0; p < depth; p++) {
          const at = (dst >>> 2) + (Math.floor(x / MR_TALL) * depth + p) * MR_TALL + (x % MR_TALL);
          expect(bits[at], `sx=${sx} x=${x} p=${p}`).toBe(bits[(src >>> 2) + x * sx + p * sp]);
        }
      }
    }
  });
});

/** The gemm job's fields for C (m × n) = A (m × k) · B (k × n), as wasm-matmul.ts writes them. */
interface Product {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly kc: number;
  readonly rowPanelsPerChunk: number;
  readonly colPanelsPerChunk: number;
}

/** Runs `product` on random A and B through pack6 (or pack4) and run_chunk; checks C against float64. */
function checkProduct(relaxed: boolean, panelRows: number, product: Product, transposeA: boolean): void {
  const { kernels, f32, i32 } = instance(relaxed);
  const { m, n, k, kc, rowPanelsPerChunk, colPanelsPerChunk } = product;
  const random = seededRandom(m * 10007 + n * 101 + k);
  const a = Float32Array.from({ length: m * k }, () => random() * 2 - 1);
  const b = Float32Array.from({ length: k * n }, () => random() * 2 - 1);
  const rowPanels = Math.ceil(m / panelRows);
  const columnPanels = Math.ceil(n / NR);
  const addressA = LAYOUT.heapStart;
  const addressB = addressA + m * k * 4;
  const packedA = addressB + k * n * 4;
  const packedB = packedA + rowPanels * panelRows * k * 4;
  const c = packedB + columnPanels * NR * k * 4;
  expect(c + (m * n + 16) * 4).toBeLessThan(PAGES * 65536);
  // A stored as m × k, or as its transpose (k × m) when transposeA.
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) f32[(addressA >>> 2) + (transposeA ? p * m + i : i * k + p)] = a[i * k + p]!;
  }
  f32.set(b, addressB >>> 2);
  f32.fill(Number.NaN, c >>> 2, (c >>> 2) + m * n + 16);
  const [sx, sp] = transposeA ? [1, m] : [k, 1];
  (panelRows === MR_TALL ? kernels.pack6 : kernels.pack4)(addressA, sx, sp, m, k, packedA);
  kernels.pack8(addressB, 1, n, n, k, packedB);
  const job = LAYOUT.job >>> 2;
  const columnChunks = Math.ceil(columnPanels / colPanelsPerChunk);
  i32[job] = JOB_KIND.gemm;
  i32[job + GEMM_JOB.packedA] = packedA;
  i32[job + GEMM_JOB.packedB] = packedB;
  i32[job + GEMM_JOB.c] = c;
  i32[job + GEMM_JOB.m] = m;
  i32[job + GEMM_JOB.n] = n;
  i32[job + GEMM_JOB.k] = k;
  i32[job + GEMM_JOB.kc] = kc;
  i32[job + GEMM_JOB.rowPanelsPerChunk] = rowPanelsPerChunk;
  i32[job + GEMM_JOB.colPanelsPerChunk] = colPanelsPerChunk;
  i32[job + GEMM_JOB.colChunks] = columnChunks;
  i32[job + GEMM_JOB.tiles] = LAYOUT.tiles;
  i32[job + GEMM_JOB.panelRows] = panelRows;
  // Sentinels around the two participants' tile scratch: an edge tile must stay inside its own.
  f32.fill(7, (LAYOUT.tiles >>> 2) + (2 * TILE_BYTES) / 4, (LAYOUT.tiles >>> 2) + (3 * TILE_BYTES) / 4);
  const chunks = Math.ceil(rowPanels / rowPanelsPerChunk) * columnChunks;
  // Backwards, alternating participants, as two threads might take them.
  for (let chunk = chunks - 1; chunk >= 0; chunk--) kernels.run_chunk(LAYOUT.job, chunk, chunk % 2);
  const label = `${relaxed ? 'relaxed ' : ''}${panelRows} rows, ${JSON.stringify(product)}, transposeA ${transposeA}`;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[p * n + j]!;
      const actual = f32[(c >>> 2) + i * n + j]!;
      expect(Math.abs(actual - sum), `${label}: C[${i}, ${j}] = ${actual}, not ${sum}`).toBeLessThanOrEqual(
        1e-6 * k + 1e-6 * Math.abs(sum),
      );
    }
  }
  for (let e = m * n; e < m * n + 16; e++) expect(f32[(c >>> 2) + e], `${label}: past C`).toBeNaN();
  const third = (LAYOUT.tiles >>> 2) + (2 * TILE_BYTES) / 4;
  expect(Array.from(f32.subarray(third, third + TILE_BYTES / 4)), `${label}: third tile`).toEqual(
    new Array<number>(TILE_BYTES / 4).fill(7),
  );
}

const shapes: [number, number, number][] = [
  [1, 1, 1],
  [6, 8, 4],
  [5, 7, 3],
  [7, 9, 5],
  [12, 16, 16],
  [13, 17, 33],
  [19, 23, 40],
  [47, 65, 70],
];

const relaxedSimd = detectFeatures().relaxedSimd;

// relaxed-simd.test.ts runs this file again in a process with relaxed SIMD.
describe.skipIf(!relaxedSimd)('gemm job in the relaxed-SIMD module', () => {
  it(`runs a job marked tall on ${MR_TALL}-row panels and any other on ${MR}-row panels, for m, n, k on and off the tiles, in depth blocks`, () => {
    for (const [m, n, k] of shapes) {
      for (const kc of [16, 256]) {
        checkProduct(true, MR_TALL, { m, n, k, kc, rowPanelsPerChunk: 1, colPanelsPerChunk: 1 }, false);
        checkProduct(true, MR_TALL, { m, n, k, kc, rowPanelsPerChunk: 2, colPanelsPerChunk: 3 }, true);
      }
      checkProduct(true, MR, { m, n, k, kc: 16, rowPanelsPerChunk: 2, colPanelsPerChunk: 1 }, false);
    }
  });
});
