/**
 * @file `gatherNd` and `scatterNd` (TensorFlow's GatherNd and ScatterNd kernels, each the other's
 * gradient): index rows given as arrays are checked on every backend, and a tensor's rows wherever the
 * backend reads synchronously (cpu); WebGPU's kernels give zeros / drop a row outside instead.
 */

import { checkAllocation } from '../allocation-guard.js';
import { getEngine } from '../engine.js';
import { formatShape, invalidArgument } from '../errors.js';
import { checkInputDtype } from '../op-specs.js';
import { assertValidShape, computeStrides, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { assertLiveTensor, describeValue } from './convert.js';
import type { IndexValues } from './shape-ops.js';
import { valuesToHost } from './values.js';

/** An int32 index tensor, and its values when they can be read synchronously. */
interface IndexRows {
  readonly tensor: Tensor;
  /** Values given as arrays (on any backend), or read from a tensor on a synchronous backend (cpu). */
  readonly values: ArrayLike<number> | undefined;
}

/**
 * `indices` as an int32 tensor (a live int32 Tensor as is, or values converted: integers in int32's
 * range, checked by `valuesToHost`), with its values wherever they can be had without waiting; the
 * caller disposes a converted tensor.
 */
function indexRowsOf(op: string, indices: unknown): IndexRows {
  if (indices instanceof Tensor) {
    assertLiveTensor(indices, op, 'indices');
    if (indices.dtype !== 'int32') invalidArgument(op, 'indices', 'an int32 tensor', `a ${indices.dtype} tensor`);
    const { backend, dataId } = indices.storage;
    return { tensor: indices, values: backend.readSync?.(dataId) };
  }
  if (!Array.isArray(indices) && !(indices instanceof Int32Array))
    invalidArgument(op, 'indices', 'an int32 Tensor or (nested) arrays of integers', describeValue(indices));
  const host = valuesToHost(indices, undefined, 'int32', op, 'indices', false);
  return { tensor: getEngine().makeTensor(host.values, host.shape, 'int32'), values: host.values };
}

/**
 * Checks each index row (the last dim, K, of `indexShape`) against `shape[:K]` where the values are
 * known (see `IndexRows`); on an asynchronous backend a tensor's rows are the kernel's to handle.
 */
function checkIndexRows(op: string, rows: IndexRows, shape: readonly number[], describe: string): void {
  const { values } = rows;
  if (values === undefined) return;
  const indexShape = rows.tensor.shape;
  const depth = indexShape[indexShape.length - 1]!;
  const strides = computeStrides(indexShape);
  for (let i = 0; i < values.length; i++) {
    const k = i % depth;
    const v = values[i]!;
    if (v < 0 || v >= shape[k]!) {
      const position = strides.map((s, d) => Math.floor(i / s) % indexShape[d]!);
      invalidArgument(
        op,
        'indices',
        `values in [0, ${shape[k]!}) for dimension ${k} of ${describe} ${formatShape(shape)}`,
        `indices[${position.join(',')}] = ${v}`,
      );
    }
  }
}

/**
 * Slices of `x` at the index rows of `indices` (int32; its last dimension K ≤ x's rank indexes x's
 * first K dimensions): shape indices.shape[:-1] + x.shape[K:]. TensorFlow's GatherNd; out-of-range
 * rows are an error wherever indices can be read synchronously, zeros on WebGPU (TensorFlow's GPU rule).
 * @example tf.gatherNd(tf.tensor([[1, 2], [3, 4]]), [[1, 0], [0, 1]]) // [3, 2]
 */
export function gatherNd(x: Tensor, indices: Tensor | IndexValues): Tensor {
  assertLiveTensor(x, 'gatherNd', 'x');
  const rows = indexRowsOf('gatherNd', indices);
  const index = rows.tensor;
  try {
    if (index.rank < 1)
      invalidArgument('gatherNd', 'indices', 'a tensor of rank at least 1', `shape ${formatShape(index.shape)}`);
    const depth = index.shape[index.rank - 1]!;
    if (depth > x.rank)
      invalidArgument(
        'gatherNd',
        'indices',
        `a last dimension of at most ${x.rank} (the rank of x, shape ${formatShape(x.shape)})`,
        `shape ${formatShape(index.shape)}`,
      );
    checkIndexRows('gatherNd', rows, x.shape, "x's shape");
    const shape = [...index.shape.slice(0, -1), ...x.shape.slice(depth)];
    checkAllocation('gatherNd', shape, x.dtype);
    return getEngine().runKernel('GatherNd', { x, indices: index }, {}, { shape, dtype: x.dtype });
  } finally {
    if (index !== indices) index.dispose();
  }
}

/**
 * Zeros of `shape` with the rows of `updates` added at the index rows of `indices` (repeated rows add
 * up), TensorFlow's ScatterNd: updates.shape must be indices.shape[:-1] + shape[K:].
 * @example tf.scatterNd([[1], [3], [1]], tf.tensor([1, 2, 5]), [5]) // [0, 6, 0, 2, 0]
 */
export function scatterNd(indices: Tensor | IndexValues, updates: Tensor, shape: readonly number[]): Tensor {
  assertLiveTensor(updates, 'scatterNd', 'updates');
  checkInputDtype('scatterNd', 'ScatterNd', 'updates', updates.dtype);
  assertValidShape('scatterNd', shape);
  const rows = indexRowsOf('scatterNd', indices);
  const index = rows.tensor;
  try {
    if (index.rank < 1)
      invalidArgument('scatterNd', 'indices', 'a tensor of rank at least 1', `shape ${formatShape(index.shape)}`);
    const depth = index.shape[index.rank - 1]!;
    if (depth > shape.length)
      invalidArgument(
        'scatterNd',
        'indices',
        `a last dimension of at most ${shape.length} (the rank of shape ${formatShape(shape)})`,
        `shape ${formatShape(index.shape)}`,
      );
    const expected = [...index.shape.slice(0, -1), ...shape.slice(depth)];
    if (!shapesEqual(updates.shape, expected))
      invalidArgument(
        'scatterNd',
        'updates',
        `shape ${formatShape(expected)} (indices.shape[:-1] ${formatShape(index.shape.slice(0, -1))} + shape[${depth}:] of ${formatShape(shape)})`,
        `shape ${formatShape(updates.shape)}`,
      );
    checkIndexRows('scatterNd', rows, shape, 'shape');
    checkAllocation('scatterNd', shape, updates.dtype);
    return getEngine().runKernel(
      'ScatterNd',
      { indices: index, updates },
      {},
      { shape: shape.slice(), dtype: updates.dtype },
    );
  } finally {
    if (index !== indices) index.dispose();
  }
}
