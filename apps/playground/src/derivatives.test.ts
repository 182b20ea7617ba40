/**
 * @file The Gradients page's nested tapes in Node on the CPU: f, f' and f'' against derivatives worked
 * by hand (x³ − 2x: 3x² − 2 and 6x; tanh: 1 − tanh² and −2·tanh·(1 − tanh²)), a constant's
 * derivatives are zero, and nothing is left allocated.
 */
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { derivatives, linspace } from './derivatives.js';

describe('derivatives', () => {
  it("x³ - 2x: f' = 3x² - 2 and f'' = 6x at every point", async () => {
    const before = tf.memory().numTensors;
    const points = linspace(-2, 2, 9);
    const { x, f, df, d2f } = await derivatives('x.pow(3).sub(x.mul(2))', points);
    expect(x).toEqual(points);
    points.forEach((p, i) => {
      expect(f[i]!).toBeCloseTo(p ** 3 - 2 * p, 5);
      expect(df[i]!).toBeCloseTo(3 * p * p - 2, 5);
      expect(d2f[i]!).toBeCloseTo(6 * p, 5);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('tf.tanh(x), typed with a TypeScript annotation, through tf in scope', async () => {
    const points = [-1, -0.25, 0, 0.5, 2];
    const { df, d2f } = await derivatives('tf.tanh(x as tf.Tensor)', points);
    points.forEach((p, i) => {
      const t = Math.tanh(p);
      expect(df[i]!).toBeCloseTo(1 - t * t, 5);
      expect(d2f[i]!).toBeCloseTo(-2 * t * (1 - t * t), 5);
    });
  });

  it('a constant has zero derivatives; a non-tensor result is an error', async () => {
    const { f, df, d2f } = await derivatives('tf.scalar(3)', [0, 1]);
    expect({ f, df, d2f }).toEqual({ f: [3, 3], df: [0, 0], d2f: [0, 0] });
    await expect(derivatives('42', [0])).rejects.toThrow(/returned 42, not a tensor/);
  });

  it('linspace includes both ends', () => {
    expect(linspace(-1, 1, 5)).toEqual([-1, -0.5, 0, 0.5, 1]);
  });
});
