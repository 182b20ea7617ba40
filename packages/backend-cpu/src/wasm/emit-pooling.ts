/**
 * @file Emits the pooling kernels of the WebAssembly path, NHWC float32: `max_pool`, `avg_pool`,
 * `max_pool_grad` and `avg_pool_grad`, in a small module of their own (the host, wasm-pooling.ts,
 * instantiates it on the backend's memory), so the pooling code shares no function table or job
 * layout with the products and convolutions.
 *
 * Why SIMD over the channels: NHWC keeps a pixel's channels contiguous, so four channels are one
 * vector load, and every window op (max, sum, argmax) is lane-wise: no shuffles across lanes, any
 * window, stride and padding. A scalar tail handles the last `channels % 4`.
 *
 * Each kernel walks the output pixels in order, clips each window to the input (padding is never
 * read) and, per group of four channels, walks the window row-major. The results are bit for bit
 * those of the plain-JS reference (kernels/Pooling.ts): the max takes a later value only when it is
 * greater or a NaN (so the first of equal values, ±0 included, stays); the mean sums in float64 in the
 * window's order and divides by the in-input count before rounding; the max's gradient goes to the
 * window's first max (a first NaN wins, as in the reference's argmax), added in output order; the
 * mean's gradient adds dy / count (float64) to each in-input element, rounding once per addition.
 */

import { type Code, FunctionBuilder, type Local, ModuleBuilder, Type, seq, uleb } from './encoder.js';
import { control, f32, f32x4, f64, f64x2, i32, increment, v128, whileLoop } from './instructions.js';

/** The exported kernels, all with the signature of `POOL_PARAMETERS`. */
export const POOL_EXPORTS = ['max_pool', 'avg_pool', 'max_pool_grad', 'avg_pool_grad'] as const;
/** One of the exported kernels. */
export type PoolExport = (typeof POOL_EXPORTS)[number];

/**
 * The parameters of every kernel, in order (byte addresses, then sizes): `x` is the input-shaped
 * operand (the input, or dx for `avg_pool_grad`), `y` the output-shaped one (the output, or dy for the
 * gradients), `dx` the input gradient of `max_pool_grad` (zeroed by the caller; the others ignore it).
 */
export const POOL_PARAMETERS = [
  ...(['x', 'y', 'dx', 'batch', 'height', 'width', 'channels', 'outHeight', 'outWidth'] as const),
  ...(['kernelHeight', 'kernelWidth', 'strideHeight', 'strideWidth', 'padTop', 'padLeft'] as const),
] as const;

type Parameters = Record<(typeof POOL_PARAMETERS)[number], Local>;

// SIMD and scalar instructions instructions.ts does not have (fixed-width SIMD spec, core spec §5.4.7).
const simd = (opcode: number): number[] => [0xfd, ...uleb(opcode)];
const simdBinary =
  (opcode: number) =>
  (a: Code, b: Code): Code => [...a, ...b, ...simd(opcode)];
const scalarBinary =
  (opcode: number) =>
  (a: Code, b: Code): Code => [...a, ...b, opcode];
const ops = {
  f32x4_eq: simdBinary(0x41),
  f32x4_ne: simdBinary(0x42),
  f32x4_gt: simdBinary(0x44),
  v128_and: simdBinary(0x4e),
  v128_or: simdBinary(0x50),
  /** Lanes of `a` where `mask` is set, of `b` elsewhere. */
  v128_bitselect: (a: Code, b: Code, mask: Code): Code => [...a, ...b, ...mask, ...simd(0x52)],
  i32x4_splat: (x: Code): Code => [...x, ...simd(0x11)],
  i32x4_eq: simdBinary(0x37),
  i32x4_add: simdBinary(0xae),
  f64x2_splat: (x: Code): Code => [...x, ...simd(0x14)],
  f64x2_div: simdBinary(0xf3),
  f32_eq: scalarBinary(0x5b),
  f32_ne: scalarBinary(0x5c),
  f32_gt: scalarBinary(0x5e),
  f64_div: scalarBinary(0xa3),
  f64_convert_i32_s: (x: Code): Code => [...x, 0xb7],
  /** `a` when `condition` is non-zero, else `b` (any value type). */
  select: (a: Code, b: Code, condition: Code): Code => [...a, ...b, ...condition, 0x1b],
};

const promoteHigh = (v: Code): Code => f64x2.promote_low_f32x4(f32x4.shuffle(v, v, [2, 3, 2, 3]));
/** Two float64x2 halves rounded back into one float32x4. */
const demotePair = (low: Code, high: Code): Code =>
  f32x4.shuffle(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), [0, 1, 4, 5]);
const maxSigned = (a: Code, b: Code): Code => ops.select(a, b, i32.gt_s(a, b));
const minSigned = (a: Code, b: Code): Code => ops.select(a, b, i32.lt_s(a, b));

/** What a kernel's window body gets: the window and the pixel it pools into. */
interface Window {
  /** Byte address in `x` of the window's first in-input element, channel 0. */
  readonly start: Local;
  /** In-input rows and columns of the window (0 or less: none). */
  readonly rows: Local;
  readonly columns: Local;
  /** Byte address in `y` of the output pixel, channel 0. */
  readonly pixel: Local;
  /** Bytes between rows of `x`, and between its pixels. */
  readonly rowBytes: Local;
  readonly pixelBytes: Local;
}

/** The loops shared by the kernels: every output pixel in order, its window clipped to the input. */
function overOutputPixels(f: FunctionBuilder, p: Parameters, body: (window: Window) => Code): Code {
  const [n, oh, ow, image, rowStart, h0, top, w0, left] = f.locals(Type.i32, 9);
  const [start, rows, columns, pixel, rowBytes, pixelBytes] = f.locals(Type.i32, 6);
  return seq(
    pixelBytes.set(i32.shl(p.channels.get(), i32.const(2))),
    rowBytes.set(i32.mul(p.width.get(), pixelBytes.get())),
    image.set(p.x.get()),
    pixel.set(p.y.get()),
    n.set(p.batch.get()),
    whileLoop(
      i32.gt_s(n.get(), i32.const(0)),
      oh.set(i32.const(0)),
      whileLoop(
        i32.lt_s(oh.get(), p.outHeight.get()),
        top.set(i32.sub(i32.mul(oh.get(), p.strideHeight.get()), p.padTop.get())),
        h0.set(maxSigned(top.get(), i32.const(0))),
        rows.set(i32.sub(minSigned(i32.add(top.get(), p.kernelHeight.get()), p.height.get()), h0.get())),
        rowStart.set(i32.add(image.get(), i32.mul(h0.get(), rowBytes.get()))),
        ow.set(i32.const(0)),
        whileLoop(
          i32.lt_s(ow.get(), p.outWidth.get()),
          left.set(i32.sub(i32.mul(ow.get(), p.strideWidth.get()), p.padLeft.get())),
          w0.set(maxSigned(left.get(), i32.const(0))),
          columns.set(i32.sub(minSigned(i32.add(left.get(), p.kernelWidth.get()), p.width.get()), w0.get())),
          start.set(i32.add(rowStart.get(), i32.mul(w0.get(), pixelBytes.get()))),
          body({ start, rows, columns, pixel, rowBytes, pixelBytes }),
          increment(pixel, pixelBytes.get()),
          increment(ow, 1),
        ),
        increment(oh, 1),
      ),
      increment(image, i32.mul(p.height.get(), rowBytes.get())),
      increment(n, -1),
    ),
  );
}

/**
 * The channel groups of a pixel: `vector(channel)` for each group of four, `scalar(channel)` for
 * each channel of the tail; `channel` is the group's byte offset within the pixel.
 */
function overChannels(
  f: FunctionBuilder,
  w: Window,
  vector: (channel: Local) => Code,
  scalar: (channel: Local) => Code,
): Code {
  const [channel, vectorEnd] = f.locals(Type.i32, 2);
  return seq(
    channel.set(i32.const(0)),
    vectorEnd.set(i32.and(w.pixelBytes.get(), i32.const(-16))),
    whileLoop(i32.lt_u(channel.get(), vectorEnd.get()), vector(channel), increment(channel, 16)),
    whileLoop(i32.lt_u(channel.get(), w.pixelBytes.get()), scalar(channel), increment(channel, 4)),
  );
}

/** A walk over a window's elements, row-major: `visit(address)` at each (of channel `channel`). */
function overWindow(f: FunctionBuilder, w: Window): (channel: Local, visit: (address: Local) => Code) => Code {
  const [row, rowsLeft, address, columnsLeft] = f.locals(Type.i32, 4);
  return (channel, visit) =>
    seq(
      row.set(i32.add(w.start.get(), channel.get())),
      rowsLeft.set(w.rows.get()),
      whileLoop(
        i32.gt_s(rowsLeft.get(), i32.const(0)),
        address.set(row.get()),
        columnsLeft.set(w.columns.get()),
        whileLoop(
          i32.gt_s(columnsLeft.get(), i32.const(0)),
          visit(address),
          increment(address, w.pixelBytes.get()),
          increment(columnsLeft, -1),
        ),
        increment(row, w.rowBytes.get()),
        increment(rowsLeft, -1),
      ),
    );
}

/** The window's in-input count as float64, the reference's `(h1 - h0) * (w1 - w0)`. */
const countOf = (w: Window): Code => ops.f64_convert_i32_s(i32.mul(w.rows.get(), w.columns.get()));

function emitMaxPool(f: FunctionBuilder, p: Parameters): Code {
  const [best, value] = f.locals(Type.v128, 2);
  const [bestScalar, valueScalar] = f.locals(Type.f32, 2);
  return overOutputPixels(f, p, (w) => {
    const walk = overWindow(f, w);
    return overChannels(
      f,
      w,
      (channel) =>
        seq(
          best.set(f32x4.splat(f32.const(-Infinity))),
          walk(channel, (address) =>
            seq(
              value.set(v128.load(address.get())),
              best.set(
                ops.v128_bitselect(
                  value.get(),
                  best.get(),
                  ops.v128_or(ops.f32x4_gt(value.get(), best.get()), ops.f32x4_ne(value.get(), value.get())),
                ),
              ),
            ),
          ),
          v128.store(i32.add(w.pixel.get(), channel.get()), best.get()),
        ),
      (channel) =>
        seq(
          bestScalar.set(f32.const(-Infinity)),
          walk(channel, (address) =>
            seq(
              valueScalar.set(f32.load(address.get())),
              bestScalar.set(
                ops.select(
                  valueScalar.get(),
                  bestScalar.get(),
                  i32.or(
                    ops.f32_gt(valueScalar.get(), bestScalar.get()),
                    ops.f32_ne(valueScalar.get(), valueScalar.get()),
                  ),
                ),
              ),
            ),
          ),
          f32.store(i32.add(w.pixel.get(), channel.get()), bestScalar.get()),
        ),
    );
  });
}

function emitAvgPool(f: FunctionBuilder, p: Parameters): Code {
  const [low, high, value] = f.locals(Type.v128, 3);
  const [sum, count] = f.locals(Type.f64, 2);
  return overOutputPixels(f, p, (w) => {
    const walk = overWindow(f, w);
    return seq(
      count.set(countOf(w)),
      overChannels(
        f,
        w,
        (channel) =>
          seq(
            low.set(v128.zero()),
            high.set(v128.zero()),
            walk(channel, (address) =>
              seq(
                value.set(v128.load(address.get())),
                low.set(f64x2.add(low.get(), f64x2.promote_low_f32x4(value.get()))),
                high.set(f64x2.add(high.get(), promoteHigh(value.get()))),
              ),
            ),
            value.set(ops.f64x2_splat(count.get())),
            v128.store(
              i32.add(w.pixel.get(), channel.get()),
              demotePair(ops.f64x2_div(low.get(), value.get()), ops.f64x2_div(high.get(), value.get())),
            ),
          ),
        (channel) =>
          seq(
            sum.set(f64.const(0)),
            walk(channel, (address) => sum.set(f64.add(sum.get(), f64.promote_f32(f32.load(address.get()))))),
            f32.store(i32.add(w.pixel.get(), channel.get()), f32.demote_f64(ops.f64_div(sum.get(), count.get()))),
          ),
      ),
    );
  });
}

function emitMaxPoolGrad(f: FunctionBuilder, p: Parameters): Code {
  const [best, value, index, mask] = f.locals(Type.v128, 4);
  const [bestScalar, valueScalar] = f.locals(Type.f32, 2);
  const [indexScalar, delta, target, taken] = f.locals(Type.i32, 4);
  // dx[i] += dy[o], with i as an address in x (dx has x's layout, `delta` bytes away).
  const addAt = (xAddress: Code, dyAddress: Code): Code =>
    seq(
      target.set(i32.add(xAddress, delta.get())),
      f32.store(target.get(), f32.add(f32.load(target.get()), f32.load(dyAddress))),
    );
  // `index` holds, per lane, the address in x of the lane's chosen element's group of four (lane 0's).
  const addresses = (address: Code): Code => ops.i32x4_splat(address);
  return seq(
    delta.set(i32.sub(p.dx.get(), p.x.get())),
    overOutputPixels(f, p, (w) => {
      const walk = overWindow(f, w);
      const first = (channel: Local): Code => i32.add(w.start.get(), channel.get());
      const dy = (channel: Local): Code => i32.add(w.pixel.get(), channel.get());
      return seq(
        // An empty window (never with SAME or VALID padding) routes nothing, as in the reference.
        control.if(
          i32.and(i32.gt_s(w.rows.get(), i32.const(0)), i32.gt_s(w.columns.get(), i32.const(0))),
          overChannels(
            f,
            w,
            (channel) =>
              seq(
                best.set(v128.load(first(channel))),
                index.set(addresses(first(channel))),
                walk(channel, (address) =>
                  seq(
                    value.set(v128.load(address.get())),
                    mask.set(
                      ops.v128_or(
                        ops.f32x4_gt(value.get(), best.get()),
                        ops.v128_and(ops.f32x4_ne(value.get(), value.get()), ops.f32x4_eq(best.get(), best.get())),
                      ),
                    ),
                    best.set(ops.v128_bitselect(value.get(), best.get(), mask.get())),
                    index.set(ops.v128_bitselect(addresses(address.get()), index.get(), mask.get())),
                  ),
                ),
                // A second walk adds dy where the window's element is the lane's chosen one, +0 elsewhere
                // (dx starts at +0 and never becomes -0, so adding +0 changes no bit).
                value.set(v128.load(dy(channel))),
                walk(channel, (address) =>
                  seq(
                    target.set(i32.add(address.get(), delta.get())),
                    v128.store(
                      target.get(),
                      f32x4.add(
                        v128.load(target.get()),
                        ops.v128_and(value.get(), ops.i32x4_eq(addresses(address.get()), index.get())),
                      ),
                    ),
                  ),
                ),
              ),
            (channel) =>
              seq(
                bestScalar.set(f32.load(first(channel))),
                indexScalar.set(first(channel)),
                walk(channel, (address) =>
                  seq(
                    valueScalar.set(f32.load(address.get())),
                    taken.set(
                      i32.or(
                        ops.f32_gt(valueScalar.get(), bestScalar.get()),
                        i32.and(
                          ops.f32_ne(valueScalar.get(), valueScalar.get()),
                          ops.f32_eq(bestScalar.get(), bestScalar.get()),
                        ),
                      ),
                    ),
                    bestScalar.set(ops.select(valueScalar.get(), bestScalar.get(), taken.get())),
                    indexScalar.set(ops.select(address.get(), indexScalar.get(), taken.get())),
                  ),
                ),
                addAt(indexScalar.get(), dy(channel)),
              ),
          ),
        ),
      );
    }),
  );
}

function emitAvgPoolGrad(f: FunctionBuilder, p: Parameters): Code {
  const [low, high, value] = f.locals(Type.v128, 3);
  const [share, count] = f.locals(Type.f64, 2);
  return overOutputPixels(f, p, (w) => {
    const walk = overWindow(f, w);
    const dy = (channel: Local): Code => i32.add(w.pixel.get(), channel.get());
    return seq(
      count.set(countOf(w)),
      overChannels(
        f,
        w,
        (channel) =>
          seq(
            value.set(v128.load(dy(channel))),
            low.set(ops.f64x2_div(f64x2.promote_low_f32x4(value.get()), ops.f64x2_splat(count.get()))),
            high.set(ops.f64x2_div(promoteHigh(value.get()), ops.f64x2_splat(count.get()))),
            walk(channel, (address) =>
              seq(
                value.set(v128.load(address.get())),
                v128.store(
                  address.get(),
                  demotePair(
                    f64x2.add(f64x2.promote_low_f32x4(value.get()), low.get()),
                    f64x2.add(promoteHigh(value.get()), high.get()),
                  ),
                ),
              ),
            ),
          ),
        (channel) =>
          seq(
            share.set(ops.f64_div(f64.promote_f32(f32.load(dy(channel))), count.get())),
            walk(channel, (address) =>
              f32.store(address.get(), f32.demote_f64(f64.add(f64.promote_f32(f32.load(address.get())), share.get()))),
            ),
          ),
      ),
    );
  });
}

const EMITTERS: Readonly<Record<PoolExport, (f: FunctionBuilder, p: Parameters) => Code>> = {
  max_pool: emitMaxPool,
  avg_pool: emitAvgPool,
  max_pool_grad: emitMaxPoolGrad,
  avg_pool_grad: emitAvgPoolGrad,
};

/** The pooling module's bytes, importing `env.memory` (shared when `shared`, as the backend's is). */
export function emitPoolingModule(shared: boolean): Uint8Array {
  const module = new ModuleBuilder(
    shared ? { shared: true, minimumPages: 1, maximumPages: 65536 } : { shared: false, minimumPages: 1 },
  );
  for (const name of POOL_EXPORTS) {
    module.add(
      new FunctionBuilder(POOL_PARAMETERS.map(() => Type.i32)),
      (f) => {
        const p = Object.fromEntries(POOL_PARAMETERS.map((key, i) => [key, f.params[i]!])) as Parameters;
        return EMITTERS[name](f, p);
      },
      name,
    );
  }
  return module.encode();
}
