/**
 * @file Tapeflow under benchmark: the CPU backend with the given options, ops through tensor-core's
 * eager front-ends and gradients through autodiff-tape's GradientTape, as an application uses them;
 * the MNIST workload through @tapeflow/layers' Sequential, compile and fit.
 */

import { GradientTape, hvp } from '@tapeflow/autodiff-tape';
import { cpuBackend, type CpuBackendOptions } from '@tapeflow/backend-cpu';
import { Sequential, layers, optimizers } from '@tapeflow/layers';
import * as tf from '@tapeflow/tensor-core';
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
import type {
  CnnFitSpec,
  ConvSpec,
  ElementwiseOp,
  HvpMode,
  Library,
  LstmSpec,
  MlpSpec,
  MnistFitSpec,
  Task,
} from './types.js';
import { tapeflowTransformerStep } from './tapeflow-transformer.js';
// Issue 16 (speed II, group w-bench2).
import { tapeflowDenseLoop } from './tapeflow-loop.js';

/** Tapeflow on a CPU backend made with `options`. */
export async function tapeflow(options: CpuBackendOptions): Promise<Library> {
  let description = '';
  tf.registerBackend('bench-cpu', () => {
    const backend = cpuBackend(options);
    description = `${backend.path}, ${backend.threads} thread${backend.threads === 1 ? '' : 's'}`;
    return backend;
  });
  await tf.setBackend('bench-cpu');
  return {
    get description() {
      return description;
    },
    matmul(n, transposeA, transposeB) {
      const a = tf.tensor(uniform(n * n, 11), [n, n]);
      const b = tf.tensor(uniform(n * n, 12), [n, n]);
      return {
        run: () => {
          const c = tf.matmul(a, b, { transposeA, transposeB });
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
      const start = tf.variable(1);
      const chain = (): tf.Tensor => {
        let x: tf.Tensor = start;
        for (let i = 0; i < iterations; i++) {
          const previous = x;
          x = tf.tidy(() => previous.mul(1.0001).add(0.5));
          if (previous !== start) previous.dispose();
        }
        return x;
      };
      return {
        run: () => {
          let result: tf.Tensor;
          if (tape) {
            // The tape watches the Variable, so every op of the chain is recorded (and kept until dispose).
            const recorder = new GradientTape();
            result = recorder.record(chain);
            recorder.dispose();
          } else {
            result = chain();
          }
          result.dataSync();
          result.dispose();
        },
        dispose: () => start.dispose(),
      };
    },
    mlp(spec) {
      return tapeflowMlp(spec);
    },
    mnistFit: (spec) => tapeflowMnistFit(spec),
    conv2d: (spec, gradients) => tapeflowConv2d(spec, gradients),
    hvp: (spec, mode) => tapeflowHvp(spec, mode),
    cnnFit: (spec) => tapeflowCnnFit(spec),
    lstm: (spec) => tapeflowLstm(spec),
    memory: () => ({ tensors: tf.memory().numTensors }),
    // Issue 14 (real models II, group w-attn).
    transformerStep: (spec) => tapeflowTransformerStep(spec),
    // Issue 16 (speed II, group w-bench2).
    denseLoop: (spec, yielding) => tapeflowDenseLoop(spec, yielding),
  };
}

function tapeflowMlp(spec: MlpSpec): Task {
  const data = mlpData(spec);
  const x = tf.tensor(data.x, [spec.batch, spec.input]);
  const labels = tf.tensor(data.labels, [spec.batch, spec.classes]);
  const weight = (values: Float32Array, shape: number[]): tf.Variable => {
    const initial = tf.tensor(values, shape);
    const variable = tf.variable(initial);
    initial.dispose();
    return variable;
  };
  const w1 = weight(data.w1, [spec.input, spec.hidden]);
  const b1 = weight(data.b1, [spec.hidden]);
  const w2 = weight(data.w2, [spec.hidden, spec.classes]);
  const b2 = weight(data.b2, [spec.classes]);
  const weights = [w1, b1, w2, b2] as const;
  return {
    run: () => {
      tf.tidy(() => {
        const tape = new GradientTape();
        const loss = tape.record(() => {
          const hidden = tf.relu(tf.add(tf.matmul(x, w1), b1));
          const logits = tf.add(tf.matmul(hidden, w2), b2);
          return tf.neg(tf.reduceMean(tf.reduceSum(tf.mul(labels, tf.logSoftmax(logits)), 1)));
        });
        const gradients = tape.gradient(loss, [...weights]);
        weights.forEach((weight, i) => weight.assignSub(tf.mul(gradients[i]!, spec.learningRate)));
        loss.dataSync();
      });
    },
    dispose: () => tf.dispose([x, labels, ...weights]),
  };
}

function tapeflowMnistFit(spec: MnistFitSpec): Task {
  const data = mnistData(spec.train);
  const warm = spec.warmupBatches * spec.batch;
  const x = tf.tensor(data.x, [data.count, MNIST_PIXELS]);
  const y = tf.tensor(data.labels, [data.count], 'int32');
  const xWarm = tf.tensor(data.x.subarray(0, warm * MNIST_PIXELS), [warm, MNIST_PIXELS]);
  const yWarm = tf.tensor(data.labels.subarray(0, warm), [warm], 'int32');
  const { w1, b1, w2, b2 } = mnistWeights(spec);
  const initial = [
    tf.tensor(w1, [MNIST_PIXELS, spec.hidden]),
    tf.tensor(b1, [spec.hidden]),
    tf.tensor(w2, [spec.hidden, MNIST_CLASSES]),
    tf.tensor(b2, [MNIST_CLASSES]),
  ];
  const model = new Sequential([
    new layers.Dense(spec.hidden, { activation: 'relu', inputShape: [MNIST_PIXELS] }),
    new layers.Dense(MNIST_CLASSES, { activation: 'softmax' }),
  ]);
  const optimizer = new optimizers.SGD({ learningRate: spec.learningRate });
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
  const epoch = async (xs: tf.Tensor, ys: tf.Tensor): Promise<number> => {
    model.setWeights(initial);
    const { history } = await model.fit(xs, ys, { epochs: 1, batchSize: spec.batch, shuffle: false, verbose: 0 });
    return history.loss[0]!;
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

function tapeflowConv2d(spec: ConvSpec, gradients: boolean): Task {
  const { batch, height, width, inChannels, outChannels, size } = spec;
  const x = tf.tensor(uniform(batch * height * width * inChannels, 31), [batch, height, width, inChannels]);
  const filter = tf.tensor(uniform(size * size * inChannels * outChannels, 32), [size, size, inChannels, outChannels]);
  const dy = tf.tensor(uniform(batch * height * width * outChannels, 33), [batch, height, width, outChannels]);
  return {
    run: () => {
      tf.tidy(() => {
        if (!gradients) {
          tf.conv2d(x, filter, 1, 'SAME').dataSync();
          return;
        }
        const tape = new GradientTape();
        tape.watch([x, filter]);
        const y = tape.record(() => tf.conv2d(x, filter, 1, 'SAME'));
        const [dx, dfilter] = tape.gradient(y, [x, filter], { outputGradients: dy });
        dx!.dataSync();
        dfilter!.dataSync();
      });
    },
    dispose: () => tf.dispose([x, filter, dy]),
  };
}

/**
 * The MLP's loss as a function of its first weight matrix (the rest fixed), and the product of its
 * Hessian with a fixed direction: `tf.hvp` (a ForwardAccumulator over a tape) or two nested tapes.
 */
function tapeflowHvp(spec: MlpSpec, mode: HvpMode): Task {
  const data = mlpData(spec);
  const x = tf.tensor(data.x, [spec.batch, spec.input]);
  const labels = tf.tensor(data.labels, [spec.batch, spec.classes]);
  const w1 = tf.tensor(data.w1, [spec.input, spec.hidden]);
  const b1 = tf.tensor(data.b1, [spec.hidden]);
  const w2 = tf.tensor(data.w2, [spec.hidden, spec.classes]);
  const b2 = tf.tensor(data.b2, [spec.classes]);
  const direction = tf.tensor(uniform(spec.input * spec.hidden, 17), [spec.input, spec.hidden]);
  const loss = (w: tf.Tensor): tf.Tensor => {
    const hidden = tf.relu(tf.add(tf.matmul(x, w), b1));
    const logits = tf.add(tf.matmul(hidden, w2), b2);
    return tf.neg(tf.reduceMean(tf.reduceSum(tf.mul(labels, tf.logSoftmax(logits)), 1)));
  };
  const reverseOverReverse = (): tf.Tensor => {
    const outer = new GradientTape();
    const projected = outer.record(() => {
      outer.watch(w1);
      const inner = new GradientTape();
      const y = inner.record(() => {
        inner.watch(w1);
        return loss(w1);
      });
      return tf.reduceSum(tf.mul(inner.gradient(y, w1)!, direction));
    });
    return outer.gradient(projected, w1)!;
  };
  return {
    run: () => {
      tf.tidy(() => {
        const product = mode === 'forward-over-reverse' ? hvp(loss, w1, direction) : reverseOverReverse();
        product.dataSync();
      });
    },
    dispose: () => tf.dispose([x, labels, w1, b1, w2, b2, direction]),
  };
}

function tapeflowCnnFit(spec: CnnFitSpec): Task {
  const data = mnistData(spec.train);
  const warm = spec.warmupBatches * spec.batch;
  const x = tf.tensor(data.x, [data.count, 28, 28, 1]);
  const y = tf.tensor(data.labels, [data.count], 'int32');
  const xWarm = tf.tensor(data.x.subarray(0, warm * MNIST_PIXELS), [warm, 28, 28, 1]);
  const yWarm = tf.tensor(data.labels.subarray(0, warm), [warm], 'int32');
  const initial = cnnWeights().map((w) => tf.tensor(w.values, [...w.shape]));
  const model = new Sequential([
    new layers.Conv2D(32, 3, { activation: 'relu', inputShape: [28, 28, 1] }),
    new layers.BatchNormalization(),
    new layers.MaxPooling2D(),
    new layers.Conv2D(64, 3, { activation: 'relu' }),
    new layers.MaxPooling2D(),
    new layers.Flatten(),
    new layers.Dropout(0.5),
    new layers.Dense(MNIST_CLASSES, { activation: 'softmax' }),
  ]);
  const optimizer = new optimizers.Adam({ learningRate: spec.learningRate });
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
  const epoch = async (xs: tf.Tensor, ys: tf.Tensor): Promise<number> => {
    model.setWeights(initial);
    const { history } = await model.fit(xs, ys, { epochs: 1, batchSize: spec.batch, shuffle: false, verbose: 0 });
    return history.loss[0]!;
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

/** The LSTM workload: @tapeflow/layers' LSTM (one fused recurrent op), the loss and a tape's gradients. */
function tapeflowLstm(spec: LstmSpec): Task {
  const data = lstmData(spec);
  const width = 4 * spec.units;
  const x = tf.tensor(data.x, [spec.batch, spec.steps, spec.input]);
  const lstm = new layers.LSTM(spec.units);
  tf.tidy(() => void lstm.apply(tf.slice(x, [0, 0, 0], [1, 1, spec.input])));
  const weights = [
    tf.tensor(data.kernel, [spec.input, width]),
    tf.tensor(data.recurrent, [spec.units, width]),
    tf.tensor(data.bias, [width]),
  ];
  lstm.setWeights(weights);
  tf.dispose(weights);
  return {
    run: () => {
      tf.tidy(() => {
        const tape = new GradientTape();
        const loss = tape.record(() => tf.reduceMean(tf.square(lstm.apply(x))));
        const gradients = tape.gradient(loss, lstm.trainableVariables);
        loss.dataSync();
        gradients[0]!.dataSync();
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
  const a = tf.tensor(uniform(size, 21), [size]);
  const b = tf.tensor(uniform(size, 22), [size]);
  const apply: Record<ElementwiseOp, () => tf.Tensor> = {
    add: () => tf.add(a, b),
    mul: () => tf.mul(a, b),
    relu: () => tf.relu(a),
    sum: () => tf.reduceSum(a),
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
