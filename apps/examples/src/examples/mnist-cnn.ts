/**
 * @file A convolutional network on the MNIST digits, Keras' "simple MNIST convnet" with
 * BatchNormalization: Conv2D(32, 3, relu) → BatchNormalization → MaxPooling2D → Conv2D(64, 3, relu)
 * → MaxPooling2D → Flatten → Dropout(0.5) → Dense(10) logits, Adam, `fit` with the progress bar,
 * `evaluate` on the 2,000 held-out digits and the loss / accuracy curves as an SVG chart.
 * `pnpm examples mnist-cnn` runs the full version (8,000 training digits, 4 epochs: a few minutes on
 * two CPU cores); the tests run a short one.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from 'tapeflow';
import { code } from '../notebook.js';
import type { Log } from '../notebook.js';
import { loadMnist } from './mnist-data.js';
import type { MnistConfig, MnistFitResult } from './mnist-fit.js';
import { renderChart } from './training-chart.js';

/** The full run: 8,000 training and 2,000 held-out digits, 4 epochs of batches of 32. */
export const CNN_FULL_RUN: MnistConfig = {
  train: 8000,
  test: 2000,
  epochs: 4,
  batchSize: 32,
  seed: 42,
  verbose: process.stdout.isTTY === true ? 1 : 2,
  chartFile: fileURLToPath(new URL('../../output/mnist-cnn.svg', import.meta.url)),
};

/**
 * The convnet, taking [batch, 28, 28, 1] images and giving logits; the same seed gives the same
 * initial weights and dropout masks.
 * @example const model = cnnModel(42); model.summary(console.log);
 */
export function cnnModel(seed: number): tf.Sequential {
  return new tf.Sequential([
    new tf.layers.Conv2D(32, 3, { activation: 'relu', inputShape: [28, 28, 1], seed }),
    new tf.layers.BatchNormalization(),
    new tf.layers.MaxPooling2D(),
    new tf.layers.Conv2D(64, 3, { activation: 'relu', seed: seed + 2 }),
    new tf.layers.MaxPooling2D(),
    new tf.layers.Flatten(),
    new tf.layers.Dropout(0.5, { seed: seed + 4 }),
    new tf.layers.Dense(10, { seed: seed + 5 }),
  ]);
}

/**
 * The digits as [n, 28, 28, 1] images (the data comes as [n, 784] rows).
 * @example const images = asImages(data.xTrain);
 */
export function asImages(rows: tf.Tensor): tf.Tensor {
  return tf.reshape(rows, [-1, 28, 28, 1]);
}

/**
 * Trains and evaluates the convnet with `config`, logging the summary and the figures.
 * @example await trainMnistCnn(console.log, { ...CNN_FULL_RUN, epochs: 1 });
 */
export async function trainMnistCnn(log: Log, config: MnistConfig): Promise<MnistFitResult> {
  const data = loadMnist({ train: config.train, test: config.test, seed: config.seed });
  const xTrain = asImages(data.xTrain);
  const xTest = asImages(data.xTest);
  const model = cnnModel(config.seed);
  const optimizer = new tf.optimizers.Adam({ learningRate: 0.002 });
  try {
    code(
      log,
      'model = keras.Sequential([layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)), layers.BatchNormalization(), ' +
        'layers.MaxPooling2D(), layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(), layers.Flatten(), ' +
        'layers.Dropout(0.5), layers.Dense(10)])',
    );
    model.summary(log);
    code(
      log,
      "model.compile(optimizer=Adam(0.002), loss=SparseCategoricalCrossentropy(from_logits=True), metrics=['accuracy'])",
    );
    model.compile({
      optimizer,
      loss: new tf.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
      metrics: ['accuracy'],
    });
    code(
      log,
      `history = model.fit(x_train, y_train, epochs=${config.epochs}, batch_size=${config.batchSize}, validation_data=(x_test, y_test))`,
    );
    const started = performance.now();
    // The held-out set gives the val_ curves; nothing is tuned or stopped on it.
    const { history } = await model.fit(xTrain, data.yTrain, {
      epochs: config.epochs,
      batchSize: config.batchSize,
      validationData: [xTest, data.yTest],
      seed: config.seed,
      verbose: config.verbose,
    });
    const seconds = (performance.now() - started) / 1000;
    code(log, 'model.evaluate(x_test, y_test)');
    const { loss: testLoss = NaN, accuracy: testAccuracy = NaN } = await model.evaluate(xTest, data.yTest, {
      verbose: 0,
    });
    log(
      `held-out loss ${testLoss.toFixed(4)}, accuracy ${(testAccuracy * 100).toFixed(2)}% on ${config.test} digits; ` +
        `${config.epochs} epochs on ${config.train} digits in ${seconds.toFixed(1)} s`,
    );
    let chart: string | null = null;
    if (config.chartFile !== null) {
      chart = await renderChart(history, `MNIST convnet, ${config.train} training / ${config.test} held-out digits`);
      await mkdir(dirname(config.chartFile), { recursive: true });
      await writeFile(config.chartFile, chart);
      log(`curves written to ${config.chartFile}`);
    }
    return { history, testLoss, testAccuracy, seconds, chart };
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose([data.xTrain, data.yTrain, data.xTest, data.yTest, xTrain, xTest]);
  }
}

/**
 * The full run (`pnpm examples mnist-cnn`).
 * @example const result = await run(console.log);
 */
export async function run(log: Log): Promise<MnistFitResult> {
  return trainMnistCnn(log, CNN_FULL_RUN);
}
