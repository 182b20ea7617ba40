/**
 * @file Notebook cells 44–46: with `watchAccessedVariables: false` the tape follows only what is
 * watched explicitly (x1), so x2 gets no gradient: [8, null].
 */

import * as tf from 'tapeflow';
import { cell, code } from '../notebook.js';
import type { Log } from '../notebook.js';

/**
 * What the example computed; the caller disposes it.
 * @example const result: WatchAccessedVariablesResult = await run(console.log); tf.dispose(result);
 */
export type WatchAccessedVariablesResult = {
  /** x1² + x2². */
  readonly y: tf.Tensor;
  /** Gradients with respect to [x1, x2]: [8, null]. */
  readonly grad: (tf.Tensor | null)[];
};

/**
 * Runs the cells (after re-creating x1 and x2 as the earlier cells made them), logging each.
 * @example const { grad } = await run(console.log); // [8, null]
 */
export async function run(log: Log): Promise<WatchAccessedVariablesResult> {
  code(log, '# From the earlier cells\nx1 = tf.Variable(4.0)\nx2 = tf.Variable(5.0, trainable=False)');
  const x1 = new tf.Variable(4);
  const x2 = new tf.Variable(5, { trainable: false });

  code(
    log,
    'with tf.GradientTape(watch_accessed_variables=False) as tape:\n    tape.watch(x1)\n    y = x1**2 + x2**2\n    # Will only track x1, not x2',
  );
  const tape = new tf.GradientTape({ watchAccessedVariables: false });
  const y = tape.record(() => {
    tape.watch(x1);
    return tf.tidy(() => x1.pow(2).add(x2.pow(2)));
  });

  code(log, 'grad = tape.gradient(y, [x1, x2])');
  const grad = tape.gradient(y, [x1, x2]);
  await cell(log, 'grad', grad);

  tf.dispose([x1, x2]);
  return { y, grad };
}
