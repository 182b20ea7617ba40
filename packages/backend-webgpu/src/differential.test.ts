/**
 * Differential fuzzing (fast-check): the same random program — ops on random shapes, a gradient
 * through a tape, tidy scopes and disposes — on the CPU backend (the living definition) and on WebGPU
 * gives the same values within float32 tolerance, and leaves memory where it found it on both.
 * A failing program is plain data, so it shrinks to a short, readable case.
 */
import { GradientTape } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core/internal';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGpuBackend } from './index.js';
import { expectSnapshotsClose, registerBoth, runOn } from './test-utils.js';

/** Ops on one float tensor, smooth and bounded so both backends stay in a comparable range. */
const UNARY = {
  tanh: (x: tf.Tensor) => tf.tanh(x),
  sigmoid: (x: tf.Tensor) => tf.sigmoid(x),
  expTanh: (x: tf.Tensor) => tf.exp(tf.tanh(x)),
  relu: (x: tf.Tensor) => tf.relu(x),
  square: (x: tf.Tensor) => tf.square(x),
  abs: (x: tf.Tensor) => tf.abs(x),
  softmax: (x: tf.Tensor) => (x.rank === 0 ? x : tf.softmax(x)),
  sumKeep: (x: tf.Tensor) => (x.rank === 0 ? x : tf.reduceSum(x, -1, true)),
  maxFirst: (x: tf.Tensor) => (x.rank === 0 ? x : tf.reduceMax(x, 0)),
  transpose: (x: tf.Tensor) => tf.transpose(x),
  flatten: (x: tf.Tensor) => tf.reshape(x, [-1]),
  concatNeg: (x: tf.Tensor) => (x.rank === 0 ? x : tf.concat([x, tf.neg(x)], 0)),
  gatherEnds: (x: tf.Tensor) => (x.rank === 0 ? x : tf.gather(x, [x.shape[0]! - 1, 0, 0])),
  sliceTail: (x: tf.Tensor) => (x.rank === 0 || x.shape[0]! < 2 ? x : tf.slice(x, [1])),
  selfMatmul: (x: tf.Tensor) => (x.rank === 2 ? tf.matmul(x, x, { transposeA: true }) : x),
  whereSign: (x: tf.Tensor) => tf.where(tf.greater(x, 0), x, tf.mul(x, 0.5)),
  castRound: (x: tf.Tensor) => tf.cast(tf.cast(tf.mul(x, 10), 'int32'), 'float32'),
} as const;
type UnaryName = keyof typeof UNARY;

const programArb = fc.record({
  shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 3 }),
  ops: fc.array(fc.constantFrom(...(Object.keys(UNARY) as UnaryName[])), { minLength: 1, maxLength: 5 }),
  seed: fc.integer({ min: 0, max: 10_000 }),
  gradient: fc.boolean(),
});

type Program = typeof programArb extends fc.Arbitrary<infer P> ? P : never;

/** The program's outputs: the result, and (if asked) its gradient through a tape. */
function build({ shape, ops, seed, gradient }: Program): tf.Tensor[] {
  const x = tf.random.statelessUniform(shape, [seed, 7], { minval: -2, maxval: 2 });
  const run = (input: tf.Tensor): tf.Tensor => ops.reduce((t, name) => UNARY[name](t), input);
  if (!gradient) return [run(x)];
  const tape = new GradientTape();
  const y = tape.record(() => {
    tape.watch(x);
    return run(x);
  });
  const g = tape.gradient(y, x, { unconnectedGradients: 'zero' })!;
  return [y, g];
}

describe('differential: random programs give the same values on CPU and WebGPU', () => {
  let backend: WebGpuBackend;
  beforeAll(async () => {
    backend = await registerBoth();
  });
  afterAll(() => {
    tf.removeBackend('webgpu');
    void backend;
  });

  it('holds for 150 random programs, and memory is left where it was', async () => {
    await fc.assert(
      fc.asyncProperty(programArb, async (program) => {
        const before = tf.memory();
        const expected = await runOn('cpu', () => build(program));
        const actual = await runOn('webgpu', () => build(program));
        // Rounding to int32 can land on either side of a .5 boundary: compare it coarsely.
        const tolerance = program.ops.includes('castRound') ? 0.2 : 2e-4;
        expectSnapshotsClose(actual, expected, tolerance, JSON.stringify(program));
        const after = tf.memory();
        expect(after.numTensors).toBe(before.numTensors);
        expect(after.numDataBuffers).toBe(before.numDataBuffers);
      }),
      { numRuns: 150, seed: 4242 },
    );
  });
});
