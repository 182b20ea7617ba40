/**
 * Every differentiable op's gradient against central differences (checkGradients), on the cases of
 * `__fixtures__/gradient-cases.ts`; the same cases differentiated with a batch of cotangents (a
 * vectorised jacobian) against one gradient per cotangent; and, generated from the gradient table,
 * one test per op with a rule asserting that some case goes through it.
 */
import '../test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { GRADIENT_CASES } from '../__fixtures__/gradient-cases.js';
import { opsDifferentiated } from '../__fixtures__/listing-tape.js';
import { checkGradients } from '../check-gradients.js';
import { GradientTape } from '../gradient-tape.js';
import { GRADIENTS } from './index.js';

describe('gradients match central differences', () => {
  for (const [name, f, makeInputs] of GRADIENT_CASES) {
    it(name, async () => {
      const inputs = makeInputs();
      const before = tf.memory().numTensors;
      const report = await checkGradients(f, inputs);
      expect(report.ok, report.summary).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose(inputs);
    });
  }
});

/** The worst |got - want| beyond 1e-4 + 1e-3 |want|, or 0 when every element is within it. */
function worstExcess(got: tf.Tensor, want: tf.Tensor): number {
  expect(got.shape).toEqual(want.shape);
  const a = got.dataSync();
  const b = want.dataSync();
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) - (1e-4 + 1e-3 * Math.abs(b[i]!)));
  return worst;
}

// Every rule receives a batch of cotangents when a jacobian is taken: a rule that forgets the batch
// dims fails here (wrong shape or values), whichever op it is, as long as a case goes through it.
describe('batched cotangents (jacobian) agree with one gradient per cotangent', () => {
  let seed = 7000;
  for (const [name, f, makeInputs] of GRADIENT_CASES) {
    it(name, () => {
      const before = tf.memory().numTensors;
      const inputs = makeInputs();
      tf.tidy(() => {
        const tape = new GradientTape({ persistent: true });
        tape.watch(inputs);
        const y = tape.record(() => f(...inputs));
        const v = tf.random.uniform(y.shape, { minval: -1, maxval: 1, seed: seed++ });
        inputs.forEach((x, i) => {
          const jacobian = tape.jacobian(y, x, { unconnectedGradients: 'zero' })!;
          const gradient = tape.gradient(y, x, { outputGradients: v, unconnectedGradients: 'zero' })!;
          expect(jacobian.shape, `input ${i}`).toEqual([...y.shape, ...x.shape]);
          const flat = tf.reshape(jacobian, [y.size, x.size]);
          const contracted = tf.reshape(tf.matmul(tf.reshape(v, [1, y.size]), flat), x.shape);
          expect(worstExcess(contracted, gradient), `input ${i}`).toBeLessThanOrEqual(0);
        });
        tape.dispose();
      });
      tf.dispose(inputs);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

// Generated from the table: a new op with a rule and no numeric case fails here, by name.
describe('every gradient rule has a numeric-gradient case', () => {
  const covered = new Set<string>();
  const collect = (): void => {
    if (covered.size !== 0) return;
    for (const [, f, makeInputs] of GRADIENT_CASES) {
      const inputs = makeInputs();
      for (const op of opsDifferentiated(() => f(...inputs), inputs)) covered.add(op);
      tf.dispose(inputs);
    }
  };
  for (const [op, definition] of Object.entries(GRADIENTS)) {
    if (definition === null) continue;
    it(op, () => {
      collect();
      expect(covered.has(op), `no case in __fixtures__/gradient-cases.ts differentiates through ${op}`).toBe(true);
    });
  }
});
