/**
 * @file Notebook cells 47–52: gradients follow the branch that ran. With x = 1 the tape sees x1² and
 * gives [10, null]; with x = -1 it sees x2² and gives [null, 12]. Python's `if x > 0` reads the
 * tensor's value; here that is `(await x.data())[0] > 0`, and `record` keeps recording across the
 * await until the async function settles.
 */

import * as tf from 'tapeflow';
import { cell, code } from '../notebook.js';
import type { Log } from '../notebook.js';

/**
 * What the example computed; the caller disposes it.
 * @example const result: ControlFlowResult = await run(console.log); tf.dispose(result);
 */
export type ControlFlowResult = {
  /** Gradients with respect to [x1, x2] for x = 1: [10, null]. */
  readonly positive: (tf.Tensor | null)[];
  /** Gradients with respect to [x1, x2] for x = -1: [null, 12]. */
  readonly negative: (tf.Tensor | null)[];
};

/**
 * Runs the cells for x = 1 and x = -1, logging each. The body is the notebook's cells in order (the
 * playground and `pnpm examples` read them from this source: see ../cells.ts).
 * @example const { positive, negative } = await run(console.log); // [10, null], [null, 12]
 */
export async function run(log: Log): Promise<ControlFlowResult> {
  code(
    log,
    '# Gradients handle branches and control flow\nx = tf.constant(1.0)\nx1 = tf.Variable(5.0)\nx2 = tf.Variable(6.0)',
  );
  let x = tf.constant(1);
  const x1 = new tf.Variable(5);
  const x2 = new tf.Variable(6);

  code(
    log,
    'with tf.GradientTape() as tape:\n    tape.watch(x)\n    if x > 0:\n        y = x1**2\n    else:\n        y = x2**2',
  );
  const tape = new tf.GradientTape();
  const y = await tape.record(async () => {
    tape.watch(x);
    if ((await x.data())[0]! > 0) return x1.pow(2);
    return x2.pow(2);
  });

  const positive = tape.gradient(y, [x1, x2]);
  y.dispose();
  await cell(log, 'grad = tape.gradient(y, [x1, x2])\ngrad  # Knows that x1 is used, x2 is not', positive);

  code(log, 'x = tf.constant(-1.0)');
  x.dispose();
  x = tf.constant(-1);

  code(
    log,
    'with tf.GradientTape() as tape:\n    tape.watch(x)\n    if x > 0:\n        y = x1**2\n    else:\n        y = x2**2',
  );
  const secondTape = new tf.GradientTape();
  const secondY = await secondTape.record(async () => {
    secondTape.watch(x);
    if ((await x.data())[0]! > 0) return x1.pow(2);
    return x2.pow(2);
  });

  const negative = secondTape.gradient(secondY, [x1, x2]);
  secondY.dispose();
  await cell(log, 'grad = tape.gradient(y, [x1, x2])\ngrad  # Knows that x2 is used, x1 is not', negative);

  tf.dispose([x, x1, x2]);
  return { positive, negative };
}
