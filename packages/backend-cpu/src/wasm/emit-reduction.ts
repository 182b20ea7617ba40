/**
 * @file Emits the float32 reductions: the sum, max and min of a contiguous row, and `sum_acc`, which
 * adds a row into a float64 accumulator row (a reduction over an outer axis, one input row at a time).
 *
 * The row sum keeps four vector accumulators (sixteen lanes, so four independent add chains hide the
 * add latency) over blocks of 64 floats, then folds each block into two float64x2 accumulators: within
 * a block every lane adds only four floats, so the result is as accurate as summing in double (the
 * reference kernel's contract) at the speed of float32 SIMD. Max and min use four accumulators too;
 * f32x4.max / min propagate NaN, as the reference does.
 */

import { type Code, FunctionBuilder, type Local, type ModuleBuilder, Type, seq } from './encoder.js';
import { f32, f32x4, f64, f64x2, i32, increment, v128, walkTo } from './instructions.js';

const highHalf = (v: Code): Code => f32x4.shuffle(v, v, [2, 3, 0, 1]);

/** `x + n * 4 * (n rounded down to a multiple of `multiple`)`: the end of the whole-block part. */
const blockEnd = (x: Local, n: Local, multiple: number): Code =>
  i32.add(x.get(), i32.shl(i32.and(n.get(), i32.const(-multiple)), i32.const(2)));

/** Emits `sum_row(x, n) -> f64`. */
export function emitSumRow(module: ModuleBuilder): number {
  return module.add(
    new FunctionBuilder([Type.i32, Type.i32], [Type.f64]),
    (f) => {
      const [x, n] = f.params as [Local, Local];
      const [end, end64, end4] = f.locals(Type.i32, 3);
      const acc = f.locals(Type.v128, 4);
      const [low, high] = f.locals(Type.v128, 2);
      const tail = f.local(Type.f64);
      const fold = (v: Code): Code =>
        seq(
          acc[0].set(v),
          low.set(f64x2.add(low.get(), f64x2.promote_low_f32x4(acc[0].get()))),
          high.set(f64x2.add(high.get(), f64x2.promote_low_f32x4(highHalf(acc[0].get())))),
        );
      const block: Code[] = [];
      for (let a = 0; a < 4; a++) block.push(acc[a]!.set(v128.load(x.get(), 16 * a)));
      for (let pass = 1; pass < 4; pass++) {
        for (let a = 0; a < 4; a++)
          block.push(acc[a]!.set(f32x4.add(acc[a]!.get(), v128.load(x.get(), 64 * pass + 16 * a))));
      }
      return seq(
        end.set(i32.add(x.get(), i32.shl(n.get(), i32.const(2)))),
        end64.set(blockEnd(x, n, 64)),
        end4.set(blockEnd(x, n, 4)),
        low.set(v128.zero()),
        high.set(v128.zero()),
        tail.set(f64.const(0)),
        walkTo(
          x,
          end64,
          ...block,
          fold(f32x4.add(f32x4.add(acc[0].get(), acc[1].get()), f32x4.add(acc[2].get(), acc[3].get()))),
          increment(x, 256),
        ),
        walkTo(x, end4, fold(v128.load(x.get())), increment(x, 16)),
        walkTo(x, end, tail.set(f64.add(tail.get(), f64.promote_f32(f32.load(x.get())))), increment(x, 4)),
        f64.add(
          f64.add(f64x2.extract_lane(low.get(), 0), f64x2.extract_lane(low.get(), 1)),
          f64.add(f64.add(f64x2.extract_lane(high.get(), 0), f64x2.extract_lane(high.get(), 1)), tail.get()),
        ),
      );
    },
    'sum_row',
  );
}

/** Emits `max_row(x, n) -> f32` or `min_row`; an empty row gives -Infinity / +Infinity. */
export function emitExtremumRow(module: ModuleBuilder, kind: 'max' | 'min'): number {
  const vector = kind === 'max' ? f32x4.max : f32x4.min;
  const scalar = kind === 'max' ? f32.max : f32.min;
  return module.add(
    new FunctionBuilder([Type.i32, Type.i32], [Type.f32]),
    (f) => {
      const [x, n] = f.params as [Local, Local];
      const [end, end16, end4] = f.locals(Type.i32, 3);
      const acc = f.locals(Type.v128, 4);
      const result = f.local(Type.f32);
      const lane = (l: number): Code => f32x4.extract_lane(acc[0].get(), l);
      return seq(
        end.set(i32.add(x.get(), i32.shl(n.get(), i32.const(2)))),
        end16.set(blockEnd(x, n, 16)),
        end4.set(blockEnd(x, n, 4)),
        ...acc.map((a) => a.set(f32x4.splat(f32.const(kind === 'max' ? -Infinity : Infinity)))),
        walkTo(x, end16, ...acc.map((a, i) => a.set(vector(a.get(), v128.load(x.get(), 16 * i)))), increment(x, 64)),
        walkTo(x, end4, acc[0].set(vector(acc[0].get(), v128.load(x.get()))), increment(x, 16)),
        acc[0].set(vector(vector(acc[0].get(), acc[1].get()), vector(acc[2].get(), acc[3].get()))),
        result.set(scalar(scalar(lane(0), lane(1)), scalar(lane(2), lane(3)))),
        walkTo(x, end, result.set(scalar(result.get(), f32.load(x.get()))), increment(x, 4)),
        result.get(),
      );
    },
    `${kind}_row`,
  );
}

/** Emits `sum_acc(x, acc, n)`: `acc[j] += x[j]` for a float32 row `x` and a float64 row `acc`. */
export function emitSumAccumulate(module: ModuleBuilder): number {
  return module.add(
    new FunctionBuilder([Type.i32, Type.i32, Type.i32]),
    (f) => {
      const [x, acc, n] = f.params as [Local, Local, Local];
      const [end, end4] = f.locals(Type.i32, 2);
      const v = f.local(Type.v128);
      return seq(
        end.set(i32.add(x.get(), i32.shl(n.get(), i32.const(2)))),
        end4.set(blockEnd(x, n, 4)),
        walkTo(
          x,
          end4,
          v.set(v128.load(x.get())),
          v128.store(acc.get(), f64x2.add(v128.load(acc.get()), f64x2.promote_low_f32x4(v.get()))),
          v128.store(acc.get(), f64x2.add(v128.load(acc.get(), 16), f64x2.promote_low_f32x4(highHalf(v.get()))), 16),
          increment(x, 16),
          increment(acc, 32),
        ),
        walkTo(
          x,
          end,
          f64.store(acc.get(), f64.add(f64.load(acc.get()), f64.promote_f32(f32.load(x.get())))),
          increment(x, 4),
          increment(acc, 8),
        ),
      );
    },
    'sum_acc',
  );
}
