/**
 * @file The workgroup-tiled MatMul shader, for large products on real GPUs, and the rule that picks it
 * over the register-tiled one in MatMul.ts.
 *
 * Why: the register-tiled shader reads every A and B element from global memory (L1/L2) once per 4×4
 * output tile, so at 2048 an H100 spends its time waiting on loads (6.5 TFLOP/s, a tenth of its
 * fp32 peak). Here a workgroup owns a BM×BN block of one batch's output (128×128 with 256 invocations,
 * or 64×64 with 64) and walks k in steps of BK = 8: each step copies the BM×BK slab of A and the BK×BN
 * slab of B into workgroup memory once, and every invocation then computes an 8×8 register tile from
 * it: each element loaded from global memory serves a whole block row (or column) of the output, and
 * each value read from workgroup memory feeds 8 multiply-adds. The classic SGEMM design of CUDA's
 * hand-written kernels:
 * - Workgroup memory holds both slabs k-major (As[kk][row], Bs[kk][col]) as vec4s, so each step of the
 *   inner loop is four 16-byte workgroup reads (two of A, two of B) for 64 fused multiply-adds. An
 *   invocation's 8 rows are two groups of 4 that lie BM/2 apart (and its 8 columns likewise), so the
 *   invocations of one warp read consecutive vec4s of Bs (no bank conflicts) and one vec4 of As
 *   (a broadcast).
 * - Global loads are vec4 where the layout allows it: the operand's contiguous dim (k for A and for a
 *   transposed B, m for a transposed A, n for B) a multiple of 4, so a vec4 never straddles a row and
 *   every batch offset stays 16-byte aligned. Otherwise the same slabs are loaded one scalar at a time,
 *   consecutive invocations on consecutive addresses. A slab loaded along k is stored transposed into
 *   workgroup memory (four scalar writes); one loaded along m or n is stored as it came.
 * - The next slab is loaded into registers while the current one is multiplied (one workgroup buffer,
 *   two barriers per step), so global latency hides behind arithmetic.
 * - Edge blocks: rows, columns and k past the matrix load as zeros and are never stored, so any m, n,
 *   k (k = 0 gives zeros) and any batch broadcast work; the output is written as vec4 when n % 4 = 0.
 * - Workgroups run in bands of 8 block rows (block column slowest within a band), so the blocks in
 *   flight at once share A's rows and B's columns in L2.
 * - The shader source depends only on the tile, the dtype, the transposes and which operands are vec4:
 *   sizes and strides are uniforms, as everywhere in this backend.
 *
 * The choice (`chooseMatMulShader`): the tiled shaders need 256 (or 64) invocations per workgroup and
 * only pay off when there are enough blocks to fill the GPU and k is long enough to amortise the
 * barriers. The thresholds below are heuristics, to be tuned on real GPUs with
 * `scripts/device/webgpu-check.ts` (it times every shader at 256, 1024, 2048 and 4096 and prints what
 * this rule picks). The rule is not tuned for SwiftShader (WebGPU on the CPU): there each tiled shader
 * takes seconds to compile (once per variant and process), after which `tiled-64` measured 1.4 s
 * against the register tile's 2.0 s for one 512³ product, on a busy 2-core machine.
 */

import type { Uniform } from '../program.js';
import { shaderSource, uniformFields, wgslType } from '../program.js';
import type { GpuData } from '../gpu-data.js';
import type { KernelContext } from '../kernel-context.js';
import type { WebGpuMatMulShader } from '../types.js';

/** One block tile: the output block of a workgroup, the k step, and the output tile of an invocation. */
export interface MatMulTile {
  /** BM: output rows per workgroup. */
  readonly blockRows: number;
  /** BN: output columns per workgroup. */
  readonly blockColumns: number;
  /** BK: k per step (a multiple of 4). */
  readonly blockDepth: number;
  /** TM: output rows per invocation (a multiple of 4). */
  readonly threadRows: number;
  /** TN: output columns per invocation (a multiple of 4). */
  readonly threadColumns: number;
}

/** The large tile: 256 invocations, 8 KiB of workgroup memory. */
export const TILE_128: MatMulTile = {
  blockRows: 128,
  blockColumns: 128,
  blockDepth: 8,
  threadRows: 8,
  threadColumns: 8,
};
/** The medium tile, four times as many workgroups for the same output: 64 invocations, 4 KiB. */
export const TILE_64: MatMulTile = { blockRows: 64, blockColumns: 64, blockDepth: 8, threadRows: 8, threadColumns: 8 };

/** Workgroups in flight at once share block rows in bands of this many (L2 reuse). */
const BAND_ROWS = 8;

/**
 * Heuristics (see the file header): the 128 tile from this many workgroups of it (about the number of
 * streaming multiprocessors of a large GPU, so that each has one), the 64 tile from this many of it,
 * and neither below this k.
 */
export const MATMUL_TILING_THRESHOLDS = { tile128Workgroups: 128, tile64Workgroups: 64, minDepth: 32 } as const;

/** The shader one product runs. */
export type MatMulShaderName = 'register' | 'tiled-64' | 'tiled-128';

/** Invocations per workgroup of a tile. */
export function tileInvocations(tile: MatMulTile): number {
  return (tile.blockRows / tile.threadRows) * (tile.blockColumns / tile.threadColumns);
}

/**
 * The shader for a product of `batches` m×k by k×n matrices: `requested` when it names one (a tiled
 * one only where the device allows its workgroup), else the size rule above.
 *
 * @example chooseMatMulShader('auto', 1, 4096, 4096, 4096, 256) // 'tiled-128'
 * @example chooseMatMulShader('auto', 1, 64, 64, 64, 256)       // 'register'
 */
export function chooseMatMulShader(
  requested: WebGpuMatMulShader,
  batches: number,
  m: number,
  n: number,
  k: number,
  maxInvocations: number,
): MatMulShaderName {
  const fits = (tile: MatMulTile): boolean => tileInvocations(tile) <= maxInvocations;
  if (requested === 'tiled-128') return fits(TILE_128) ? 'tiled-128' : 'register';
  if (requested === 'tiled-64') return fits(TILE_64) ? 'tiled-64' : 'register';
  if (requested === 'register' || k < MATMUL_TILING_THRESHOLDS.minDepth) return 'register';
  const blocks = (tile: MatMulTile): number =>
    batches * Math.ceil(m / tile.blockRows) * Math.ceil(n / tile.blockColumns);
  if (fits(TILE_128) && blocks(TILE_128) >= MATMUL_TILING_THRESHOLDS.tile128Workgroups) return 'tiled-128';
  if (fits(TILE_64) && blocks(TILE_64) >= MATMUL_TILING_THRESHOLDS.tile64Workgroups) return 'tiled-64';
  return 'register';
}

/** One batched product as MatMul.ts has set it up, for either shader. */
export interface MatMulProblem {
  readonly dtype: 'float32' | 'int32';
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  /** Output matrices (the batch dims' product). */
  readonly batches: number;
  /** A(i, p) = a[a_base + i * aRowStride + p * aColStride]; B(p, j) likewise. */
  readonly aRowStride: number;
  readonly aColStride: number;
  readonly bRowStride: number;
  readonly bColStride: number;
  /** The batch dims' uniforms, and WGSL lines that set `a_base` and `b_base` (elements) from the batch `t`. */
  readonly batchUniforms: readonly Uniform[];
  readonly batchLines: readonly string[];
  readonly a: GpuData;
  readonly b: GpuData;
  readonly output: GpuData;
}

/** How one operand's slab is read: which operand, its outer dim, and whether its k is contiguous. */
interface OperandLayout {
  /** `a` or `b`: the storage array, and the prefix of this operand's names. */
  readonly name: 'a' | 'b';
  /** Its workgroup array. */
  readonly shared: 'As' | 'Bs';
  /** The uniform of its outer dim (m for A, n for B) and the WGSL value of its block's first index. */
  readonly outerSize: string;
  readonly origin: string;
  /** BM for A, BN for B. */
  readonly block: number;
  /** True when consecutive k are adjacent in memory (A untransposed, B transposed). */
  readonly alongK: boolean;
  /** True when the slab is loaded as vec4. */
  readonly vector: boolean;
}

const LANES = ['x', 'y', 'z', 'w'] as const;

/**
 * The WGSL that loads one operand's slab: `setup` (per-invocation constants, before the k loop),
 * `load(k)` (global memory to registers for the slab starting at k) and `store` (registers to
 * workgroup memory). Slot s of invocation `lid` handles the slab's (lid + s × invocations)-th vec4 or
 * element, counted along the operand's contiguous dim first so that neighbouring invocations read
 * neighbouring addresses.
 */
function operandCode(
  layout: OperandLayout,
  tile: MatMulTile,
  invocations: number,
  type: string,
): { setup: string[]; load: (k: string) => string[]; store: string[] } {
  const { name: x, shared, outerSize, origin, block, alongK, vector } = layout;
  const depth = tile.blockDepth;
  const elements = (block * depth) / invocations;
  const slots = vector ? elements / 4 : elements;
  if (!Number.isInteger(slots) || slots < 1) throw new Error(`MatMul tile ${JSON.stringify(tile)}: uneven slab load`);
  const setup: string[] = [];
  const loadLines: ((k: string) => string)[] = [];
  const store: string[] = [];
  const zero = vector ? `vec4<${type}>()` : `${type}()`;
  for (let s = 0; s < slots; s++) {
    const index = `(lid + ${s * invocations}u)`;
    const [o, q, r] = [`${x}o${s}`, `${x}q${s}`, `${x}r${s}`];
    if (vector && alongK) {
      // One vec4 covers k..k+3 of one row: stored transposed, one lane per k.
      setup.push(
        `  let ${o} = ${index} / ${depth / 4}u;`,
        `  let ${q} = (${index} % ${depth / 4}u) * 4u;`,
        `  let ${x}at${s} = (${x}_base + (${origin} + ${o}) * p.${x}_outer + ${q}) / 4u;`,
      );
      loadLines.push((k) => `${x}at${s} + ${k} / 4u`);
      for (let c = 0; c < 4; c++)
        store.push(`  ${shared}[(${q} + ${c}u) * ${block / 4}u + ${o} / 4u][${o} % 4u] = ${r}.${LANES[c]};`);
    } else if (vector) {
      // One vec4 covers 4 adjacent rows (columns) at one k: stored as it came.
      setup.push(
        `  let ${o} = (${index} % ${block / 4}u) * 4u;`,
        `  let ${q} = ${index} / ${block / 4}u;`,
        `  let ${x}at${s} = (${x}_base + ${q} * p.${x}_inner + ${origin} + ${o}) / 4u;`,
      );
      loadLines.push((k) => `${x}at${s} + ${k} * (p.${x}_inner / 4u)`);
      store.push(`  ${shared}[${q} * ${block / 4}u + ${o} / 4u] = ${r};`);
    } else {
      setup.push(
        alongK ? `  let ${o} = ${index} / ${depth}u;` : `  let ${o} = ${index} % ${block}u;`,
        alongK ? `  let ${q} = ${index} % ${depth}u;` : `  let ${q} = ${index} / ${block}u;`,
        `  let ${x}at${s} = ${x}_base + (${origin} + ${o}) * p.${x}_outer + ${q} * p.${x}_inner;`,
      );
      loadLines.push((k) => `${x}at${s} + ${k} * p.${x}_inner`);
      store.push(`  ${shared}[${q} * ${block / 4}u + ${o} / 4u][${o} % 4u] = ${r};`);
    }
    setup.push(`  let ${x}in${s} = ${origin} + ${o} < p.${outerSize};`, `  var ${r} = ${zero};`);
  }
  setup.push(`  let ${x}_last = arrayLength(&${x}) - 1u;`);
  // Rows (columns) past the matrix and k past its end read as zeros. The load itself is unconditional
  // at an index clamped into the buffer, and `select` drops it: SwiftShader's compiler took minutes
  // (or never finished) on the same shader with an if/else around each load.
  const load = (k: string): string[] =>
    loadLines.map(
      (at, s) => `  ${x}r${s} = select(${zero}, ${x}[min(${at(k)}, ${x}_last)], ${x}in${s} && ${k} + ${x}q${s} < p.k);`,
    );
  return { setup, load, store };
}

/** The complete WGSL of the tiled shader for one tile, dtype, layout and set of batch uniforms. */
export function tiledMatMulSource(
  tile: MatMulTile,
  problem: MatMulProblem,
  uniforms: readonly Uniform[],
  vectors: { readonly a: boolean; readonly b: boolean; readonly out: boolean },
): string {
  const { blockRows: bm, blockColumns: bn, blockDepth: bk, threadRows: tm, threadColumns: tn } = tile;
  const type = wgslType(problem.dtype);
  const invocations = tileInvocations(tile);
  const threadsX = bn / tn;
  const threadsY = bm / tm;
  const a = operandCode(
    {
      name: 'a',
      shared: 'As',
      outerSize: 'm',
      origin: 'i0',
      block: bm,
      alongK: !problem.transposeA,
      vector: vectors.a,
    },
    tile,
    invocations,
    type,
  );
  const b = operandCode(
    { name: 'b', shared: 'Bs', outerSize: 'n', origin: 'j0', block: bn, alongK: problem.transposeB, vector: vectors.b },
    tile,
    invocations,
    type,
  );
  const accumulators: string[] = [];
  for (let r = 0; r < tm; r++)
    for (let h = 0; h < tn / 4; h++) accumulators.push(`  var acc${r}_${h} = vec4<${type}>();`);
  // The inner loop, unrolled over the slab's k so every index below is a constant plus tx or ty.
  const multiply: string[] = [];
  for (let kk = 0; kk < bk; kk++) {
    const step: string[] = [];
    for (let h = 0; h < tm / 4; h++) step.push(`let fa${h} = As[${(kk * bm) / 4 + h * threadsY}u + ty];`);
    for (let h = 0; h < tn / 4; h++) step.push(`let fb${h} = Bs[${(kk * bn) / 4 + h * threadsX}u + tx];`);
    for (let r = 0; r < tm; r++) {
      const scalar = `fa${r >> 2}.${LANES[r & 3]}`;
      for (let h = 0; h < tn / 4; h++) {
        const acc = `acc${r}_${h}`;
        step.push(
          type === 'f32'
            ? `${acc} = fma(vec4<f32>(${scalar}), fb${h}, ${acc});`
            : `${acc} = ${acc} + ${scalar} * fb${h};`,
        );
      }
    }
    multiply.push(`    {\n      ${step.join('\n      ')}\n    }`);
  }
  const stores: string[] = [];
  for (let r = 0; r < tm; r++) {
    const row = `i0 + ty * 4u + ${(r >> 2) * 4 * threadsY + (r & 3)}u`;
    const columns: string[] = [];
    for (let h = 0; h < tn / 4; h++) {
      const column = `j0 + tx * 4u + ${h * 4 * threadsX}u`;
      const acc = `acc${r}_${h}`;
      if (vectors.out) {
        columns.push(`    if (${column} < p.n) { out[(row_at + ${column}) / 4u] = ${acc}; }`);
      } else {
        for (let c = 0; c < 4; c++)
          columns.push(`    if (${column} + ${c}u < p.n) { out[row_at + ${column} + ${c}u] = ${acc}.${LANES[c]}; }`);
      }
    }
    stores.push(`  if (${row} < p.m) {\n    let row_at = out_base + (${row}) * p.n;\n${columns.join('\n')}\n  }`);
  }
  const body = `  let per_batch = p.tiles_m * p.tiles_n;
  let t = group / per_batch;
  let g = group - t * per_batch;
  let band = g / (${BAND_ROWS}u * p.tiles_n);
  let in_band = g - band * ${BAND_ROWS}u * p.tiles_n;
  let band_rows = min(p.tiles_m - band * ${BAND_ROWS}u, ${BAND_ROWS}u);
  let i0 = (band * ${BAND_ROWS}u + in_band % band_rows) * ${bm}u;
  let j0 = (in_band / band_rows) * ${bn}u;
${problem.batchLines.join('\n')}
  let tx = lid % ${threadsX}u;
  let ty = lid / ${threadsX}u;
${[...a.setup, ...b.setup, ...accumulators, ...a.load('0u'), ...b.load('0u')].join('\n')}
  for (var k0 = 0u; k0 < p.k; k0 = k0 + ${bk}u) {
  ${[...a.store, ...b.store].join('\n  ')}
    workgroupBarrier();
    let k1 = k0 + ${bk}u;
  ${[...a.load('k1'), ...b.load('k1')].join('\n  ')}
${multiply.join('\n')}
    workgroupBarrier();
  }
  let out_base = t * p.m * p.n;
${stores.join('\n')}`;
  const vec = (on: boolean): string => (on ? `vec4<${type}>` : type);
  return shaderSource({
    inputs: [
      { name: 'a', type: vec(vectors.a) },
      { name: 'b', type: vec(vectors.b) },
    ],
    outputType: vec(vectors.out),
    uniforms: uniformFields(uniforms),
    workgroupSize: invocations,
    mode: 'group',
    declarations: `var<workgroup> As: array<vec4<${type}>, ${(bk * bm) / 4}>;\nvar<workgroup> Bs: array<vec4<${type}>, ${(bk * bn) / 4}>;`,
    helpers: [],
    body,
  });
}

/** Records the tiled shader for `problem` (non-empty output) with `tile`. */
export function runTiledMatMul(context: KernelContext, problem: MatMulProblem, tile: MatMulTile): void {
  const { m, n, k, transposeA, transposeB, batches } = problem;
  const tilesM = Math.ceil(m / tile.blockRows);
  const tilesN = Math.ceil(n / tile.blockColumns);
  // Each operand's contiguous dim: k for A and for a transposed B, m for a transposed A, n for B.
  const vectors = {
    a: (transposeA ? m : k) % 4 === 0,
    b: (transposeB ? k : n) % 4 === 0,
    out: n % 4 === 0,
  };
  const uniforms: Uniform[] = [
    { name: 'm', type: 'u32', value: m },
    { name: 'n', type: 'u32', value: n },
    { name: 'k', type: 'u32', value: k },
    // A(i, p) = a[a_base + i * a_outer + p * a_inner]; B(p, j) = b[b_base + j * b_outer + p * b_inner].
    { name: 'a_outer', type: 'u32', value: problem.aRowStride },
    { name: 'a_inner', type: 'u32', value: problem.aColStride },
    { name: 'b_outer', type: 'u32', value: problem.bColStride },
    { name: 'b_inner', type: 'u32', value: problem.bRowStride },
    { name: 'tiles_m', type: 'u32', value: tilesM },
    { name: 'tiles_n', type: 'u32', value: tilesN },
    ...problem.batchUniforms,
  ];
  const workgroups = batches * tilesM * tilesN;
  context.run({
    source: tiledMatMulSource(tile, problem, uniforms, vectors),
    inputs: [problem.a, problem.b],
    output: problem.output,
    size: workgroups,
    uniforms,
    workgroups,
  });
}
