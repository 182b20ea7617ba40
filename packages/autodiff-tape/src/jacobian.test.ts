import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { customGradient, GradientTape } from './index.js';

const nested = (t: tf.Tensor | null): unknown => (t === null ? null : t.arraySync());

function expectNestedClose(actual: unknown, expected: unknown, digits = 5): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual)).toBe(true);
    expect((actual as unknown[]).length).toBe(expected.length);
    expected.forEach((e, i) => expectNestedClose((actual as unknown[])[i], e, digits));
  } else {
    expect(actual as number).toBeCloseTo(expected as number, digits);
  }
}

describe('jacobian', () => {
  it('has shape target.shape + source.shape and the right values', () => {
    const x = tf.variable([1, 2, 3]);
    const tape = new GradientTape();
    const y = tape.record(() => tf.mul(x, x));
    const j = tape.jacobian(y, x)!;
    expect(j.shape).toEqual([3, 3]);
    expect(nested(j)).toEqual([
      [2, 0, 0],
      [0, 4, 0],
      [0, 0, 6],
    ]);
  });

  it('runs through matmul, softmax, reductions, gathers, slices, transposes and concat', () => {
    const x = tf.variable([
      [0.1, -0.2, 0.3],
      [0.4, 0.5, -0.6],
    ]);
    const w = tf.constant([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const tape = new GradientTape({ persistent: true });
    const y = tape.record(() => {
      const h = tf.softmax(tf.matmul(x, w));
      const g = tf.gather(tf.transpose(h), [1, 0, 1]);
      return tf.concat(
        [
          tf.slice(g, [0, 0], [2, 2]),
          tf.reduceMax(g, 0, true),
          tf.reduceSum(g, 1, true).reshape([1, 3]).slice([0, 0], [1, 2]),
        ],
        0,
      );
    });
    const j = tape.jacobian(y, x)!;
    expect(j.shape).toEqual([...y.shape, ...x.shape]);
    // Row by row against one gradient per output element.
    const rows = y.size;
    const flat = tf.reshape(j, [rows, x.size]).arraySync() as number[][];
    for (let r = 0; r < rows; r++) {
      const seed = tf.reshape(tf.oneHot(tf.tensor([r], [1], 'int32'), rows), y.shape);
      const g = tape.gradient(y, x, { outputGradients: seed })!;
      expectNestedClose(flat[r], Array.from(g.dataSync()));
    }
    tape.dispose();
  });

  it('handles several sources, unconnected ones and customGradient ops', () => {
    const a = tf.variable([1, 2]);
    const b = tf.variable(3);
    const free = tf.variable([5, 5, 5]);
    const triple = customGradient((x: tf.Tensor) => ({
      value: tf.mul(x, 3),
      gradFunc: (dy: tf.Tensor) => tf.mul(dy, 3),
    }));
    const tape = new GradientTape({ persistent: true });
    const y = tape.record(() => tf.mul(triple(a), b));
    const [ja, jb, jfree] = tape.jacobian(y, [a, b, free]);
    expect(nested(ja)).toEqual([
      [9, 0],
      [0, 9],
    ]);
    expect(nested(jb)).toEqual([3, 6]);
    expect(jfree).toBeNull();
    expect(tape.jacobian(y, { free }, { unconnectedGradients: 'zero' }).free!.shape).toEqual([2, 3]);
    tape.dispose();
  });

  it('gives a Hessian as outer.jacobian(inner.gradient(...))', () => {
    const x = tf.variable([1, 2]);
    const outer = new GradientTape();
    const inner = new GradientTape();
    const g = outer.record(() => {
      const y = inner.record(() => tf.reduceSum(tf.mul(tf.pow(x, 3), tf.gather(x, [1, 0]))));
      return inner.gradient(y, x)!;
    });
    // y = x0³·x1 + x1³·x0 → H = [[6 x0 x1, 3x0² + 3x1²], [3x0² + 3x1², 6 x0 x1]]
    expect(nested(outer.jacobian(g, x))).toEqual([
      [12, 15],
      [15, 12],
    ]);
  });

  it('leaves memory where it started', () => {
    const x = tf.variable([0.5, -0.5, 1.5]);
    const start = tf.memory();
    const tape = new GradientTape();
    const y = tape.record(() => tf.tidy(() => tf.tanh(tf.mul(x, tf.reduceSum(x)))));
    const j = tape.jacobian(y, x)!;
    tf.dispose([y, j]);
    expect(tf.memory().numTensors).toBe(start.numTensors);
    expect(tf.memory().numBytes).toBe(start.numBytes);
  });
});

describe('batchJacobian', () => {
  it('gives per-example Jacobians [b, y..., x...]', () => {
    const x = tf.variable([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const w = tf.constant([
      [1, 0, 2],
      [0, 1, 3],
    ]);
    const tape = new GradientTape();
    const y = tape.record(() => tf.mul(tf.matmul(x, w), tf.reduceSum(x, 1, true)));
    const j = tape.batchJacobian(y, x)!;
    expect(j.shape).toEqual([3, 3, 2]);
    // y_bi = (x·w)_bi · s_b with s_b = sum(x_b): ∂y_bi/∂x_bk = w_ki s_b + (x·w)_bi
    const xv = x.arraySync() as number[][];
    const wv = w.arraySync() as number[][];
    const expected = xv.map((row) => {
      const s = row[0]! + row[1]!;
      return [0, 1, 2].map((i) => {
        const xw = row[0]! * wv[0]![i]! + row[1]! * wv[1]![i]!;
        return [0, 1].map((k) => wv[k]![i]! * s + xw);
      });
    });
    expectNestedClose(j.arraySync(), expected);
  });

  it('checks ranks and batch sizes as TensorFlow does', () => {
    const x = tf.variable([
      [1, 2],
      [3, 4],
    ]);
    const tape = new GradientTape({ persistent: true });
    const [y, z] = tape.record(() => [tf.mul(x, 2), tf.reduceSum(x, 1)]);
    expect(() => tape.batchJacobian(z, x)).toThrow(
      /batchJacobian: argument 'target' expected a tensor of rank at least 2/,
    );
    const other = tf.variable([[1, 2, 3]]);
    expect(() => tape.batchJacobian(y, other)).toThrow(
      /batchJacobian: argument 'source' expected the first dimension.*2 vs\. 1/,
    );
    const unrelated = tf.variable([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tape.batchJacobian(y, unrelated)).toBeNull();
    expect(tape.batchJacobian(y, unrelated, { unconnectedGradients: 'zero' })!.shape).toEqual([2, 2, 3]);
    tape.dispose();
  });
});

describe('zero-size targets', () => {
  it('jacobian and batchJacobian of a zero-size target are zero-size tensors, not null', () => {
    const start = tf.memory().numTensors;
    const x = tf.tidy(() => tf.variable(tf.zeros([1, 0])));
    const v = tf.variable([1, 2, 3]);
    const tape = new GradientTape({ persistent: true });
    const [y, empty] = tape.record(() => tf.tidy(() => [tf.mul(x, 2), tf.slice(tf.mul(v, 2), [0], [0])]));
    const batch = tape.batchJacobian(y!, x);
    expect(batch).not.toBeNull();
    expect(batch!.shape).toEqual([1, 0, 0]);
    expect(batch!.dtype).toBe('float32');
    const full = tape.jacobian(y!, x);
    expect(full!.shape).toEqual([1, 0, 1, 0]);
    const ofVector = tape.jacobian(empty!, [v, x]);
    expect(ofVector.map((j) => j!.shape)).toEqual([
      [0, 3],
      [0, 1, 0],
    ]);
    tf.dispose([batch!, full!, ...ofVector.map((j) => j!)]);
    tape.dispose();
    tf.dispose([x, v, y!, empty!]);
    expect(tf.memory().numTensors).toBe(start);
  });
});
