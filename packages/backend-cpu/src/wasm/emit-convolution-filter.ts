/**
 * @file Emits `conv_filter_chunk`, Conv2DBackpropFilter's direct kernel: dfilter (K × O, K = kh·kw·c)
 * = Σ over output pixels of the pixel's patch (read straight from the zero-padded input) times its dy
 * row. As in MatMul's micro-kernel, a 4×8 block of dfilter (4 taps × 8 output channels) lives in
 * eight accumulators; per pixel it takes two dy vectors and four broadcast input values.
 *
 * Row chunk r sums the output rows [r·rowsPerChunk, ...) (an output row: one (n, oh)) into its own
 * K × O buffer (row chunk 0 into dfilter itself); the host then adds the buffers in order. The row
 * chunks depend on the geometry only, never on the threads, so every thread count gives the same
 * bits. For the pool, a row chunk is cut further by taps (disjoint rows of dfilter: no sum changes).
 * Within a chunk, the rows go in blocks of rowsPerBlock (their inputs and dy stay in L2 while every
 * block of dfilter is updated from them), accumulating onto the buffer after the first block.
 */

import { type Code, FunctionBuilder, type Local, type ModuleBuilder, Type, seq } from './encoder.js';
import { MR, NR, TILE_BYTES } from './emit-matmul.js';
import { control, f32, f32x4, forRange, i32, increment, v128, walkTo, whileLoop } from './instructions.js';

/** The fields of a filter-gradient job, as i32 slots after the job's kind (byte addresses and sizes). */
export const FILTER_JOB = {
  /** The (padded) input: pixel (n, oh, ow)'s window starts at x + n·example + oh·row + ow·column. */
  x: 1,
  /** dy packed by pack8 (8-channel panels, 32 bytes a pixel), and the pixels it has. */
  dy: 2,
  pixels: 3,
  /** dfilter (K × O), which chunk 0 sums into; chunk c > 0 into partials + (c - 1)·K·O·4. */
  out: 4,
  partials: 5,
  outChannels: 6,
  k: 7,
  /** Output rows in all (batch · outHeight), per chunk and per block. */
  rows: 8,
  rowsPerChunk: 9,
  rowsPerBlock: 10,
  outWidth: 11,
  outHeight: 12,
  columnBytes: 13,
  rowBytes: 14,
  exampleBytes: 15,
  filterRowBytes: 16,
  /** Taps per filter row (kw·c), input channels, and the bytes from one kw's taps to the next. */
  rowTaps: 17,
  channels: 18,
  tapColumnBytes: 19,
  tiles: 20,
  /** Chunk c covers row chunk c / tapChunks and taps [t·tapsPerChunk, ...), t = c mod tapChunks. */
  tapChunks: 21,
  tapsPerChunk: 22,
} as const;

const minU = (a: Code, b: Code): Code => i32.select(a, b, i32.lt_u(a, b));

/** Emits `conv_filter_chunk(job, chunk, participant)`; `relaxed` fuses the multiply-adds. */
export function emitConvolutionFilterChunk(module: ModuleBuilder, relaxed: boolean): number {
  return module.add(
    new FunctionBuilder([Type.i32, Type.i32, Type.i32]),
    (f) => {
      const [job, chunk, participant] = f.params as [Local, Local, Local];
      const field = (slot: number): Code => i32.load(job.get(), 4 * slot);
      const [O, K, destination, rowFirst, rowEnd, block, blockEnd, p0, jp, j0, cols, taps, tile] = f.locals(
        Type.i32,
        13,
      );
      const [rowChunk, tapFirst, tapEnd] = f.locals(Type.i32, 3);
      const [row, oh, xRow, xp, dyp, stop, target, r, tap, blockOh, blockXRow, outHeight] = f.locals(Type.i32, 12);
      const [columnBytes, outWidth] = f.locals(Type.i32, 2);
      const offsets = f.locals(Type.i32, MR);
      const acc = f.locals(Type.v128, MR * 2);
      const [b0, b1, a] = f.locals(Type.v128, 3);
      const madd = (x: Code, y: Code, z: Code): Code =>
        relaxed ? f32x4.relaxed_madd(x, y, z) : f32x4.add(z, f32x4.mul(x, y));
      const O4 = (): Code => i32.shl(O.get(), i32.const(2));
      const full = i32.and(i32.eq(taps.get(), i32.const(MR)), i32.eq(cols.get(), i32.const(NR)));
      // Copies taps × cols floats between the block of dfilter at `target` and the tile, either way.
      const copyEdge = (toTile: boolean): Code => {
        const inTarget = i32.add(i32.add(target.get(), i32.mul(r.get(), O4())), i32.shl(stop.get(), i32.const(2)));
        const inTile = i32.add(tile.get(), i32.shl(i32.add(i32.mul(r.get(), i32.const(NR)), stop.get()), i32.const(2)));
        const copy = toTile ? f32.store(inTile, f32.load(inTarget)) : f32.store(inTarget, f32.load(inTile));
        return forRange(r, i32.const(0), taps.get(), 1, forRange(stop, i32.const(0), cols.get(), 1, copy));
      };
      const eachRow = (base: Code, stride: Code, body: (index: number, at: Local) => Code): Code =>
        seq(xp.set(base), ...Array.from({ length: MR }, (_, index) => seq(body(index, xp), increment(xp, stride))));
      const loadBlock = (base: Code, stride: Code): Code =>
        eachRow(base, stride, (index, at) =>
          seq(acc[2 * index]!.set(v128.load(at.get())), acc[2 * index + 1]!.set(v128.load(at.get(), 16))),
        );
      const storeBlock = (base: Code, stride: Code): Code =>
        eachRow(base, stride, (index, at) =>
          seq(v128.store(at.get(), acc[2 * index]!.get()), v128.store(at.get(), acc[2 * index + 1]!.get(), 16)),
        );
      // The byte offset of tap p (clamped to K - 1) within a pixel's window.
      const tapOffset = (p: Code): Code =>
        seq(
          tap.set(minU(p, i32.sub(K.get(), i32.const(1)))),
          stop.set(i32.rem_u(tap.get(), field(FILTER_JOB.rowTaps))),
          i32.add(
            i32.mul(i32.div_u(tap.get(), field(FILTER_JOB.rowTaps)), field(FILTER_JOB.filterRowBytes)),
            i32.add(
              i32.mul(i32.div_u(stop.get(), field(FILTER_JOB.channels)), field(FILTER_JOB.tapColumnBytes)),
              i32.shl(i32.rem_u(stop.get(), field(FILTER_JOB.channels)), i32.const(2)),
            ),
          ),
        );
      // Per pixel: dy's 8 channels (packed: 32 bytes a pixel) and the 4 taps, which in `adjacent` blocks
      // (4 neighbouring floats, the common case) are constant offsets from xp, which then includes the first's.
      const step = (adjacent: boolean): Code =>
        seq(
          b0.set(v128.load(dyp.get())),
          b1.set(v128.load(dyp.get(), 16)),
          ...offsets.map((offset, index) =>
            seq(
              a.set(
                adjacent ? v128.load32_splat(xp.get(), 4 * index) : v128.load32_splat(i32.add(xp.get(), offset.get())),
              ),
              acc[2 * index]!.set(madd(a.get(), b0.get(), acc[2 * index]!.get())),
              acc[2 * index + 1]!.set(madd(a.get(), b1.get(), acc[2 * index + 1]!.get())),
            ),
          ),
          increment(xp, columnBytes.get()),
          increment(dyp, NR * 4),
        );
      // One output row after another: oh and xRow advance, wrapping into the next example.
      const rows = (adjacent: boolean): Code =>
        seq(
          oh.set(blockOh.get()),
          xRow.set(blockXRow.get()),
          dyp.set(
            i32.add(
              field(FILTER_JOB.dy),
              i32.shl(
                i32.add(i32.mul(jp.get(), field(FILTER_JOB.pixels)), i32.mul(block.get(), outWidth.get())),
                i32.const(5),
              ),
            ),
          ),
          forRange(
            row,
            block.get(),
            blockEnd.get(),
            1,
            xp.set(adjacent ? i32.add(xRow.get(), offsets[0].get()) : xRow.get()),
            stop.set(i32.add(dyp.get(), i32.shl(outWidth.get(), i32.const(5)))),
            walkTo(dyp, stop, step(adjacent)),
            increment(oh, 1),
            increment(xRow, field(FILTER_JOB.rowBytes)),
            control.if(
              i32.eq(oh.get(), outHeight.get()),
              seq(
                oh.set(i32.const(0)),
                increment(
                  xRow,
                  i32.sub(field(FILTER_JOB.exampleBytes), i32.mul(outHeight.get(), field(FILTER_JOB.rowBytes))),
                ),
              ),
            ),
          ),
        );
      const adjacentTaps = offsets
        .slice(1)
        .map((offset, index) => i32.eq(offset.get(), i32.add(offsets[0].get(), i32.const(4 * (index + 1)))))
        .reduce((all, next) => i32.and(all, next));
      const updateBlock = seq(
        j0.set(i32.shl(jp.get(), i32.const(3))),
        cols.set(minU(i32.const(NR), i32.sub(O.get(), j0.get()))),
        target.set(i32.add(destination.get(), i32.shl(i32.add(i32.mul(p0.get(), O.get()), j0.get()), i32.const(2)))),
        control.if(
          i32.eq(block.get(), rowFirst.get()),
          seq(...acc.map((x) => x.set(v128.zero()))),
          control.if(
            full,
            loadBlock(target.get(), O4()),
            seq(copyEdge(true), loadBlock(tile.get(), i32.const(NR * 4))),
          ),
        ),
        control.if(adjacentTaps, rows(true), rows(false)),
        control.if(
          full,
          storeBlock(target.get(), O4()),
          seq(storeBlock(tile.get(), i32.const(NR * 4)), copyEdge(false)),
        ),
      );
      return seq(
        O.set(field(FILTER_JOB.outChannels)),
        K.set(field(FILTER_JOB.k)),
        outHeight.set(field(FILTER_JOB.outHeight)),
        columnBytes.set(field(FILTER_JOB.columnBytes)),
        outWidth.set(field(FILTER_JOB.outWidth)),
        tile.set(i32.add(field(FILTER_JOB.tiles), i32.mul(participant.get(), i32.const(TILE_BYTES)))),
        rowChunk.set(i32.div_u(chunk.get(), field(FILTER_JOB.tapChunks))),
        tapFirst.set(
          i32.mul(
            i32.sub(chunk.get(), i32.mul(rowChunk.get(), field(FILTER_JOB.tapChunks))),
            field(FILTER_JOB.tapsPerChunk),
          ),
        ),
        tapEnd.set(minU(i32.add(tapFirst.get(), field(FILTER_JOB.tapsPerChunk)), K.get())),
        destination.set(
          i32.select(
            field(FILTER_JOB.out),
            i32.add(
              field(FILTER_JOB.partials),
              i32.mul(i32.sub(rowChunk.get(), i32.const(1)), i32.shl(i32.mul(K.get(), O.get()), i32.const(2))),
            ),
            i32.eqz(rowChunk.get()),
          ),
        ),
        rowFirst.set(i32.mul(rowChunk.get(), field(FILTER_JOB.rowsPerChunk))),
        rowEnd.set(minU(i32.add(rowFirst.get(), field(FILTER_JOB.rowsPerChunk)), field(FILTER_JOB.rows))),
        block.set(rowFirst.get()),
        whileLoop(
          i32.lt_u(block.get(), rowEnd.get()),
          blockEnd.set(minU(i32.add(block.get(), field(FILTER_JOB.rowsPerBlock)), rowEnd.get())),
          blockOh.set(i32.rem_u(block.get(), outHeight.get())),
          blockXRow.set(
            i32.add(
              field(FILTER_JOB.x),
              i32.add(
                i32.mul(i32.div_u(block.get(), outHeight.get()), field(FILTER_JOB.exampleBytes)),
                i32.mul(blockOh.get(), field(FILTER_JOB.rowBytes)),
              ),
            ),
          ),
          forRange(
            p0,
            tapFirst.get(),
            tapEnd.get(),
            MR,
            taps.set(minU(i32.const(MR), i32.sub(K.get(), p0.get()))),
            ...offsets.map((offset, index) => offset.set(tapOffset(i32.add(p0.get(), i32.const(index))))),
            forRange(jp, i32.const(0), i32.div_u(i32.add(O.get(), i32.const(NR - 1)), i32.const(NR)), 1, updateBlock),
          ),
          block.set(blockEnd.get()),
        ),
      );
    },
    'conv_filter_chunk',
  );
}
