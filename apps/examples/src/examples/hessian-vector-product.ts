/**
 * @file A Hessian-vector product three ways, checked to agree: forward over reverse (a
 * ForwardAccumulator watching a tape's backward pass, what `tf.hvp` does), reverse over reverse (the
 * gradient of ⟨∇f, v⟩ from nested tapes), and the full Hessian from `tf.hessian` times v. The loss is a
 * small MLP's cross-entropy as a function of its flattened first-layer weights.
 */

import * as tf from 'tapeflow';
import { cell, code } from '../notebook.js';
import type { Log } from '../notebook.js';

/**
 * What the example computed; the caller disposes it.
 * @example const { forwardOverReverse } = await run(console.log);
 */
export type HessianVectorProductResult = {
  /** H v by a ForwardAccumulator around a GradientTape. */
  readonly forwardOverReverse: tf.Tensor;
  /** H v by a tape around a tape. */
  readonly reverseOverReverse: tf.Tensor;
  /** tf.hessian(loss)(w) · v. */
  readonly viaHessian: tf.Tensor;
  /** The largest |difference| between the three. */
  readonly largestDifference: number;
};

/** The loss: cross-entropy of a 3-4-2 tanh MLP on two fixed examples, as a function of w1 flattened. */
function loss(w: tf.Tensor): tf.Tensor {
  const x = tf.tensor([
    [0.5, -1, 2],
    [1.5, 0.25, -0.5],
  ]);
  const w2 = tf.tensor([
    [0.3, -0.2],
    [0.1, 0.4],
    [-0.5, 0.2],
    [0.25, 0.1],
  ]);
  const labels = tf.oneHot(tf.tensor([0, 1], [2], 'int32'), 2);
  const logits = tf.matmul(tf.tanh(tf.matmul(x, tf.reshape(w, [3, 4]))), w2);
  return tf.neg(tf.reduceMean(tf.reduceSum(tf.mul(labels, tf.logSoftmax(logits)), 1)));
}

/**
 * The point w, the vector v and the loss; the caller disposes w and v.
 * @example const { w, v, loss } = problem();
 */
export function problem(): { w: tf.Tensor; v: tf.Tensor; loss: (w: tf.Tensor) => tf.Tensor } {
  return {
    w: tf.tensor([0.2, -0.4, 0.1, 0.7, -0.3, 0.5, 0.6, -0.1, 0.3, -0.6, 0.4, 0.2]),
    v: tf.tensor([1, 0, -1, 0.5, 0, 2, 0, -0.5, 1, 0, 0, 1]),
    loss,
  };
}

/**
 * Runs the three computations, logging each; returns them and their largest difference.
 * @example const { largestDifference } = await run(console.log); // about 1e-7
 */
export async function run(log: Log): Promise<HessianVectorProductResult> {
  const { w, v } = problem();

  code(log, 'const acc = new tf.ForwardAccumulator(w, v);\nconst g = acc.record(() => { tape.watch(w); ... })');
  const forwardOverReverse = tf.tidy(() => {
    const acc = new tf.ForwardAccumulator(w, v);
    const gradient = acc.record(() => {
      const tape = new tf.GradientTape();
      tape.watch(w);
      const y = tape.record(() => loss(w));
      return tape.gradient(y, w)!;
    });
    const product = acc.jvp(gradient)!;
    acc.dispose();
    return product;
  });
  await cell(log, 'acc.jvp(g)  // forward over reverse', forwardOverReverse);

  code(log, 'outer.gradient(tf.reduceSum(tf.mul(inner.gradient(y, w), v)), w)');
  const reverseOverReverse = tf.tidy(() => {
    const outer = new tf.GradientTape();
    outer.watch(w);
    const directional = outer.record(() => {
      const inner = new tf.GradientTape();
      inner.watch(w);
      const y = inner.record(() => loss(w));
      return tf.reduceSum(tf.mul(inner.gradient(y, w)!, v));
    });
    return outer.gradient(directional, w)!;
  });
  await cell(log, 'reverse over reverse', reverseOverReverse);

  const viaHessian = tf.tidy(() => tf.reshape(tf.matmul(tf.hessian(loss)(w), tf.reshape(v, [12, 1])), [12]));
  await cell(log, 'tf.hessian(loss)(w) · v', viaHessian);

  const difference = tf.tidy(() =>
    tf.maximum(
      tf.reduceMax(tf.abs(tf.sub(forwardOverReverse, reverseOverReverse))),
      tf.reduceMax(tf.abs(tf.sub(forwardOverReverse, viaHessian))),
    ),
  );
  const largestDifference = (await difference.data())[0]!;
  difference.dispose();
  code(log, 'largest difference between the three');
  log(largestDifference.toExponential(2));
  tf.dispose([w, v]);
  return { forwardOverReverse, reverseOverReverse, viaHessian, largestDifference };
}
