/**
 * @file The forward-mode examples, asserted: the three Hessian-vector products agree with each other
 * and with an independent reference (central differences of the gradient along v); the
 * line-search slope is -|∇f|² and the accepted step decreases f by Armijo's rule. No example leaks.
 */
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import * as hessianVectorProduct from './examples/hessian-vector-product.js';
import * as lineSearch from './examples/line-search.js';

describe('forward-mode examples', () => {
  it('hessian-vector-product: the three ways agree', async () => {
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    const result = await hessianVectorProduct.run((line) => lines.push(line));
    expect(result.largestDifference).toBeLessThan(1e-5);
    // Against central differences of the gradient along v (not all zero: zeros would agree too).
    const product = Array.from(result.forwardOverReverse.dataSync());
    const numeric = tf.tidy(() => {
      const { w, v, loss } = hessianVectorProduct.problem();
      const gradientAt = (step: number): tf.Tensor => tf.grad(loss)(tf.add(w, tf.mul(v, step)));
      return Array.from(tf.div(tf.sub(gradientAt(1e-2), gradientAt(-1e-2)), 2e-2).dataSync());
    });
    expect(Math.max(...product.map(Math.abs))).toBeGreaterThan(0.01);
    product.forEach((p, i) => expect(Math.abs(p - numeric[i]!), `element ${i}`).toBeLessThan(2e-3));
    expect(lines).toContain('>>> acc.jvp(g)  // forward over reverse');
    tf.dispose(result);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('line-search: slope = -|∇f|², and the accepted step satisfies the Armijo condition', async () => {
    const before = tf.memory().numTensors;
    const result = await lineSearch.run(() => {});
    const g = Array.from(result.gradient.dataSync());
    // ∇ Rosenbrock at (-1.2, 1), by hand: (-2(1 - x₀) - 400 x₀ (x₁ - x₀²), 200 (x₁ - x₀²)) = (-215.6, -88).
    expect(g[0]).toBeCloseTo(-215.6, 2);
    expect(g[1]).toBeCloseTo(-88, 3);
    expect(result.slope.dataSync()[0]).toBeCloseTo(-(215.6 ** 2 + 88 ** 2), 0);
    expect(result.after).toBeLessThan(result.before);
    expect(result.step).toBeLessThan(1);
    tf.dispose([result.x, result.slope, result.gradient]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
