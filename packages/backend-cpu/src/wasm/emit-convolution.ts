/**
 * @file Emits `conv_chunk`, a direct ("implicit GEMM") convolution: the product of the patch matrix
 * and a filter packed by `pack8`, with the patches read straight from the (zero-padded) input instead
 * of being gathered by im2col and packed first. For the 4×8 blocks of the output (4 output pixels ×
 * 8 output channels) it runs MatMul's micro-kernel scheme: eight accumulators in registers, per tap
 * two filter vectors and four broadcast input values, so the channels are in SIMD lanes and the taps
 * are broadcast. Each of the four pixels has its own input pointer, so a block may span output rows
 * (a 14-wide output wastes nothing) and the strides are anything.
 *
 * A job covers output pixels [0, pixels); chunk c is pixels [c·chunkPixels, ...) for every 8-column
 * panel of the filter (panels outer, so a filter micro-panel stays in L1 across the chunk's pixels).
 * The taps of a pixel are walked as the patch matrix's columns are ordered, (kh, kw, c): per filter
 * row kh, `runs` runs of `runLength` contiguous floats (one run of kw·c floats without dilation along
 * the width, else one run of c floats per kw), so the sums equal the im2col product's bit for bit.
 */

import { type Code, FunctionBuilder, type Local, type ModuleBuilder, Type, seq } from './encoder.js';
import { MR, NR, TILE_BYTES } from './emit-matmul.js';
import { control, f32, f32x4, forRange, i32, increment, v128, walkTo, whileLoop } from './instructions.js';

/** The fields of a convolution job, as i32 slots after the job's kind (byte addresses and sizes). */
export const CONV_JOB = {
  /** The (padded) input: pixel (n, oh, ow)'s window starts at x + n·example + oh·row + ow·column. */
  x: 1,
  /** The filter, K × O, packed by pack8. */
  packedB: 2,
  /** The output, pixels × O. */
  out: 3,
  outChannels: 4,
  /** Taps per pixel (the packed filter's depth). */
  k: 5,
  pixels: 6,
  /** Pixels per chunk (a multiple of MR). */
  chunkPixels: 7,
  outWidth: 8,
  outHeight: 9,
  /** Bytes from one output column's window to the next (strideW · C · 4). */
  columnBytes: 10,
  /** Bytes from one output row's windows to the next (strideH · row of the input). */
  rowBytes: 11,
  /** Bytes of one example of the input. */
  exampleBytes: 12,
  /** Bytes from one filter row's taps to the next (dilationH · row of the input). */
  filterRowBytes: 13,
  filterHeight: 14,
  /** Runs of contiguous taps per filter row, their length (floats) and the bytes between them. */
  runs: 15,
  runLength: 16,
  runBytes: 17,
  /** Edge-tile scratch, one TILE_BYTES tile per participant. */
  tiles: 18,
  /** Bytes from one output pixel to the next along a row, from one output row and one example to the next. */
  outColumnBytes: 19,
  outRowBytes: 20,
  outExampleBytes: 21,
} as const;

const minU = (a: Code, b: Code): Code => i32.select(a, b, i32.lt_u(a, b));

/** Emits `conv_chunk(job, chunk, participant)`; `relaxed` fuses the multiply-adds. */
export function emitConvolutionChunk(module: ModuleBuilder, relaxed: boolean): number {
  return module.add(
    new FunctionBuilder([Type.i32, Type.i32, Type.i32]),
    (f) => {
      const [job, chunk, participant] = f.params as [Local, Local, Local];
      const field = (slot: number): Code => i32.load(job.get(), 4 * slot);
      const [O, K, first, end, pixel, valid, ow, oh, rowBase, jp, j0, cols, bp, kh, run, tile] = f.locals(Type.i32, 16);
      const [startOw, startOh, startRowBase, columnBytes, outWidth, outHeight, stop] = f.locals(Type.i32, 7);
      const [outRowBase, startOutRowBase, outColumnBytes] = f.locals(Type.i32, 3);
      const pointers = f.locals(Type.i32, MR);
      const destinations = f.locals(Type.i32, MR);
      const taps = f.locals(Type.i32, MR);
      const acc = f.locals(Type.v128, MR * 2);
      const [b0, b1, a] = f.locals(Type.v128, 3);
      const madd = (x: Code, y: Code, z: Code): Code =>
        relaxed ? f32x4.relaxed_madd(x, y, z) : f32x4.add(z, f32x4.mul(x, y));

      // The next pixel's window: ow, oh and the row's base advance, wrapping into the next example.
      const advance = seq(
        increment(ow, 1),
        control.if(
          i32.eq(ow.get(), outWidth.get()),
          seq(
            ow.set(i32.const(0)),
            increment(oh, 1),
            increment(rowBase, field(CONV_JOB.rowBytes)),
            increment(outRowBase, field(CONV_JOB.outRowBytes)),
            control.if(
              i32.eq(oh.get(), outHeight.get()),
              seq(
                oh.set(i32.const(0)),
                increment(
                  rowBase,
                  i32.sub(field(CONV_JOB.exampleBytes), i32.mul(outHeight.get(), field(CONV_JOB.rowBytes))),
                ),
                increment(
                  outRowBase,
                  i32.sub(field(CONV_JOB.outExampleBytes), i32.mul(outHeight.get(), field(CONV_JOB.outRowBytes))),
                ),
              ),
            ),
          ),
        ),
      );
      // Pointer r: pixel + r's window, or pixel + r - 1's past the end (its row is computed, not stored);
      // destination r: where pixel + r's channels j0... go.
      const setPointers = seq(
        ...pointers.map((p, index) => {
          const here = seq(
            p.set(i32.add(rowBase.get(), i32.mul(ow.get(), columnBytes.get()))),
            destinations[index]!.set(
              i32.add(
                i32.add(outRowBase.get(), i32.mul(ow.get(), outColumnBytes.get())),
                i32.shl(j0.get(), i32.const(2)),
              ),
            ),
            advance,
          );
          return index === 0
            ? here
            : control.if(i32.lt_u(i32.const(index), valid.get()), here, p.set(pointers[index - 1]!.get()));
        }),
      );
      const step = seq(
        b0.set(v128.load(bp.get())),
        b1.set(v128.load(bp.get(), 16)),
        ...taps.map((t, index) =>
          seq(
            a.set(v128.load32_splat(t.get())),
            acc[2 * index]!.set(madd(a.get(), b0.get(), acc[2 * index]!.get())),
            acc[2 * index + 1]!.set(madd(a.get(), b1.get(), acc[2 * index + 1]!.get())),
            increment(t, 4),
          ),
        ),
        increment(bp, 32),
      );
      const product = seq(
        ...acc.map((x) => x.set(v128.zero())),
        forRange(
          kh,
          i32.const(0),
          field(CONV_JOB.filterHeight),
          1,
          forRange(
            run,
            i32.const(0),
            field(CONV_JOB.runs),
            1,
            ...taps.map((t, index) =>
              t.set(
                i32.add(
                  pointers[index]!.get(),
                  i32.add(
                    i32.mul(kh.get(), field(CONV_JOB.filterRowBytes)),
                    i32.mul(run.get(), field(CONV_JOB.runBytes)),
                  ),
                ),
              ),
            ),
            stop.set(i32.add(taps[0].get(), i32.shl(field(CONV_JOB.runLength), i32.const(2)))),
            walkTo(taps[0], stop, step),
          ),
        ),
      );
      // Full blocks go straight to the output; edge blocks through the participant's tile.
      const full = i32.and(i32.eq(valid.get(), i32.const(MR)), i32.eq(cols.get(), i32.const(NR)));
      const storeBlock = control.if(
        full,
        seq(
          ...destinations.map((d, index) =>
            seq(v128.store(d.get(), acc[2 * index]!.get()), v128.store(d.get(), acc[2 * index + 1]!.get(), 16)),
          ),
        ),
        seq(
          ...destinations.map((d, index) =>
            seq(
              v128.store(tile.get(), acc[2 * index]!.get(), index * NR * 4),
              v128.store(tile.get(), acc[2 * index + 1]!.get(), index * NR * 4 + 16),
              control.if(
                i32.lt_u(i32.const(index), valid.get()),
                forRange(
                  stop,
                  i32.const(0),
                  cols.get(),
                  1,
                  f32.store(
                    i32.add(d.get(), i32.shl(stop.get(), i32.const(2))),
                    f32.load(i32.add(tile.get(), i32.shl(stop.get(), i32.const(2))), index * NR * 4),
                  ),
                ),
              ),
            ),
          ),
        ),
      );
      // The address of the first pixel's row in a tensor: example startOh / outHeight, row startOh % outHeight.
      const firstRow = (tensor: number, exampleBytes: number, rowBytes: number): Code =>
        i32.add(
          field(tensor),
          i32.add(
            i32.mul(i32.div_u(startOh.get(), outHeight.get()), field(exampleBytes)),
            i32.mul(i32.rem_u(startOh.get(), outHeight.get()), field(rowBytes)),
          ),
        );
      return seq(
        O.set(field(CONV_JOB.outChannels)),
        K.set(field(CONV_JOB.k)),
        outWidth.set(field(CONV_JOB.outWidth)),
        outHeight.set(field(CONV_JOB.outHeight)),
        columnBytes.set(field(CONV_JOB.columnBytes)),
        outColumnBytes.set(field(CONV_JOB.outColumnBytes)),
        tile.set(i32.add(field(CONV_JOB.tiles), i32.mul(participant.get(), i32.const(TILE_BYTES)))),
        first.set(i32.mul(chunk.get(), field(CONV_JOB.chunkPixels))),
        end.set(minU(i32.add(first.get(), field(CONV_JOB.chunkPixels)), field(CONV_JOB.pixels))),
        // The first pixel's (n, oh, ow): oh and rowBase carry n.
        startOw.set(i32.rem_u(first.get(), outWidth.get())),
        startOh.set(i32.div_u(first.get(), outWidth.get())),
        startRowBase.set(firstRow(CONV_JOB.x, CONV_JOB.exampleBytes, CONV_JOB.rowBytes)),
        startOutRowBase.set(firstRow(CONV_JOB.out, CONV_JOB.outExampleBytes, CONV_JOB.outRowBytes)),
        startOh.set(i32.rem_u(startOh.get(), outHeight.get())),
        forRange(
          jp,
          i32.const(0),
          i32.div_u(i32.add(O.get(), i32.const(NR - 1)), i32.const(NR)),
          1,
          j0.set(i32.shl(jp.get(), i32.const(3))),
          cols.set(minU(i32.const(NR), i32.sub(O.get(), j0.get()))),
          ow.set(startOw.get()),
          oh.set(startOh.get()),
          rowBase.set(startRowBase.get()),
          outRowBase.set(startOutRowBase.get()),
          pixel.set(first.get()),
          whileLoop(
            i32.lt_u(pixel.get(), end.get()),
            valid.set(minU(i32.const(MR), i32.sub(end.get(), pixel.get()))),
            setPointers,
            bp.set(i32.add(field(CONV_JOB.packedB), i32.shl(i32.mul(jp.get(), K.get()), i32.const(5)))),
            product,
            storeBlock,
            increment(pixel, MR),
          ),
        ),
      );
    },
    'conv_chunk',
  );
}
