/**
 * @file The forward-mode oracle: every case of `__fixtures__/forward-oracle.json` (values, Jacobian-
 * vector products, Hessian-vector products and Hessians computed by PyTorch in float64, see
 * `__fixtures__/generate_forward_oracle.py`) rebuilt with Tapeflow ops and compared within float32
 * tolerance: `jvp` with the written rules and with the double-vjp fallback alone; for scalar cases
 * `hvp` (forward over reverse), reverse over forward, and `hessian`. Memory is flat around each case.
 */
import './test-setup.js';
import { readFileSync } from 'node:fs';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { FallbackAccumulator } from './__fixtures__/fallback-accumulator.js';
import { ForwardAccumulator } from './forward-accumulator.js';
import { GradientTape } from './gradient-tape.js';
import { hessian, hvp, jvp } from './transforms.js';

interface ForwardCase {
  readonly name: string;
  readonly expr: string;
  readonly inputs: readonly { readonly name: string; readonly shape: number[]; readonly values: number[] }[];
  readonly tangents: readonly number[][];
  readonly valueShape: number[];
  readonly value: number[];
  readonly jvp: number[];
  readonly scalar?: boolean;
  readonly v?: number[];
  readonly hvp?: number[];
  readonly hessian?: number[];
}

const FIXTURE = JSON.parse(readFileSync(new URL('./__fixtures__/forward-oracle.json', import.meta.url), 'utf8')) as {
  readonly cases: readonly ForwardCase[];
};

type Expression = (...xs: tf.Tensor[]) => tf.Tensor;

/** The Tapeflow twin of each torch function of the generator, by id. */
const EXPRESSIONS: Readonly<Record<string, Expression>> = {
  elementwise: (x) =>
    tf.add(
      tf.add(tf.mul(tf.tanh(x), tf.exp(tf.neg(tf.square(x)))), tf.div(tf.sigmoid(x), tf.add(1, tf.square(x)))),
      tf.add(tf.log(tf.add(1, tf.softplus(x))), tf.mul(tf.sqrt(tf.add(2, x)), tf.abs(x))),
    ),
  broadcasting: (a, b, c) =>
    tf.sub(tf.add(tf.div(tf.sub(tf.mul(a, b), c), tf.add(1, tf.exp(b))), tf.maximum(a, c)), tf.minimum(b, c)),
  reductions: (x) =>
    tf.add(
      tf.add(tf.mul(tf.reduceSum(tf.square(x), 1), tf.reduceMax(x, 1)), tf.reduceMin(x, 1)),
      tf.reduceMean(tf.exp(x), 1),
    ),
  mlp: (x, w1, w2) => tf.matmul(tf.tanh(tf.matmul(x, w1)), w2),
  softmax: (x) => tf.add(tf.mul(tf.softmax(x), tf.logSoftmax(x)), tf.softmax(x, 0)),
  shapeOps: (x) => {
    const joined = tf.concat([tf.transpose(x, [1, 0]), tf.reshape(x, [3, 2])], 1);
    const rows = tf.gather(tf.slice(joined, [0, 1], [3, 2]), [2, 0, 2]);
    return tf.mul(tf.broadcastTo(tf.expandDims(rows, 0), [2, 3, 2]), tf.reshape(tf.relu(x), [1, 3, 2]));
  },
  selectPow: (a, b) => tf.where(tf.greater(a, 0), tf.pow(tf.add(tf.abs(a), 0.5), b), tf.mul(a, b)),
  mlpLoss: (w1) => {
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
    const logits = tf.matmul(tf.tanh(tf.matmul(x, w1)), w2);
    return tf.neg(tf.reduceSum(tf.slice(tf.logSoftmax(logits), [0, 0], [2, 1])));
  },
  logSumExp: (x) =>
    tf.add(tf.log(tf.reduceSum(tf.exp(x))), tf.mul(tf.mul(tf.reduceSum(tf.square(x)), 0.5), tf.reduceMean(x))),
  quartic: (x) =>
    tf.add(tf.reduceSum(tf.pow(x, 4)), tf.reduceSum(tf.mul(tf.slice(x, [0], [2]), tf.slice(x, [1], [2])))),
  convolution: (x, w) => tf.avgPool2d(tf.tanh(tf.conv2d(x, w, 1, 'SAME')), 2, 2, 'VALID'),
  convLoss: (w) => {
    const x = tf.reshape(tf.linspace(-1, 1, 32), [1, 4, 4, 2]);
    return tf.reduceSum(tf.square(tf.tanh(tf.conv2d(x, w, 1, 'SAME'))));
  },
};

/** Every element within 1e-4 + 1e-3 |want| (float32 against float64). */
function expectClose(got: tf.Tensor, want: readonly number[], what: string): void {
  const values = got.dataSync();
  expect(values.length, what).toBe(want.length);
  want.forEach((w, i) => {
    expect(Math.abs(values[i]! - w), `${what}[${i}]: ${values[i]} vs ${w}`).toBeLessThanOrEqual(
      1e-4 + 1e-3 * Math.abs(w),
    );
  });
}

describe('forward-mode oracle (PyTorch float64)', () => {
  for (const c of FIXTURE.cases) {
    it(c.name, () => {
      const f = EXPRESSIONS[c.expr];
      expect(f, `no Tapeflow twin for expr '${c.expr}'`).toBeDefined();
      const before = tf.memory();
      tf.tidy(() => {
        const inputs = c.inputs.map((input) => tf.tensor(input.values, input.shape));
        const tangents = c.tangents.map((t, i) => tf.tensor(t, c.inputs[i]!.shape));
        const [value, tangent] = jvp(f!, inputs, tangents);
        expect(value.shape).toEqual(c.valueShape);
        expectClose(value, c.value, 'value');
        expectClose(tangent, c.jvp, 'jvp');
        // The double-vjp fallback alone gives the same tangent.
        const fallback = new FallbackAccumulator(inputs, tangents);
        const y = fallback.record(() => f!(...inputs));
        expectClose(fallback.jvp(y)!, c.jvp, 'jvp by the fallback');
        fallback.dispose();
        if (c.scalar === true) {
          const x = inputs[0]!;
          const v = tf.tensor(c.v!, x.shape);
          expectClose(hvp(f!, x, v), c.hvp!, 'hvp (forward over reverse)');
          // Reverse over forward: the gradient of the directional derivative ∇f·v.
          const tape = new GradientTape();
          tape.watch(x);
          const accumulator = new ForwardAccumulator(x, v);
          const directional = tape.record(() => accumulator.jvp(accumulator.record(() => f!(x)))!);
          expectClose(tape.gradient(directional, x)!, c.hvp!, 'hvp (reverse over forward)');
          accumulator.dispose();
          const h = hessian(f!)(x);
          expect(h.shape).toEqual([...x.shape, ...x.shape]);
          expectClose(h, c.hessian!, 'hessian');
        }
      });
      const after = tf.memory();
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numDataBuffers).toBe(before.numDataBuffers);
    });
  }
});
