/**
 * One test per row of docs/BAD-INPUT.md: every class of bad input gets a typed error that names the
 * op and the argument, and leaves every existing tensor and variable as it was (no tensor made, no
 * value changed). Row numbers match the table.
 */
import { describe, expect, it, vi } from 'vitest';
import type { DataId, KernelTable } from '@tapeflow/tensor-core/backend';
import * as tf from './index.js';

/** Expects `fn` to throw `type` matching `pattern`, with memory and `witness`'s values unchanged. */
function expectRejected(
  fn: () => unknown,
  type: abstract new (...args: never[]) => Error,
  pattern: RegExp,
  witness?: tf.Tensor,
): void {
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
  const a = tf.tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const ints = tf.tensor([1, 2, 3], [3], 'int32');

  it('1. shapes that do not broadcast', () => {
    const pair = tf.ones([2]);
    expectRejected(() => tf.add(a, pair), tf.InvalidArgumentError, /^add: .*incompatible shapes \[2,3\] vs\. \[2\]/, a);
  });
  it('2. matmul inner dimensions, concat shapes', () => {
    expectRejected(() => tf.matmul(a, a), tf.InvalidArgumentError, /^matmul: .*\[2,3\].*\[2,3\]/, a);
    const other = tf.ones([2, 2]);
    expectRejected(
      () => tf.concat([a, other]),
      tf.InvalidArgumentError,
      /^concat: argument 'tensors\[1\]'.*\[2,3\].*\[2,2\]/,
      a,
    );
  });
  it('3. mixed dtypes, and a float-only op on integers', () => {
    const floats = tf.ones([3]);
    expectRejected(
      () => tf.add(floats, ints),
      tf.InvalidArgumentError,
      /^add: argument 'b' expected dtype float32.*int32/,
      ints,
    );
    expectRejected(
      () => tf.sqrt(ints),
      tf.InvalidArgumentError,
      /^sqrt: argument 'x' expected a float32 tensor, but got a int32 tensor/,
    );
  });
  it('4. an unknown dtype', () => {
    expectRejected(
      () => tf.zeros([2], 'float64' as 'float32'),
      tf.InvalidArgumentError,
      /^zeros: argument 'dtype'.*float64/,
    );
    expectRejected(() => tf.cast(a, 'complex64' as 'float32'), tf.InvalidArgumentError, /^cast: argument 'dtype'/, a);
  });
  it('5. NaN and Infinity in data are values, not errors: they propagate as in TensorFlow', () => {
    const special = tf.tensor([NaN, Infinity, -Infinity, 0]);
    expect(Array.from(tf.relu(special).dataSync())).toEqual([NaN, Infinity, 0, 0]);
    expect(Array.from(tf.log(tf.tensor([0])).dataSync())).toEqual([-Infinity]);
    expect(Array.from(tf.div(tf.tensor([0]), tf.tensor([0])).dataSync())).toEqual([NaN]);
  });
  it('6. negative or fractional shapes, ragged arrays', () => {
    expectRejected(
      () => tf.zeros([2, -3]),
      tf.InvalidArgumentError,
      /^zeros: argument 'shape' expected non-negative integer dimensions/,
    );
    expectRejected(() => tf.ones([1.5]), tf.InvalidArgumentError, /^ones: argument 'shape'/);
    expectRejected(() => tf.reshape(a, [4, -1]), tf.InvalidArgumentError, /^reshape: argument 'shape'/, a);
    expectRejected(() => tf.constant([[1, 2], [3]]), tf.InvalidArgumentError, /^constant: argument 'value'.*ragged/);
  });
  it('7. an axis out of range', () => {
    expectRejected(
      () => tf.reduceSum(a, 2),
      tf.InvalidArgumentError,
      /^reduceSum: argument 'axis' expected integers in \[-2, 2\)/,
      a,
    );
    expectRejected(() => tf.softmax(a, -3), tf.InvalidArgumentError, /^softmax: argument 'axis'/, a);
    expectRejected(
      () => tf.gather(a, [5]),
      tf.InvalidArgumentError,
      /^gather: argument 'indices' expected values in \[0, 2\)/,
      a,
    );
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
    expectRejected(
      () => v.assign(wrongShape),
      tf.InvalidArgumentError,
      /^assign: argument 'value' expected shape \[2\]/,
      v,
    );
    const wrongDtype = tf.tensor([1, 2], [2], 'int32');
    expectRejected(
      () => v.assign(wrongDtype),
      tf.InvalidArgumentError,
      /^assign: argument 'value' expected dtype float32/,
      v,
    );
  });
  it('10. an allocation larger than the backend allows', () => {
    expectRejected(
      () => tf.zeros([100_000, 100_000]),
      tf.ResourceExhaustedError,
      /^zeros: a float32 tensor of shape \[100000,100000\] \(10000000000 elements, 40000000000 bytes\) is larger than the allocation limit of 2147483648 bytes/,
    );
    expectRejected(
      () => tf.random.normal([100_000, 100_000]),
      tf.ResourceExhaustedError,
      /^random\.normal: a float32 tensor of shape \[100000,100000\].*allocation limit/,
    );
  });
  it('11. a value of the wrong kind where a tensor goes', () => {
    expectRejected(
      () => tf.add(a, 'one' as unknown as number),
      tf.InvalidArgumentError,
      /^add: argument 'b' expected a Tensor or a number, but got string one/,
      a,
    );
    expectRejected(
      () => tf.matmul(a, [[1]] as unknown as tf.Tensor),
      tf.InvalidArgumentError,
      /^matmul: argument 'b' expected a Tensor, but got an array/,
      a,
    );
  });
  it('12. tape misuse: watch a non-tensor, a second gradient on a non-persistent tape', () => {
    const tape = new tf.GradientTape();
    expectRejected(
      () => tape.watch({} as tf.Tensor),
      tf.InvalidArgumentError,
      /^watch: argument 'tensor' expected a Tensor or Variable/,
    );
    const x = tf.variable(2);
    const y = tape.record(() => tf.mul(x, x));
    tf.dispose(tape.gradient(y, x));
    expectRejected(() => tape.gradient(y, x), tf.FailedPreconditionError, /^gradient: a non-persistent GradientTape/);
  });
  it('13. layer weights of the wrong shape keep the old weights', () => {
    const layer = new tf.layers.Dense(2, { seed: 1 });
    layer.apply(tf.ones([1, 3]));
    const kernel = layer.kernel;
    const weights = [tf.ones([4, 2]), tf.zeros([2])];
    expectRejected(() => layer.setWeights(weights), tf.InvalidArgumentError, /\[3,2\].*\[4,2\]/, kernel);
  });
  it('14. a synchronous read on an asynchronous backend names `await t.data()`', async () => {
    const { cpuBackend } = await import('@tapeflow/backend-cpu');
    tf.registerBackend('async-reads', () => {
      const base = cpuBackend();
      return {
        specVersion: base.specVersion,
        name: base.name,
        kernels: base.kernels,
        write: base.write.bind(base),
        read: base.read.bind(base),
        disposeData: base.disposeData.bind(base),
        memory: base.memory.bind(base),
      };
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
    expect(results.map((r) => Array.from(r.dataSync()))).toEqual([
      [2, 2],
      [4, 4],
      [6, 6],
    ]);
    expect(tf.memory().numTensors - start).toBe(3);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    tf.dispose(results);
  });
});

/** A backend that counts what it is asked to allocate: writes and kernel calls. */
async function withCountingBackend(body: (counts: { writes: number; kernels: number }) => void): Promise<void> {
  const { cpuBackend } = await import('@tapeflow/backend-cpu');
  const counts = { writes: 0, kernels: 0 };
  tf.registerBackend('counting', () => {
    const base = cpuBackend();
    const kernels = Object.fromEntries(
      Object.entries(base.kernels).map(([name, kernel]) => [
        name,
        (call: never) => (counts.kernels++, (kernel as (c: never) => DataId)(call)),
      ]),
    ) as unknown as KernelTable;
    return {
      specVersion: base.specVersion,
      name: 'counting',
      kernels,
      write: (values, shape, dtype) => (counts.writes++, base.write(values, shape, dtype)),
      read: base.read.bind(base),
      readSync: base.readSync.bind(base),
      disposeData: base.disposeData.bind(base),
      memory: base.memory.bind(base),
    };
  });
  await tf.setBackend('counting');
  try {
    body(counts);
  } finally {
    await tf.setBackend('cpu');
    tf.removeBackend('counting');
  }
}

describe('bad input, continued: sizes and values', () => {
  it('20. a size over the allocation limit is refused before anything is allocated, naming the op, the shape and the limit', async () => {
    const x = tf.ones([1]);
    const ids = tf.tensor([0], [1], 'int32');
    const [column, row] = [tf.ones([1e5, 1]), tf.ones([1, 1e5])];
    const huge: [string, () => unknown, RegExp][] = [
      [
        'ones',
        () => tf.ones([1e6, 1e6]),
        /^ones: a float32 tensor of shape \[1000000,1000000\] \(1000000000000 elements, 4000000000000 bytes\) is larger than the allocation limit of 2147483648 bytes per tensor/,
      ],
      [
        'range',
        () => tf.range(0, 1e12),
        /^range: a float32 tensor of shape \[1000000000000\].*allocation limit of 2147483648 bytes/,
      ],
      ['range, tiny step', () => tf.range(0, 1, 1e-12), /^range: .*shape \[1000000000000\].*allocation limit/],
      ['linspace', () => tf.linspace(0, 1, 1e12), /^linspace: .*shape \[1000000000000\].*allocation limit/],
      ['eye', () => tf.eye(1e6), /^eye: .*shape \[1000000,1000000\].*allocation limit/],
      [
        'broadcastTo',
        () => tf.broadcastTo(x, [1e6, 1e6]),
        /^broadcastTo: .*shape \[1000000,1000000\].*allocation limit/,
      ],
      ['random.uniform', () => tf.random.uniform([1e6, 1e6]), /^random\.uniform: .*allocation limit/],
      [
        'random.statelessNormal',
        () => tf.random.statelessNormal([1e9, 8], [1, 2]),
        /^random\.statelessNormal: .*shape \[1000000000,8\].*allocation limit/,
      ],
      ['tensor', () => tf.tensor(1, [1e6, 1e6]), /^tensor: .*allocation limit/],
      ['oneHot', () => tf.oneHot([0, 1], 1e12), /^oneHot: .*shape \[2,1000000000000\].*allocation limit/],
      ['unsortedSegmentSum', () => tf.unsortedSegmentSum(x, ids, 1e12), /^unsortedSegmentSum: .*allocation limit/],
      ['pad', () => tf.pad(x, [[0, 1e12]]), /^pad: .*allocation limit/],
      ['matmul', () => tf.matmul(column, row), /^matmul: .*shape \[100000,100000\].*allocation limit/],
    ];
    for (const [name, fn, pattern] of huge) {
      const started = performance.now();
      expectRejected(fn, tf.ResourceExhaustedError, pattern, x);
      console.log(`20. ${name}: ResourceExhaustedError in ${(performance.now() - started).toFixed(2)} ms`);
    }
  });

  it('20. the limit is configurable, and a refused request reaches neither the host arrays nor the backend', async () => {
    const previous = tf.setAllocationLimit(2 ** 20);
    try {
      expect(tf.getAllocationLimit()).toBe(2 ** 20);
      await withCountingBackend((counts) => {
        const rows = Array.from({ length: 600 }, () => Array.from({ length: 600 }, () => 1));
        const pair = tf.ones([2]);
        const requests: [() => unknown, RegExp][] = [
          [
            () => tf.eye(1000),
            /^eye: a float32 tensor of shape \[1000,1000\] \(1000000 elements, 4000000 bytes\) is larger than the allocation limit of 1048576 bytes/,
          ],
          [() => tf.tensor(rows), /^tensor: .*shape \[600,600\].*1048576 bytes/],
          [() => tf.linspace(0, 1, 300_000), /^linspace: .*1048576 bytes/],
          [() => tf.random.normal([300_000]), /^random\.normal: .*1048576 bytes/],
          [
            () =>
              tf.gather(
                pair,
                Array.from({ length: 300_000 }, () => 0),
              ),
            /^gather: a int32 tensor of shape \[300000\].*1048576 bytes/,
          ],
          [() => tf.zeros([1025, 256]), /^zeros: .*shape \[1025,256\].*1048576 bytes/],
        ];
        for (const [fn, pattern] of requests) {
          const before = { ...counts };
          expectRejected(fn, tf.ResourceExhaustedError, pattern);
          expect(counts).toEqual(before);
        }
        tf.dispose(tf.zeros([1024, 256]));
        // Every kernel call is checked by the Engine too, so an op without a check of its own is covered.
        tf.setAllocationLimit(8);
        const before = { ...counts };
        expectRejected(
          () => tf.concat([pair, pair]),
          tf.ResourceExhaustedError,
          /^Concat: a float32 tensor of shape \[4\] \(4 elements, 16 bytes\) is larger than the allocation limit of 8 bytes/,
        );
        expect(counts).toEqual(before);
        pair.dispose();
      });
      expect(() => tf.setAllocationLimit(-1)).toThrow(
        /^setAllocationLimit: argument 'maxBytes' expected a non-negative integer/,
      );
      expect(() => tf.setAllocationLimit('big' as unknown as number)).toThrow(tf.InvalidArgumentError);
    } finally {
      tf.setAllocationLimit(previous);
    }
    expect(tf.getAllocationLimit()).toBe(2 ** 31);
  });

  it('21. bool tensors hold only 0 and 1; a Uint8Array is bytes (int32), not booleans', () => {
    expect(Array.from(tf.tensor([2, 0, 256, NaN, -0.5], [5], 'bool').dataSync())).toEqual([1, 0, 1, 1, 1]);
    expect(Array.from(tf.tensor(new Uint8Array([0, 2, 255]), [3], 'bool').dataSync())).toEqual([0, 1, 1]);
    expect(Array.from(tf.constant([[3], [0]], 'bool').dataSync())).toEqual([1, 0]);
    expect(Array.from(tf.fill([2], 5, 'bool').dataSync())).toEqual([1, 1]);
    expect(Array.from(tf.equal(tf.tensor([true, false]), 2).dataSync())).toEqual([1, 0]);
    const bytes = tf.tensor(new Uint8Array([0, 2, 255]));
    expect(bytes.dtype).toBe('int32');
    expect(Array.from(bytes.dataSync())).toEqual([0, 2, 255]);
    expectRejected(
      () => tf.tensor(new BigInt64Array(2) as never),
      tf.InvalidArgumentError,
      /^tensor: argument 'value' expected numbers \(convert BigInts/,
    );
  });

  it('21. int32 values follow TensorFlow: a non-integral or out-of-range number is an error (cast still truncates)', () => {
    const ints = tf.tensor([1, 2], [2], 'int32');
    const int32Error =
      /expected int32 values \(an integer in \[-2147483648, 2147483647\]; use tf\.cast to truncate\), but got number/;
    const cases: [() => unknown, RegExp][] = [
      [() => tf.tensor([1, 1.5], [2], 'int32'), /^tensor: argument 'value' .*number 1\.5 at value\[1\]/],
      [() => tf.scalar(3e9, 'int32'), /^scalar: argument 'value' .*number 3000000000/],
      [() => tf.constant([[NaN]], 'int32'), /^constant: argument 'value' .*number NaN at value\[0\]\[0\]/],
      [() => tf.tensor(new Float32Array([0.5]), [1], 'int32'), /^tensor: .*number 0\.5/],
      [() => tf.fill([2], 1.5, 'int32'), /^fill: argument 'value' .*number 1\.5/],
      [() => tf.range(0, 2.5, 1, 'int32'), /^range: argument 'stop' .*number 2\.5/],
      [() => tf.add(ints, 1.5), /^add: argument 'b' .*number 1\.5/],
      [() => tf.mul(3e9, ints), /^mul: argument 'a' .*number 3000000000/],
      [() => tf.clipByValue(ints, 0.5, 2), /^clipByValue: argument 'clipValueMin' .*number 0\.5/],
      [() => tf.oneHot([0], 2, { dtype: 'int32', onValue: 1.5 }), /^oneHot: argument 'options\.onValue' .*number 1\.5/],
    ];
    for (const [fn, pattern] of cases) {
      expectRejected(fn, tf.InvalidArgumentError, pattern, ints);
      expect(fn).toThrow(int32Error);
    }
    expect(Array.from(tf.cast(tf.tensor([1.7, -1.7]), 'int32').dataSync())).toEqual([1, -1]);
    expect(Array.from(tf.add(ints, 2).dataSync())).toEqual([3, 4]);
  });

  it('21. gather indices are integers in range; a scalar index and oneHot of a number work', () => {
    const x = tf.tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const bad: [unknown, RegExp][] = [
      [[1.7], /^gather: argument 'indices' expected int32 values .*number 1\.7 at indices\[0\]/],
      [[NaN], /^gather: argument 'indices' expected int32 values .*number NaN/],
      [['a'], /^gather: argument 'indices' expected integers.*string 'a'/],
      [[null], /^gather: argument 'indices' expected integers.*null/],
      [[2 ** 32 + 1], /^gather: argument 'indices' expected int32 values .*number 4294967297/],
      [[true], /^gather: argument 'indices' expected integers, but got boolean true/],
      [
        [3],
        /^gather: argument 'indices' expected values in \[0, 3\) for axis 0 of shape \[3,2\], but got indices\[0\] = 3/,
      ],
      [tf.tensor([0.5]), /^gather: argument 'indices' expected an int32 tensor, but got a float32 tensor/],
    ];
    for (const [indices, pattern] of bad)
      expectRejected(() => tf.gather(x, indices as number[]), tf.InvalidArgumentError, pattern, x);
    const row = tf.gather(x, 1);
    expect(row.shape).toEqual([2]);
    expect(row.arraySync()).toEqual([3, 4]);
    expect(tf.gather(x, 0, 1).arraySync()).toEqual([1, 3, 5]);
    expect(tf.gather(x, [[2], [0]]).arraySync()).toEqual([[[5, 6]], [[1, 2]]]);
    expect(tf.oneHot(2, 4).arraySync()).toEqual([0, 0, 1, 0]);
    expect(tf.oneHot([[0], [3]], 3).arraySync()).toEqual([[[1, 0, 0]], [[0, 0, 0]]]);
  });

  it('21. wrong-typed option values and null where an axis, perm, size or shape goes are typed errors', () => {
    const a = tf.ones([2, 3]);
    const cases: [() => unknown, RegExp][] = [
      [
        () => tf.fill([2], 'a' as unknown as number),
        /^fill: argument 'value' expected a number or a boolean, but got string 'a'/,
      ],
      [
        () => tf.random.normal([2], { mean: 'a' as unknown as number }),
        /^random\.normal: argument 'options\.mean' expected a number, but got string 'a'/,
      ],
      [() => tf.random.uniform([2], { seed: 1.5 }), /^random\.uniform: argument 'options\.seed' expected an integer/],
      [
        () => tf.matmul(a, a, { transposeA: 'yes' as unknown as boolean }),
        /^matmul: argument 'options\.transposeA' expected a boolean, but got string 'yes'/,
      ],
      [
        () => tf.matmul(a, a, { transpose_a: true } as never),
        /^matmul: argument 'options' expected known keys \(did you mean 'transposeA'\?\), but got unknown key 'transpose_a'/,
      ],
      [
        () => tf.reduceSum(a, 0, 'yes' as unknown as boolean),
        /^reduceSum: argument 'keepDims' expected a boolean, but got string 'yes'/,
      ],
      [
        () => tf.reduceMean(a, null as unknown as number),
        /^reduceMean: argument 'axis' expected an integer, an array of integers, or undefined \(all axes\), but got null/,
      ],
      [
        () => tf.argMax(a, null as unknown as number),
        /^argMax: argument 'axis' expected an integer in \[-2, 2\), but got null/,
      ],
      [
        () => tf.transpose(a, null as unknown as number[]),
        /^transpose: argument 'perm' expected an array of integers, or undefined, but got null/,
      ],
      [() => tf.slice(a, [0, 0], null as unknown as number[]), /^slice: argument 'size' expected .*but got null/],
      [() => tf.slice(a, null as unknown as number[]), /^slice: argument 'begin' expected .*but got null/],
      [() => tf.squeeze(a, null as unknown as number), /^squeeze: argument 'axis' expected .*but got null/],
      [
        () => tf.reshape(a, null as unknown as number[]),
        /^reshape: argument 'shape' expected an array of integers, but got null/,
      ],
      [
        () => tf.zeros(null as unknown as number[]),
        /^zeros: argument 'shape' expected an array of non-negative integers, but got null/,
      ],
      [
        () => tf.tensor([1, 2], null as unknown as number[]),
        /^tensor: argument 'shape' expected an array of non-negative integers, but got null/,
      ],
      [
        () => tf.pad(a, null as unknown as [number, number][]),
        /^pad: argument 'paddings' expected 2 \[before, after\] pairs, but got null/,
      ],
      [
        () => tf.oneHot([0], 2, { dtype: 'float64' } as never),
        /^oneHot: argument 'options\.dtype' expected one of "float32", "int32", "bool"/,
      ],
      [
        () => tf.variable(1, { trainable: 'yes' } as never),
        /^variable: argument 'options\.trainable' expected a boolean/,
      ],
      [
        () => tf.clipByValue(a, 'a' as unknown as number, 1),
        /^clipByValue: argument 'clipValueMin' expected a number, but got string 'a'/,
      ],
    ];
    for (const [fn, pattern] of cases) expectRejected(fn, tf.InvalidArgumentError, pattern, a);
  });

  it('21. int32 random.uniform respects its bounds: integers in [minval, maxval), and int32 bounds only', () => {
    const samples = tf.random.uniform([2000], { minval: -3, maxval: 3, dtype: 'int32', seed: 5 });
    const values = Array.from(samples.dataSync());
    expect(values.every((v) => Number.isInteger(v) && v >= -3 && v < 3)).toBe(true);
    expect(new Set(values).size).toBe(6);
    expectRejected(
      () => tf.random.uniform([4], { minval: 0.5, maxval: 3, dtype: 'int32' }),
      tf.InvalidArgumentError,
      /^random\.uniform: argument 'options\.minval' expected an integer in \[-2147483648, 2147483647\] for int32 samples, but got number 0\.5/,
    );
    expectRejected(
      () => tf.random.uniform([4], { maxval: 2 ** 31, dtype: 'int32' }),
      tf.InvalidArgumentError,
      /^random\.uniform: argument 'options\.maxval' expected an integer/,
    );
    expectRejected(
      () => tf.random.statelessUniform([4], [1, 2], { minval: -1e10, maxval: 0, dtype: 'int32' }),
      tf.InvalidArgumentError,
      /^random\.statelessUniform: argument 'options\.minval'/,
    );
  });
});
