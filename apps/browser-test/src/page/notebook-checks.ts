/**
 * @file The notebook's key values as checks that run in the page on the active backend: y = x² gives 16
 * and 8, the linear model's gradients keep dl/dw = xᵀ·y and dl/db = y, a Dense relu layer gives zero
 * gradients when every unit is off and 2y pushed back otherwise, and the None patterns of
 * non-trainable variables, `watch`, `watchAccessedVariables: false` and control flow. Values are read
 * with `await t.data()` only, as everything that runs on WebGPU must.
 */

import { GradientTape } from '@tapeflow/autodiff-tape';
import { Dense } from '@tapeflow/layers';
import * as tf from '@tapeflow/tensor-core';

/** One named check; throws with a message when a value is wrong. */
export interface PageCheck {
  readonly name: string;
  readonly run: () => Promise<void>;
}

async function values(t: tf.Tensor | null | undefined): Promise<number[]> {
  if (!(t instanceof tf.Tensor)) throw new Error(`expected a tensor, got ${String(t)}`);
  return Array.from(await t.data());
}

function expectEqual(actual: unknown, expected: unknown, what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

function expectClose(actual: readonly number[], expected: readonly number[], what: string): void {
  const bad = expected.findIndex((e, i) => !(Math.abs(actual[i]! - e) <= 1e-4 + 1e-5 * Math.abs(e)));
  if (actual.length !== expected.length || bad >= 0) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** Gradients as numbers, null kept where the tape gave None. */
async function scalars(grads: readonly (tf.Tensor | null)[]): Promise<(number | null)[]> {
  return Promise.all(grads.map(async (g) => (g === null ? null : (await g.data())[0]!)));
}

/** x1 = 4 (trainable), x2 = 5 (not), x3 = x1 + x2 (a tensor), x4 = 5 (a constant). */
function notebookVariables(): [tf.Variable, tf.Variable, tf.Tensor, tf.Tensor] {
  const x1 = new tf.Variable(4);
  const x2 = new tf.Variable(5, { trainable: false });
  return [x1, x2, tf.add(x1, x2), tf.constant(5)];
}

async function denseCase(kernel: number[][], bias: number[]): Promise<{ grad: number[][]; y: number[] }> {
  const layer = new Dense(2, { activation: 'relu' });
  const x = tf.constant([[10, 20, 30, 40]]);
  layer.build(x.shape);
  const weights = [tf.tensor(kernel), tf.tensor(bias)];
  layer.setWeights(weights);
  const tape = new GradientTape();
  const [y, loss] = tape.record(() =>
    tf.tidy(() => {
      const out = layer.apply(x);
      return [out, tf.reduceSum(tf.pow(out, 2))] as const;
    }),
  );
  const grads = tape.gradient(loss, layer.trainableVariables);
  const result = { grad: await Promise.all(grads.map(values)), y: await values(y) };
  tf.dispose([x, y, loss, ...weights, ...grads.filter((g): g is tf.Tensor => g !== null)]);
  layer.dispose();
  return result;
}

/** The notebook's checks. */
export const NOTEBOOK_CHECKS: readonly PageCheck[] = [
  {
    name: 'notebook: y = x² at x = 4 gives 16 and dy/dx = 8, printed as the notebook prints them',
    run: async () => {
      const x = new tf.Variable(4);
      const tape = new GradientTape();
      const y = tape.record(() => x.pow(2));
      const dyDx = tape.gradient(y, x);
      expectEqual(await values(y), [16], 'y');
      expectEqual(await values(dyDx), [8], 'dy/dx');
      expectEqual(await tf.format(y), 'Tensor(shape=[], dtype=float32, 16.0)', 'printed y');
      tf.dispose([x, y, dyDx]);
    },
  },
  {
    name: 'notebook: y = x·w + b with a persistent tape: dl/dw = xᵀ·y, dl/db = y, dy/dw and dy/db',
    run: async () => {
      tf.random.setSeed(7);
      const initial = [tf.random.normal([4, 2]), tf.ones([2])] as const;
      const w = new tf.Variable(initial[0]);
      const b = new tf.Variable(initial[1]);
      tf.dispose([...initial]);
      const x = new tf.Variable([[10, 20, 30, 40]]);
      const tape = new GradientTape({ persistent: true });
      const [y, loss] = tape.record(() =>
        tf.tidy(() => {
          const out = tf.add(tf.matmul(x, w), b);
          return [out, tf.reduceMean(tf.pow(out, 2))] as const;
        }),
      );
      const [dlDw, dlDb] = tape.gradient(loss, [w, b]);
      const [dyDw, dyDb] = tape.gradient(y, [w, b]);
      const ys = await values(y);
      const xs = await values(x);
      const ws = await values(w);
      expectClose(
        ys,
        [0, 1].map((j) => xs.reduce((s, xi, i) => s + xi * ws[i * 2 + j]!, 1)),
        'y',
      );
      expectClose(
        await values(dlDw),
        xs.flatMap((xi) => ys.map((yj) => xi * yj)),
        'dl/dw',
      );
      expectClose(await values(dlDb), ys, 'dl/db');
      expectEqual(await values(dyDw), [10, 10, 20, 20, 30, 30, 40, 40], 'dy/dw');
      expectEqual(await values(dyDb), [1, 1], 'dy/db');
      tape.dispose();
      tf.dispose([w, b, x, y, loss, dlDw ?? null, dlDb ?? null, dyDw ?? null, dyDb ?? null]);
    },
  },
  {
    name: 'notebook: Dense relu gives zero gradients when every unit is off, 2y pushed back when one is on',
    run: async () => {
      const off = await denseCase(
        [
          [-0.25, -0.25],
          [0.125, -0.125],
          [-0.25, 0.125],
          [0.0625, -0.0625],
        ],
        [0, 0],
      );
      expectEqual(off.y, [0, 0], 'y (all off)');
      expectEqual(
        off.grad,
        [
          [0, 0, 0, 0, 0, 0, 0, 0],
          [0, 0],
        ],
        'grad (all off)',
      );
      const on = await denseCase(
        [
          [0.25, -0.25],
          [0.125, -0.125],
          [-0.25, 0.125],
          [0.125, -0.0625],
        ],
        [0.5, -0.5],
      );
      expectEqual(on.y, [3, 0], 'y (unit 0 on)');
      expectEqual(
        on.grad,
        [
          [60, 0, 120, 0, 180, 0, 240, 0],
          [6, 0],
        ],
        'grad (unit 0 on)',
      );
    },
  },
  {
    name: 'notebook: None patterns: non-trainable [8, null, null, null], watch [8, 10, null, null], watchAccessedVariables [8, null]',
    run: async () => {
      const [x1, x2, x3, x4] = notebookVariables();
      const sumOfSquares = (): tf.Tensor => tf.tidy(() => x1.pow(2).add(x2.pow(2)).add(x3.pow(2)).add(x4.pow(2)));
      const plain = new GradientTape();
      const y1 = plain.record(sumOfSquares);
      const g1 = plain.gradient(y1, [x1, x2, x3, x4]);
      expectEqual(await scalars(g1), [8, null, null, null], 'non-trainable');
      const watching = new GradientTape();
      const y2 = watching.record(() => {
        watching.watch(x2);
        return sumOfSquares();
      });
      const g2 = watching.gradient(y2, [x1, x2, x3, x4]);
      expectEqual(await scalars(g2), [8, 10, null, null], 'watch');
      const only = new GradientTape({ watchAccessedVariables: false });
      const y3 = only.record(() => {
        only.watch(x1);
        return tf.tidy(() => x1.pow(2).add(x2.pow(2)));
      });
      const g3 = only.gradient(y3, [x1, x2]);
      expectEqual(await scalars(g3), [8, null], 'watchAccessedVariables: false');
      tf.dispose([x1, x2, x3, x4, y1, y2, y3, ...[...g1, ...g2, ...g3].filter((g): g is tf.Tensor => g !== null)]);
    },
  },
  {
    name: 'notebook: gradients follow the branch that ran: [10, null] for x = 1, [null, 12] for x = -1',
    run: async () => {
      const x1 = new tf.Variable(5);
      const x2 = new tf.Variable(6);
      const branch = async (value: number): Promise<(number | null)[]> => {
        const x = tf.constant(value);
        const tape = new GradientTape();
        const y = await tape.record(async () => {
          tape.watch(x);
          return (await x.data())[0]! > 0 ? x1.pow(2) : x2.pow(2);
        });
        const grad = tape.gradient(y, [x1, x2]);
        const result = await scalars(grad);
        tf.dispose([x, y, ...grad.filter((g): g is tf.Tensor => g !== null)]);
        return result;
      };
      expectEqual(await branch(1), [10, null], 'x = 1');
      expectEqual(await branch(-1), [null, 12], 'x = -1');
      tf.dispose([x1, x2]);
    },
  },
];
