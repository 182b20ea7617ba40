/**
 * @file WebAssembly instructions as functions of their operands, named as in WAT: `f32x4.add(a, b)`
 * encodes `a`, then `b`, then the opcode. Only what the kernels use is here. Memory instructions take
 * a constant byte `offset` (free on every engine: it folds into the address) and the natural
 * alignment. Opcodes from the core spec §5.4.5-5.4.8, the fixed-width SIMD and relaxed-SIMD specs.
 */

import { type Code, type Local, seq, sleb, uleb } from './encoder.js';

const simdOp = (n: number): number[] => [0xfd, ...uleb(n)];
const unary =
  (op: readonly number[]) =>
  (x: Code): Code => [...x, ...op];
const binary =
  (op: readonly number[]) =>
  (a: Code, b: Code): Code => [...a, ...b, ...op];
const load =
  (op: readonly number[], align: number) =>
  (address: Code, offset = 0): Code => [...address, ...op, align, ...uleb(offset)];
const store =
  (op: readonly number[], align: number) =>
  (address: Code, value: Code, offset = 0): Code => [...address, ...value, ...op, align, ...uleb(offset)];

/** i32 instructions. */
export const i32 = {
  const: (value: number): Code => [0x41, ...sleb(value)],
  load: load([0x28], 2),
  store: store([0x36], 2),
  eqz: unary([0x45]),
  eq: binary([0x46]),
  ne: binary([0x47]),
  lt_s: binary([0x48]),
  lt_u: binary([0x49]),
  gt_s: binary([0x4a]),
  gt_u: binary([0x4b]),
  le_u: binary([0x4d]),
  ge_u: binary([0x4f]),
  add: binary([0x6a]),
  sub: binary([0x6b]),
  mul: binary([0x6c]),
  div_u: binary([0x6e]),
  rem_u: binary([0x70]),
  and: binary([0x71]),
  or: binary([0x72]),
  shl: binary([0x74]),
  shr_u: binary([0x76]),
  /** `select`: `a` when `condition` is non-zero, else `b`. */
  select: (a: Code, b: Code, condition: Code): Code => [...a, ...b, ...condition, 0x1b],
};

/** f32 instructions. */
export const f32 = {
  const: (value: number): Code => {
    const bytes = new Uint8Array(new Float32Array([value]).buffer);
    return [0x43, ...bytes];
  },
  load: load([0x2a], 2),
  store: store([0x38], 2),
  abs: unary([0x8b]),
  neg: unary([0x8c]),
  sqrt: unary([0x91]),
  add: binary([0x92]),
  sub: binary([0x93]),
  mul: binary([0x94]),
  div: binary([0x95]),
  min: binary([0x96]),
  max: binary([0x97]),
  demote_f64: unary([0xb6]),
};

/** f64 instructions. */
export const f64 = {
  const: (value: number): Code => [0x44, ...new Uint8Array(new Float64Array([value]).buffer)],
  load: load([0x2b], 3),
  store: store([0x39], 3),
  add: binary([0xa0]),
  promote_f32: unary([0xbb]),
};

/** v128 instructions (SIMD). */
export const v128 = {
  load: load(simdOp(0x00), 4),
  load32_splat: load(simdOp(0x09), 2),
  store: store(simdOp(0x0b), 4),
  zero: (): Code => [...simdOp(0x0c), ...new Array<number>(16).fill(0)],
};

/** f32x4 instructions (SIMD). */
export const f32x4 = {
  splat: unary(simdOp(0x13)),
  extract_lane: (v: Code, lane: number): Code => [...v, ...simdOp(0x1f), lane],
  /** A lane shuffle of `a` (lanes 0-3) and `b` (lanes 4-7), by f32 lane. */
  shuffle: (a: Code, b: Code, lanes: readonly [number, number, number, number]): Code => [
    ...a,
    ...b,
    ...simdOp(0x0d),
    ...lanes.flatMap((lane) => [lane * 4, lane * 4 + 1, lane * 4 + 2, lane * 4 + 3]),
  ],
  demote_f64x2_zero: unary(simdOp(0x5e)),
  abs: unary(simdOp(0xe0)),
  neg: unary(simdOp(0xe1)),
  sqrt: unary(simdOp(0xe3)),
  add: binary(simdOp(0xe4)),
  sub: binary(simdOp(0xe5)),
  mul: binary(simdOp(0xe6)),
  div: binary(simdOp(0xe7)),
  min: binary(simdOp(0xe8)),
  max: binary(simdOp(0xe9)),
  /** `a < b ? b : a` per lane: one x86 maxps, where `max` (NaN- and ±0-exact) takes several. */
  pmax: binary(simdOp(0xeb)),
  /** Relaxed SIMD: `a * b + c`, fused or not as the hardware does it (fused on x86 with FMA). */
  relaxed_madd: (a: Code, b: Code, c: Code): Code => [...a, ...b, ...c, ...simdOp(0x105)],
};

/** f64x2 instructions (SIMD). */
export const f64x2 = {
  extract_lane: (v: Code, lane: number): Code => [...v, ...simdOp(0x21), lane],
  promote_low_f32x4: unary(simdOp(0x5f)),
  add: binary(simdOp(0xf0)),
};

/** Structured control flow. Branch depths count enclosing blocks/loops outward from 0. */
export const control = {
  block: (...body: Code[]): Code => [0x02, 0x40, ...seq(...body), 0x0b],
  loop: (...body: Code[]): Code => [0x03, 0x40, ...seq(...body), 0x0b],
  if: (condition: Code, then: Code, otherwise?: Code): Code =>
    otherwise === undefined
      ? [...condition, 0x04, 0x40, ...then, 0x0b]
      : [...condition, 0x04, 0x40, ...then, 0x05, ...otherwise, 0x0b],
  br: (depth: number): Code => [0x0c, ...uleb(depth)],
  br_if: (depth: number, condition: Code): Code => [...condition, 0x0d, ...uleb(depth)],
  return: (value: Code = []): Code => [...value, 0x0f],
  call: (index: number, ...args: Code[]): Code => [...seq(...args), 0x10, ...uleb(index)],
  call_indirect: (type: number, slot: Code, ...args: Code[]): Code => [
    ...seq(...args),
    ...slot,
    0x11,
    ...uleb(type),
    0x00,
  ],
};

/**
 * `while (condition) { body }`, tested at the bottom (one branch per iteration): a block that skips
 * the loop when the condition fails at entry, around a loop that repeats while it holds.
 */
export function whileLoop(condition: Code, ...body: Code[]): Code {
  return control.block(control.br_if(0, i32.eqz(condition)), control.loop(...body, control.br_if(0, condition)));
}

/**
 * `while (pointer != end) { body }`, for a loop that walks an address up to the end of a region; the
 * body must step `pointer` by a divisor of `end - pointer`, so it lands on `end` exactly. Not
 * `pointer < end`: a region that ends at the top of a 4 GiB memory has its end at 2^32, which is 0 in
 * i32 arithmetic, and an unsigned compare with it would run no pass at all. `!=` is exact modulo 2^32.
 */
export function walkTo(pointer: Local, end: Local, ...body: Code[]): Code {
  return whileLoop(i32.ne(pointer.get(), end.get()), ...body);
}

/** `for (i = start; i < end (unsigned); i += step) body`; `end` is re-evaluated each test. */
export function forRange(i: Local, start: Code, end: Code, step: number, ...body: Code[]): Code {
  return seq(i.set(start), whileLoop(i32.lt_u(i.get(), end), ...body, i.set(i32.add(i.get(), i32.const(step)))));
}

/** `local += delta` for an i32 local. */
export function increment(local: Local, delta: Code | number): Code {
  return local.set(i32.add(local.get(), typeof delta === 'number' ? i32.const(delta) : delta));
}
