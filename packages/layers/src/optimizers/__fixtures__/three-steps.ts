/**
 * @file The optimizer tests' shared fixture: three fixed gradient steps on a three-element Variable,
 * the same steps by a per-element float64 rule, and the comparison of the two.
 */
import * as tf from '@tapeflow/tensor-core';
import { expect } from 'vitest';
import type * as optimizers from '../index.js';

export const W0 = [1, -2, 0.5];
export const GRADIENTS = [
  [0.5, -1, 0.25],
  [0.1, 0.3, -0.2],
  [-0.4, 0.2, 0.05],
];

/** Runs three steps of `optimizer` on a Variable starting at W0; returns the values after each step. */
export async function stepThrough(optimizer: optimizers.Optimizer): Promise<number[][]> {
  const w = tf.variable(W0);
  const out: number[][] = [];
  for (const g of GRADIENTS) {
    const gradient = tf.tensor(g);
    optimizer.applyGradients([gradient], [w]);
    gradient.dispose();
    out.push(Array.from(await w.data()));
  }
  w.dispose();
  optimizer.dispose();
  return out;
}

/** The same three steps by a per-element rule in float64: `rule(w, g, state, t)` returns the new w. */
export function reference(
  rule: (w: number, g: number, state: Record<string, number>, t: number) => number,
): number[][] {
  const w = W0.slice();
  const states = W0.map(() => ({}));
  return GRADIENTS.map((g, step) => {
    for (let i = 0; i < w.length; i++) w[i] = rule(w[i]!, g[i]!, states[i]!, step + 1);
    return w.slice();
  });
}

/** Each step's values within `digits` decimals of the reference's. */
export function expectSteps(actual: number[][], expected: number[][], digits = 5): void {
  actual.forEach((row, step) =>
    row.forEach((v, i) => expect(v, `step ${step + 1}, element ${i}`).toBeCloseTo(expected[step]![i]!, digits)),
  );
}
