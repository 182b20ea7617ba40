/**
 * @file A directional derivative by forward mode, used for a line-search step: along the steepest-
 * descent direction d = -∇f(x), `tf.jvp` gives f(x) and the slope ∇f·d in one forward pass, and a
 * backtracking (Armijo) search halves the step until f decreases by at least c · step · slope. The
 * function is Rosenbrock's in two variables.
 */

import * as tf from 'tapeflow';
import { cell, code } from '../notebook.js';
import type { Log } from '../notebook.js';

/**
 * What the example computed; the caller disposes it.
 * @example const { accepted } = await run(console.log);
 */
export type LineSearchResult = {
  /** The starting point, [-1.2, 1]. */
  readonly x: tf.Tensor;
  /** The slope ∇f(x)·d from the jvp (d = -∇f(x)): -|∇f(x)|². */
  readonly slope: tf.Tensor;
  /** The gradient at x. */
  readonly gradient: tf.Tensor;
  /** The step size the search accepted. */
  readonly step: number;
  /** f before and after the step. */
  readonly before: number;
  readonly after: number;
};

/** Rosenbrock: (1 - x₀)² + 100 (x₁ - x₀²)². */
function rosenbrock(x: tf.Tensor): tf.Tensor {
  const x0 = tf.reshape(tf.slice(x, [0], [1]), []);
  const x1 = tf.reshape(tf.slice(x, [1], [1]), []);
  return tf.add(tf.square(tf.sub(1, x0)), tf.mul(100, tf.square(tf.sub(x1, tf.square(x0)))));
}

/**
 * Runs one line-search step, logging each part; returns what it computed.
 * @example const { before, after } = await run(console.log); // after < before
 */
export async function run(log: Log): Promise<LineSearchResult> {
  const x = tf.tensor([-1.2, 1]);
  code(log, 'const gradient = tf.grad(rosenbrock)(x)');
  const gradient = tf.grad(rosenbrock)(x);
  await cell(log, 'gradient', gradient);

  code(log, 'const [value, slope] = tf.jvp(rosenbrock, [x], [tf.neg(gradient)])');
  const direction = tf.neg(gradient);
  const [value, slope] = tf.jvp(rosenbrock, [x], [direction]);
  await cell(log, 'slope  // ∇f·d = -|∇f|²', slope);

  const before = (await value.data())[0]!;
  const slopeValue = (await slope.data())[0]!;
  const armijo = 1e-4;
  let step = 1;
  let after = Infinity;
  for (let i = 0; i < 60; i++) {
    const trial = tf.tidy(() => rosenbrock(tf.add(x, tf.mul(direction, step))));
    after = (await trial.data())[0]!;
    trial.dispose();
    if (after <= before + armijo * step * slopeValue) break;
    step /= 2;
  }
  code(log, 'the step the backtracking search accepted, and f before and after');
  log(`step ${step}, f ${before.toFixed(4)} -> ${after.toFixed(4)}`);
  tf.dispose([direction, value]);
  return { x, slope, gradient, step, before, after };
}
