/**
 * @file Notebook cells 16–25: a linear model y = x·w + b with a mean-squared loss, differentiated
 * with a persistent tape twice: the loss with respect to [w, b], then y itself with respect to [w, b].
 */

import * as tf from 'tapeflow';
import { cell, code } from '../notebook.js';
import type { Log } from '../notebook.js';

/**
 * What the example computed; the caller disposes it (w, b and x are the example's Variables).
 * @example const result: MatmulBiasResult = await run(console.log); tf.dispose(result);
 */
export type MatmulBiasResult = {
  /** Random normal, shape [4, 2]. */
  readonly w: tf.Variable;
  /** Ones, shape [2]. */
  readonly b: tf.Variable;
  /** [[10, 20, 30, 40]]. */
  readonly x: tf.Variable;
  /** x·w + b, shape [1, 2]. */
  readonly y: tf.Tensor;
  /** mean(y²). */
  readonly loss: tf.Tensor;
  /** dloss/dw = xᵀ·y (mean over 2 elements: dloss/dy = 2y/2 = y). */
  readonly dlDw: tf.Tensor | null;
  /** dloss/db = y. */
  readonly dlDb: tf.Tensor | null;
  /** dy/dw (y summed): each row of w gets x's entry, [[10, 10], [20, 20], [30, 30], [40, 40]]. */
  readonly dyDw: tf.Tensor | null;
  /** dy/db (y summed): [1, 1]. */
  readonly dyDb: tf.Tensor | null;
};

/**
 * Runs the cells, logging each.
 * @example const { dlDw, dlDb } = await run(console.log);
 */
export async function run(log: Log): Promise<MatmulBiasResult> {
  code(log, 'w = tf.Variable(tf.random.normal((4, 2)))');
  const initial = tf.random.normal([4, 2]);
  const w = new tf.Variable(initial);
  initial.dispose();

  code(log, 'b = tf.Variable(tf.ones(2, dtype=tf.float32))');
  const ones = tf.ones([2], 'float32');
  const b = new tf.Variable(ones);
  ones.dispose();

  code(log, 'x = tf.Variable([[10., 20., 30., 40.]])');
  const x = new tf.Variable([[10, 20, 30, 40]]);

  code(
    log,
    'with tf.GradientTape(persistent=True) as tape:\n    y = tf.matmul(x, w) + b\n    loss = tf.reduce_mean(y**2)',
  );
  const tape = new tf.GradientTape({ persistent: true });
  const [y, loss] = tape.record(() =>
    // tidy frees x·w and y²; the tape keeps its own handles on what its gradients need.
    tf.tidy(() => {
      const out = tf.add(tf.matmul(x, w), b);
      return [out, tf.reduceMean(tf.pow(out, 2))] as const;
    }),
  );

  code(log, 'dl_dw, dl_db = tape.gradient(loss, [w, b])');
  const [dlDw = null, dlDb = null] = tape.gradient(loss, [w, b]);
  await cell(log, 'dl_dw', dlDw);
  await cell(log, 'dl_db', dlDb);

  const [dyDw = null, dyDb = null] = tape.gradient(y, [w, b]);
  await cell(log, 'tape.gradient(y, [w, b])', [dyDw, dyDb]);

  // A persistent tape holds its recording until disposed.
  tape.dispose();
  return { w, b, x, y, loss, dlDw, dlDb, dyDw, dyDb };
}
