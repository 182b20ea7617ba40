/**
 * One test per row of docs/BAD-INPUT.md: every class of bad input gets a typed error that names the
 * op and the argument, and leaves every existing tensor and variable as it was (no tensor made, no
 * value changed). Row numbers match the table.
 */
import { describe, expect, it, vi } from 'vitest';
import * as tf from './index.js';

/** Expects `fn` to throw `type` matching `pattern`, with memory and `witness`'s values unchanged. */
function expectRejected(fn: () => unknown, type: abstract new (...args: never[]) => Error, pattern: RegExp, witness?: tf.Tensor): void {
  const before = tf.memory();
  const values = witness ? Array.from(witness.dataSync()) : [];
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(type);
  expect(tf.TapeflowError.isInstance(thrown)).toBe(true);
  expect((thrown as Error).message).toMatch(pattern);
  const after = tf.memory();
  expect(after.numTensors).toBe(before.numTensors);
  expect(after.numDataBuffers).toBe(before.numDataBuffers);
  expect(after.numBytes).toBe(before.numBytes);
  if (witness) expect(Array.from(witness.dataSync())).toEqual(values);
}

describe('bad input: typed errors, no state change', () => {
  const a = tf.tensor([[1, 2, 3], [4, 5, 6]]);
  const ints = tf.tensor([1, 2, 3], [3], 'int32');

  it('1. shapes that do not broadcast', () => {
    const pair = tf.ones([2]);
    expectRejected(() => tf.add(a, pair), tf.InvalidArgumentError, /^add: .*incompatible shapes \[2,3\] vs\. \[2\]/, a);
  });
  it('2. matmul inner dimensions, concat shapes', () => {
    expectRejected(() => tf.matmul(a, a), tf.InvalidArgumentError, /^matmul: .*\[2,3\].*\[2,3\]/, a);
    const other = tf.ones([2, 2]);
    expectRejected(() => tf.concat([a, other]), tf.InvalidArgumentError, /^concat: argument 'tensors\[1\]'.*\[2,3\].*\[2,2\]/, a);
  });
  it('3. mixed dtypes, and a float-only op on integers', () => {
    const floats = tf.ones([3]);
    expectRejected(() => tf.add(floats, ints), tf.InvalidArgumentError, /^add: argument 'b' expected dtype float32.*int32/, ints);
    expectRejected(() => tf.sqrt(ints), tf.InvalidArgumentError, /^sqrt: argument 'x' expected a float32 tensor, but got a int32 tensor/);
  });
  it('4. an unknown dtype', () => {
    expectRejected(() => tf.zeros([2], 'float64' as 'float32'), tf.InvalidArgumentError, /^fill: argument 'dtype'.*float64/);
    expectRejected(() => tf.cast(a, 'complex64' as 'float32'), tf.InvalidArgumentError, /^cast: argument 'dtype'/, a);
  });
  it('5. NaN and Infinity in data are values, not errors: they propagate as in TensorFlow', () => {
    const special = tf.tensor([NaN, Infinity, -Infinity, 0]);
    expect(Array.from(tf.relu(special).dataSync())).toEqual([NaN, Infinity, 0, 0]);
    expect(Array.from(tf.log(tf.tensor([0])).dataSync())).toEqual([-Infinity]);
    expect(Array.from(tf.div(tf.tensor([0]), tf.tensor([0])).dataSync())).toEqual([NaN]);
  });
  it('6. negative or fractional shapes, ragged arrays', () => {
    expectRejected(() => tf.zeros([2, -3]), tf.InvalidArgumentError, /^fill: argument 'shape' expected non-negative integer dimensions/);
    expectRejected(() => tf.ones([1.5]), tf.InvalidArgumentError, /^fill: argument 'shape'/);
    expectRejected(() => tf.reshape(a, [4, -1]), tf.InvalidArgumentError, /^reshape: argument 'shape'/, a);
    expectRejected(() => tf.constant([[1, 2], [3]]), tf.InvalidArgumentError, /^constant: argument 'value'.*ragged/);
  });
  it('7. an axis out of range', () => {
    expectRejected(() => tf.reduceSum(a, 2), tf.InvalidArgumentError, /^reduceSum: argument 'axis' expected integers in \[-2, 2\)/, a);
    expectRejected(() => tf.softmax(a, -3), tf.InvalidArgumentError, /^softmax: argument 'axis'/, a);
    expectRejected(() => tf.gather(a, [5]), tf.InvalidArgumentError, /^gather: argument 'indices' expected values in \[0, 2\)/, a);
  });
  it('8. a disposed tensor used again or read', () => {
    const gone = tf.ones([2]);
    gone.dispose();
    expectRejected(() => tf.mul(gone, 2), tf.FailedPreconditionError, /^mul: argument 'a' is a disposed tensor/);
    expectRejected(() => gone.dataSync(), tf.FailedPreconditionError, /^dataSync: tensor \d+ is disposed/);
  });
  it('9. a Variable assigned the wrong shape or dtype keeps its value', () => {
    const v = tf.variable([1, 2]);
    const wrongShape = tf.ones([3]);
    expectRejected(() => v.assign(wrongShape), tf.InvalidArgumentError, /^assign: argument 'value' expected shape \[2\]/, v);
    const wrongDtype = tf.tensor([1, 2], [2], 'int32');
    expectRejected(() => v.assign(wrongDtype), tf.InvalidArgumentError, /^assign: argument 'value' expected dtype float32/, v);
  });
  it('10. an allocation larger than the backend allows', () => {
    expectRejected(() => tf.zeros([100_000, 100_000]), tf.ResourceExhaustedError, /^fill: a float32 tensor of shape \[100000,100000\] \(10000000000 elements, 40000000000 bytes\) is larger than the allocation limit of 2147483648 bytes/);
    expectRejected(() => tf.random.normal([100_000, 100_000]), tf.ResourceExhaustedError, /^random\.normal: a float32 tensor of shape \[100000,100000\].*allocation limit/);
  });
  it('11. a value of the wrong kind where a tensor goes', () => {
    expectRejected(() => tf.add(a, 'one' as unknown as number), tf.InvalidArgumentError, /^add: argument 'b' expected a Tensor or a number, but got string one/, a);
    expectRejected(() => tf.matmul(a, [[1]] as unknown as tf.Tensor), tf.InvalidArgumentError, /^matmul: argument 'b' expected a Tensor, but got an array/, a);
  });
  it('12. tape misuse: watch a non-tensor, a second gradient on a non-persistent tape', () => {
    const tape = new tf.GradientTape();
    expectRejected(() => tape.watch({} as tf.Tensor), tf.InvalidArgumentError, /^watch: argument 'tensor' expected a Tensor or Variable/);
    const x = tf.variable(2);
    const y = tape.record(() => tf.mul(x, x));
    tf.dispose(tape.gradient(y, x));
    expectRejected(() => tape.gradient(y, x), tf.FailedPreconditionError, /^gradient: a non-persistent GradientTape/);
  });
  it('13. layer weights of the wrong shape keep the old weights', () => {
    const layer = new tf.layers.Dense(2, { seed: 1 });
    layer.apply(tf.ones([1, 3]));
    const kernel = layer.kernel!;
    const weights = [tf.ones([4, 2]), tf.zeros([2])];
    expectRejected(() => layer.setWeights(weights), tf.InvalidArgumentError, /\[3,2\].*\[4,2\]/, kernel);
  });
  it('14. a synchronous read on an asynchronous backend names `await t.data()`', async () => {
    const { cpuBackend } = await import('@tapeflow/backend-cpu');
    tf.registerBackend('async-reads', () => {
      const base = cpuBackend();
      return { ...Object.fromEntries(['specVersion', 'name', 'kernels'].map((k) => [k, base[k as keyof typeof base]])), write: base.write.bind(base), read: base.read.bind(base), disposeData: base.disposeData.bind(base), memory: base.memory.bind(base) } as tf.Backend;
    });
    await tf.setBackend('async-reads');
    try {
      const t = tf.ones([2]);
      expectRejected(() => t.dataSync(), tf.FailedPreconditionError, /await t\.data\(\)/, undefined);
      expect(Array.from(await t.data())).toEqual([1, 1]);
      t.dispose();
    } finally {
      await tf.setBackend('cpu');
    }
  });
  it('15. overlapping async tidy calls are kept apart (Node), and warned about where they cannot be', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));
    const start = tf.memory().numTensors;
    const results = await Promise.all(
      [1, 2, 3].map((k) =>
        tf.tidy(async () => {
          const t = tf.fill([2], k);
          await tick();
          return tf.mul(t, 2);
        }),
      ),
    );
    expect(results.map((r) => Array.from(r.dataSync()))).toEqual([[2, 2], [4, 4], [6, 6]]);
    expect(tf.memory().numTensors - start).toBe(3);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    tf.dispose(results);
  });
});
