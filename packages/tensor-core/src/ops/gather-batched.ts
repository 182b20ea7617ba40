/**
 * @file `gather` with `batchDims` (TensorFlow's GatherV2 `batch_dims`), a composite over the Gather,
 * Transpose and Add kernels and reshape views: kept apart from shape-ops.ts (which calls it) so that it
 * needs no op of that module.
 */

import { checkAllocation } from '../allocation-guard.js';
import { getEngine } from '../engine.js';
import { formatShape, invalidArgument } from '../errors.js';
import { shapesEqual, sizeFromShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { describeValue } from './convert.js';

/** `x` with its dims permuted by `perm` (the Transpose kernel; tensor-core computes the shape). */
function transposed(x: Tensor, perm: readonly number[]): Tensor {
  return getEngine().runKernel(
    'Transpose',
    { x },
    { perm: perm.slice() },
    { shape: perm.map((p) => x.shape[p]!), dtype: x.dtype },
  );
}

/**
 * Gather with `batchDims` b > 0, as a composite over Gather: x's batch dims move next to `axis` and
 * merge with it, each batch's indices are offset into its own block, and the batch dims move back
 * (so the gradient is Gather's, through the transposes).
 */
export function gatherBatched(x: Tensor, index: Tensor, axis: number, batchDims: number, requested: number): Tensor {
  if (batchDims < 0 || batchDims > index.rank || batchDims > axis)
    invalidArgument(
      'gather',
      'options.batchDims',
      `an integer in [${-index.rank}, ${Math.min(index.rank, axis)}] (at most axis ${axis} and the rank of indices ${formatShape(index.shape)})`,
      describeValue(requested),
    );
  const batch = x.shape.slice(0, batchDims);
  if (!shapesEqual(batch, index.shape.slice(0, batchDims)))
    invalidArgument(
      'gather',
      'indices',
      `a shape starting with x's batch dims ${formatShape(batch)} (x shape ${formatShape(x.shape)}, batchDims ${batchDims})`,
      `shape ${formatShape(index.shape)}`,
    );
  const shape = [...x.shape.slice(0, axis), ...index.shape.slice(batchDims), ...x.shape.slice(axis + 1)];
  checkAllocation('gather', shape, x.dtype);
  const engine = getEngine();
  return engine.tidy(() => {
    const batchSize = sizeFromShape(batch);
    const outer = x.shape.slice(batchDims, axis);
    const size = x.shape[axis]!;
    const inner = x.shape.slice(axis + 1);
    const rows = sizeFromShape(index.shape.slice(batchDims));
    // x as [outer, batch * size, inner]: batch b's rows start at b * size.
    const merged = engine.makeView(x, [batchSize, ...outer, size, ...inner]);
    const moved = transposed(merged, [
      ...outer.map((_, i) => i + 1),
      0,
      ...[size, ...inner].map((_, i) => outer.length + 1 + i),
    ]);
    const flat = engine.makeView(moved, [...outer, batchSize * size, ...inner]);
    const offsets = new Int32Array(batchSize);
    for (let b = 0; b < batchSize; b++) offsets[b] = b * size;
    const shifted = engine.runKernel(
      'Add',
      { a: engine.makeView(index, [batchSize, rows]), b: engine.makeTensor(offsets, [batchSize, 1], 'int32') },
      {},
      { shape: [batchSize, rows], dtype: 'int32' },
    );
    const picked = engine.runKernel(
      'Gather',
      { x: flat, indices: shifted },
      { axis: outer.length },
      { shape: [...outer, batchSize, rows, ...inner], dtype: x.dtype },
    );
    // [outer, batch, rows, inner] -> [batch, outer, rows, inner] -> the output's shape.
    const back = transposed(picked, [
      outer.length,
      ...outer.map((_, i) => i),
      ...[rows, ...inner].map((_, i) => outer.length + 1 + i),
    ]);
    return engine.makeView(back, shape);
  });
}
