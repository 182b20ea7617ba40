/**
 * Random-program fuzzing (fast-check): sequences of ops, tapes (nested, persistent or not), tidy
 * scopes, disposes and deliberate errors. Invariants after every program: every error is a typed
 * Tapeflow error, every tensor not disposed still reads its original values, nothing leaks (tensor,
 * buffer and byte counts back to the start), and no buffer is freed twice (the CPU backend throws on a
 * double free).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as tf from './index.js';

type Action =
  | { kind: 'create'; shape: number[]; seed: number }
  | { kind: 'unary'; op: 'tanh' | 'exp' | 'neg' | 'square' | 'relu' | 'reshapeFlat' | 'transpose' | 'sum'; a: number }
  | { kind: 'binary'; op: 'add' | 'mul' | 'sub' | 'matmul' | 'concat'; a: number; b: number }
  | { kind: 'reduce'; a: number; axis: number }
  | { kind: 'dispose'; a: number }
  | { kind: 'tape'; persistent: boolean; nested: boolean; body: number[]; source: number }
  | { kind: 'tidy'; body: number[] };

const shapeArb = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 });
const index = fc.nat({ max: 20 });
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), shape: shapeArb, seed: fc.nat({ max: 1000 }) }),
  fc.record({
    kind: fc.constant('unary' as const),
    op: fc.constantFrom('tanh', 'exp', 'neg', 'square', 'relu', 'reshapeFlat', 'transpose', 'sum' as const),
    a: index,
  }),
  fc.record({
    kind: fc.constant('binary' as const),
    op: fc.constantFrom('add', 'mul', 'sub', 'matmul', 'concat' as const),
    a: index,
    b: index,
  }),
  fc.record({ kind: fc.constant('reduce' as const), a: index, axis: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('dispose' as const), a: index }),
  fc.record({
    kind: fc.constant('tape' as const),
    persistent: fc.boolean(),
    nested: fc.boolean(),
    body: fc.array(index, { maxLength: 4 }),
    source: index,
  }),
  fc.record({ kind: fc.constant('tidy' as const), body: fc.array(index, { maxLength: 4 }) }),
);

interface Entry {
  readonly tensor: tf.Tensor;
  readonly values: number[];
}

/** Runs one op on pool entries; returns the new tensor (errors propagate). */
function applyOp(op: string, a: tf.Tensor, b: tf.Tensor | undefined): tf.Tensor {
  return tf.tidy(() => applyOpUntidied(op, a, b));
}

function applyOpUntidied(op: string, a: tf.Tensor, b: tf.Tensor | undefined): tf.Tensor {
  switch (op) {
    case 'tanh':
      return tf.tanh(a);
    case 'exp':
      return tf.exp(tf.tanh(a));
    case 'neg':
      return tf.neg(a);
    case 'square':
      return tf.square(a);
    case 'relu':
      return tf.relu(a);
    case 'reshapeFlat':
      return tf.reshape(a, [-1]);
    case 'transpose':
      return tf.transpose(a);
    case 'sum':
      return tf.reduceSum(a);
    case 'add':
      return tf.add(a, b!);
    case 'mul':
      return tf.mul(a, b!);
    case 'sub':
      return tf.sub(a, b!);
    case 'matmul':
      return tf.matmul(a, b!);
    default:
      return tf.concat([a, b!], 0);
  }
}

function run(actions: readonly Action[]): void {
  const start = tf.memory();
  const pool: Entry[] = [];
  const extra: tf.Tensor[] = [];
  const pick = (i: number): Entry | undefined => (pool.length === 0 ? undefined : pool[i % pool.length]);
  const add = (t: tf.Tensor): void => {
    pool.push({ tensor: t, values: Array.from(t.dataSync()) });
  };
  const attempt = (fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      if (!tf.TapeflowError.isInstance(error)) throw error;
    }
  };
  const opFromIndex = (i: number): ((entry: Entry, other: Entry) => tf.Tensor) => {
    const names = ['tanh', 'exp', 'mul', 'add', 'square', 'sum', 'matmul'];
    const name = names[i % names.length]!;
    return (entry, other) => applyOp(name, entry.tensor, other.tensor);
  };

  for (const action of actions) {
    switch (action.kind) {
      case 'create':
        add(tf.random.uniform(action.shape, { minval: -1, maxval: 1, seed: action.seed }));
        break;
      case 'unary': {
        const a = pick(action.a);
        if (a) attempt(() => add(applyOp(action.op, a.tensor, undefined)));
        break;
      }
      case 'binary': {
        const a = pick(action.a);
        const b = pick(action.b);
        if (a && b) attempt(() => add(applyOp(action.op, a.tensor, b.tensor)));
        break;
      }
      case 'reduce': {
        const a = pick(action.a);
        if (a) attempt(() => add(tf.reduceMax(a.tensor, action.axis)));
        break;
      }
      case 'dispose': {
        const a = pick(action.a);
        a?.tensor.dispose();
        break;
      }
      case 'tidy': {
        attempt(() => {
          const kept = tf.tidy(() => {
            let last: tf.Tensor | undefined;
            for (const i of action.body) {
              const a = pick(i);
              const b = pick(i + 1);
              if (a && b && !a.tensor.isDisposed && !b.tensor.isDisposed) {
                try {
                  last = opFromIndex(i)(a, b);
                } catch (error) {
                  if (!tf.TapeflowError.isInstance(error)) throw error;
                }
              }
            }
            return last;
          });
          if (kept) add(kept);
        });
        break;
      }
      case 'tape': {
        const source = pick(action.source);
        if (!source || source.tensor.isDisposed || source.tensor.dtype !== 'float32') break;
        const outer = action.nested ? new tf.GradientTape() : null;
        const tape = new tf.GradientTape({ persistent: action.persistent });
        attempt(() => {
          const body = (): tf.Tensor => {
            tape.watch(source.tensor);
            let current = tf.tanh(source.tensor);
            for (const i of action.body) {
              const other = pick(i);
              if (!other || other.tensor.isDisposed) continue;
              try {
                current = tf.add(current, tf.reduceSum(tf.mul(tf.tanh(other.tensor), 0.5)));
              } catch (error) {
                if (!tf.TapeflowError.isInstance(error)) throw error;
              }
            }
            return current;
          };
          const gradient = (): tf.Tensor | null => {
            const y = tf.tidy(() => tape.record(body));
            const g = tape.gradient(y, source.tensor);
            y.dispose();
            return g;
          };
          const g =
            outer === null
              ? gradient()
              : outer.record(() => {
                  outer.watch(source.tensor);
                  return gradient();
                });
          if (g !== null) {
            extra.push(g);
            if (outer !== null) {
              const second = outer.gradient(g, source.tensor);
              if (second !== null) extra.push(second);
            }
          }
          if (action.persistent) {
            // A persistent tape may be asked again; then it is disposed explicitly.
            const y2 = tf.tidy(() => tape.record(() => tf.reduceSum(tf.square(source.tensor))));
            const again = tape.gradient(y2, source.tensor);
            if (again !== null) extra.push(again);
            y2.dispose();
          }
        });
        tape.dispose();
        outer?.dispose();
        break;
      }
    }
    for (const entry of pool) {
      if (entry.tensor.isDisposed) continue;
      expect(Array.from(entry.tensor.dataSync())).toEqual(entry.values);
    }
  }
  tf.dispose(pool.map((e) => e.tensor));
  tf.dispose(extra);
  const end = tf.memory();
  expect(end.numTensors).toBe(start.numTensors);
  expect(end.numDataBuffers).toBe(start.numDataBuffers);
  expect(end.numBytes).toBe(start.numBytes);
}

describe('random programs', () => {
  it('never leak, never double-free, only throw typed errors, never corrupt live tensors', () => {
    fc.assert(
      fc.property(fc.array(actionArb, { minLength: 1, maxLength: 25 }), (actions) => run(actions)),
      { numRuns: 500, seed: 42 },
    );
  });
});
