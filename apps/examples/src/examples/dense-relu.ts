/**
 * @file Notebook cells 28–32: a Dense(2, relu) layer on x = [[10, 20, 30, 40]] and the gradient of
 * sum(y²) with respect to its trainable variables. The notebook's random draw made both
 * pre-activations negative, so relu passed no gradient and every entry was 0. The draw is not
 * reproducible, so this sets the weights instead, twice: once all-negative (the notebook's zeros),
 * once with one unit active (dl/dkernel = xᵀ·(2y ⊙ 1[y > 0]), dl/dbias = 2y ⊙ 1[y > 0]).
 */

import * as tf from 'tapeflow';
import { cell, code } from '../notebook.js';
import type { Log } from '../notebook.js';

/**
 * One run of the cells with set weights; the caller disposes it.
 * @example const { negative } = await run(console.log); negative.grad // [zeros, zeros]
 */
export type DenseReluCase = {
  /** The kernel given to `setWeights`, shape [4, 2]. */
  readonly kernel: tf.Tensor;
  /** The bias given to `setWeights`, shape [2]. */
  readonly bias: tf.Tensor;
  /** relu(x·kernel + bias), shape [1, 2]. */
  readonly y: tf.Tensor;
  /** sum(y²). */
  readonly loss: tf.Tensor;
  /** [dl/dkernel, dl/dbias]. */
  readonly grad: (tf.Tensor | null)[];
};

/**
 * What the example computed; the caller disposes it.
 * @example const result: DenseReluResult = await run(console.log); tf.dispose(result);
 */
export type DenseReluResult = {
  /** The input, [[10, 20, 30, 40]]. */
  readonly x: tf.Tensor;
  /** Every pre-activation negative: y = 0 and zero gradients, as in the notebook. */
  readonly negative: DenseReluCase;
  /** One unit active: gradients are 2y pushed back through the layer. */
  readonly active: DenseReluCase;
};

/**
 * Runs the cells with both sets of weights, logging each. The body is the notebook's cells in order
 * (the playground and `pnpm examples` read them from this source: see ../cells.ts). The weights are
 * binary fractions, exact in float32, so the printed gradients come out as round numbers.
 * @example const { negative, active } = await run(console.log);
 */
export async function run(log: Log): Promise<DenseReluResult> {
  code(log, "layer = tf.keras.layers.Dense(2, activation='relu')\nx = tf.constant([[10., 20., 30., 40.]])");
  const layer = new tf.layers.Dense(2, { activation: 'relu' });
  const x = tf.constant([[10, 20, 30, 40]]);
  // Build now (Keras would on the first call) so the weights exist to be set.
  layer.build(x.shape);

  code(
    log,
    "# every pre-activation negative, like the notebook's draw: relu passes no gradient\nlayer.set_weights([kernel, bias])",
  );
  // Pre-activations on x are [-5, -3.75]: both units off.
  const kernel = tf.tensor([
    [-0.25, -0.25],
    [0.125, -0.125],
    [-0.25, 0.125],
    [0.0625, -0.0625],
  ]);
  const bias = tf.tensor([0, 0]);
  layer.setWeights([kernel, bias]);
  await cell(log, 'layer.get_weights()', [kernel, bias]);

  code(log, 'with tf.GradientTape() as tape:\n    y = layer(x)\n    loss = tf.reduce_sum(y**2)');
  const tape = new tf.GradientTape();
  const [y, loss] = tape.record(() =>
    tf.tidy(() => {
      const out = layer.apply(x);
      return [out, tf.reduceSum(tf.pow(out, 2))] as const;
    }),
  );

  code(log, 'grad = tape.gradient(loss, layer.trainable_variables)');
  const grad = tape.gradient(loss, layer.trainableVariables);
  await cell(log, 'grad', grad);

  code(log, '# unit 0 active: its gradient is 2y, pushed back through the layer\nlayer.set_weights([kernel, bias])');
  // Pre-activations on x are [3, -4.25]: unit 0 on, unit 1 off.
  const activeKernel = tf.tensor([
    [0.25, -0.25],
    [0.125, -0.125],
    [-0.25, 0.125],
    [0.125, -0.0625],
  ]);
  const activeBias = tf.tensor([0.5, -0.5]);
  layer.setWeights([activeKernel, activeBias]);
  await cell(log, 'layer.get_weights()', [activeKernel, activeBias]);

  code(log, 'with tf.GradientTape() as tape:\n    y = layer(x)\n    loss = tf.reduce_sum(y**2)');
  const activeTape = new tf.GradientTape();
  const [activeY, activeLoss] = activeTape.record(() =>
    tf.tidy(() => {
      const out = layer.apply(x);
      return [out, tf.reduceSum(tf.pow(out, 2))] as const;
    }),
  );

  code(log, 'grad = tape.gradient(loss, layer.trainable_variables)');
  const activeGrad = activeTape.gradient(activeLoss, layer.trainableVariables);
  await cell(log, 'grad', activeGrad);

  layer.dispose();
  return {
    x,
    negative: { kernel, bias, y, loss, grad },
    active: { kernel: activeKernel, bias: activeBias, y: activeY, loss: activeLoss, grad: activeGrad },
  };
}
