/**
 * @file The Train page: a network trained live on digits of the `mnist` package shipped as a
 * build-time asset (`virtual:mnist`, 3,000 digits: 2,500 to train on, 500 held out), with a progress
 * bar, loss/accuracy curves (vega-lite) and test digits with their predictions. Model: MLP is the
 * MNIST MLP of apps/examples (784-128-10, relu, Dropout(0.2), logits into sparse categorical
 * cross-entropy, SGD with momentum 0.9 from 0.05 decayed by 0.9 an epoch); CNN is the convnet of
 * apps/examples' mnist-cnn (`cnnModel` and `asImages` imported from it: one source) with its Adam(0.002).
 */

import * as tf from 'tapeflow';
import embed from 'vega-embed';
import { count, labels as labelBytes, pixels as pixelBytes } from 'virtual:mnist';
import { asImages, cnnModel } from '../../examples/src/examples/mnist-cnn.js';
import { backendSwitch, hooks, setUpPage } from './site.js';
import { MODEL_NAMES, checkTrainOptions } from './train-options.js';
import type { ModelName, TrainOptions } from './train-options.js';
import type { BackendName } from './site.js';

const HELD_OUT = 500;
const SEED = 42;

function bytes(base64: string): Uint8Array {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

const PIXELS = bytes(pixelBytes);
const LABELS = bytes(labelBytes);

/** Images [n, 784] in [0, 1] and labels [n] of digits from..from+n of the asset. */
function digits(from: number, n: number): { x: tf.Tensor; y: tf.Tensor } {
  const images = new Float32Array(n * 784);
  for (let i = 0; i < n * 784; i++) images[i] = PIXELS[from * 784 + i]! / 255;
  const labels = Int32Array.from(LABELS.subarray(from, from + n));
  return { x: tf.tensor(images, [n, 784]), y: tf.tensor(labels, [n], 'int32') };
}

async function drawCurves(target: HTMLElement, history: Record<string, number[]>): Promise<void> {
  const rows = Object.entries(history).flatMap(([metric, values]) =>
    values.map((value, epoch) => ({
      epoch: epoch + 1,
      value,
      metric: metric.replace('val_', ''),
      set: metric.startsWith('val_') ? 'held-out' : 'training',
    })),
  );
  await embed(
    target,
    {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values: rows },
      facet: { column: { field: 'metric', type: 'nominal', title: null } },
      spec: {
        width: 300,
        height: 200,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1, format: 'd' } },
          y: { field: 'value', type: 'quantitative', title: null },
          color: { field: 'set', type: 'nominal', title: null },
        },
      },
      resolve: { scale: { y: 'independent' } },
    },
    { actions: false, renderer: 'svg' },
  );
}

/** One network the page trains: how it is made and compiled, and what it takes as input. */
interface Network {
  /** What the Model switch shows. */
  readonly label: string;
  /** One line on the network, for the page's intro. */
  readonly description: string;
  /** The model and its optimizer (the MLP's learning rate decays by epoch; the CNN's does not). */
  readonly make: () => { model: tf.Sequential; optimizer: tf.optimizers.Optimizer; decay: number | null };
  /** The model's input from [n, 784] rows: the rows (MLP) or [n, 28, 28, 1] images (CNN). */
  readonly input: (rows: tf.Tensor) => tf.Tensor;
}

const NETWORKS: Record<ModelName, Network> = {
  mlp: {
    label: 'MLP',
    description: 'A 784-128-10 MLP (Dense relu, Dropout 0.2, Dense) with SGD, momentum 0.9',
    make: () => ({
      model: new tf.Sequential([
        new tf.layers.Dense(128, { activation: 'relu', inputShape: [784], seed: SEED }),
        new tf.layers.Dropout(0.2, { seed: SEED + 1 }),
        new tf.layers.Dense(10, { seed: SEED + 2 }),
      ]),
      optimizer: new tf.optimizers.SGD({ learningRate: 0.05, momentum: 0.9 }),
      decay: 0.9,
    }),
    input: (rows) => rows,
  },
  cnn: {
    label: 'CNN',
    description:
      'The convnet of the mnist-cnn example (Conv2D 32, BatchNormalization, MaxPooling2D, Conv2D 64, ' +
      'MaxPooling2D, Flatten, Dropout 0.5, Dense) with Adam',
    make: () => ({ model: cnnModel(SEED), optimizer: new tf.optimizers.Adam({ learningRate: 0.002 }), decay: null }),
    input: asImages,
  },
};

function drawDigit(canvas: HTMLCanvasElement, index: number): void {
  canvas.width = 28;
  canvas.height = 28;
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(28, 28);
  for (let p = 0; p < 784; p++) {
    const v = 255 - PIXELS[index * 784 + p]!;
    image.data.set([v, v, v, 255], p * 4);
  }
  context.putImageData(image, 0, 0);
}

async function main(): Promise<void> {
  const main = setUpPage('Train');
  const intro = document.createElement('p');
  const describe = (name: ModelName): void => {
    intro.textContent =
      `${NETWORKS[name].description}, trained with fit() in this page on ` +
      `${count - HELD_OUT} MNIST digits, ${HELD_OUT} held out, batches of 32.`;
  };
  describe('mlp');
  const toolbar = document.createElement('div');
  toolbar.className = 'toolbar';
  const modelSelect = document.createElement('select');
  modelSelect.dataset['model'] = '';
  for (const name of MODEL_NAMES) {
    const option = document.createElement('option');
    option.value = name;
    option.textContent = NETWORKS[name].label;
    modelSelect.append(option);
  }
  modelSelect.addEventListener('change', () => describe(modelSelect.value as ModelName));
  const modelLabel = document.createElement('label');
  modelLabel.append('Model ', modelSelect);
  const epochsInput = document.createElement('input');
  epochsInput.type = 'number';
  epochsInput.min = '1';
  epochsInput.max = '30';
  epochsInput.value = '5';
  const epochsLabel = document.createElement('label');
  epochsLabel.append('Epochs ', epochsInput);
  const trainButton = document.createElement('button');
  trainButton.textContent = 'Train';
  toolbar.append(modelLabel, epochsLabel, trainButton);
  const progress = document.createElement('progress');
  progress.value = 0;
  const status = document.createElement('span');
  status.dataset['status'] = '';
  const progressLine = document.createElement('div');
  progressLine.className = 'toolbar';
  progressLine.append(progress, status);
  const chart = document.createElement('div');
  chart.dataset['chart'] = '';
  const predictions = document.createElement('div');
  predictions.className = 'digits';
  main.append(intro, toolbar, progressLine, chart, predictions);
  const backend = await backendSwitch(toolbar);

  const train = async (options: TrainOptions): Promise<Record<string, number[]>> => {
    checkTrainOptions(options, count - HELD_OUT);
    await backend.use(options.backend);
    const modelName = options.model ?? 'mlp';
    const network = NETWORKS[modelName];
    modelSelect.value = modelName;
    describe(modelName);
    trainButton.disabled = true;
    modelSelect.disabled = true;
    const samples = Math.min(options.samples ?? count - HELD_OUT, count - HELD_OUT);
    const rows = { train: digits(0, samples), test: digits(count - HELD_OUT, HELD_OUT) };
    const train = { x: network.input(rows.train.x), y: rows.train.y };
    const test = { x: network.input(rows.test.x), y: rows.test.y };
    const { model, optimizer, decay } = network.make();
    const learningRate = optimizer.learningRate;
    model.compile({
      optimizer,
      loss: new tf.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
      metrics: ['accuracy'],
    });
    const batches = Math.ceil(samples / 32);
    progress.max = options.epochs * batches;
    progress.value = 0;
    const history: Record<string, number[]> = {};
    const started = performance.now();
    try {
      await model.fit(train.x, train.y, {
        epochs: options.epochs,
        batchSize: 32,
        validationData: [test.x, test.y],
        seed: SEED,
        verbose: 0,
        callbacks: [
          { onEpochBegin: (epoch) => void (optimizer.learningRate = learningRate * (decay ?? 1) ** epoch) },
          {
            onBatchEnd: async (batch, logs) => {
              progress.value += 1;
              status.textContent = `epoch ${Math.floor(progress.value / batches) + (batch + 1 < batches ? 1 : 0)}/${options.epochs}, batch ${batch + 1}/${batches}, loss ${(logs['loss'] ?? NaN).toFixed(4)}`;
              // Lets the page paint between batches.
              if (batch % 8 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
            },
            onEpochEnd: async (_epoch, logs) => {
              for (const [key, value] of Object.entries(logs)) (history[key] ??= []).push(value);
              await drawCurves(chart, history);
            },
          },
        ],
      });
      const seconds = (performance.now() - started) / 1000;
      const last = (key: string): string => ((history[key]?.at(-1) ?? NaN) * 100).toFixed(1);
      status.textContent = `done: ${network.label}, ${options.epochs} epoch(s) on ${samples} digits in ${seconds.toFixed(1)} s on ${options.backend}, held-out accuracy ${last('val_accuracy')}%`;
      const shown = 12;
      const guessTensor = tf.tidy(() =>
        tf.argMax(model.predict(network.input(rows.test.x.slice([0, 0], [shown, 784]))), -1),
      );
      const guesses = await guessTensor.data();
      guessTensor.dispose();
      predictions.innerHTML = '';
      for (let i = 0; i < shown; i++) {
        const figure = document.createElement('figure');
        const canvas = document.createElement('canvas');
        drawDigit(canvas, count - HELD_OUT + i);
        const caption = document.createElement('figcaption');
        const truth = LABELS[count - HELD_OUT + i]!;
        caption.textContent = `${guesses[i]} (is ${truth})`;
        if (guesses[i] !== truth) caption.className = 'wrong';
        figure.append(canvas, caption);
        predictions.append(figure);
      }
      return history;
    } finally {
      tf.dispose([rows.train.x, rows.train.y, rows.test.x, rows.test.y, train.x, test.x]);
      model.dispose();
      optimizer.dispose();
      trainButton.disabled = false;
      modelSelect.disabled = false;
    }
  };
  trainButton.addEventListener('click', () => {
    const name = (toolbar.querySelector('select')?.value ?? 'cpu') as BackendName;
    void train({ epochs: Number(epochsInput.value), backend: name, model: modelSelect.value as ModelName });
  });
  hooks().train = train;
}

hooks().ready = main();
