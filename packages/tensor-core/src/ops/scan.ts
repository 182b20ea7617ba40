/**
 * @file Scans and selection along an axis: `cumsum`, `cumprod` (TensorFlow's Cumsum and Cumprod kernels,
 * with `exclusive` and `reverse`) and `topK` (TensorFlow's TopKV2). The TopKV2 kernel gives the indices
 * only: the values are gathered from them here, so their gradient is Gather's (a scatter of the upstream
 * to the chosen positions, TensorFlow's _TopKGrad) and no kernel needs two outputs.
 */

import { checkAllocation } from '../allocation-guard.js';
import { getEngine } from '../engine.js';
import { formatShape, invalidArgument } from '../errors.js';
import { checkInputDtype } from '../op-specs.js';
import { checkOptions, describeValue } from '../options.js';
import type { OptionSchema } from '../options.js';
import { normalizeAxis, sizeFromShape } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { convertToTensor } from './convert.js';
import { range } from './creation.js';
import { add, mul } from './elementwise.js';
import { gather, reshape } from './shape-ops.js';

/** Options of `cumsum` and `cumprod` (TensorFlow's keyword arguments). */
export interface CumulativeOptions {
  /** Leave each element out of its own running value (the first is 0 for a sum, 1 for a product). */
  readonly exclusive?: boolean;
  /** Run from the end of the axis towards its start. */
  readonly reverse?: boolean;
}

const CUMULATIVE_OPTIONS: OptionSchema<CumulativeOptions> = {
  exclusive: { kind: 'boolean' },
  reverse: { kind: 'boolean' },
};

function cumulative(
  kernel: 'Cumsum' | 'Cumprod',
  op: string,
  x: TensorLike,
  axis: number,
  options: CumulativeOptions,
): Tensor {
  checkOptions(op, options, CUMULATIVE_OPTIONS);
  const tx = convertToTensor(x, op, 'x');
  try {
    checkInputDtype(op, kernel, 'x', tx.dtype);
    if (tx.rank === 0) invalidArgument(op, 'x', 'a tensor of rank at least 1', 'a scalar');
    const normalized = normalizeAxis(op, axis, tx.rank);
    return getEngine().runKernel(
      kernel,
      { x: tx },
      { axis: normalized, exclusive: options.exclusive ?? false, reverse: options.reverse ?? false },
      { shape: tx.shape, dtype: tx.dtype },
    );
  } finally {
    if (tx !== x) tx.dispose();
  }
}

/**
 * Running sum along `axis` (TensorFlow's `tf.math.cumsum`).
 * @example tf.cumsum(tf.tensor([1, 2, 3])) // [1, 3, 6]
 * @example tf.cumsum(tf.tensor([1, 2, 3]), 0, { exclusive: true, reverse: true }) // [5, 3, 0]
 */
export function cumsum(x: TensorLike, axis = 0, options: CumulativeOptions = {}): Tensor {
  return cumulative('Cumsum', 'cumsum', x, axis, options);
}

/**
 * Running product along `axis` (TensorFlow's `tf.math.cumprod`).
 * @example tf.cumprod(tf.tensor([1, 2, 3])) // [1, 2, 6]
 * @example tf.cumprod(tf.tensor([1, 2, 3]), 0, { exclusive: true }) // [1, 1, 2]
 */
export function cumprod(x: TensorLike, axis = 0, options: CumulativeOptions = {}): Tensor {
  return cumulative('Cumprod', 'cumprod', x, axis, options);
}

/** Options of `topK`. */
export interface TopKOptions {
  /**
   * Whether the results come largest first. They always do here (`false` allows any order in
   * TensorFlow, and the sorted order is one of them).
   */
  readonly sorted?: boolean;
}

const TOP_K_OPTIONS: OptionSchema<TopKOptions> = { sorted: { kind: 'boolean' } };

/** The `k` largest entries of each row and where they were. */
export interface TopKResult {
  /** `[...x.shape[:-1], k]`, largest first. */
  readonly values: Tensor;
  /** int32 indices into the last axis; equal values: the lower index first. */
  readonly indices: Tensor;
}

/**
 * The `k` largest entries along the last axis and their indices (TensorFlow's `tf.math.top_k`): largest
 * first, equal values in index order, NaN above every number.
 * @example tf.topK(tf.tensor([1, 3, 2, 3]), 2) // { values: [3, 3], indices: [1, 3] }
 */
export function topK(x: TensorLike, k = 1, options: TopKOptions = {}): TopKResult {
  const op = 'topK';
  checkOptions(op, options, TOP_K_OPTIONS);
  const tx = convertToTensor(x, op, 'x');
  try {
    checkInputDtype(op, 'TopKV2', 'x', tx.dtype);
    if (tx.rank === 0) invalidArgument(op, 'x', 'a tensor of rank at least 1', 'a scalar');
    const n = tx.shape[tx.rank - 1]!;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > n) {
      invalidArgument(
        op,
        'k',
        `an integer in [0, ${n}] (the last dimension of x, shape ${formatShape(tx.shape)})`,
        typeof k === 'number' ? String(k) : describeValue(k),
      );
    }
    const lead = tx.shape.slice(0, -1);
    const shape = [...lead, k];
    checkAllocation(op, shape, tx.dtype);
    const engine = getEngine();
    const indices = engine.runKernel('TopKV2', { x: tx }, { k }, { shape, dtype: 'int32' });
    try {
      const values = engine.tidy(() => {
        // Row r's entries start at r·n in the flat tensor: gather there so the gradient scatters back.
        const starts = reshape(mul(range(0, sizeFromShape(lead), 1, 'int32'), n), [...lead, 1]);
        return gather(reshape(tx, [tx.size]), add(indices, starts));
      });
      return { values, indices };
    } catch (error) {
      indices.dispose();
      throw error;
    }
  } finally {
    if (tx !== x) tx.dispose();
  }
}
