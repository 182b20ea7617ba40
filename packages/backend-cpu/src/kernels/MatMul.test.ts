/**
 * @file Tests of MatMul: hand-computed products, every transpose combination and broadcast batch dims
 * against a naive reference on random data, sizes around the micro-kernels' tiles, int32 wrap-around,
 * and zero-size dims (k = 0 gives zeros).
 */

import { InvalidArgumentError } from '@tapeflow/tensor-core/internal';
import { expect, it } from 'vitest';
import {
  KernelHarness,
  describeEachPath,
  expectClose,
  indicesOf,
  randomValues,
  seededRandom,
  stridesOf,
} from '../test-utils.js';

/** The naive reference: out[..., i, j] = Σ_p A[..., i, p] B[..., p, j] with broadcast batch dims. */
function reference(
  a: number[],
  aShape: number[],
  b: number[],
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
  outShape: number[],
): number[] {
  const rank = outShape.length;
  const [m, n] = [outShape[rank - 2]!, outShape[rank - 1]!];
  const k = transposeA ? aShape[aShape.length - 2]! : aShape[aShape.length - 1]!;
  const batchShape = outShape.slice(0, -2);
  const out: number[] = [];
  const at = (values: number[], shape: number[], batch: number[], row: number, col: number): number => {
    const strides = stridesOf(shape);
    const offset = shape.length - 2 - batch.length;
    let index = row * strides[shape.length - 2]! + col * strides[shape.length - 1]!;
    for (let d = 0; d < shape.length - 2; d++) {
      if (shape[d]! !== 1) index += batch[d - offset]! * strides[d]!;
    }
    return values[index]!;
  };
  for (const batch of indicesOf(batchShape)) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          const av = transposeA ? at(a, aShape, batch, p, i) : at(a, aShape, batch, i, p);
          const bv = transposeB ? at(b, bShape, batch, j, p) : at(b, bShape, batch, p, j);
          sum += av * bv;
        }
        out.push(sum);
      }
    }
  }
  return out;
}

describeEachPath('MatMul', (options) => {
  it('multiplies 2×3 by 3×2 (hand-computed)', () => {
    const h = new KernelHarness(options);
    const a = h.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = h.tensor([7, 8, 9, 10, 11, 12], [3, 2]);
    const attrs = { transposeA: false, transposeB: false };
    expect(h.values('MatMul', { a, b }, attrs, [2, 2])).toEqual([58, 64, 139, 154]);
  });

  it('reads transposed operands as [k, m] and [n, k] (hand-computed)', () => {
    const h = new KernelHarness(options);
    const aT = h.tensor([1, 4, 2, 5, 3, 6], [3, 2]);
    const bT = h.tensor([7, 9, 11, 8, 10, 12], [2, 3]);
    const a = h.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = h.tensor([7, 8, 9, 10, 11, 12], [3, 2]);
    const expected = [58, 64, 139, 154];
    expect(h.values('MatMul', { a: aT, b }, { transposeA: true, transposeB: false }, [2, 2])).toEqual(expected);
    expect(h.values('MatMul', { a, b: bT }, { transposeA: false, transposeB: true }, [2, 2])).toEqual(expected);
    expect(h.values('MatMul', { a: aT, b: bT }, { transposeA: true, transposeB: true }, [2, 2])).toEqual(expected);
  });

  const shapes: [string, number[], number[], number[]][] = [
    ['plain', [5, 7], [7, 3], [5, 3]],
    ['batched', [4, 3, 5], [4, 5, 6], [4, 3, 6]],
    ['a broadcast over b batches', [3, 5], [2, 5, 4], [2, 3, 4]],
    ['b broadcast over a batches', [2, 3, 5], [5, 4], [2, 3, 4]],
    ['both batch dims broadcast', [2, 1, 3, 5], [1, 3, 5, 2], [2, 3, 3, 2]],
    ['vectors', [1, 9], [9, 1], [1, 1]],
  ];
  for (const [name, aLogical, bLogical, outShape] of shapes) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`matches the reference: ${name}, transposeA=${transposeA}, transposeB=${transposeB}`, () => {
          const swap = (shape: number[], on: boolean): number[] =>
            on ? [...shape.slice(0, -2), shape[shape.length - 1]!, shape[shape.length - 2]!] : shape;
          const aShape = swap(aLogical, transposeA);
          const bShape = swap(bLogical, transposeB);
          const random = seededRandom(aShape.length * 31 + bShape.length + (transposeA ? 2 : 0) + (transposeB ? 1 : 0));
          const aValues = randomValues(
            aShape.reduce((x, y) => x * y, 1),
            random,
          );
          const bValues = randomValues(
            bShape.reduce((x, y) => x * y, 1),
            random,
          );
          const h = new KernelHarness(options);
          const out = h.run(
            'MatMul',
            { a: h.tensor(aValues, aShape), b: h.tensor(bValues, bShape) },
            { transposeA, transposeB },
            outShape,
          );
          expectClose(out, reference(aValues, aShape, bValues, bShape, transposeA, transposeB, outShape), 1e-6);
        });
      }
    }
  }

  it('matches the reference for m, n, k on and off the 4×8 and 6×8 tiles, over a depth block', () => {
    const h = new KernelHarness(options);
    const random = seededRandom(68);
    for (const [m, n, k] of [
      [6, 8, 5],
      [7, 9, 3],
      [11, 15, 17],
      [13, 17, 260],
      [25, 8, 6],
      [1, 33, 12],
    ] as const) {
      for (const transposeA of [false, true]) {
        const aShape = transposeA ? [k, m] : [m, k];
        const aValues = randomValues(m * k, random);
        const bValues = randomValues(k * n, random);
        const out = h.run(
          'MatMul',
          { a: h.tensor(aValues, aShape), b: h.tensor(bValues, [k, n]) },
          { transposeA, transposeB: false },
          [m, n],
        );
        expectClose(out, reference(aValues, aShape, bValues, [k, n], transposeA, false, [m, n]), 1e-5);
      }
    }
  });

  it('wraps int32 products and sums', () => {
    const h = new KernelHarness(options);
    const a = h.tensor([65536, 1, 2, 3], [2, 2], 'int32');
    const b = h.tensor([65536, 0, 2147483647, 1], [2, 2], 'int32');
    const out = h.run('MatMul', { a, b }, { transposeA: false, transposeB: false }, [2, 2], 'int32');
    const wrap = (value: bigint): number => Number(BigInt.asIntN(32, value));
    expect(out).toEqual(
      new Int32Array([wrap(65536n * 65536n + 2147483647n), 1, wrap(2n * 65536n + 3n * 2147483647n), 3]),
    );
    expect(out[2]).toBe(-2147352579);
  });

  it('wraps int32 like a 32-bit machine over a long k, transposed or not', () => {
    const random = seededRandom(11);
    const [m, k, n] = [3, 10, 2];
    const aValues = Array.from({ length: m * k }, () => Math.floor((random() - 0.5) * 2 ** 32) | 0);
    const bValues = Array.from({ length: k * n }, () => Math.floor((random() - 0.5) * 2 ** 32) | 0);
    const expected: number[] = [];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0n;
        for (let p = 0; p < k; p++) sum += BigInt(aValues[i * k + p]!) * BigInt(bValues[p * n + j]!);
        expected.push(Number(BigInt.asIntN(32, sum)));
      }
    }
    const h = new KernelHarness(options);
    const a = h.tensor(aValues, [m, k], 'int32');
    const b = h.tensor(bValues, [k, n], 'int32');
    expect(h.values('MatMul', { a, b }, { transposeA: false, transposeB: false }, [m, n], 'int32')).toEqual(expected);
    const bTransposed = Array.from({ length: n * k }, (_, index) => bValues[(index % k) * n + Math.floor(index / k)]!);
    const bT = h.tensor(bTransposed, [n, k], 'int32');
    expect(h.values('MatMul', { a, b: bT }, { transposeA: false, transposeB: true }, [m, n], 'int32')).toEqual(
      expected,
    );
  });

  it('gives zeros when k = 0 and an empty output when m, n or a batch dim is 0', () => {
    const h = new KernelHarness(options);
    const attrs = { transposeA: false, transposeB: false };
    const a = h.tensor([], [2, 0]);
    const b = h.tensor([], [0, 3]);
    expect(h.values('MatMul', { a, b }, attrs, [2, 3])).toEqual([0, 0, 0, 0, 0, 0]);
    const c = h.tensor([], [0, 4]);
    const d = h.tensor([1, 2, 3, 4], [4, 1]);
    expect(h.values('MatMul', { a: c, b: d }, attrs, [0, 1])).toEqual([]);
    const e = h.tensor([], [0, 2, 2]);
    const f = h.tensor([1, 2, 3, 4], [2, 2]);
    expect(h.values('MatMul', { a: e, b: f }, attrs, [0, 2, 2])).toEqual([]);
  });

  it('rejects bool', () => {
    const h = new KernelHarness(options);
    const a = h.tensor([1], [1, 1], 'bool');
    expect(() => h.run('MatMul', { a, b: a }, { transposeA: false, transposeB: false }, [1, 1], 'bool')).toThrow(
      InvalidArgumentError,
    );
  });
});
