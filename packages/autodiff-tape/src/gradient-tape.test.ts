import './test-setup.js';
import * as tf from '@tapeflow/tensor-core/internal';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { customGradient, GradientTape, stopGradient } from './index.js';

const value = (t: tf.Tensor | null | undefined): number | null => (t ? t.dataSync()[0]! : null);
const values = (t: tf.Tensor | null | undefined): number[] | null => (t ? Array.from(t.dataSync()) : null);

describe('GradientTape basics', () => {
  it("differentiates x² at 4 (the notebook's first cell)", () => {
    const x = tf.variable(4);
    const tape = new GradientTape();
    const y = tape.record(() => x.pow(2));
    expect(value(y)).toBe(16);
    expect(value(tape.gradient(y, x))).toBe(8);
  });

  it('returns gradients in the structure of the sources', () => {
    const a = tf.variable(2);
    const b = tf.variable(3);
    const tape = new GradientTape({ persistent: true });
    const y = tape.record(() => tf.mul(a, b));
    expect(values(tape.gradient(y, a))).toEqual([3]);
    expect(tape.gradient(y, [a, b]).map(value)).toEqual([3, 2]);
    const record = tape.gradient(y, { first: a, second: b });
    expect(Object.keys(record)).toEqual(['first', 'second']);
    expect([value(record.first), value(record.second)]).toEqual([3, 2]);
    tape.dispose();
  });

  it('differentiates a non-scalar target as its sum, and several targets as their sum', () => {
    const x = tf.variable([1, 2, 3]);
    const tape = new GradientTape({ persistent: true });
    const [y, z] = tape.record(() => [tf.mul(x, x), tf.mul(x, 10)]);
    expect(values(tape.gradient(y, x))).toEqual([2, 4, 6]);
    expect(values(tape.gradient([y, z], x))).toEqual([12, 14, 16]);
    tape.dispose();
  });

  it('starts from outputGradients', () => {
    const x = tf.variable([1, 2]);
    const tape = new GradientTape();
    const y = tape.record(() => tf.mul(x, 3));
    expect(values(tape.gradient(y, x, { outputGradients: tf.tensor([1, 10]) }))).toEqual([3, 30]);
  });

  it('gives null, or zeros with unconnectedGradients: zero, for unconnected sources', () => {
    const x = tf.variable(1);
    const unused = tf.variable([1, 2]);
    const tape = new GradientTape({ persistent: true });
    const y = tape.record(() => tf.mul(x, 2));
    expect(tape.gradient(y, [x, unused])[1]).toBeNull();
    expect(values(tape.gradient(y, [x, unused], { unconnectedGradients: 'zero' })[1])).toEqual([0, 0]);
    tape.dispose();
  });

  it('accumulates both paths when a tensor is used twice', () => {
    const x = tf.variable(3);
    const tape = new GradientTape();
    const y = tape.record(() => tf.add(tf.mul(x, x), x));
    expect(value(tape.gradient(y, x))).toBe(7);
  });

  it('records an async function until it settles', async () => {
    const x = tf.variable(2);
    const tape = new GradientTape();
    const y = await tape.record(async () => {
      await Promise.resolve();
      return tf.mul(x, x);
    });
    expect(tape.isRecording).toBe(false);
    expect(value(tape.gradient(y, x))).toBe(4);
  });

  it('records until any thenable fn returns settles (not only a native Promise)', async () => {
    const x = tf.variable(2);
    const tape = new GradientTape();
    const thenable: PromiseLike<tf.Tensor> = {
      then: (onFulfilled, onRejected) =>
        new Promise<tf.Tensor>((resolve) => setTimeout(() => resolve(tf.mul(x, x)), 1)).then(onFulfilled, onRejected),
    };
    const pending = tape.record(() => thenable);
    expect(tape.isRecording).toBe(true);
    const y = await pending;
    expect(tape.isRecording).toBe(false);
    expect(tf.getEngine().recorders).not.toContain(tape);
    expect(value(tape.gradient(y, x))).toBe(4);
  });

  it('appends when record is called again', () => {
    const x = tf.variable(2);
    const tape = new GradientTape();
    const y = tape.record(() => tf.mul(x, x));
    const z = tape.record(() => tf.mul(y, 3));
    expect(value(tape.gradient(z, x))).toBe(12);
  });
});

describe('watching', () => {
  it('watches trainable variables that ops read, not non-trainable ones or constants', () => {
    const x1 = tf.variable(4);
    const x2 = tf.variable(5, { trainable: false });
    const c = tf.constant(5);
    const tape = new GradientTape();
    const y = tape.record(() => tf.add(tf.add(x1.pow(2), x2.pow(2)), c.pow(2)));
    expect(tape.watchedVariables()).toEqual([x1]);
    expect(tape.gradient(y, [x1, x2, c]).map(value)).toEqual([8, null, null]);
  });

  it('watch() adds a non-trainable variable or a constant', () => {
    const x2 = tf.variable(5, { trainable: false });
    const c = tf.constant(3);
    const tape = new GradientTape();
    const y = tape.record(() => {
      tape.watch([x2, c]);
      return tf.mul(x2, c);
    });
    expect(tape.gradient(y, [x2, c]).map(value)).toEqual([3, 5]);
  });

  it('watchAccessedVariables: false records only what is watched', () => {
    const x1 = tf.variable(4);
    const x2 = tf.variable(5);
    const tape = new GradientTape({ watchAccessedVariables: false });
    const y = tape.record(() => {
      tape.watch(x1);
      return tf.add(x1.pow(2), x2.pow(2));
    });
    expect(tape.watchedVariables()).toEqual([x1]);
    expect(tape.gradient(y, [x1, x2]).map(value)).toEqual([8, null]);
  });

  it('warns and ignores integer tensors, and rejects non-tensors', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const tape = new GradientTape();
    const i = tf.constant([1, 2], 'int32');
    tape.watch(i);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/watch: the dtype of the watched tensor must be floating/));
    warn.mockRestore();
    expect(() => tape.watch(3 as unknown as tf.Tensor)).toThrow(tf.InvalidArgumentError);
    expect(() => tape.watch(3 as unknown as tf.Tensor)).toThrow(
      /watch: argument 'tensor' expected a Tensor or Variable, but got number 3/,
    );
  });
});

describe("TensorFlow's tape errors", () => {
  it('a second gradient on a non-persistent tape fails', () => {
    const x = tf.variable(2);
    const tape = new GradientTape();
    const y = tape.record(() => tf.mul(x, x));
    tape.gradient(y, x);
    expect(() => tape.gradient(y, x)).toThrow(tf.FailedPreconditionError);
    expect(() => tape.gradient(y, x)).toThrow(
      /non-persistent GradientTape can only be used to compute one set of gradients/,
    );
  });

  it('re-entering a recording tape, reset or stopRecording outside record fail', () => {
    const tape = new GradientTape();
    expect(() => tape.record(() => tape.record(() => 1))).toThrow(/already recording/);
    expect(() => tape.reset()).toThrow(/reset: this tape is not recording/);
    expect(() => tape.stopRecording(() => 1)).toThrow(/stopRecording: this tape is not recording/);
  });

  it('rejects bad targets, sources and output gradients by name', () => {
    const x = tf.variable([1, 2]);
    const tape = new GradientTape({ persistent: true });
    const y = tape.record(() => tf.mul(x, 2));
    expect(() => tape.gradient(y, 5 as unknown as tf.Tensor)).toThrow(/gradient: argument 'sources'/);
    expect(() => tape.gradient(y, [x, 'w' as unknown as tf.Tensor])).toThrow(
      /gradient: argument 'sources\[1\]' expected a Tensor/,
    );
    expect(() => tape.gradient(y, x, { outputGradients: tf.ones([3]) })).toThrow(
      /outputGradients\[0\]' expected shape \[2\]/,
    );
    tape.dispose();
    expect(() => tape.gradient(y, x)).toThrow(/disposed/);
  });
});

describe("more of TensorFlow's edge semantics", () => {
  it('stopRecording after a non-persistent tape was used is an error', () => {
    const x = tf.variable(1);
    const tape = new GradientTape();
    tape.record(() => {
      const y = tf.mul(x, x);
      tape.gradient(y, x);
      expect(() => tape.stopRecording(() => 1)).toThrow(/stopRecording: this non-persistent tape was already used/);
    });
  });

  it('integer and bool tensors get no gradient even when watched', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const i = tf.constant([1, 2], 'int32');
    const tape = new GradientTape();
    const y = tape.record(() => {
      tape.watch(i);
      return tf.mul(tf.cast(i, 'float32'), 2);
    });
    expect(tape.gradient(y, i)).toBeNull();
    warn.mockRestore();
  });

  it('gather with repeated indices adds up the gradient', () => {
    const x = tf.variable([10, 20, 30]);
    const tape = new GradientTape();
    const y = tape.record(() => tf.gather(x, [2, 0, 2, 2]));
    expect(values(tape.gradient(y, x))).toEqual([1, 0, 3]);
  });

  it('an op with no registered gradient is named in the error', () => {
    const x = tf.variable(1);
    const tape = new GradientTape();
    const fake = tf.tensor(0);
    tape.record(() => {
      const out = tf.mul(x, 2);
      // Simulates a kernel newer than this package's gradient table.
      tape.recordOperation({ kernelName: 'Digamma' as 'Neg', inputs: { x: out }, attrs: {}, output: fake });
      return out;
    });
    expect(() => tape.gradient(fake, x)).toThrow(/no gradient is registered for op 'Digamma'/);
  });
});

describe('recording control', () => {
  it('stopRecording hides ops from the tape', () => {
    const x = tf.variable(3);
    const tape = new GradientTape();
    const y = tape.record(() => {
      const hidden = tape.stopRecording(() => tf.mul(x, x));
      return tf.add(hidden, x);
    });
    expect(value(tape.gradient(y, x))).toBe(1);
  });

  it('reset forgets what was recorded', () => {
    const x = tf.variable(3);
    const tape = new GradientTape();
    const y = tape.record(() => {
      tf.mul(x, x);
      tape.reset();
      return tf.mul(x, 5);
    });
    expect(value(tape.gradient(y, x))).toBe(5);
  });

  it('sibling tapes are independent', () => {
    const x = tf.variable(2);
    const a = new GradientTape();
    const b = new GradientTape();
    const ya = a.record(() => tf.mul(x, x));
    const yb = b.record(() => tf.mul(x, 10));
    expect(value(a.gradient(ya, x))).toBe(4);
    expect(value(b.gradient(yb, x))).toBe(10);
  });

  it('sees the value a Variable had when each op read it', () => {
    const x = tf.variable(2);
    const tape = new GradientTape();
    const y = tape.record(() => {
      const first = tf.mul(x, x);
      x.assign(tf.scalar(5));
      return tf.add(first, tf.mul(x, x));
    });
    expect(value(y)).toBe(29);
    expect(value(tape.gradient(y, x))).toBe(14);
  });
});

describe('higher order, customGradient, stopGradient', () => {
  it('nested tapes give second and third derivatives', () => {
    const x = tf.variable(0.5);
    const t3 = new GradientTape();
    const t2 = new GradientTape();
    const t1 = new GradientTape();
    const d3 = t3.record(() => {
      const d2 = t2.record(() => {
        const y = t1.record(() => tf.tanh(x));
        return t1.gradient(y, x)!;
      });
      return t2.gradient(d2, x)!;
    });
    const third = t3.gradient(d3, x)!;
    const t = Math.tanh(0.5);
    expect(value(d3)).toBeCloseTo(-2 * t * (1 - t * t), 5);
    expect(value(third)).toBeCloseTo((1 - t * t) * (6 * t * t - 2), 5);
  });

  it('customGradient replaces the gradient and works in nested tapes', () => {
    const clipped = customGradient((x: tf.Tensor) => ({
      value: tf.mul(x, x),
      gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.mul(x, 100)),
    }));
    const x = tf.variable(3);
    const tape = new GradientTape();
    const y = tape.record(() => clipped(x));
    expect(value(y)).toBe(9);
    expect(value(tape.gradient(y, x))).toBe(300);
  });

  it('customGradient composes with nested tapes (its gradFunc is recorded by the outer tape)', () => {
    // f(x) = x³ with a hand-written gradient 3x²: second derivative 6x, third 6.
    const cube = customGradient((x: tf.Tensor) => ({
      value: tf.pow(x, 3),
      gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.mul(tf.square(x), 3)),
    }));
    const x = tf.variable(2);
    const outer = new GradientTape();
    const inner = new GradientTape();
    const first = outer.record(() => {
      const y = inner.record(() => cube(x));
      return inner.gradient(y, x)!;
    });
    expect(value(first)).toBe(12);
    expect(value(outer.gradient(first, x))).toBe(12);
  });

  it('customGradient rejects a gradFunc with the wrong number of gradients', () => {
    const bad = customGradient((a: tf.Tensor, b: tf.Tensor) => ({
      value: tf.mul(a, b),
      gradFunc: (dy: tf.Tensor) => dy,
    }));
    const a = tf.variable(1);
    const b = tf.variable(2);
    const tape = new GradientTape();
    const y = tape.record(() => bad(a, b));
    expect(() => tape.gradient(y, [a, b])).toThrow(
      /customGradient: argument 'gradFunc' expected 2 gradient\(s\), one per input, but got 1/,
    );
  });

  it('stopGradient blocks the path', () => {
    const x = tf.variable(3);
    const tape = new GradientTape();
    const y = tape.record(() => tf.add(tf.mul(stopGradient(x), x), stopGradient(x)));
    expect(value(tape.gradient(y, x))).toBe(3);
  });

  it('ops declared non-differentiable give null', () => {
    const x = tf.variable([1, 3, 2]);
    const tape = new GradientTape({ persistent: true });
    const [index, same] = tape.record(() => [tf.cast(tf.argMax(x), 'float32'), tf.cast(tf.equal(x, 3), 'float32')]);
    expect(tape.gradient(index, x)).toBeNull();
    expect(tape.gradient(same, x)).toBeNull();
    tape.dispose();
  });
});

describe('memory', () => {
  afterEach(() => undefined);

  it('a non-persistent tape frees what it held after gradient', () => {
    const x = tf.variable([1, 2, 3]);
    const before = tf.memory();
    const tape = new GradientTape();
    const y = tape.record(() => tf.reduceSum(tf.mul(tf.exp(x), x)));
    expect(tape.size).toBeGreaterThan(0);
    const g = tape.gradient(y, x)!;
    expect(tape.size).toBe(0);
    tf.dispose([g, y]);
    const intermediates = tf.memory();
    expect(intermediates.numDataBuffers).toBeGreaterThan(before.numDataBuffers);
  });

  it('returns to the starting tensor count once results are disposed', () => {
    const x = tf.variable([1, 2, 3]);
    const start = tf.memory();
    const tape = new GradientTape({ persistent: true });
    const y = tape.record(() => tf.tidy(() => tf.reduceSum(tf.mul(tf.exp(x), x))));
    const g1 = tape.gradient(y, x)!;
    const g2 = tape.gradient(y, [x]);
    tape.dispose();
    tf.dispose([y, g1, g2]);
    const end = tf.memory();
    expect(end.numTensors).toBe(start.numTensors);
    expect(end.numDataBuffers).toBe(start.numDataBuffers);
    expect(end.numBytes).toBe(start.numBytes);
  });

  it('a persistent tape releases everything on Symbol.dispose (the `using` declaration)', () => {
    const x = tf.variable([1, 2]);
    const start = tf.memory();
    let y: tf.Tensor;
    {
      const tape = new GradientTape({ persistent: true });
      y = tape.record(() => tf.tidy(() => tf.reduceSum(tf.exp(tf.mul(x, x)))));
      tf.dispose(tape.gradient(y, x));
      // The tape holds the buffers its gradients read (not handles): they show as buffers and bytes.
      expect(tf.memory().numDataBuffers).toBeGreaterThan(start.numDataBuffers);
      tape[Symbol.dispose]();
      expect(tape.size).toBe(0);
    }
    y.dispose();
    expect(tf.memory().numTensors).toBe(start.numTensors);
    expect(tf.memory().numBytes).toBe(start.numBytes);
  });

  it("keeps the number of x * 2 and x / 2, not x (only the number's gradient reads x)", () => {
    const v = tf.variable(3);
    const tape = new GradientTape();
    const buffers: number[] = [];
    const y = tape.record(() => {
      const x = tf.add(v, 1);
      const doubled = tf.mul(x, 2);
      const halved = tf.div(x, 2);
      buffers.push(tf.memory().numDataBuffers);
      x.dispose();
      // x's buffer is gone: neither op kept it.
      buffers.push(tf.memory().numDataBuffers);
      const y = tf.add(doubled, halved);
      tf.dispose([doubled, halved]);
      return y;
    });
    expect(buffers[1]).toBe(buffers[0]! - 1);
    expect(value(y)).toBe(10);
    // d(2(v + 1) + (v + 1) / 2)/dv = 2.5, read from the kept numbers.
    expect(value(tape.gradient(y, v))).toBe(2.5);
    // A tensor operand, unlike a number, may be watched after the op: x is kept for its gradient.
    const c = tf.scalar(2);
    const persistent = new GradientTape({ persistent: true });
    const z = persistent.record(() => {
      const z = tf.mul(v, c);
      persistent.watch(c);
      return z;
    });
    expect(value(persistent.gradient(z, c))).toBe(3);
    expect(value(persistent.gradient(z, v))).toBe(2);
    persistent.dispose();
  });

  it('keeps the number of x * 3 as a number: no buffer is held for it, and the gradient reads it', () => {
    const v = tf.variable([1, 2]);
    const tape = new GradientTape({ persistent: true });
    const counts: number[] = [];
    const y = tape.record(() => {
      counts.push(tf.memory().numDataBuffers);
      const y = tf.mul(v, 3);
      // Only y's buffer is new: the converted 3 was freed with its handle.
      counts.push(tf.memory().numDataBuffers);
      return y;
    });
    expect(counts[1]).toBe(counts[0]! + 1);
    // Each backward pass makes the number again (a persistent tape runs two).
    expect(values(tape.gradient(y, v))).toEqual([3, 3]);
    expect(values(tape.gradient(y, v, { outputGradients: [tf.tensor([1, 2])] }))).toEqual([3, 6]);
    tape.dispose();
    y.dispose();
  });

  it('the same holds for nested tapes', () => {
    const x = tf.variable(0.3);
    const start = tf.memory();
    const outer = new GradientTape();
    const inner = new GradientTape();
    const dy = outer.record(() => {
      const y = inner.record(() => tf.tidy(() => tf.mul(tf.sigmoid(x), x)));
      const g = inner.gradient(y, x)!;
      y.dispose();
      return g;
    });
    const d2 = outer.gradient(dy, x)!;
    tf.dispose([dy, d2]);
    expect(tf.memory().numTensors).toBe(start.numTensors);
    expect(tf.memory().numBytes).toBe(start.numBytes);
  });
});

describe("TensorFlow's tape semantics: watched variables, nested sources, disposed tensors", () => {
  it('watchedVariables still lists the Variables after gradient on a non-persistent tape; reset forgets them', () => {
    const a = tf.variable([1, 2], { name: 'a' });
    const b = tf.variable(3, { name: 'b' });
    const tape = new GradientTape();
    const y = tape.record(() => tf.add(tf.reduceSum(tf.mul(a, b)), 0));
    tape.gradient(y, [a, b]).forEach((g) => g?.dispose());
    expect(tape.watchedVariables().map((v) => v.name)).toEqual(['a', 'b']);
    const again = new GradientTape({ persistent: true });
    again.record(() => {
      tf.mul(a, 2);
      again.reset();
      tf.mul(b, 2);
    });
    expect(again.watchedVariables().map((v) => v.name)).toEqual(['b']);
    again.dispose();
    // A plain tensor watched is not a Variable, and is never listed.
    const plain = new GradientTape();
    const x = tf.tensor([1]);
    plain.watch(x);
    expect(plain.watchedVariables()).toEqual([]);
    tf.dispose([y, x]);
  });

  it('gradient takes nested sources (arrays of arrays, records in arrays, arrays in records) and answers in their structure', () => {
    const w = tf.variable([1, 2]);
    const b = tf.variable(3);
    const c = tf.variable(4);
    const unused = tf.variable(5);
    const tape = new GradientTape({ persistent: true });
    const y = tape.record(() => tf.add(tf.reduceSum(tf.mul(w, b)), tf.mul(c, c)));
    const fromArrays = tape.gradient(y, [
      [w, b],
      [c, [unused]],
    ]);
    expect(values(fromArrays[0][0])).toEqual([3, 3]);
    expect(value(fromArrays[0][1])).toBe(3);
    expect(value(fromArrays[1][0])).toBe(8);
    expect(fromArrays[1][1]).toEqual([null]);
    const fromRecords = tape.gradient(y, [{ weights: w, more: [b, { c }] }, { unused }]);
    expect(values(fromRecords[0].weights)).toEqual([3, 3]);
    expect(value(fromRecords[0].more[0])).toBe(3);
    expect(value(fromRecords[0].more[1].c)).toBe(8);
    expect(fromRecords[1].unused).toBeNull();
    const fromRecordOfArrays = tape.gradient(y, { layer: [w, b], head: { c } }, { unconnectedGradients: 'zero' });
    expect(values(fromRecordOfArrays.layer[0])).toEqual([3, 3]);
    expect(value(fromRecordOfArrays.head.c)).toBe(8);
    expect(tape.gradient(y, { empty: [] })).toEqual({ empty: [] });
    // A bad leaf is named by its path; a structure that contains itself is refused.
    expect(() => tape.gradient(y, [{ layer: [w, 'x' as unknown as tf.Tensor] }])).toThrow(
      /gradient: argument 'sources\[0\]\.layer\[1\]' expected a Tensor, but got string x/,
    );
    const cyclic: unknown[] = [w];
    cyclic.push(cyclic);
    expect(() => tape.gradient(y, cyclic as tf.Tensor[])).toThrow(
      /gradient: argument 'sources\[1\]' expected arrays and records of tensors without cycles/,
    );
    tape.dispose();
  });

  it('watching, or the gradient with respect to, a disposed tensor is a FailedPreconditionError naming op, argument and id', () => {
    const x = tf.tensor([1, 2]);
    const gone = tf.tensor([3]);
    gone.dispose();
    const tape = new GradientTape({ persistent: true });
    expect(() => tape.watch(gone)).toThrow(tf.FailedPreconditionError);
    expect(() => tape.watch(gone)).toThrow(
      new RegExp(`watch: argument 'tensor' is a disposed tensor \\(id ${gone.id}\\)`),
    );
    // A bad element of a list leaves the tape as it was: x is not watched either.
    expect(() => tape.watch([x, gone])).toThrow(
      new RegExp(`watch: argument 'tensor\\[1\\]' is a disposed tensor \\(id ${gone.id}\\)`),
    );
    const y = tape.record(() => tf.mul(x, x));
    expect(tape.gradient(y, x)).toBeNull();
    tape.watch(x);
    const z = tape.record(() => tf.reduceSum(tf.mul(x, x)));
    expect(() => tape.gradient(z, [x, gone])).toThrow(tf.FailedPreconditionError);
    expect(() => tape.gradient(z, [x, gone])).toThrow(
      new RegExp(`gradient: argument 'sources\\[1\\]' is a disposed tensor \\(id ${gone.id}\\)`),
    );
    expect(() => tape.gradient(z, { s: gone })).toThrow(/gradient: argument 'sources\.s' is a disposed tensor/);
    expect(() => tape.jacobian(z, gone)).toThrow(/jacobian: argument 'sources' is a disposed tensor/);
    expect(values(tape.gradient(z, x))).toEqual([2, 4]);
    tape.dispose();
    tf.dispose([x, y, z]);
  });
});
