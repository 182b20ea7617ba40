/**
 * Forward mode on every case of `__fixtures__/gradient-cases.ts`, generated (a case appended there is
 * covered here without writing anything): each case's Jacobian-vector product, by the written rules
 * and by the double-vjp fallback alone, agrees with the tape's vector-Jacobian product
 * (<J t, u> = <t, Jᵀ u> for random t, u) and with central differences along t; and the fallback's
 * tangent equals the written rule's.
 */
import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it, vi } from 'vitest';
import { FallbackAccumulator } from './__fixtures__/fallback-accumulator.js';
import { GRADIENT_CASES } from './__fixtures__/gradient-cases.js';
import { customGradient } from './custom-gradient.js';
import { ForwardAccumulator } from './forward-accumulator.js';
import { GradientTape } from './gradient-tape.js';
import { GRADIENTS } from './gradients/index.js';

type Case = (typeof GRADIENT_CASES)[number];

/** The case's output and its tangent along `tangents`, with an accumulator of class `Accumulator`. */
function tangentOf(
  Accumulator: typeof ForwardAccumulator,
  f: Case[1],
  inputs: tf.Tensor[],
  tangents: tf.Tensor[],
): { y: tf.Tensor; tangent: tf.Tensor; ops: Set<string> } {
  const acc = new Accumulator(inputs, tangents);
  const y = acc.record(() => f(...inputs));
  const tangent = acc.jvp(y, { unconnectedGradients: 'zero' })!;
  const ops = acc instanceof FallbackAccumulator ? acc.ops : new Set<string>();
  acc.dispose();
  return { y, tangent, ops };
}

const dot = (a: tf.Tensor, b: tf.Tensor): number => tf.reduceSum(tf.mul(a, b)).dataSync()[0]!;

/** The worst |got - want| beyond `abs` + `rel` |want|, or 0 when every element is within it. */
function worstExcess(got: tf.Tensor, want: tf.Tensor, abs: number, rel: number): number {
  expect(got.shape).toEqual(want.shape);
  const a = got.dataSync();
  const b = want.dataSync();
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) - (abs + rel * Math.abs(b[i]!)));
  return worst;
}

/** Random tensors of given shapes, seeded by the case's index (the same whichever tests run). */
function randomFor(caseIndex: number): (t: tf.Tensor) => tf.Tensor {
  let seed = 9100 + 16 * caseIndex;
  return (t) => tf.random.uniform(t.shape, { minval: -1, maxval: 1, seed: seed++ });
}

/**
 * The worst excess of `tangent` over the finite differences: per element the best of the central,
 * forward and backward differences, so an element whose step crosses a kink (a max/min tie, relu at
 * 0) is judged by the one-sided difference on its own side.
 */
function finiteDifferenceExcess(f: Case[1], inputs: tf.Tensor[], tangents: tf.Tensor[], tangent: tf.Tensor): number {
  const epsilon = 1e-3;
  const at = (step: number): tf.Tensor => f(...inputs.map((x, i) => tf.add(x, tf.mul(tangents[i]!, step))));
  const [plus, zero, minus] = [at(epsilon), at(0), at(-epsilon)];
  const estimates = [
    tf.div(tf.sub(plus, minus), 2 * epsilon),
    tf.div(tf.sub(plus, zero), epsilon),
    tf.div(tf.sub(zero, minus), epsilon),
  ].map((t) => t.dataSync());
  const got = tangent.dataSync();
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const excess = Math.min(...estimates.map((e) => Math.abs(got[i]! - e[i]!) - (5e-3 + 5e-3 * Math.abs(e[i]!))));
    worst = Math.max(worst, excess);
  }
  return worst;
}

for (const [label, Accumulator] of [
  ['written rules', ForwardAccumulator],
  ['double-vjp fallback', FallbackAccumulator],
] as const) {
  describe(`forward mode (${label}): <J t, u> equals <t, Jᵀ u> from the tape`, () => {
    GRADIENT_CASES.forEach(([name, f, makeInputs], caseIndex) => {
      it(name, () => {
        const randomLike = randomFor(caseIndex);
        const before = tf.memory().numTensors;
        const inputs = makeInputs();
        tf.tidy(() => {
          const tangents = inputs.map(randomLike);
          const { y, tangent } = tangentOf(Accumulator, f, inputs, tangents);
          expect(tangent.shape).toEqual(y.shape);
          const u = randomLike(y);
          const tape = new GradientTape();
          tape.watch(inputs);
          const y2 = tape.record(() => f(...inputs));
          const grads = tape.gradient(y2, inputs, { outputGradients: u, unconnectedGradients: 'zero' });
          const forward = dot(tangent, u);
          const reverse = grads.reduce((sum, g, i) => sum + dot(g!, tangents[i]!), 0);
          expect(Math.abs(forward - reverse), `${forward} vs ${reverse}`).toBeLessThanOrEqual(
            1e-4 + 1e-4 * Math.abs(reverse),
          );
        });
        tf.dispose(inputs);
        expect(tf.memory().numTensors).toBe(before);
      });
    });
  });

  describe(`forward mode (${label}): J t matches central differences along t`, () => {
    GRADIENT_CASES.forEach(([name, f, makeInputs], caseIndex) => {
      it(name, () => {
        const randomLike = randomFor(caseIndex);
        const inputs = makeInputs();
        tf.tidy(() => {
          const tangents = inputs.map(randomLike);
          const { tangent } = tangentOf(Accumulator, f, inputs, tangents);
          expect(finiteDifferenceExcess(f, inputs, tangents, tangent)).toBeLessThanOrEqual(0);
        });
        tf.dispose(inputs);
      });
    });
  });
}

describe('the double-vjp fallback gives the written rule’s tangent, and covers every op with a gradient', () => {
  const covered = new Set<string>();
  GRADIENT_CASES.forEach(([name, f, makeInputs], caseIndex) => {
    it(name, () => {
      const randomLike = randomFor(caseIndex);
      const inputs = makeInputs();
      tf.tidy(() => {
        const tangents = inputs.map(randomLike);
        const written = tangentOf(ForwardAccumulator, f, inputs, tangents);
        const derived = tangentOf(FallbackAccumulator, f, inputs, tangents);
        for (const op of derived.ops) covered.add(op);
        expect(worstExcess(derived.tangent, written.tangent, 1e-5, 1e-4)).toBeLessThanOrEqual(0);
      });
      tf.dispose(inputs);
    });
  });
  // Generated from the table (after the cases above ran): every op with a gradient rule went through
  // the fallback on some case, so its derived jvp was checked.
  for (const [op, definition] of Object.entries(GRADIENTS)) {
    if (definition === null) continue;
    it(`covers ${op}`, () => {
      expect(covered.has(op), `no case of gradient-cases.ts computes a tangent through ${op}`).toBe(true);
    });
  }
});

describe("tape.jacobian({ mode: 'forward' }) equals the reverse-mode jacobian", () => {
  GRADIENT_CASES.forEach(([name, f, makeInputs]) => {
    it(name, () => {
      const before = tf.memory().numTensors;
      const inputs = makeInputs();
      tf.tidy(() => {
        const tape = new GradientTape({ persistent: true });
        tape.watch(inputs);
        const y = tape.record(() => f(...inputs));
        const reverse = tape.jacobian(y, inputs, { unconnectedGradients: 'zero' });
        // Forward mode runs the outer tape's (reverse) jacobian over the cotangent: one more call per source.
        const calls = vi.spyOn(GradientTape.prototype, 'jacobian');
        let forward: (tf.Tensor | null)[];
        try {
          forward = tape.jacobian(y, inputs, { unconnectedGradients: 'zero', mode: 'forward' });
          expect(calls.mock.calls.length).toBeGreaterThan(1);
        } finally {
          calls.mockRestore();
        }
        forward.forEach((j, i) =>
          expect(worstExcess(j!, reverse[i]!, 1e-5, 1e-4), `input ${i}`).toBeLessThanOrEqual(0),
        );
        tape.dispose();
      });
      tf.dispose(inputs);
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  it('on a non-persistent tape, with unconnected sources, and a bad mode', () => {
    tf.tidy(() => {
      const x = tf.tensor([1, 2, 3]);
      const unrelated = tf.tensor([4]);
      const tape = new GradientTape();
      tape.watch([x, unrelated]);
      const y = tape.record(() => tf.mul(x, x));
      expect(() => tape.jacobian(y, x, { mode: 'sideways' as 'forward' })).toThrow(
        /jacobian: argument 'mode' expected 'reverse' or 'forward', but got string sideways/,
      );
      const [jx, ju] = tape.jacobian(y, [x, unrelated], { mode: 'forward' });
      expect(Array.from(jx!.dataSync())).toEqual([2, 0, 0, 0, 4, 0, 0, 0, 6]);
      expect(ju).toBeNull();
      expect(() => tape.jacobian(y, x, { mode: 'forward' })).toThrow(/non-persistent/);
    });
  });

  it("costs one cotangent per source element: a customGradient's gradient runs once, not once per target element", () => {
    tf.tidy(() => {
      let calls = 0;
      const square = customGradient((x: tf.Tensor) => ({
        value: tf.square(x),
        gradFunc: (dy: tf.Tensor) => {
          calls++;
          return tf.mul(dy, tf.mul(x, 2));
        },
      }));
      const x = tf.tensor([1, 2]);
      const tape = new GradientTape({ persistent: true });
      tape.watch(x);
      const y = tape.record(() => tf.mul(square(x), tf.ones([3, 1]))); // 6 elements from 2
      const reverse = tape.jacobian(y, x);
      expect(calls).toBe(6); // the user's gradient sees one cotangent at a time
      calls = 0;
      const forward = tape.jacobian(y, x, { mode: 'forward' });
      expect(calls).toBe(1);
      expect(Array.from(forward!.dataSync())).toEqual(Array.from(reverse!.dataSync()));
      tape.dispose();
    });
  });
});
