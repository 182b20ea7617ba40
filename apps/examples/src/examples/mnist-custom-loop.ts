/**
 * @file The same MNIST MLP trained with a custom loop, as a PyTorch user writes one: a subclassed
 * `tf.Model` with its own `call`, then per batch `GradientTape` → `tape.gradient` →
 * `optimizer.applyGradients`, and held-out accuracy from `predict` after each epoch.
 */

import * as tf from 'tapeflow';
import { code } from '../notebook.js';
import type { Log } from '../notebook.js';
import { loadMnist } from './mnist-data.js';
import { FULL_RUN, learningRateAt, mnistOptimizer } from './mnist-fit.js';
import type { MnistConfig } from './mnist-fit.js';

/** The 784-128-10 MLP as a subclassed model: the layers it holds are found like Keras attributes. */
class Mlp extends tf.Model {
  readonly hidden: tf.Dense;
  readonly dropout: tf.layers.Dropout;
  readonly classifier: tf.Dense;

  constructor(seed: number) {
    super({ name: 'mlp' });
    this.hidden = new tf.layers.Dense(128, { activation: 'relu', seed });
    this.dropout = new tf.layers.Dropout(0.2, { seed: seed + 1 });
    this.classifier = new tf.layers.Dense(10, { seed: seed + 2 });
  }

  call(x: tf.Tensor, options?: tf.ApplyOptions): tf.Tensor {
    return tf.tidy(() => this.classifier.apply(this.dropout.apply(this.hidden.apply(x, options), options), options));
  }
}

/**
 * What the loop measured.
 * @example const { testAccuracy } = await trainMnistCustomLoop(console.log, FULL_RUN);
 */
export type MnistLoopResult = {
  /** Mean training loss per epoch. */
  readonly losses: readonly number[];
  /** Held-out accuracy after each epoch. */
  readonly accuracies: readonly number[];
  readonly testAccuracy: number;
  readonly seconds: number;
};

async function accuracy(model: Mlp, x: tf.Tensor, y: tf.Tensor): Promise<number> {
  const correct = tf.tidy(() => {
    const logits = model.predict(x);
    return tf.reduceMean(tf.cast(tf.equal(tf.argMax(logits, -1), y), 'float32'));
  });
  const [value] = await correct.data();
  correct.dispose();
  return value!;
}

/**
 * Trains with a GradientTape loop for `config.epochs` epochs.
 * @example await trainMnistCustomLoop(console.log, { ...FULL_RUN, epochs: 2 });
 */
export async function trainMnistCustomLoop(log: Log, config: MnistConfig): Promise<MnistLoopResult> {
  const data = loadMnist({ train: config.train, test: config.test, seed: config.seed });
  const model = new Mlp(config.seed);
  const optimizer = mnistOptimizer();
  const losses: number[] = [];
  const accuracies: number[] = [];
  code(
    log,
    'for x, y in batches:\n    with tf.GradientTape() as tape:\n        loss = loss_fn(y, model(x, training=True))\n' +
      '    grads = tape.gradient(loss, model.trainable_variables)\n    optimizer.apply_gradients(zip(grads, model.trainable_variables))',
  );
  const started = performance.now();
  try {
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      optimizer.learningRate = learningRateAt(epoch);
      // A seeded permutation of the training set, drawn with tf.random so every backend agrees.
      const noise = tf.random.uniform([config.train], { seed: config.seed * 1000 + epoch });
      const keys = await noise.data();
      noise.dispose();
      const permutation = Int32Array.from({ length: config.train }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]!);
      let lossSum = 0;
      for (let start = 0; start < config.train; start += config.batchSize) {
        const size = Math.min(config.batchSize, config.train - start);
        const indices = tf.tensor(permutation.subarray(start, start + size), [size], 'int32');
        const xb = tf.gather(data.xTrain, indices);
        const yb = tf.gather(data.yTrain, indices);
        const tape = new tf.GradientTape();
        const loss = tape.record(() =>
          tf.tidy(() =>
            tf.losses.sparseCategoricalCrossentropy(yb, model.apply(xb, { training: true }), { fromLogits: true }),
          ),
        );
        const gradients = tape.gradient(loss, model.trainableVariables);
        optimizer.applyGradients(gradients, model.trainableVariables);
        lossSum += (await loss.data())[0]! * size;
        tf.dispose([indices, xb, yb, loss, gradients]);
      }
      losses.push(lossSum / config.train);
      accuracies.push(await accuracy(model, data.xTest, data.yTest));
      log(
        `epoch ${epoch + 1}/${config.epochs}: loss ${losses[epoch]!.toFixed(4)}, held-out accuracy ${(accuracies[epoch]! * 100).toFixed(2)}%`,
      );
    }
    const seconds = (performance.now() - started) / 1000;
    return { losses, accuracies, testAccuracy: accuracies[accuracies.length - 1] ?? NaN, seconds };
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest]);
  }
}

/**
 * The full run (`pnpm examples mnist-custom-loop`).
 * @example const result = await run(console.log);
 */
export async function run(log: Log): Promise<MnistLoopResult> {
  return trainMnistCustomLoop(log, { ...FULL_RUN, chartFile: null });
}
