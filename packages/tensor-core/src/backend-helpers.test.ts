/**
 * The helpers every backend shares (`@tapeflow/tensor-core/backend`): dimension coalescing, MatMul
 * geometry and `write`'s checks, read from the subpath a backend imports.
 */
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  broadcastStrides,
  checkWrite,
  coalesceDimensions,
  computeStrides,
  matMulGeometry,
} from '@tapeflow/tensor-core/backend';

/** Every flat offset operand k reads while walking `shape` in row-major order. */
function offsets(shape: readonly number[], strides: readonly number[]): number[] {
  const result: number[] = [];
  const size = shape.reduce((a, b) => a * b, 1);
  for (let flat = 0; flat < size; flat++) {
    let rest = flat;
    let offset = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      offset += (rest % shape[d]!) * strides[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    result.push(offset);
  }
  return result;
}

describe('coalesceDimensions', () => {
  it('merges contiguous dims into one and drops size-1 dims', () => {
    expect(coalesceDimensions([2, 1, 3, 4], [computeStrides([2, 1, 3, 4])])).toEqual({ shape: [24], strides: [[1]] });
  });

  it('keeps a broadcast row as rows with stride 0', () => {
    const out = [4, 5];
    const result = coalesceDimensions(out, [computeStrides(out), broadcastStrides([5], out)]);
    expect(result).toEqual({
      shape: [4, 5],
      strides: [
        [5, 1],
        [0, 1],
      ],
    });
  });

  it('merges the leading dims of a transpose that keeps the last axis', () => {
    // x of shape [3, 2, 4] transposed with perm [1, 0, 2]: out [2, 3, 4] reads x with strides [4, 8, 1].
    const result = coalesceDimensions([2, 3, 4], [computeStrides([2, 3, 4]), [4, 8, 1]]);
    expect(result).toEqual({
      shape: [2, 3, 4],
      strides: [
        [12, 4, 1],
        [4, 8, 1],
      ],
    });
  });

  it('visits the same offsets as the uncoalesced walk', () => {
    const cases: [number[], number[][]][] = [
      [
        [2, 3, 1, 4],
        [computeStrides([2, 3, 1, 4]), broadcastStrides([3, 1, 1], [2, 3, 1, 4])],
      ],
      [
        [1, 1],
        [
          [1, 1],
          [0, 0],
        ],
      ],
      [
        [5, 2, 2],
        [computeStrides([5, 2, 2]), [0, 2, 1]],
      ],
    ];
    for (const [shape, strides] of cases) {
      const merged = coalesceDimensions(shape, strides);
      strides.forEach((s, k) => expect(offsets(merged.shape, merged.strides[k]!)).toEqual(offsets(shape, s)));
    }
  });
});

describe('matMulGeometry', () => {
  it('reads m, n, k and the batch dims from the operand and output shapes', () => {
    const g = matMulGeometry([7, 2, 3], [7, 2, 5], false, false);
    expect([g.m, g.n, g.k, g.batchShape]).toEqual([2, 5, 3, [7]]);
    expect(g.a).toEqual({ rowStride: 3, colStride: 1 });
    expect(g.b).toEqual({ rowStride: 5, colStride: 1 });
  });

  it('swaps an operand’s strides when it is transposed', () => {
    // aᵀ: a is [k=3, m=2]; bᵀ: b is [n=4, k=3].
    const g = matMulGeometry([3, 2], [2, 4], true, true);
    expect([g.m, g.n, g.k, g.batchShape]).toEqual([2, 4, 3, []]);
    expect(g.a).toEqual({ rowStride: 1, colStride: 2 });
    expect(g.b).toEqual({ rowStride: 1, colStride: 3 });
  });
});

describe('checkWrite', () => {
  it('returns the element count for matching values', () => {
    expect(checkWrite(new Int32Array(6), [2, 3], 'int32')).toBe(6);
  });

  it('names write, the argument, the expected and the given storage array', () => {
    expect(() => checkWrite(new Float32Array(2), [2], 'int32')).toThrow(InvalidArgumentError);
    expect(() => checkWrite(new Float32Array(2), [2], 'int32')).toThrow(
      "write: argument 'values' expected the storage array of int32, but got the storage array of float32.",
    );
  });

  it('names the shape when the count is wrong', () => {
    expect(() => checkWrite(new Uint8Array(3), [2, 2], 'bool')).toThrow(
      "write: argument 'values' expected 4 values for shape [2,2], but got 3.",
    );
  });
});
