/**
 * @file `softmax` and `logSoftmax`: the backend's fused `Softmax` kernel when it has one, else the
 * max-shifted composite. The shift is computed unrecorded: the result does not depend on it, and a
 * gradient through it would only add rounding noise.
 */

import { getEngine } from '../engine.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { assertLiveTensor } from './convert.js';
import { exp, log, sub, div } from './elementwise.js';
import { reduceMax, reduceSum } from './reduction.js';
import { checkInputDtype } from '../op-specs.js';

/** softmax and logSoftmax take what the fused Softmax kernel takes (float32). */
function checkFloat(op: string, x: Tensor): void {
  assertLiveTensor(x, op, 'x');
  checkInputDtype(op, 'Softmax', 'x', x.dtype);
}

/**
 * `exp(x) / sum(exp(x))` along `axis` (default last).
 * @example tf.softmax(tf.tensor([1, 2, 3])) // [0.09003057, 0.24472848, 0.66524094]
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  checkFloat('softmax', x);
  const normalized = normalizeAxis('softmax', axis, x.rank);
  const engine = getEngine();
  if (engine.backend.kernels.Softmax !== undefined) {
    return engine.runKernel('Softmax', { x }, { axis: normalized }, { shape: x.shape, dtype: x.dtype });
  }
  return engine.tidy(() => {
    const shift = engine.withoutRecording(() => reduceMax(x, normalized, true));
    const e = exp(sub(x, shift));
    return div(e, reduceSum(e, normalized, true));
  });
}

/** `x - log(sum(exp(x)))` along `axis` (default last), computed stably. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkFloat('logSoftmax', x);
  const normalized = normalizeAxis('logSoftmax', axis, x.rank);
  const engine = getEngine();
  return engine.tidy(() => {
    const shift = engine.withoutRecording(() => reduceMax(x, normalized, true));
    const shifted = sub(x, shift);
    return sub(shifted, log(reduceSum(exp(shifted), normalized, true)));
  });
}
