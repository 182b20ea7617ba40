/**
 * @file The kernel module: assembles every emitted kernel plus `run_chunk`, the one entry the thread
 * pool calls (the main thread too, so threaded and single-threaded runs execute the same code), and
 * compiles it once per variant (shared memory or not, relaxed SIMD or not). Also the fixed layout of
 * the low addresses of linear memory, which the host, the kernels and the workers agree on.
 */

import { FunctionBuilder, ModuleBuilder, Type, seq, type Code, type Local } from './encoder.js';
import {
  WASM_BINARY_OPS,
  WASM_UNARY_OPS,
  emitBinary,
  emitUnary,
  type BinaryVariant,
  type WasmBinaryOp,
  type WasmUnaryOp,
} from './emit-elementwise.js';
import { emitConvolutionFilterChunk } from './emit-convolution-filter.js';
import { emitConvolutionChunk } from './emit-convolution.js';
import { TILE_BYTES, emitGemm, emitPack } from './emit-matmul.js';
import { emitExtremumRow, emitSumAccumulate, emitSumRow } from './emit-reduction.js';
import { control, i32 } from './instructions.js';
import { requireWebAssembly, type WasmMemory, type WasmModule } from './webassembly-api.js';

/** Byte addresses of the fixed regions at the bottom of linear memory. */
export const LAYOUT = {
  /** The thread pool's control words (Int32 slots; see threads/pool.ts). */
  control: 64,
  /** The current job's fields (Int32 slots; kind first). */
  job: 128,
  /** Edge-tile scratch of the matrix product, one TILE_BYTES tile per participant. */
  tiles: 256,
  /** Most participants (main thread + workers) the tile scratch has room for. */
  maxParticipants: 64,
  /** Where the tensor heap starts. */
  heapStart: 16384,
} as const;
if (LAYOUT.tiles + LAYOUT.maxParticipants * TILE_BYTES > LAYOUT.heapStart) throw new Error('wasm layout overlaps');

/** Job kinds `run_chunk` dispatches on. */
export const JOB_KIND = { gemm: 0, elementwise: 1, convolution: 2, convolutionFilter: 3 } as const;
/** Fields of an elementwise job: chunk c covers elements [c * chunk, min(n, (c + 1) * chunk)). */
export const ELEMENTWISE_JOB = { slot: 1, a: 2, b: 3, out: 4, n: 5, chunk: 6, aStep: 7, bStep: 8 } as const;

/** An elementwise export's name: `Add_vv`, `Mul_vs`, `Relu`, ... */
export type ElementwiseName = `${WasmBinaryOp}_${BinaryVariant}` | WasmUnaryOp;
/** `(a, b, out, n)`: byte addresses and an element count; unary functions ignore `b`. */
export type ElementwiseFunction = (a: number, b: number, out: number, n: number) => void;

/** The module's exports, typed. */
export type KernelExports = Readonly<Record<ElementwiseName, ElementwiseFunction>> & {
  readonly sum_row: (x: number, n: number) => number;
  readonly max_row: (x: number, n: number) => number;
  readonly min_row: (x: number, n: number) => number;
  readonly sum_acc: (x: number, acc: number, n: number) => void;
  readonly pack4: (src: number, sx: number, sp: number, x: number, k: number, dst: number) => void;
  readonly pack6: (src: number, sx: number, sp: number, x: number, k: number, dst: number) => void;
  readonly pack8: (src: number, sx: number, sp: number, x: number, k: number, dst: number) => void;
  readonly run_chunk: (job: number, chunk: number, participant: number) => void;
};

/** Which build of the module: with a shared memory (threads) and with relaxed SIMD. */
export interface ModuleVariant {
  readonly shared: boolean;
  readonly relaxed: boolean;
}

/** A compiled module and the table slot of each elementwise function. */
export interface KernelModule {
  readonly variant: ModuleVariant;
  readonly module: WasmModule;
  readonly slots: Readonly<Record<ElementwiseName, number>>;
}

/** The module's bytes for `variant`, and the elementwise functions' table slots. */
export function emitKernelModule(variant: ModuleVariant): {
  bytes: Uint8Array;
  slots: Record<ElementwiseName, number>;
} {
  const module = new ModuleBuilder(
    variant.shared ? { shared: true, minimumPages: 1, maximumPages: 65536 } : { shared: false, minimumPages: 1 },
  );
  const slots: Partial<Record<ElementwiseName, number>> = {};
  let elementwiseType = -1;
  const addElementwise = (name: ElementwiseName, index: number): void => {
    slots[name] = module.tableSlot(index);
    elementwiseType = module.typeOf(index);
  };
  for (const op of WASM_BINARY_OPS) {
    for (const variantName of ['vv', 'vs', 'sv'] as const)
      addElementwise(`${op}_${variantName}`, emitBinary(module, op, variantName));
  }
  for (const op of WASM_UNARY_OPS) addElementwise(op, emitUnary(module, op));
  emitSumRow(module);
  emitExtremumRow(module, 'max');
  emitExtremumRow(module, 'min');
  emitSumAccumulate(module);
  emitPack(module, 4);
  emitPack(module, 6);
  emitPack(module, 8);
  const gemm = emitGemm(module, variant.relaxed);
  const convolution = emitConvolutionChunk(module, variant.relaxed);
  const convolutionFilter = emitConvolutionFilterChunk(module, variant.relaxed);
  module.add(
    new FunctionBuilder([Type.i32, Type.i32, Type.i32]),
    (f) => {
      const [job, chunk, participant] = f.params as [Local, Local, Local];
      const [start, offset] = f.locals(Type.i32, 2);
      const field = (slot: number): Code => i32.load(job.get(), 4 * slot);
      const operand = (base: number, step: number): Code => i32.add(field(base), i32.mul(offset.get(), field(step)));
      const J = ELEMENTWISE_JOB;
      const length = i32.sub(field(J.n), start.get());
      return seq(
        control.if(
          i32.eq(field(0), i32.const(JOB_KIND.convolution)),
          seq(control.call(convolution, job.get(), chunk.get(), participant.get()), control.return()),
        ),
        control.if(
          i32.eq(field(0), i32.const(JOB_KIND.convolutionFilter)),
          seq(control.call(convolutionFilter, job.get(), chunk.get(), participant.get()), control.return()),
        ),
        control.if(
          i32.eq(field(0), i32.const(JOB_KIND.gemm)),
          control.call(gemm, job.get(), chunk.get(), participant.get()),
          seq(
            start.set(i32.mul(chunk.get(), field(J.chunk))),
            offset.set(i32.shl(start.get(), i32.const(2))),
            control.call_indirect(
              elementwiseType,
              field(J.slot),
              operand(J.a, J.aStep),
              operand(J.b, J.bStep),
              i32.add(field(J.out), offset.get()),
              i32.select(field(J.chunk), length, i32.lt_u(field(J.chunk), length)),
            ),
          ),
        ),
      );
    },
    'run_chunk',
  );
  return { bytes: module.encode(), slots: slots as Record<ElementwiseName, number> };
}

// A compiled module is immutable and holds no state, so one per variant serves every backend.
const compiled = new Map<string, KernelModule>();

/** The compiled module for `variant` (compiled on first use; synchronous). */
export function kernelModule(variant: ModuleVariant): KernelModule {
  const key = `${variant.shared}/${variant.relaxed}`;
  let entry = compiled.get(key);
  if (entry === undefined) {
    const { bytes, slots } = emitKernelModule(variant);
    entry = { variant, module: new (requireWebAssembly().Module)(bytes), slots };
    compiled.set(key, entry);
  }
  return entry;
}

const EXPORT_NAMES = ['sum_row', 'max_row', 'min_row', 'sum_acc', 'pack4', 'pack6', 'pack8', 'run_chunk'];

/** Instantiates `kernels` on `memory`; checks that every expected export is a function. */
export function instantiateKernels(kernels: KernelModule, memory: WasmMemory): KernelExports {
  const { exports } = new (requireWebAssembly().Instance)(kernels.module, { env: { memory } });
  for (const name of [...EXPORT_NAMES, ...Object.keys(kernels.slots)]) {
    if (typeof exports[name] !== 'function') throw new Error(`backend-cpu: the kernel module lacks '${name}'`);
  }
  // Checked above: every name the type promises is an exported function.
  return exports as unknown as KernelExports;
}
