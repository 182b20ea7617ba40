/**
 * ForwardAccumulator: TensorFlow's semantics (tangents of what ran under `record`, null for the rest,
 * Variables as primals, errors for bad primals and tangents), nesting with tapes and accumulators both
 * ways, memory, and the double-vjp fallback against the written rules.
 */
import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { customGradient, stopGradient } from './custom-gradient.js';
import { ForwardAccumulator } from './forward-accumulator.js';
import { GradientTape } from './gradient-tape.js';

const values = (t: tf.Tensor | null): number[] => Array.from(t!.dataSync());

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let before = 0;
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

describe('ForwardAccumulator', () => {
  it('computes the jvp of what runs under record (TensorFlow docstring example)', () => {
    tf.tidy(() => {
      const v = tf.variable(tf.tensor([1, 2, 3]));
      const acc = new ForwardAccumulator(v, tf.tensor([0.1, -0.2, 0.3]));
      const x = acc.record(() => tf.mul(v, 2));
      const x2 = acc.record(() => tf.add(v, 0.1));
      expect(values(acc.jvp(v))).toEqual(values(tf.tensor([0.1, -0.2, 0.3])));
      expect(values(acc.jvp(x))).toEqual(values(tf.tensor([0.2, -0.4, 0.6])));
      expect(values(acc.jvp(x2))).toEqual(values(tf.tensor([0.1, -0.2, 0.3])));
      acc.dispose();
      v.dispose();
    });
  });

  it('chains rules through a composite function (d/dx of sum(x^3) along v = 3 x^2 · v)', () => {
    tf.tidy(() => {
      const x = tf.tensor([1, 2]);
      const acc = new ForwardAccumulator(x, tf.tensor([1, 0]));
      const y = acc.record(() => tf.reduceSum(tf.pow(x, 3)));
      expect(acc.jvp(y)!.dataSync()[0]).toBeCloseTo(3, 5);
      acc.dispose();
    });
  });

  it('gives null for a tensor not computed under the accumulator, zeros with unconnectedGradients zero', () => {
    tf.tidy(() => {
      const x = tf.tensor([1, 2]);
      const acc = new ForwardAccumulator(x, tf.tensor([1, 1]));
      const outside = tf.mul(x, 3); // before recording: no tangent
      const unrelated = acc.record(() => tf.mul(tf.tensor([5, 6]), 2));
      expect(acc.jvp(outside)).toBeNull();
      expect(acc.jvp(unrelated)).toBeNull();
      expect(values(acc.jvp(unrelated, { unconnectedGradients: 'zero' }))).toEqual([0, 0]);
      expect(acc.jvp([outside, x]).map((t) => t && values(t))).toEqual([null, [1, 1]]);
      acc.dispose();
    });
  });

  it('takes arrays of primals and tangents, numbers converted to the primal dtype', () => {
    tf.tidy(() => {
      const a = tf.tensor([1, 2]);
      const b = tf.tensor(3);
      const acc = new ForwardAccumulator([a, b], [[1, -1], 2]);
      const y = acc.record(() => tf.mul(a, b));
      // d(ab) = da b + a db = [3, -3] + [2, 4]
      expect(values(acc.jvp(y))).toEqual([5, 1]);
      acc.dispose();
    });
  });

  it('does not watch a Variable read under record unless it is a primal (TensorFlow)', () => {
    tf.tidy(() => {
      const w = tf.variable(tf.tensor([2, 3]));
      const x = tf.tensor([1, 1]);
      const acc = new ForwardAccumulator(x, tf.tensor([1, 0]));
      const y = acc.record(() => tf.mul(w, x));
      expect(values(acc.jvp(y))).toEqual([2, 0]);
      expect(acc.jvp(w)).toBeNull();
      acc.dispose();
      w.dispose();
    });
  });

  it('propagates through customGradient ops by the double-vjp of their gradient', () => {
    tf.tidy(() => {
      // A "square" whose gradient is written by hand: the forward tangent comes from it.
      const square = customGradient((x: tf.Tensor) => ({
        value: tf.square(x),
        gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.mul(x, 2)),
      }));
      const x = tf.tensor([1, 2, 3]);
      const acc = new ForwardAccumulator(x, tf.tensor([1, 1, 0.5]));
      const y = acc.record(() => square(x));
      expect(values(acc.jvp(y))).toEqual([2, 4, 3]);
      acc.dispose();
    });
  });

  it('stopGradient stops tangents too (d(x · stop(x)) = t · x)', () => {
    tf.tidy(() => {
      const x = tf.tensor([1, 2]);
      const acc = new ForwardAccumulator(x, tf.tensor([1, 1]));
      const y = acc.record(() => tf.mul(x, stopGradient(x)));
      expect(values(acc.jvp(y))).toEqual([1, 2]);
      acc.dispose();
    });
  });

  it('records asynchronously until the promise settles', async () => {
    const x = tf.tensor([1, 2]);
    const t = tf.tensor([1, 1]);
    const acc = new ForwardAccumulator(x, t);
    const y = await acc.record(async () => {
      await Promise.resolve();
      return tf.exp(x);
    });
    expect(acc.isRecording).toBe(false);
    const tangent = acc.jvp(y)!;
    expect(values(tangent)[1]).toBeCloseTo(Math.exp(2), 4);
    tf.dispose([x, t, y, tangent]);
    acc.dispose();
  });

  it('keeps the tangents it needs, releases them on dispose (memory flat)', () => {
    const buffers = tf.memory().numDataBuffers;
    const x = tf.tensor([1, 2, 3]);
    const t = tf.tensor([1, 0, 0]);
    const acc = new ForwardAccumulator(x, t);
    const y = acc.record(() => tf.tidy(() => tf.reduceSum(tf.sigmoid(tf.mul(x, x)))));
    // The user's tangent may go: the accumulator holds its buffer.
    t.dispose();
    const tangent = acc.jvp(y)!;
    expect(tangent.shape).toEqual([]);
    tf.dispose([x, y, tangent]);
    expect(tf.memory().numDataBuffers).toBeGreaterThan(buffers);
    acc.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffers);
  });
});

describe('the safety net for accumulators', () => {
  it('releases the tangents of an accumulator dropped without dispose', async () => {
    const x = tf.tensor([1, 2, 3]);
    const start = tf.memory();
    (() => {
      const acc = new ForwardAccumulator(x, [1, 1, 1]);
      tf.dispose(acc.record(() => tf.tidy(() => tf.exp(tf.mul(x, x)))));
      expect(acc.size).toBeGreaterThan(1);
    })();
    expect(tf.memory().numDataBuffers).toBeGreaterThan(start.numDataBuffers);
    for (let i = 0; i < 50 && tf.memory().numDataBuffers !== start.numDataBuffers; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(tf.memory().numDataBuffers).toBe(start.numDataBuffers);
    expect(tf.memory().numBytes).toBe(start.numBytes);
    x.dispose();
  });
});

describe('ForwardAccumulator bad input', () => {
  it('rejects a primal listed twice (TensorFlow ValueError), holding nothing', () => {
    const buffers = tf.memory().numDataBuffers;
    const x = tf.tensor([1, 2]);
    expect(
      () =>
        new ForwardAccumulator(
          [x, x],
          [
            [1, 1],
            [1, 1],
          ],
        ),
    ).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', message: expect.stringMatching(/primals\[1\].*once/) }),
    );
    x.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffers);
  });

  it('rejects a tangent whose shape or dtype differs from its primal', () => {
    tf.tidy(() => {
      const x = tf.tensor([1, 2]);
      expect(() => new ForwardAccumulator(x, tf.tensor([1, 2, 3]))).toThrow(
        /ForwardAccumulator: argument 'tangents' expected a tangent of its primal's shape \[2\]/,
      );
      expect(() => new ForwardAccumulator(x, tf.tensor([1, 2], [2], 'int32'))).toThrow(
        /expected a tangent of its primal's dtype float32/,
      );
      expect(() => new ForwardAccumulator([x], [])).toThrow(/argument 'tangents' expected an array of 1 tangent/);
      expect(() => new ForwardAccumulator('x' as unknown as tf.Tensor, 1)).toThrow(
        /argument 'primals' expected a Tensor or an array of Tensors/,
      );
    });
  });

  it('warns and skips an integer primal, as TensorFlow', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    tf.tidy(() => {
      const i = tf.tensor([1, 2], [2], 'int32');
      const acc = new ForwardAccumulator(i, tf.tensor([1, 1], [2], 'int32'));
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/must be floating.*int32/));
      expect(acc.jvp(i)).toBeNull();
      acc.dispose();
    });
    warn.mockRestore();
  });

  it('rejects entering twice, use after dispose, and bad jvp options', () => {
    tf.tidy(() => {
      const x = tf.tensor(1);
      const acc = new ForwardAccumulator(x, 1);
      expect(() => acc.record(() => acc.record(() => 0))).toThrow(/already recording/);
      expect(() => acc.jvp(x, { unconnectedGradients: 'zeros' as 'zero' })).toThrow(/unconnectedGradients/);
      expect(() => acc.jvp(3 as unknown as tf.Tensor)).toThrow(/jvp: argument 'target' expected a Tensor/);
      acc.dispose();
      expect(() => acc.jvp(x)).toThrow(expect.objectContaining({ name: 'FailedPreconditionError' }));
    });
  });
});

describe('nesting', () => {
  it('accumulator over accumulator: higher-order forward derivatives (TensorFlow docstring)', () => {
    tf.tidy(() => {
      const primal = tf.tensor(1.1);
      const outer = new ForwardAccumulator(primal, 1);
      const inner = new ForwardAccumulator(primal, 1);
      const out = outer.record(() => inner.record(() => tf.pow(primal, 3.5)));
      const innerJvp = inner.jvp(out)!;
      expect(innerJvp.dataSync()[0]).toBeCloseTo(3.5 * 1.1 ** 2.5, 4);
      expect(outer.jvp(innerJvp)!.dataSync()[0]).toBeCloseTo(3.5 * 2.5 * 1.1 ** 1.5, 4);
      // The inner accumulator does not see the outer one's tangents.
      expect(inner.jvp(outer.jvp(out)!)).toBeNull();
      outer.dispose();
      inner.dispose();
    });
  });

  it('forward over reverse: an accumulator around a tape gives Hessian-vector products (TensorFlow docstring)', () => {
    tf.tidy(() => {
      const v = tf.variable(tf.tensor([1, 2]));
      const acc = new ForwardAccumulator(v, tf.tensor([1, 0]));
      const backward = acc.record(() => {
        const tape = new GradientTape();
        const y = tape.record(() => tf.reduceSum(tf.pow(v, 3)));
        return tape.gradient(y, v)!;
      });
      expect(values(backward)).toEqual([3, 12]);
      expect(values(acc.jvp(backward))).toEqual([6, 0]);
      acc.dispose();
      v.dispose();
    });
  });

  it('reverse over forward: a tape around an accumulator differentiates the tangent', () => {
    tf.tidy(() => {
      const x = tf.tensor([1, 2]);
      const t = tf.tensor([1, 1]);
      const tape = new GradientTape();
      tape.watch(x);
      const acc = new ForwardAccumulator(x, t);
      const tangent = tape.record(() => {
        const y = acc.record(() => tf.reduceSum(tf.pow(x, 3)));
        return acc.jvp(y)!; // sum(3 x^2 t)
      });
      // d/dx sum(3 x^2 t) = 6 x t
      expect(values(tape.gradient(tangent, x))).toEqual([6, 12]);
      acc.dispose();
    });
  });

  it('a tape entered after the accumulator does not see its tangent computation (strict nesting)', () => {
    tf.tidy(() => {
      const x = tf.tensor([1, 2]);
      const acc = new ForwardAccumulator(x, tf.tensor([1, 1]));
      const tape = new GradientTape();
      const tangent = acc.record(() => {
        tape.watch(x);
        const y = tape.record(() => tf.square(x));
        return acc.jvp(y)!;
      });
      expect(tape.gradient(tangent, x)).toBeNull();
      acc.dispose();
    });
  });
});
