/**
 * Public-API argument fuzzing (fast-check): every op front-end the umbrella exports, found from the
 * module's exports (so a new op is fuzzed the day it is exported), called with wrong values: wrong
 * types, null, undefined, NaN, huge sizes, strings, symbols, BigInts, nested garbage, disposed tensors,
 * options objects with unknown keys or wrong-typed values, mixed with valid tensors so the checks
 * behind the first one are reached too. Each call must either return a result or throw a typed
 * TapeflowError (never a bare TypeError or RangeError), must leave `tf.memory()` as it was once its
 * result is disposed, and must leave the input tensors alive and unchanged.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectTensors, describeValue } from '@tapeflow/tensor-core/internal';
import * as tf from './index.js';

/**
 * Exports that are not op front-ends, skipped by name. Classes (capitalised names) and the Keras
 * namespaces of @tapeflow/layers (which check their own options) are left out by shape, not listed.
 */
const NOT_OPS: ReadonlySet<string> = new Set([
  // Engine, backends, memory and debugging: global state a fuzzer must not flip (or tensors it must not dispose).
  'getEngine',
  'registerBackend',
  'removeBackend',
  'setBackend',
  'getBackend',
  'ready',
  'tidy',
  'keep',
  'dispose',
  'memory',
  'format',
  'enableDebugMode',
  'disableDebugMode',
  'liveTensors',
  'leakReport',
  'setAllocationLimit',
  'getAllocationLimit',
  'cpuBackend',
  'loadModel',
  // Function transforms: they take functions, and call them later.
  'customGradient',
  'checkGradients',
]);

/** Lower-case namespaces whose functions are op front-ends (the others are Keras' and checked by layers). */
const OP_NAMESPACES: ReadonlySet<string> = new Set(['random', 'nn', 'linalg', 'signal', 'image']);

type OpFunction = (...args: unknown[]) => unknown;

function opFrontEnds(): [string, OpFunction][] {
  const ops: [string, OpFunction][] = [];
  for (const [name, value] of Object.entries(tf)) {
    if (!/^[a-z]/.test(name)) continue;
    if (typeof value === 'function' && !NOT_OPS.has(name)) ops.push([name, value as OpFunction]);
    if (typeof value === 'object' && value !== null && OP_NAMESPACES.has(name)) {
      for (const [member, fn] of Object.entries(value)) {
        const qualified = `${name}.${member}`;
        if (typeof fn === 'function' && /^[a-z]/.test(member) && !NOT_OPS.has(qualified))
          ops.push([qualified, fn as OpFunction]);
      }
    }
  }
  return ops;
}

const OPS = opFrontEnds();

/** The tensors every call may receive; none may be disposed or changed by any call. */
interface Fixtures {
  readonly tensors: readonly tf.Tensor[];
  readonly values: readonly number[][];
}

let fixtures: Fixtures;
let previousLimit: number;

beforeAll(() => {
  // Huge sizes must meet the guard, not the machine: 1 MiB per tensor keeps every run fast.
  previousLimit = tf.setAllocationLimit(2 ** 20);
  const tensors = [
    tf.tensor([
      [1, -2, 3],
      [4, 5, -6],
    ]),
    tf.scalar(2.5),
    tf.tensor([0, 1, 2], [3], 'int32'),
    tf.tensor([true, false]),
    tf.zeros([0, 2]),
    tf.variable([[0.5, 1.5]]),
    tf.tensor([[[1, 2]], [[3, 4]]]),
  ];
  fixtures = { tensors, values: tensors.map((t) => Array.from(t.dataSync())) };
});

afterAll(() => {
  tf.setAllocationLimit(previousLimit);
  tf.dispose(fixtures.tensors);
});

/** A value maker: most values are constants, a few are made fresh per call (a disposed tensor). */
type Maker = () => unknown;

const GARBAGE: readonly Maker[] = [
  () => undefined,
  () => null,
  () => true,
  () => false,
  () => 0,
  () => 1,
  () => -1,
  () => 2,
  () => 3,
  () => 1.5,
  () => -0,
  () => NaN,
  () => Infinity,
  () => -Infinity,
  () => 1e12,
  () => 2 ** 32 + 1,
  () => -(2 ** 31) - 1,
  () => 1e300,
  () => '',
  () => 'a',
  () => 'float32',
  () => 'int32',
  () => 'bool',
  () => 'yes',
  () => '2',
  () => Symbol('s'),
  () => 10n,
  () => () => 1,
  () => new Date(0),
  () => new Map(),
  () => [],
  () => [1, 2],
  () => [0],
  () => [2, 3],
  () => [[1, 2], [3]],
  () => [1, 'a'],
  () => [null],
  () => [undefined],
  () => [NaN],
  () => [1.7],
  () => [-1],
  () => [2 ** 32 + 1],
  () => [1e6, 1e6],
  () => [1e12],
  () => [[[[[[]]]]]],
  () => [Symbol('s')],
  () => [10n],
  () => [true, false],
  () => [{}],
  () => [
    [0, 1],
    [1, 0],
  ],
  () => [-1, 2],
  () => [[1, 2]],
  () => {
    const self: unknown[] = [];
    self.push(self);
    return self;
  },
  () => new Uint8Array([0, 2, 255]),
  () => new Float64Array([1.5]),
  () => new Int32Array([1, 0]),
  () => new BigInt64Array(2),
  () => new DataView(new ArrayBuffer(4)),
  () => new Uint32Array([2 ** 32 - 1]),
  () => new Float32Array([NaN, 0.5]),
  () => ({}),
  () => ({ length: 1e12 }),
  () => ({ 0: 1, length: 1 }),
  () => Object.create(null) as object,
  () => ({ transposeA: 'yes' }),
  () => ({ mean: 'a' }),
  () => ({ unknownKey: 1 }),
  () => ({ dtype: 'float64' }),
  () => ({ keepDims: 'yes' }),
  () => ({ seed: 1.5 }),
  () => ({ onValue: 'a' }),
  () => ({ name: 5 }),
  () => ({ minval: NaN }),
  () => [fixtures.tensors[0], 'a'],
  () => [fixtures.tensors[0], fixtures.tensors[3]],
  () => {
    const t = tf.ones([2]);
    t.dispose();
    return t;
  },
];

/**
 * Argument lists that look valid for some op (tensors, a shape and a value, a list of tensors, numbers):
 * wrong values are put into them one position at a time, so the checks after the first are reached.
 */
const TEMPLATES: readonly (readonly Maker[])[] = [
  [() => fixtures.tensors[0], () => fixtures.tensors[0], () => 1, () => ({})],
  [() => [2, 3], () => 1, () => 'float32', () => ({})],
  [() => [fixtures.tensors[0], fixtures.tensors[0]], () => 0, () => 1],
  [() => fixtures.tensors[2], () => 3, () => ({}), () => 0],
  [() => 0, () => 1, () => 3, () => 'float32'],
  [() => [2, 3], () => [1, 2], () => ({})],
  [() => fixtures.tensors[6], () => [0, 1], () => 1, () => false],
];

const OPTION_KEYS = [
  'transposeA',
  'transposeB',
  'keepDims',
  'mean',
  'stddev',
  'seed',
  'dtype',
  'minval',
  'maxval',
  'onValue',
  'offValue',
  'trainable',
  'name',
  'axis',
  'unknownKey',
  'transpose_a',
  'constructor',
  '__proto__',
] as const;

const fixtureArb: fc.Arbitrary<Maker> = fc.nat({ max: 6 }).map((i) => () => fixtures.tensors[i]!);
const garbageArb: fc.Arbitrary<Maker> = fc.constantFrom(...GARBAGE);
const optionsArb: fc.Arbitrary<Maker> = fc
  .array(fc.tuple(fc.constantFrom(...OPTION_KEYS), fc.oneof(garbageArb, fixtureArb)), { maxLength: 3 })
  .map((entries) => () => Object.fromEntries(entries.map(([key, make]) => [key, make()])));
const numberArb: fc.Arbitrary<Maker> = fc.oneof(fc.integer({ min: -4, max: 4 }), fc.double()).map((n) => () => n);
const argumentArb: fc.Arbitrary<Maker> = fc.oneof(
  { arbitrary: fixtureArb, weight: 4 },
  { arbitrary: garbageArb, weight: 4 },
  { arbitrary: optionsArb, weight: 1 },
  { arbitrary: numberArb, weight: 1 },
);

/** Either a list of random values, or a template with one or two of its positions replaced. */
const argumentsArb: fc.Arbitrary<readonly Maker[]> = fc.oneof(
  fc.array(argumentArb, { maxLength: 4 }),
  fc
    .tuple(
      fc.constantFrom(...TEMPLATES),
      fc.array(fc.tuple(fc.nat({ max: 3 }), argumentArb), { minLength: 1, maxLength: 2 }),
      fc.nat({ max: 4 }),
    )
    .map(([template, replacements, length]) => {
      const makers = template.slice(0, Math.max(length, 1));
      for (const [position, make] of replacements) makers[Math.min(position, makers.length)] = make;
      return makers;
    }),
);

function tensorsIn(value: unknown): Set<tf.Tensor> {
  const found = new Set<tf.Tensor>();
  collectTensors(value, found);
  return found;
}

function describeCall(name: string, args: readonly unknown[]): string {
  const show = (v: unknown): string =>
    v instanceof tf.Tensor
      ? `Tensor(${v.dtype} [${v.shape.join(',')}]${v.isDisposed ? ', disposed' : ''})`
      : describeValue(v);
  return `${name}(${args.map(show).join(', ')})`;
}

/** Calls `name` with `args`; returns the problem found, or undefined. */
async function check(name: string, fn: OpFunction, args: readonly unknown[]): Promise<string | undefined> {
  const before = tf.memory();
  let result: unknown;
  let error: unknown;
  try {
    result = fn(...args);
    if (result instanceof Promise) result = await result;
  } catch (thrown) {
    error = thrown;
  }
  if (error !== undefined && !tf.TapeflowError.isInstance(error)) {
    return `${describeCall(name, args)} threw a bare ${(error as Error).constructor?.name ?? typeof error}: ${(error as Error).message}`;
  }
  for (const t of tensorsIn(result)) if (!fixtures.tensors.includes(t)) t.dispose();
  const after = tf.memory();
  if (after.numTensors !== before.numTensors || after.numBytes !== before.numBytes) {
    return `${describeCall(name, args)} changed memory: ${before.numTensors} → ${after.numTensors} tensors, ${before.numBytes} → ${after.numBytes} bytes`;
  }
  for (const [i, t] of fixtures.tensors.entries()) {
    if (t.isDisposed) return `${describeCall(name, args)} disposed input fixture ${i}`;
  }
  return undefined;
}

describe('the public API, fuzzed with wrong arguments', () => {
  it('finds the op front-ends from the exports', () => {
    const names = OPS.map(([name]) => name);
    for (const op of [
      'add',
      'matmul',
      'gather',
      'oneHot',
      'fill',
      'range',
      'linspace',
      'eye',
      'broadcastTo',
      'tensor',
      'random.normal',
      'random.uniform',
    ]) {
      expect(names).toContain(op);
    }
    // The skip list names only what is exported, so it cannot silently grow stale.
    const exported = new Set(Object.keys(tf).concat(Object.keys(tf.random).map((member) => `random.${member}`)));
    expect([...NOT_OPS].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('every op front-end gives a result or a typed error, and leaves memory and its inputs as they were', async () => {
    const problems: string[] = [];
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: OPS.length - 1 }), argumentsArb, async (index, makers) => {
        const [name, fn] = OPS[index]!;
        const problem = await check(
          name,
          fn,
          makers.map((make) => make()),
        );
        if (problem !== undefined) problems.push(problem);
      }),
      { seed: 20261126, numRuns: 4000 },
    );
    console.log(`api fuzz: ${OPS.length} op front-ends, 4000 calls in ${(performance.now() - started).toFixed(0)} ms`);
    expect([...new Set(problems)].slice(0, 40)).toEqual([]);
    fixtures.tensors.forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(fixtures.values[i]));
  });

  it('every op front-end, with each wrong value in each position of a valid-looking call, gives a result or a typed error', async () => {
    const problems: string[] = [];
    for (const [name, fn] of OPS) {
      for (const template of TEMPLATES) {
        for (let position = 0; position < template.length; position++) {
          for (const make of GARBAGE) {
            const args = template.map((valid, i) => (i === position ? make() : valid()));
            const problem = await check(name, fn, args);
            if (problem !== undefined) problems.push(problem);
          }
        }
      }
    }
    expect(problems.slice(0, 40)).toEqual([]);
    // Every op × template × position × garbage value: seconds on a loaded machine as ops are added.
  }, 60_000);
});
