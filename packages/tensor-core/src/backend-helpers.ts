/**
 * @file Helpers every backend needs and used to write for itself: dimension coalescing for strided
 * loops, the geometry of a (batched, transposed) MatMul, and the checks of `Backend.write`. The CPU
 * and WebGPU backends (and a plugin) import them from `@tapeflow/tensor-core/backend`, so a fix or a
 * new rule lands in every backend at once.
 */
import type { DataType, TypedArray } from './dtype.js';
import { dtypeOfTypedArray } from './dtype.js';
import { formatShape, invalidArgument } from './errors.js';
import { sizeFromShape } from './shape.js';

/** An index space after coalescing: its dims (outermost first) and each operand's strides along them. */
export interface CoalescedDimensions {
  readonly shape: readonly number[];
  /** `strides[k][d]`: operand k's element stride along dim d. */
  readonly strides: readonly (readonly number[])[];
}

/**
 * Drops size-1 dims and merges neighbours that every operand steps through as one (the outer dim's
 * stride is the inner one's times the inner size), so equal shapes become one dim, a broadcast row
 * becomes rows with stride 0, and a transpose that keeps the last axis copies whole rows. Size-0 dims
 * are kept (the space is empty; callers test `sizeFromShape` first where that matters).
 *
 * @example coalesceDimensions([2, 3], [[3, 1], [0, 1]]) // { shape: [2, 3], strides: [[3, 1], [0, 1]] }
 * @example coalesceDimensions([2, 1, 3], [[3, 3, 1]]) // { shape: [6], strides: [[1]] }
 */
export function coalesceDimensions(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): CoalescedDimensions {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    // The previous (outer) group merges into this dim when its stride is this one's times this size.
    if (last >= 0 && strides.every((s, k) => outStrides[k]![last]! === s[d]! * size)) {
      outShape[last] = outShape[last]! * size;
      for (let k = 0; k < strides.length; k++) outStrides[k]![last] = strides[k]![d]!;
    } else {
      outShape.push(size);
      for (let k = 0; k < strides.length; k++) outStrides[k]!.push(strides[k]![d]!);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** Where element (row, column) of one MatMul operand's matrix is: `offset + row * rowStride + column * colStride`. */
export interface MatrixStrides {
  readonly rowStride: number;
  readonly colStride: number;
}

/** The sizes and layouts of a MatMul `[..., m, k] × [..., k, n] → [..., m, n]` (operands maybe transposed). */
export interface MatMulGeometry {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** The output's batch dims (all but the last two). */
  readonly batchShape: readonly number[];
  /** A's element (i, p) within one batch matrix of `m * k` elements. */
  readonly a: MatrixStrides;
  /** B's element (p, j) within one batch matrix of `k * n` elements. */
  readonly b: MatrixStrides;
}

/**
 * The geometry of a MatMul kernel call from the operand A's shape, the output's shape (the front-end
 * checked and broadcast them) and the transpose flags.
 *
 * @example matMulGeometry([3, 2], [2, 4], true, false) // m 2, n 4, k 3, A read with rowStride 1, colStride 2
 */
export function matMulGeometry(
  aShape: readonly number[],
  outShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): MatMulGeometry {
  const rank = outShape.length;
  const m = outShape[rank - 2]!;
  const n = outShape[rank - 1]!;
  const k = aShape[aShape.length - (transposeA ? 2 : 1)]!;
  return {
    m,
    n,
    k,
    batchShape: outShape.slice(0, -2),
    a: transposeA ? { rowStride: 1, colStride: m } : { rowStride: k, colStride: 1 },
    b: transposeB ? { rowStride: 1, colStride: k } : { rowStride: n, colStride: 1 },
  };
}

/**
 * The checks `Backend.write` makes before it stores anything: `values` is `dtype`'s storage array and
 * holds exactly `shape`'s number of elements. Throws an InvalidArgumentError naming `write` otherwise.
 *
 * @example checkWrite(new Float32Array(2), [3], 'float32') // throws: expected 3 values for shape [3], given 2
 */
export function checkWrite(values: TypedArray, shape: readonly number[], dtype: DataType): number {
  const given = dtypeOfTypedArray(values);
  if (given !== dtype) {
    invalidArgument('write', 'values', `the storage array of ${dtype}`, `the storage array of ${given ?? 'no dtype'}`);
  }
  const size = sizeFromShape(shape);
  if (values.length !== size) {
    invalidArgument('write', 'values', `${size} values for shape ${formatShape(shape)}`, `${values.length}`);
  }
  return size;
}

/**
 * One entry per kernel of `names`, each `make(name)`: how a backend binds a whole family (every unary
 * kernel to its shared unary kernel) without listing the names again, so a kernel added to the spec
 * joins the table by itself. `make` must return the kernel of the name it is given.
 *
 * @example kernelsByName(UNARY_KERNELS, (op) => bind(unaryKernel(op))) // { Neg: ..., Abs: ..., ... }
 */
export function kernelsByName<K extends string, V extends { readonly [P in K]: unknown }>(
  names: readonly K[],
  make: (name: K) => V[K],
): V {
  const table: Partial<Record<K, V[K]>> = {};
  for (const name of names) table[name] = make(name);
  // Every name of `names` got its entry just above; TypeScript cannot follow a loop over a key list.
  return table as V;
}
