/**
 * @file Notebook cells 39–40: `tape.watch(x2)` makes the tape follow the non-trainable Variable x2
 * too, so the gradients become [8, 10, null, null].
 */

import * as tf from 'tapeflow';
import { cell, code } from '../notebook.js';
import type { Log } from '../notebook.js';

/**
 * What the example computed; the caller disposes it.
 * @example const result: WatchResult = await run(console.log); tf.dispose(result);
 */
export type WatchResult = {
  /** x1² + x2² + x3² + x4². */
  readonly y: tf.Tensor;
  /** Gradients with respect to [x1, x2, x3, x4]: [8, 10, null, null]. */
  readonly grad: (tf.Tensor | null)[];
};

/**
 * Runs the cells (after re-creating x1..x4 as the earlier cells made them), logging each.
 * @example const { grad } = await run(console.log); // [8, 10, null, null]
 */
export async function run(log: Log): Promise<WatchResult> {
  code(
    log,
    '# From the earlier cells\nx1 = tf.Variable(4.0)\nx2 = tf.Variable(5.0, trainable=False)\nx3 = tf.add(x1, x2)\nx4 = tf.constant(5.0)',
  );
  const x1 = new tf.Variable(4);
  const x2 = new tf.Variable(5, { trainable: false });
  const x3 = tf.add(x1, x2);
  const x4 = tf.constant(5);

  code(
    log,
    'with tf.GradientTape() as tape:\n    tape.watch(x2)  # Force the tape to watch\n    y = x1**2 + x2**2 + x3**2 + x4**2',
  );
  const tape = new tf.GradientTape();
  const y = tape.record(() => {
    tape.watch(x2);
    return tf.tidy(() => x1.pow(2).add(x2.pow(2)).add(x3.pow(2)).add(x4.pow(2)));
  });

  const grad = tape.gradient(y, [x1, x2, x3, x4]);
  await cell(log, 'grad = tape.gradient(y, [x1, x2, x3, x4])\ngrad', grad);

  tf.dispose([x1, x2, x3, x4]);
  return { y, grad };
}
