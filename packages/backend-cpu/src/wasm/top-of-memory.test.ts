/**
 * @file The kernels on data that ends at the very top of a 4 GiB memory (65536 pages), where the
 * address one past the end is 2^32: 0 in the kernels' i32 arithmetic. A loop that tests
 * `address < end` there runs no pass and leaves its output unwritten; each kernel family is run with
 * its output (or the operand its loop walks) placed to end exactly at 2^32 and checked value by value.
 * V8 reserves a 4 GiB memory lazily (only the pages touched are committed), so the test is cheap
 * where a 64-bit engine runs it; an engine that cannot reserve it skips it, saying so.
 */

import { describe, expect, it } from 'vitest';
import { detectFeatures } from '../features.js';
import { BINARY as BINARY_TABLE, UNARY as UNARY_TABLE } from '../kernels/elementwise-table.js';
import { GEMM_JOB, MR, NR } from './emit-matmul.js';
import { WASM_BINARY_OPS, WASM_UNARY_OPS, type WasmBinaryOp, type WasmUnaryOp } from './emit-elementwise.js';
import {
  ELEMENTWISE_JOB,
  JOB_KIND,
  LAYOUT,
  instantiateKernels,
  kernelModule,
  type KernelExports,
  type ModuleVariant,
} from './kernel-module.js';
import { requireWebAssembly, type WasmMemory } from './webassembly-api.js';

const TOP = 2 ** 32;
const PAGES = 65536;
const LOW = LAYOUT.heapStart;

function reserveFourGiB(shared: boolean): WasmMemory | undefined {
  try {
    const api = requireWebAssembly();
    return shared
      ? new api.Memory({ initial: PAGES, maximum: PAGES, shared: true })
      : new api.Memory({ initial: PAGES });
  } catch {
    return undefined;
  }
}

const features = detectFeatures();
const canReserve = reserveFourGiB(false) !== undefined;
const variants: ModuleVariant[] = [
  { shared: false, relaxed: false },
  ...(features.sharedMemory ? [{ shared: true, relaxed: false }] : []),
  ...(features.relaxedSimd ? [{ shared: false, relaxed: true }] : []),
];

const f32Of = (memory: WasmMemory, address: number, length: number): Float32Array =>
  new Float32Array(memory.buffer, address, length);
const i32Of = (memory: WasmMemory, address: number, length: number): Int32Array =>
  new Int32Array(memory.buffer, address, length);
/** Small integers (exact in every float32 sum and product the tests make), never zero. */
const data = (length: number, salt: number): number[] =>
  Array.from({ length }, (_, i) => ((i * 7 + salt * 13) % 17) - 8 || 3);

// Each SIMD form must agree with its kernel's scalar form in the CPU table (the same formula in double,
// rounded once: exact on these small integers).
const BINARY = (op: WasmBinaryOp): ((a: number, b: number) => number) => BINARY_TABLE[op].float;
const UNARY = (op: WasmUnaryOp): ((x: number) => number) => UNARY_TABLE[op].float;

// 5: the scalar loop only; 32: the 16-wide loop only; 37: both (each ending at 2^32).
const LENGTHS = [5, 32, 37];

describe.skipIf(!canReserve)('wasm kernels on data that ends at the top of a 4 GiB memory', () => {
  for (const variant of variants) {
    const label = `shared: ${variant.shared}, relaxed: ${variant.relaxed}`;
    const setUp = (): { memory: WasmMemory; kernels: KernelExports } => {
      const memory = reserveFourGiB(variant.shared)!;
      expect(memory.buffer.byteLength, 'the memory ends at 2^32').toBe(TOP);
      return { memory, kernels: instantiateKernels(kernelModule(variant), memory) };
    };

    it(`elementwise binary and unary, called directly and through run_chunk (${label})`, () => {
      const { memory, kernels } = setUp();
      const { slots } = kernelModule(variant);
      for (const n of LENGTHS) {
        const out = TOP - 4 * n;
        const [a, b] = [LOW, LOW + 4096];
        f32Of(memory, a, n).set(data(n, 1));
        f32Of(memory, b, n).set(data(n, 2));
        const [as, bs] = [f32Of(memory, a, n), f32Of(memory, b, n)];
        const check = (name: string, call: () => void, expected: (i: number) => number): void => {
          f32Of(memory, out, n).fill(-999);
          call();
          expect(Array.from(f32Of(memory, out, n)), `${name}, n = ${n}`).toEqual(
            Array.from({ length: n }, (_, i) => Math.fround(expected(i))),
          );
        };
        for (const op of WASM_BINARY_OPS) {
          const reference = BINARY(op);
          check(
            `${op}_vv`,
            () => kernels[`${op}_vv`](a, b, out, n),
            (i) => reference(as[i]!, bs[i]!),
          );
          check(
            `${op}_vs`,
            () => kernels[`${op}_vs`](a, b, out, n),
            (i) => reference(as[i]!, bs[0]!),
          );
          check(
            `${op}_sv`,
            () => kernels[`${op}_sv`](a, b, out, n),
            (i) => reference(as[0]!, bs[i]!),
          );
        }
        for (const op of WASM_UNARY_OPS)
          check(
            op,
            () => kernels[op](a, 0, out, n),
            (i) => UNARY(op)(as[i]!),
          );
        // The threads' entry: chunks of 16, the last one ending at 2^32.
        check(
          'Mul_vv through run_chunk',
          () => {
            const job = i32Of(memory, LAYOUT.job, 16);
            const J = ELEMENTWISE_JOB;
            job[0] = JOB_KIND.elementwise;
            [job[J.slot], job[J.a], job[J.b], job[J.out], job[J.n], job[J.chunk], job[J.aStep], job[J.bStep]] = [
              slots.Mul_vv,
              a,
              b,
              out,
              n,
              16,
              1,
              1,
            ];
            for (let chunk = 0; chunk < Math.ceil(n / 16); chunk++) kernels.run_chunk(LAYOUT.job, chunk, 0);
          },
          (i) => as[i]! * bs[i]!,
        );
      }
    });

    it(`row reductions: sum, max, min and the float64 accumulation (${label})`, () => {
      const { memory, kernels } = setUp();
      // 3: the scalar tail only; 64: one 64-float block; 143: blocks, vectors and a tail.
      for (const n of [3, 64, 143]) {
        const x = TOP - 4 * n;
        const values = data(n, 5);
        f32Of(memory, x, n).set(values);
        expect(kernels.sum_row(x, n), `sum_row, n = ${n}`).toBe(values.reduce((s, v) => s + v, 0));
        expect(kernels.max_row(x, n), `max_row, n = ${n}`).toBe(Math.max(...values));
        expect(kernels.min_row(x, n), `min_row, n = ${n}`).toBe(Math.min(...values));
        const acc = new Float64Array(memory.buffer, LOW, n);
        acc.set(data(n, 9));
        kernels.sum_acc(x, LOW, n);
        expect(Array.from(acc), `sum_acc, n = ${n}`).toEqual(data(n, 9).map((v, j) => v + values[j]!));
      }
    });

    it(`matmul: packing, the micro-kernel and edge tiles, each region in turn ending at 2^32 (${label})`, () => {
      const { memory, kernels } = setUp();
      const [m, n, k, kc] = [5, 11, 7, 3];
      const rowPanels = Math.ceil(m / MR);
      const columnPanels = Math.ceil(n / NR);
      const bytes = {
        a: m * k * 4,
        b: k * n * 4,
        packedA: rowPanels * MR * k * 4,
        packedB: columnPanels * NR * k * 4,
        c: m * n * 4,
      };
      const regions = Object.keys(bytes) as (keyof typeof bytes)[];
      const aValues = data(m * k, 3);
      const bValues = data(k * n, 4);
      const expected = Array.from({ length: m * n }, (_, index) => {
        const [i, j] = [Math.floor(index / n), index % n];
        let sum = 0;
        for (let p = 0; p < k; p++) sum += aValues[i * k + p]! * bValues[p * n + j]!;
        return sum;
      });
      for (const top of regions) {
        // `top` ends at 2^32; the others lie one after another from the heap's start.
        const address = {} as Record<keyof typeof bytes, number>;
        let next: number = LOW;
        for (const region of regions) {
          if (region === top) address[region] = TOP - bytes[region];
          else [address[region], next] = [next, next + bytes[region] + 64];
        }
        f32Of(memory, address.a, m * k).set(aValues);
        f32Of(memory, address.b, k * n).set(bValues);
        f32Of(memory, address.c, m * n).fill(-999);
        kernels.pack4(address.a, k, 1, m, k, address.packedA);
        kernels.pack8(address.b, 1, n, n, k, address.packedB);
        const job = i32Of(memory, LAYOUT.job, 16);
        job[0] = JOB_KIND.gemm;
        job[GEMM_JOB.packedA] = address.packedA;
        job[GEMM_JOB.packedB] = address.packedB;
        job[GEMM_JOB.c] = address.c;
        [job[GEMM_JOB.m], job[GEMM_JOB.n], job[GEMM_JOB.k], job[GEMM_JOB.kc]] = [m, n, k, kc];
        [job[GEMM_JOB.rowPanelsPerChunk], job[GEMM_JOB.colPanelsPerChunk], job[GEMM_JOB.colChunks]] = [
          rowPanels,
          columnPanels,
          1,
        ];
        job[GEMM_JOB.tiles] = LAYOUT.tiles;
        kernels.run_chunk(LAYOUT.job, 0, 0);
        expect(Array.from(f32Of(memory, address.c, m * n)), `${top} ending at 2^32`).toEqual(expected);
      }
    });
  }
});
