/**
 * @file jax-js 0.1 under benchmark, on its `wasm` device. jax-js is lazy, so every task reads its
 * result back (dataSync) to make the work happen inside the timed run. Its arrays are consumed by
 * the ops they enter, dataSync included ("move" semantics), so inputs reused across runs are passed
 * as `.ref`. Its worker
 * pool starts only where a global `Worker` exists, which Node lacks: this is jax-js on one thread.
 */

import { defaultDevice, init, nn, numpy as np, valueAndGrad, type Array as JaxArray } from '@jax-js/jax';
import { mlpData, uniform } from '../data.js';
import type { ElementwiseOp, Library, MlpSpec, Task } from './types.js';

/** jax-js on the wasm device. */
export async function jax(): Promise<Library> {
  // Plain init() probes WebGPU and throws on `navigator` in Node.
  await init('wasm');
  defaultDevice('wasm');
  return {
    description: 'wasm (1 thread in Node)',
    matmul(n, transposeA, transposeB) {
      const a = np.array(uniform(n * n, 11), { shape: [n, n] });
      const b = np.array(uniform(n * n, 12), { shape: [n, n] });
      return {
        run: () => {
          const left = transposeA ? np.matrixTranspose(a.ref) : a.ref;
          const right = transposeB ? np.matrixTranspose(b.ref) : b.ref;
          np.matmul(left, right).dataSync();
        },
        dispose: () => {
          a.dispose();
          b.dispose();
        },
      };
    },
    elementwise(op, size) {
      const a = np.array(uniform(size, 21), { shape: [size] });
      const b = np.array(uniform(size, 22), { shape: [size] });
      const apply: Record<ElementwiseOp, () => JaxArray> = {
        add: () => np.add(a.ref, b.ref),
        mul: () => np.multiply(a.ref, b.ref),
        relu: () => nn.relu(a.ref),
        sum: () => np.sum(a.ref),
      };
      const kernel = apply[op];
      return {
        run: () => {
          kernel().dataSync();
        },
        dispose: () => {
          a.dispose();
          b.dispose();
        },
      };
    },
    scalarChain(iterations, tape) {
      if (tape) return undefined;
      return {
        run: () => {
          let x = np.array(1);
          for (let i = 0; i < iterations; i++) {
            x = np.add(np.multiply(x, 1.0001), 0.5);
            // Lazy: without a read, the chain would only be recorded, not computed.
            x.ref.dataSync();
          }
          x.dispose();
        },
        dispose: () => undefined,
      };
    },
    mlp: (spec) => jaxMlp(spec),
    // jax-js has no Keras-style model or `fit`.
    mnistFit: () => undefined,
    cnnFit: () => undefined,
    // No LSTM layer.
    lstm: () => undefined,
    // Not benchmarked: the conv2d rows compare with TensorFlow.js.
    conv2d: () => undefined,
    // No forward mode, and no second-order gradient of every op the MLP's loss uses.
    hvp: () => undefined,
    memory: () => ({ tensors: undefined }),
  };
}

function jaxMlp(spec: MlpSpec): Task {
  const data = mlpData(spec);
  const x = np.array(data.x, { shape: [spec.batch, spec.input] });
  const labels = np.array(data.labels, { shape: [spec.batch, spec.classes] });
  let weights: JaxArray[] = [
    np.array(data.w1, { shape: [spec.input, spec.hidden] }),
    np.array(data.b1, { shape: [spec.hidden] }),
    np.array(data.w2, { shape: [spec.hidden, spec.classes] }),
    np.array(data.b2, { shape: [spec.classes] }),
  ];
  const loss = (w1: JaxArray, b1: JaxArray, w2: JaxArray, b2: JaxArray): JaxArray => {
    const hidden = nn.relu(np.add(np.matmul(x.ref, w1), b1));
    const logits = np.add(np.matmul(hidden, w2), b2);
    return np.negative(np.mean(np.sum(np.multiply(labels.ref, nn.logSoftmax(logits)), 1)));
  };
  const step = valueAndGrad(loss, { argnums: [0, 1, 2, 3] });
  return {
    run: () => {
      const [value, gradients] = step(...(weights.map((w) => w.ref) as [JaxArray, JaxArray, JaxArray, JaxArray]));
      weights = weights.map((w, i) => np.subtract(w, np.multiply(gradients[i]!, spec.learningRate)));
      value.dataSync();
      // Force the updates too, so each run does a whole step's work.
      for (const w of weights) w.ref.dataSync();
    },
    dispose: () => {
      x.dispose();
      labels.dispose();
      for (const w of weights) w.dispose();
    },
  };
}
