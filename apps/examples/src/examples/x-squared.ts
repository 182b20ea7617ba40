/**
 * @file Notebook cells 11–14: the gradient of y = x² at x = 4 (y is 16, dy/dx is 8).
 */

import * as tf from 'tapeflow';
import { cell, code } from '../notebook.js';
import type { Log } from '../notebook.js';

/**
 * What the example computed; the caller disposes it.
 * @example const result: XSquaredResult = await run(console.log); tf.dispose(result);
 */
export type XSquaredResult = {
  /** x², 16. */
  readonly y: tf.Tensor;
  /** dy/dx = 2x, 8. */
  readonly dyDx: tf.Tensor | null;
};

/**
 * Runs the cells, logging each; returns y and dy/dx.
 * @example const { y, dyDx } = await run(console.log); // 16, 8
 */
export async function run(log: Log): Promise<XSquaredResult> {
  code(log, 'x = tf.Variable(4.0)');
  const x = new tf.Variable(4);

  code(log, 'with tf.GradientTape() as tape:\n    y = x**2');
  const tape = new tf.GradientTape();
  const y = tape.record(() => x.pow(2));
  await cell(log, 'y', y);

  code(log, 'dy_dx = tape.gradient(y, x)');
  const dyDx = tape.gradient(y, x);
  await cell(log, 'dy_dx', dyDx);

  x.dispose();
  return { y, dyDx };
}
