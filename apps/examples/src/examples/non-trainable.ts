/**
 * @file Notebook cells 36–43: a tape watches trainable Variables only. x2 is a non-trainable
 * Variable, x3 = x1 + x2 and x4 are plain tensors, so only x1 gets a gradient: [8, null, null, null].
 */

import * as tf from 'tapeflow';
import { cell, code } from '../notebook.js';
import type { Log } from '../notebook.js';

/**
 * What the example computed; the caller disposes it.
 * @example const result: NonTrainableResult = await run(console.log); tf.dispose(result);
 */
export type NonTrainableResult = {
  /** x1 + x2 = 9. */
  readonly x3: tf.Tensor;
  /** The constant 5. */
  readonly x4: tf.Tensor;
  /** x1² + x2² + x3² + x4². */
  readonly y: tf.Tensor;
  /** Gradients with respect to [x1, x2, x3, x4]: [8, null, null, null]. */
  readonly grad: (tf.Tensor | null)[];
};

/**
 * Runs the cells, logging each.
 * @example const { grad } = await run(console.log); // [8, null, null, null]
 */
export async function run(log: Log): Promise<NonTrainableResult> {
  code(log, '# Non-trainable variables and constants\nx1 = tf.Variable(4.0)\nx2 = tf.Variable(5.0, trainable=False)');
  const x1 = new tf.Variable(4);
  const x2 = new tf.Variable(5, { trainable: false });

  const x3 = tf.add(x1, x2);
  await cell(log, 'x3 = tf.add(x1, x2)\nx3', x3);
  const x4 = tf.constant(5);
  await cell(log, 'x4 = tf.constant(5.0)\nx4', x4);

  code(log, 'with tf.GradientTape() as tape:\n    y = x1**2 + x2**2 + x3**2 + x4**2');
  const tape = new tf.GradientTape();
  const y = tape.record(() => tf.tidy(() => x1.pow(2).add(x2.pow(2)).add(x3.pow(2)).add(x4.pow(2))));

  code(log, 'grad = tape.gradient(y, [x1, x2, x3, x4])');
  const grad = tape.gradient(y, [x1, x2, x3, x4]);
  await cell(
    log,
    'grad  # x2 is set to not trainable, x3 is therefore not trainable either, and x4 is a constant!',
    grad,
  );

  tf.dispose([x1, x2]);
  return { x3, x4, y, grad };
}
