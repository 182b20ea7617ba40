/**
 * @file The dropout masks of the recurrent layers' training calls (Keras': one mask per call, reused
 * by every step): input dropout and recurrent dropout draw them the same way, each from its own seed.
 */

import * as tf from '@tapeflow/tensor-core/internal';

/**
 * A mask of `shape`: 0 with probability `rate`, else 1 / (1 - rate) (the kept values scaled). Seeded,
 * call k's mask depends on (seed, k) alone; unseeded, it comes from the global random stream.
 * @example dropoutMask([batch, units], 0.25, seed + 4, call) // multiplies h before the recurrent matmul
 */
export function dropoutMask(shape: number[], rate: number, seed: number | undefined, call: number): tf.Tensor {
  const noise = seed === undefined ? tf.random.uniform(shape) : tf.random.statelessUniform(shape, [seed, call]);
  return tf.mul(tf.cast(tf.greaterEqual(noise, rate), 'float32'), 1 / (1 - rate));
}
