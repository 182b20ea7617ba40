/**
 * @file Tapeflow under benchmark: the CPU backend with the given options, ops through tensor-core's
 * eager front-ends and gradients through autodiff-tape's GradientTape, as an application uses them.
 */

import { GradientTape } from '@tapeflow/autodiff-tape';
import { cpuBackend, type CpuBackendOptions } from '@tapeflow/backend-cpu';
import * as tf from '@tapeflow/tensor-core';
import { mlpData, uniform } from '../data.js';
import type { ElementwiseOp, Library, MlpSpec, Task } from './types.js';

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
          y.dataSync();
          y.dispose();
        },
        dispose: () => tf.dispose([a, b]),
      };
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
    memory: () => ({ tensors: tf.memory().numTensors }),
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
