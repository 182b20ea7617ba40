/**
 * @file Emits the matrix product: operand packing, the register-blocked micro-kernels (6×8 for
 * MatMul with relaxed SIMD, 4×8 otherwise), and the gemm chunk function, which computes
 * one rectangle of C from packed operands (the unit the thread pool hands out). The scheme is
 * BLIS's, cut down to what 128-bit SIMD needs:
 *
 * - A is packed into panels of MR_TALL = 6 rows (MatMul with relaxed SIMD, `pack6`) or MR = 4 rows
 *   (`pack4`, which the convolutions' packing shares), B into panels of NR = 8 columns; within a panel, the values
 *   of one depth step p are adjacent. Packing reads any strides, so a transposed operand costs only
 *   a different packing path (4×4 and 2×4 register transposes instead of a copy), and the product
 *   itself always runs on the same panels: transposed products at the plain product's speed.
 * - The micro-kernel keeps a rows×8 block of C in 2·rows vector registers; per depth step it loads
 *   two B vectors and one broadcast A value per row (load32_splat) and does 2·rows multiply-adds.
 *   With relaxed SIMD the multiply-add is one fused instruction, and 6 rows take 12 accumulators +
 *   2 B + 1 A: 15 registers, all V8 allocates on x64. Without it see emitMicroKernel.
 * - The depth is cut into blocks of `kc` so a B micro-panel (kc × 8 floats) stays in L1 while the
 *   A panels of a chunk stream from L2; C tiles are then updated (beta = 1) after the first block.
 *
 * Every C element is computed by the same instruction sequence whichever chunk, thread or panel
 * height computes it, so a threaded product equals the single-threaded one bit for bit.
 */

import { type Code, FunctionBuilder, type Local, type ModuleBuilder, Type, seq } from './encoder.js';
import { control, f32, f32x4, f64, f64x2, forRange, i32, increment, v128, walkTo, whileLoop } from './instructions.js';

/** Rows of A per panel (micro-kernel height) in the convolutions' packed products (`pack4`). */
export const MR = 4;
/**
 * Rows of A per panel in MatMul's products with relaxed SIMD (`pack6`): the tallest tile whose
 * accumulators, B vectors and A broadcast fit the registers (see emitMicroKernel).
 */
export const MR_TALL = 6;
/** Columns of B per panel (micro-kernel width). */
export const NR = 8;
/** Bytes of a participant's scratch for edge tiles: the tallest micro-tile (MR_TALL × NR floats). */
export const TILE_BYTES = MR_TALL * NR * 4;
/** Panel widths `emitPack` can emit. */
export type PanelWidth = 4 | 6 | 8;

/** The fields of a gemm job in memory, as i32 slots after the job's kind. */
export const GEMM_JOB = {
  packedA: 1,
  packedB: 2,
  c: 3,
  m: 4,
  n: 5,
  k: 6,
  kc: 7,
  rowPanelsPerChunk: 8,
  colPanelsPerChunk: 9,
  colChunks: 10,
  tiles: 11,
  /** MR_TALL for panels packed by `pack6` (relaxed-SIMD module only); anything else means MR (`pack4`). */
  panelRows: 12,
} as const;

const minU = (a: Code, b: Code): Code => i32.select(a, b, i32.lt_u(a, b));

/**
 * Emits `pack{W}(src, sx, sp, X, K, dst)`: the X×K operand whose element (x, p) is the float at
 * `src + 4 * (x * sx + p * sp)`, as panels of W along x, W values per depth step, zero-padded past X.
 * Every path moves bits unchanged (NaN payloads included).
 */
export function emitPack(module: ModuleBuilder, width: PanelWidth): number {
  return module.add(
    new FunctionBuilder([Type.i32, Type.i32, Type.i32, Type.i32, Type.i32, Type.i32]),
    (f) => {
      const [src, sx, sp, X, K, dst] = f.params as [Local, Local, Local, Local, Local, Local];
      const [x0, p, lane, g, address, sxBytes, spBytes, k4] = f.locals(Type.i32, 8);
      const rows = f.locals(Type.i32, 4);
      const v = f.locals(Type.v128, 4);
      const u = f.locals(Type.v128, 4);
      const panelBytes = width * 4;
      const full = i32.le_u(i32.add(x0.get(), i32.const(width)), X.get());
      // Contiguous along x (A transposed, B plain): each depth step is width / 4 vector copies.
      const copyPath = forRange(
        p,
        i32.const(0),
        K.get(),
        1,
        ...Array.from({ length: Math.floor(width / 4) }, (_, q) =>
          v128.store(dst.get(), v128.load(address.get(), 16 * q), 16 * q),
        ),
        // Width 6: the last two floats as one 8-byte move (loads and stores keep every bit).
        ...(width % 4 === 2 ? [f64.store(dst.get(), f64.load(address.get(), width * 4 - 8), width * 4 - 8)] : []),
        increment(dst, panelBytes),
        increment(address, spBytes.get()),
      );
      // Contiguous along depth (A plain, B transposed): 4×4 blocks transposed in registers.
      const transpose4 = seq(
        ...v.map((vi, i) => seq(vi.set(v128.load(rows[i]!.get())), increment(rows[i]!, 16))),
        u[0].set(f32x4.shuffle(v[0].get(), v[1].get(), [0, 4, 1, 5])),
        u[1].set(f32x4.shuffle(v[0].get(), v[1].get(), [2, 6, 3, 7])),
        u[2].set(f32x4.shuffle(v[2].get(), v[3].get(), [0, 4, 1, 5])),
        u[3].set(f32x4.shuffle(v[2].get(), v[3].get(), [2, 6, 3, 7])),
        v128.store(address.get(), f32x4.shuffle(u[0].get(), u[2].get(), [0, 1, 4, 5])),
        v128.store(address.get(), f32x4.shuffle(u[0].get(), u[2].get(), [2, 3, 6, 7]), panelBytes),
        v128.store(address.get(), f32x4.shuffle(u[1].get(), u[3].get(), [0, 1, 4, 5]), 2 * panelBytes),
        v128.store(address.get(), f32x4.shuffle(u[1].get(), u[3].get(), [2, 3, 6, 7]), 3 * panelBytes),
        increment(address, 4 * panelBytes),
      );
      const transposeTail = seq(
        ...rows.map((r, i) => seq(f32.store(address.get(), f32.load(r.get()), 4 * i), increment(r, 4))),
        increment(address, panelBytes),
      );
      // Width 6: the last two rows as 2×4 blocks, two floats (8 bytes) per depth step.
      const transpose2 = seq(
        ...v.slice(0, 2).map((vi, i) => seq(vi.set(v128.load(rows[i]!.get())), increment(rows[i]!, 16))),
        u[0].set(f32x4.shuffle(v[0].get(), v[1].get(), [0, 4, 1, 5])),
        u[1].set(f32x4.shuffle(v[0].get(), v[1].get(), [2, 6, 3, 7])),
        ...[0, 1, 2, 3].map((q) =>
          f64.store(address.get(), f64x2.extract_lane(u[q >> 1]!.get(), q & 1), q * panelBytes),
        ),
        increment(address, 4 * panelBytes),
      );
      const pairTail = seq(
        ...rows.slice(0, 2).map((r, i) => seq(f32.store(address.get(), f32.load(r.get()), 4 * i), increment(r, 4))),
        increment(address, panelBytes),
      );
      const quads = width - (width % 4);
      const transposePath = seq(
        forRange(
          g,
          i32.const(0),
          i32.const(quads),
          4,
          rows[0].set(i32.add(src.get(), i32.mul(i32.add(x0.get(), g.get()), sxBytes.get()))),
          ...rows.slice(1).map((r, i) => r.set(i32.add(rows[i]!.get(), sxBytes.get()))),
          address.set(i32.add(dst.get(), i32.shl(g.get(), i32.const(2)))),
          forRange(p, i32.const(0), k4.get(), 4, transpose4),
          forRange(p, k4.get(), K.get(), 1, transposeTail),
        ),
        ...(quads === width
          ? []
          : [
              rows[0].set(i32.add(src.get(), i32.mul(i32.add(x0.get(), i32.const(quads)), sxBytes.get()))),
              rows[1].set(i32.add(rows[0].get(), sxBytes.get())),
              address.set(i32.add(dst.get(), i32.const(4 * quads))),
              forRange(p, i32.const(0), k4.get(), 4, transpose2),
              forRange(p, k4.get(), K.get(), 1, pairTail),
            ]),
      );
      // Anything else, and the last partial panel: one float at a time, zero past X.
      const generalPath = forRange(
        p,
        i32.const(0),
        K.get(),
        1,
        forRange(
          lane,
          i32.const(0),
          i32.const(width),
          1,
          f32.store(dst.get(), f32.const(0)),
          control.if(
            i32.lt_u(i32.add(x0.get(), lane.get()), X.get()),
            f32.store(
              dst.get(),
              f32.load(
                i32.add(
                  src.get(),
                  i32.add(i32.mul(i32.add(x0.get(), lane.get()), sxBytes.get()), i32.mul(p.get(), spBytes.get())),
                ),
              ),
            ),
          ),
          increment(dst, 4),
        ),
      );
      return seq(
        sxBytes.set(i32.shl(sx.get(), i32.const(2))),
        spBytes.set(i32.shl(sp.get(), i32.const(2))),
        k4.set(i32.and(K.get(), i32.const(-4))),
        forRange(
          x0,
          i32.const(0),
          X.get(),
          width,
          control.if(
            i32.and(full, i32.eq(sx.get(), i32.const(1))),
            seq(address.set(i32.add(src.get(), i32.shl(x0.get(), i32.const(2)))), copyPath),
            control.if(
              i32.and(full, i32.eq(sp.get(), i32.const(1))),
              seq(transposePath, increment(dst, i32.mul(K.get(), i32.const(panelBytes)))),
              generalPath,
            ),
          ),
        ),
      );
    },
    `pack${width}`,
  );
}

/**
 * Emits `micro(ap, bp, c, ldc, kc, beta)`: C[rows×8] (row stride `ldc` bytes) = (beta ? C : 0) +
 * A-panel · B-panel over `kc` depth steps, `rows` being MR (the convolutions' panels) or MR_TALL
 * (MatMul's). Per depth step: two B vectors, then per row one broadcast load of A (load32_splat) and
 * two multiply-adds. One depth step per loop pass: unrolling by two made V8 hoist the next step's
 * loads and spill accumulators (measured 36 → 30 GFLOP/s at 4 rows, and slower again at 6).
 *
 * Registers (V8 on x64 allocates 15 of the 16 XMM registers): 6 rows with relaxed SIMD take 12
 * accumulators + 2 B + 1 A, none spilled, 10-20% faster than 4 rows (measured, one thread, 256 and
 * 1024). Without relaxed SIMD each multiply needs a product register too, so 6 rows spill one
 * accumulator; 4, 5 and 6 rows there all ran at the same speed (the arithmetic ports are the limit).
 */
export function emitMicroKernel(module: ModuleBuilder, rows: number, relaxed: boolean): number {
  return module.add(new FunctionBuilder([Type.i32, Type.i32, Type.i32, Type.i32, Type.i32, Type.i32]), (f) => {
    const [ap, bp, c, ldc, kc, beta] = f.params as [Local, Local, Local, Local, Local, Local];
    const [end, row] = f.locals(Type.i32, 2);
    const acc = f.locals(Type.v128, rows * 2);
    const [b0, b1, a] = f.locals(Type.v128, 3);
    const madd = (x: Code, y: Code, z: Code): Code =>
      relaxed ? f32x4.relaxed_madd(x, y, z) : f32x4.add(z, f32x4.mul(x, y));
    const aStep = rows * 4;
    const step = seq(
      b0.set(v128.load(bp.get())),
      b1.set(v128.load(bp.get(), 16)),
      ...Array.from({ length: rows }, (_, r) =>
        seq(
          a.set(v128.load32_splat(ap.get(), 4 * r)),
          acc[2 * r]!.set(madd(a.get(), b0.get(), acc[2 * r]!.get())),
          acc[2 * r + 1]!.set(madd(a.get(), b1.get(), acc[2 * r + 1]!.get())),
        ),
      ),
    );
    const eachRow = (body: (r: number) => Code): Code =>
      seq(row.set(c.get()), ...Array.from({ length: rows }, (_, r) => seq(body(r), increment(row, ldc.get()))));
    return seq(
      control.if(
        beta.get(),
        eachRow((r) => seq(acc[2 * r]!.set(v128.load(row.get())), acc[2 * r + 1]!.set(v128.load(row.get(), 16)))),
        seq(...acc.map((x) => x.set(v128.zero()))),
      ),
      end.set(i32.add(ap.get(), i32.mul(kc.get(), i32.const(aStep)))),
      walkTo(ap, end, step, increment(ap, aStep), increment(bp, 32)),
      eachRow((r) => seq(v128.store(row.get(), acc[2 * r]!.get()), v128.store(row.get(), acc[2 * r + 1]!.get(), 16))),
    );
  });
}

/** Emits `copy_tile(src, srcStride, dst, dstStride, rows, cols)` (strides in bytes). */
export function emitCopyTile(module: ModuleBuilder): number {
  return module.add(new FunctionBuilder([Type.i32, Type.i32, Type.i32, Type.i32, Type.i32, Type.i32]), (f) => {
    const [src, srcStride, dst, dstStride, rows, cols] = f.params as [Local, Local, Local, Local, Local, Local];
    const [r, j] = f.locals(Type.i32, 2);
    return forRange(
      r,
      i32.const(0),
      rows.get(),
      1,
      forRange(
        j,
        i32.const(0),
        i32.shl(cols.get(), i32.const(2)),
        4,
        f32.store(i32.add(dst.get(), j.get()), f32.load(i32.add(src.get(), j.get()))),
      ),
      increment(src, srcStride.get()),
      increment(dst, dstStride.get()),
    );
  });
}

/**
 * Emits `gemm_chunk(job, chunk, participant)` for `rows`-row A panels: one rectangle of C's panel
 * grid, from packed A and B.
 */
export function emitGemmChunk(module: ModuleBuilder, micro: number, copyTile: number, rows: number): number {
  const tileBytes = rows * NR * 4;
  return module.add(new FunctionBuilder([Type.i32, Type.i32, Type.i32]), (f) => {
    const [job, chunk, participant] = f.params as [Local, Local, Local];
    const field = (slot: number): Code => i32.load(job.get(), 4 * slot);
    const [
      m,
      n,
      k,
      kc,
      ip0,
      ipEnd,
      jp0,
      jpEnd,
      ip,
      jp,
      p0,
      depth,
      beta,
      tile,
      ldc,
      i0,
      j0,
      bPanel,
      cTile,
      height,
      cols,
    ] = f.locals(Type.i32, 21);
    const ic = f.local(Type.i32);
    const fullTile = i32.and(
      i32.le_u(i32.add(i0.get(), i32.const(rows)), m.get()),
      i32.le_u(i32.add(j0.get(), i32.const(NR)), n.get()),
    );
    const aPanel = i32.add(
      field(GEMM_JOB.packedA),
      i32.mul(i32.add(i32.mul(ip.get(), k.get()), p0.get()), i32.const(rows * 4)),
    );
    const edgeTile = seq(
      height.set(minU(i32.const(rows), i32.sub(m.get(), i0.get()))),
      cols.set(minU(i32.const(NR), i32.sub(n.get(), j0.get()))),
      control.if(
        beta.get(),
        control.call(copyTile, cTile.get(), ldc.get(), tile.get(), i32.const(NR * 4), height.get(), cols.get()),
      ),
      control.call(micro, aPanel, bPanel.get(), tile.get(), i32.const(NR * 4), depth.get(), beta.get()),
      control.call(copyTile, tile.get(), i32.const(NR * 4), cTile.get(), ldc.get(), height.get(), cols.get()),
    );
    return seq(
      m.set(field(GEMM_JOB.m)),
      n.set(field(GEMM_JOB.n)),
      k.set(field(GEMM_JOB.k)),
      kc.set(field(GEMM_JOB.kc)),
      ldc.set(i32.shl(n.get(), i32.const(2))),
      tile.set(i32.add(field(GEMM_JOB.tiles), i32.mul(participant.get(), i32.const(tileBytes)))),
      ic.set(i32.div_u(chunk.get(), field(GEMM_JOB.colChunks))),
      ip0.set(i32.mul(ic.get(), field(GEMM_JOB.rowPanelsPerChunk))),
      ipEnd.set(
        minU(
          i32.add(ip0.get(), field(GEMM_JOB.rowPanelsPerChunk)),
          i32.div_u(i32.add(m.get(), i32.const(rows - 1)), i32.const(rows)),
        ),
      ),
      jp0.set(
        i32.mul(i32.sub(chunk.get(), i32.mul(ic.get(), field(GEMM_JOB.colChunks))), field(GEMM_JOB.colPanelsPerChunk)),
      ),
      jpEnd.set(
        minU(
          i32.add(jp0.get(), field(GEMM_JOB.colPanelsPerChunk)),
          i32.div_u(i32.add(n.get(), i32.const(NR - 1)), i32.const(NR)),
        ),
      ),
      p0.set(i32.const(0)),
      whileLoop(
        i32.lt_u(p0.get(), k.get()),
        depth.set(minU(kc.get(), i32.sub(k.get(), p0.get()))),
        beta.set(i32.ne(p0.get(), i32.const(0))),
        forRange(
          jp,
          jp0.get(),
          jpEnd.get(),
          1,
          j0.set(i32.shl(jp.get(), i32.const(3))),
          bPanel.set(
            i32.add(field(GEMM_JOB.packedB), i32.shl(i32.add(i32.mul(jp.get(), k.get()), p0.get()), i32.const(5))),
          ),
          forRange(
            ip,
            ip0.get(),
            ipEnd.get(),
            1,
            i0.set(i32.mul(ip.get(), i32.const(rows))),
            cTile.set(i32.add(field(GEMM_JOB.c), i32.shl(i32.add(i32.mul(i0.get(), n.get()), j0.get()), i32.const(2)))),
            control.if(
              fullTile,
              control.call(micro, aPanel, bPanel.get(), cTile.get(), ldc.get(), depth.get(), beta.get()),
              edgeTile,
            ),
          ),
        ),
        increment(p0, depth.get()),
      ),
    );
  });
}

/**
 * Emits the gemm job's chunk function. With relaxed SIMD, MatMul's products run on MR_TALL-row
 * panels (the job's `panelRows` says so) and the convolutions' on MR-row panels. Without it every
 * product runs on MR-row panels: a multiply and an add per vector keep the two or three SIMD
 * arithmetic ports busy whatever the tile's height, and 6 rows measured no faster than 4 there.
 */
export function emitGemm(module: ModuleBuilder, relaxed: boolean): number {
  const copyTile = emitCopyTile(module);
  const short = emitGemmChunk(module, emitMicroKernel(module, MR, relaxed), copyTile, MR);
  if (!relaxed) return short;
  const tall = emitGemmChunk(module, emitMicroKernel(module, MR_TALL, relaxed), copyTile, MR_TALL);
  return module.add(new FunctionBuilder([Type.i32, Type.i32, Type.i32]), (f) => {
    const [job, chunk, participant] = f.params as [Local, Local, Local];
    return control.if(
      i32.eq(i32.load(job.get(), 4 * GEMM_JOB.panelRows), i32.const(MR_TALL)),
      control.call(tall, job.get(), chunk.get(), participant.get()),
      control.call(short, job.get(), chunk.get(), participant.get()),
    );
  });
}
