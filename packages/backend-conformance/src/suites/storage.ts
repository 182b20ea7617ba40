/**
 * @file Checks of storage and memory: values written come back unchanged through `await t.data()`
 * (special floats, int32 extremes, bool, scalars, size 0), concurrent reads, outputs that outlive their
 * disposed inputs (a buffer pool must not recycle a buffer a queued kernel still reads), and exact
 * accounting in `tf.memory()` and the backend's own `memory()`.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { ConformanceCase, ConformanceGroup, ConformanceEnvironment, MemorySnapshot } from '../case.js';
import { checkOutputs, memorySnapshot, toTensor } from '../case.js';
import { binary } from '../reference/elementwise.js';
import { referenceTensor } from '../reference/tensor.js';
import type { ReferenceTensor } from '../reference/tensor.js';
import { uniformInput } from './inputs.js';

const ROUND_TRIPS: readonly ReferenceTensor[] = [
  // Writes and reads are copies: no value may be flushed, canonicalised or rounded on the way.
  {
    shape: [2, 4],
    dtype: 'float32',
    values: [NaN, Infinity, -Infinity, -0, 3.4028234663852886e38, 1.401298464324817e-45, -1.5, Math.fround(0.1)],
  },
  referenceTensor([2147483647, -2147483648, 0, -1, 65537], [5], 'int32'),
  referenceTensor([1, 0, 1, 1, 0, 0, 1], [7], 'bool'),
  referenceTensor([42.5], []),
  referenceTensor([-3], [], 'int32'),
  referenceTensor([1], [1, 1], 'bool'),
  referenceTensor([], [0, 5]),
  referenceTensor([], [3, 0], 'int32'),
  referenceTensor([], [0], 'bool'),
  uniformInput('storage/257', [257], -1e6, 1e6),
];

function expectFigures(
  label: string,
  before: MemorySnapshot,
  after: MemorySnapshot,
  expected: Partial<Record<keyof MemorySnapshot, number>>,
): void {
  for (const [key, delta] of Object.entries(expected) as [keyof MemorySnapshot, number][]) {
    if (after[key] - before[key] !== delta) {
      throw new Error(`${label}: ${key} changed by ${after[key] - before[key]}, expected ${delta}`);
    }
  }
}

async function accounting(env: ConformanceEnvironment): Promise<void> {
  const bytesOnBackend = (): number => tf.memory().numBytesByBackend[env.backendName] ?? 0;
  const start = memorySnapshot(env.backend);
  const startBytes = bytesOnBackend();
  // Everything made here is disposed in `finally` too (a second dispose is a no-op), so a figure
  // that fails, or a kernel that throws, leaves nothing behind for the next check.
  const made: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => (made.push(t), t);
  try {
    const f = keep(tf.tensor(new Float32Array([1, 2, 3]), [3], 'float32'));
    expectFigures('a float32 [3] write', start, memorySnapshot(env.backend), {
      numTensors: 1,
      numDataBuffers: 1,
      numBytes: 12,
      backendDataBuffers: 1,
    });
    const b = keep(tf.tensor(new Uint8Array([1, 0, 1, 1, 0]), [5], 'bool'));
    const i = keep(tf.tensor(new Int32Array(0), [0, 4], 'int32'));
    expectFigures('float32 [3], bool [5] and int32 [0,4] writes', start, memorySnapshot(env.backend), {
      numTensors: 3,
      numDataBuffers: 3,
      numBytes: 17,
      backendDataBuffers: 3,
    });
    if (bytesOnBackend() - startBytes !== 17)
      throw new Error(
        `numBytesByBackend['${env.backendName}'] changed by ${bytesOnBackend() - startBytes}, expected 17`,
      );
    const view = keep(tf.reshape(f, [1, 3]));
    expectFigures('a reshape (a view sharing the buffer)', start, memorySnapshot(env.backend), {
      numTensors: 4,
      numDataBuffers: 3,
      backendDataBuffers: 3,
    });
    const sum = keep(tf.add(f, f));
    expectFigures('a kernel output', start, memorySnapshot(env.backend), {
      numTensors: 5,
      numDataBuffers: 4,
      numBytes: 29,
      backendDataBuffers: 4,
    });
    await sum.data();
    expectFigures('a read', start, memorySnapshot(env.backend), {
      numTensors: 5,
      numDataBuffers: 4,
      backendDataBuffers: 4,
    });
    for (const t of [f, b, i, view, sum]) t.dispose();
    expectFigures('disposing everything', start, memorySnapshot(env.backend), {
      numTensors: 0,
      numDataBuffers: 0,
      numBytes: 0,
      backendDataBuffers: 0,
    });
    const kept = keep(
      tf.tidy(() => {
        let x = tf.tensor(new Float32Array(65).fill(0.5), [65], 'float32');
        for (let k = 0; k < 10; k++) x = tf.add(tf.mul(x, 1.5), -0.25);
        return x;
      }),
    );
    expectFigures('tidy around 21 ops keeping one result', start, memorySnapshot(env.backend), {
      numTensors: 1,
      numDataBuffers: 1,
      numBytes: 260,
      backendDataBuffers: 1,
    });
    await kept.data();
    kept.dispose();
    expectFigures('after tidy and dispose', start, memorySnapshot(env.backend), {
      numTensors: 0,
      numDataBuffers: 0,
      numBytes: 0,
      backendDataBuffers: 0,
    });
    if (bytesOnBackend() !== startBytes)
      throw new Error(`numBytesByBackend['${env.backendName}'] did not come back to ${startBytes}`);
  } finally {
    for (const t of made) t.dispose();
  }
}

const cases: ConformanceCase[] = [
  {
    name: 'write then await data() returns the values unchanged: NaN, ±Infinity, -0, float32 extremes, int32 extremes, bool, scalars, size 0',
    kernels: [],
    run: (env) =>
      checkOutputs(
        env,
        ROUND_TRIPS.map((x) => ({
          label: `round trip ${x.dtype} [${x.shape.join(',')}]`,
          build: () => toTensor(x),
          expected: x,
          tolerance: { rtol: 0, atol: 0 },
        })),
      ),
  },
  {
    name: 'many reads in flight at once, the same tensor read twice, and await array()',
    kernels: ['Add'],
    run: async () => {
      const inputs = Array.from({ length: 8 }, (_, k) => uniformInput(`storage/concurrent/${k}`, [65], -1, 1));
      const tensors: tf.Tensor[] = [];
      try {
        for (const x of inputs) tensors.push(tf.tidy(() => tf.add(toTensor(x), 1)));
        const view = tf.reshape(tensors[1]!, [5, 13]);
        tensors.push(view);
        const [values, again, nested] = await Promise.all([
          Promise.all(tensors.map((t) => t.data())),
          tensors[0]!.data(),
          view.array(),
        ]);
        inputs.forEach((x, k) => {
          const got = Array.from(values[k]!);
          const want = x.values.map((v) => Math.fround(v + 1));
          if (got.some((v, j) => v !== want[j]))
            throw new Error(`read ${k} of 8 concurrent reads returned wrong values`);
        });
        if (Array.from(again).some((v, j) => v !== Math.fround(inputs[0]!.values[j]! + 1)))
          throw new Error('a second read of the same tensor returned other values');
        const rows = nested as number[][];
        if (rows.length !== 5 || rows[4]!.length !== 13 || rows[4]![12] !== Math.fround(inputs[1]!.values[64]! + 1))
          throw new Error('array() did not return the nested values');
      } finally {
        for (const t of tensors) t.dispose();
      }
    },
  },
  {
    name: 'an output is right after its inputs are disposed and new tensors are written before the read',
    kernels: ['Add', 'Mul', 'Fill'],
    run: async (env) => {
      const a = uniformInput('storage/reuse/a', [257], -1, 1);
      const b = uniformInput('storage/reuse/b', [257], -1, 1);
      const made: tf.Tensor[] = [];
      const keep = (t: tf.Tensor): tf.Tensor => (made.push(t), t);
      try {
        const at = keep(toTensor(a));
        const bt = keep(toTensor(b));
        const sum = keep(tf.add(at, bt));
        const product = keep(tf.mul(sum, bt));
        at.dispose();
        bt.dispose();
        for (let k = 0; k < 4; k++) keep(tf.fill([257], k + 100));
        await checkOutputs(env, [
          { label: 'Add after its inputs were disposed', build: () => tf.mul(sum, 1), expected: binary('Add', a, b) },
          {
            label: 'Mul of a pending result',
            build: () => tf.mul(product, 1),
            expected: binary('Mul', binary('Add', a, b), b),
          },
        ]);
      } finally {
        for (const t of made) t.dispose();
      }
    },
  },
  {
    name: 'a read returns an array the caller owns: writing into it leaves the tensor unchanged',
    kernels: ['Add'],
    run: async () => {
      let t: tf.Tensor | undefined;
      try {
        t = tf.tidy(() => tf.add(tf.tensor(new Float32Array([1, 2, 3]), [3], 'float32'), 0));
        const first = await t.data();
        first[0] = 100;
        const second = await t.data();
        if (second[0] !== 1)
          throw new Error(
            `writing into the array t.data() returned changed the tensor: it now reads ${second[0]!}, expected 1`,
          );
      } finally {
        t?.dispose();
      }
    },
  },
  {
    name: "memory: tf.memory() (numTensors, numDataBuffers, numBytes, numBytesByBackend) and the backend's memory() track writes, views, kernels, tidy and dispose",
    kernels: ['Add', 'Mul'],
    run: accounting,
  },
];

/** The storage and memory checks. */
export const storageGroup: ConformanceGroup = { name: 'storage, reads and memory', cases };
