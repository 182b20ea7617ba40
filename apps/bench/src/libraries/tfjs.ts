/**
 * @file TensorFlow.js 4.22 under benchmark, on its plain-JavaScript `cpu` backend or its `wasm`
 * backend (XNNPACK, SIMD on; its threads are off in Node). tfjs-layers also registers the gradients
 * `minimize` needs (tfjs-core alone fails with "gradient function not found"); the MNIST workload
 * uses its `tf.sequential`, `compile` and `fit`.
 */

import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  MNIST_CLASSES,
  MNIST_PIXELS,
  cnnWeights,
  logEpochLoss,
  lstmData,
  mlpData,
  mnistData,
  mnistWeights,
  uniform,
} from '../data.js';
import type { CnnFitSpec, ConvSpec, ElementwiseOp, Library, LstmSpec, MlpSpec, MnistFitSpec, Task } from './types.js';
import { tfjsTransformerStep } from './tfjs-transformer.js';
import { registerWasmConv2dBackpropFilter } from './tfjs-wasm-conv-filter.js';

/** TensorFlow.js on backend `name`. */
export async function tfjs(name: 'cpu' | 'wasm'): Promise<Library> {
  if (!(await tf.setBackend(name))) throw new Error(`tfjs: backend ${name} failed to start`);
  await tf.ready();
  const filled = name === 'wasm' && registerWasmConv2dBackpropFilter();
  const wasm = `wasm (XNNPACK SIMD, 1 thread${filled ? '; Conv2DBackpropFilter filled in as Conv3DBackpropFilterV2 at depth 1' : ''})`;
  return {
    description: name === 'wasm' ? wasm : 'cpu (JavaScript)',
    matmul(n, transposeA, transposeB) {
      const a = tf.tensor2d(uniform(n * n, 11), [n, n]);
      const b = tf.tensor2d(uniform(n * n, 12), [n, n]);
      return {
        run: () => {
          const c = tf.matMul(a, b, transposeA, transposeB);
          c.dataSync();
          c.dispose();
        },
        dispose: () => tf.dispose([a, b]),
      };
    },
    elementwise(op, size) {
      return elementwiseTask(op, size, true);
    },
    // Issue 16 (item 4, group w-ew4): the op alone, eager and synchronous.
    elementwiseOp(op, size) {
      return elementwiseTask(op, size, false);
    },
    scalarChain(iterations, tape) {
      if (tape) return undefined;
      const start = tf.scalar(1);
      return {
        run: () => {
          let x = start;
          for (let i = 0; i < iterations; i++) {
            const previous = x;
            x = tf.tidy(() => tf.add(tf.mul(previous, 1.0001), 0.5));
            if (previous !== start) previous.dispose();
          }
          x.dataSync();
          x.dispose();
        },
        dispose: () => start.dispose(),
      };
    },
    mlp: (spec) => tfjsMlp(spec),
    mnistFit: (spec) => tfjsMnistFit(spec),
    conv2d: (spec, gradients) => tfjsConv2d(spec, gradients),
    // No forward mode, and no second-order gradient of every op the MLP's loss uses.
    hvp: () => undefined,
    cnnFit: (spec) => tfjsCnnFit(spec),
    lstm: (spec) => tfjsLstm(spec),
    memory: () => ({ tensors: tf.memory().numTensors }),
    // Issue 14 (real models II, group w-attn).
    transformerStep: (spec) => tfjsTransformerStep(spec, name),
  };
}

function tfjsMlp(spec: MlpSpec): Task {
  const data = mlpData(spec);
  const x = tf.tensor2d(data.x, [spec.batch, spec.input]);
  const labels = tf.tensor2d(data.labels, [spec.batch, spec.classes]);
  const w1 = tf.variable(tf.tensor2d(data.w1, [spec.input, spec.hidden]));
  const b1 = tf.variable(tf.tensor1d(data.b1));
  const w2 = tf.variable(tf.tensor2d(data.w2, [spec.hidden, spec.classes]));
  const b2 = tf.variable(tf.tensor1d(data.b2));
  const optimizer = tf.train.sgd(spec.learningRate);
  return {
    run: () => {
      const loss = optimizer.minimize(() => {
        const hidden = tf.relu(tf.add(tf.matMul(x, w1), b1));
        const logits = tf.add(tf.matMul(hidden, w2), b2);
        return tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(labels, logits);
      }, true);
      loss?.dataSync();
      loss?.dispose();
    },
    dispose: () => {
      tf.dispose([x, labels, w1, b1, w2, b2]);
      optimizer.dispose();
    },
  };
}

function tfjsMnistFit(spec: MnistFitSpec): Task {
  const data = mnistData(spec.train);
  const warm = spec.warmupBatches * spec.batch;
  // tfjs-layers wants sparse labels as [n, 1] float32 (its loss floors them, and tfjs' floor refuses int32).
  const labels = Float32Array.from(data.labels);
  const x = tf.tensor2d(data.x, [data.count, MNIST_PIXELS]);
  const y = tf.tensor2d(labels, [data.count, 1]);
  const xWarm = tf.tensor2d(data.x.subarray(0, warm * MNIST_PIXELS), [warm, MNIST_PIXELS]);
  const yWarm = tf.tensor2d(labels.subarray(0, warm), [warm, 1]);
  const { w1, b1, w2, b2 } = mnistWeights(spec);
  const initial = [
    tf.tensor2d(w1, [MNIST_PIXELS, spec.hidden]),
    tf.tensor1d(b1),
    tf.tensor2d(w2, [spec.hidden, MNIST_CLASSES]),
    tf.tensor1d(b2),
  ];
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: spec.hidden, activation: 'relu', inputShape: [MNIST_PIXELS] }),
      tfl.layers.dense({ units: MNIST_CLASSES, activation: 'softmax' }),
    ],
  });
  const optimizer = tf.train.sgd(spec.learningRate);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
  const epoch = async (xs: tf.Tensor, ys: tf.Tensor): Promise<number> => {
    model.setWeights(initial);
    const { history } = await model.fit(xs, ys, { epochs: 1, batchSize: spec.batch, shuffle: false, verbose: 0 });
    return Number(history.loss![0]);
  };
  return {
    warmUp: async () => void (await epoch(xWarm, yWarm)),
    run: async () => logEpochLoss(await epoch(x, y)),
    dispose: () => {
      model.dispose();
      optimizer.dispose();
      tf.dispose([x, y, xWarm, yWarm, ...initial]);
    },
  };
}

function tfjsConv2d(spec: ConvSpec, gradients: boolean): Task | undefined {
  // TensorFlow.js 4.22's wasm backend registers no Conv2DBackpropFilter kernel of its own; tfjs() fills
  // it in (tfjs-wasm-conv-filter.ts), so this skips only where that could not be done.
  if (gradients && tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) === undefined) return undefined;
  const { batch, height, width, inChannels, outChannels, size } = spec;
  const x = tf.tensor4d(uniform(batch * height * width * inChannels, 31), [batch, height, width, inChannels]);
  const filter = tf.tensor4d(uniform(size * size * inChannels * outChannels, 32), [
    size,
    size,
    inChannels,
    outChannels,
  ]);
  const dy = tf.tensor4d(uniform(batch * height * width * outChannels, 33), [batch, height, width, outChannels]);
  const both = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'));
  return {
    run: () => {
      tf.tidy(() => {
        if (!gradients) {
          tf.conv2d(x, filter, 1, 'same').dataSync();
          return;
        }
        const [dx, dfilter] = both([x, filter], dy);
        dx!.dataSync();
        dfilter!.dataSync();
      });
    },
    dispose: () => tf.dispose([x, filter, dy]),
  };
}

function tfjsCnnFit(spec: CnnFitSpec): Task | undefined {
  // TensorFlow.js 4.22's wasm backend registers no Conv2DBackpropFilter kernel of its own (see tfjs()).
  if (tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) === undefined) return undefined;
  const data = mnistData(spec.train);
  const warm = spec.warmupBatches * spec.batch;
  // tfjs-layers wants sparse labels as [n, 1] float32 (its loss floors them, and tfjs' floor refuses int32).
  const labels = Float32Array.from(data.labels);
  const x = tf.tensor4d(data.x, [data.count, 28, 28, 1]);
  const y = tf.tensor2d(labels, [data.count, 1]);
  const xWarm = tf.tensor4d(data.x.subarray(0, warm * MNIST_PIXELS), [warm, 28, 28, 1]);
  const yWarm = tf.tensor2d(labels.subarray(0, warm), [warm, 1]);
  const initial = cnnWeights().map((w) => tf.tensor(w.values, [...w.shape]));
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      tfl.layers.batchNormalization(),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dropout({ rate: 0.5 }),
      tfl.layers.dense({ units: MNIST_CLASSES, activation: 'softmax' }),
    ],
  });
  const optimizer = tf.train.adam(spec.learningRate);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
  const epoch = async (xs: tf.Tensor, ys: tf.Tensor): Promise<number> => {
    model.setWeights(initial);
    const { history } = await model.fit(xs, ys, { epochs: 1, batchSize: spec.batch, shuffle: false, verbose: 0 });
    return Number(history.loss![0]);
  };
  return {
    warmUp: async () => void (await epoch(xWarm, yWarm)),
    run: async () => logEpochLoss(await epoch(x, y), 'cnn fit'),
    dispose: () => {
      model.dispose();
      optimizer.dispose();
      tf.dispose([x, y, xWarm, yWarm, ...initial]);
    },
  };
}

/** The LSTM workload: tfjs-layers' `tf.layers.lstm` applied eagerly, the loss and `variableGrads`. */
function tfjsLstm(spec: LstmSpec): Task {
  const data = lstmData(spec);
  const width = 4 * spec.units;
  const x = tf.tensor3d(data.x, [spec.batch, spec.steps, spec.input]);
  // Keras' sigmoid gates (tfjs-layers defaults to hardSigmoid). The weights are set below; its default
  // orthogonal initializer calls a chained op (`flatten`) that tfjs-core alone does not register.
  const lstm = tfl.layers.lstm({ units: spec.units, recurrentActivation: 'sigmoid', recurrentInitializer: 'zeros' });
  tf.tidy(() => void lstm.apply(tf.slice(x, [0, 0, 0], [1, 1, spec.input])));
  const weights = [
    tf.tensor2d(data.kernel, [spec.input, width]),
    tf.tensor2d(data.recurrent, [spec.units, width]),
    tf.tensor1d(data.bias),
  ];
  lstm.setWeights(weights);
  tf.dispose(weights);
  return {
    run: () => {
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.mean<tf.Scalar>(tf.square(lstm.apply(x) as tf.Tensor)));
        value.dataSync();
        Object.values(grads)[0]!.dataSync();
      });
    },
    dispose: () => {
      lstm.dispose();
      x.dispose();
    },
  };
}

/** An elementwise workload's task: the op, and its result read back (`dataSync`) when `readBack`. */
function elementwiseTask(op: ElementwiseOp, size: number, readBack: boolean): Task {
  const a = tf.tensor1d(uniform(size, 21));
  const b = tf.tensor1d(uniform(size, 22));
  const apply: Record<ElementwiseOp, () => tf.Tensor> = {
    add: () => tf.add(a, b),
    mul: () => tf.mul(a, b),
    relu: () => tf.relu(a),
    sum: () => tf.sum(a),
  };
  const kernel = apply[op];
  return {
    run: () => {
      const y = kernel();
      if (readBack) y.dataSync();
      y.dispose();
    },
    dispose: () => tf.dispose([a, b]),
  };
}
