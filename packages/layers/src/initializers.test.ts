/**
 * @file Initializers: fans, constant ones, seeded random ones reproducible and within their bounds,
 * selection by name or object, and the error for an unknown name.
 */
import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import * as initializers from './initializers.js';

async function take(t: tf.Tensor): Promise<number[]> {
  const values = Array.from(await t.data());
  t.dispose();
  return values;
}

function stddev(values: readonly number[]): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
}

describe('initializers', () => {
  it('computes fans as Keras does', () => {
    expect(initializers.computeFans([])).toEqual([1, 1]);
    expect(initializers.computeFans([5])).toEqual([5, 5]);
    expect(initializers.computeFans([4, 2])).toEqual([4, 2]);
    expect(initializers.computeFans([3, 3, 4, 8])).toEqual([36, 72]);
  });

  it('zeros and ones', async () => {
    expect(await take(initializers.get('zeros').initialize([2, 2]))).toEqual([0, 0, 0, 0]);
    expect(await take(initializers.ones().initialize([3]))).toEqual([1, 1, 1]);
    const ints = initializers.zeros().initialize([2], 'int32');
    expect(ints.dtype).toBe('int32');
    ints.dispose();
  });

  it('glorotUniform: seeded, reproducible, within sqrt(6 / (fanIn + fanOut))', async () => {
    const limit = Math.sqrt(6 / (40 + 30));
    const a = await take(initializers.get('glorotUniform', 7).initialize([40, 30]));
    const b = await take(initializers.glorotUniform({ seed: 7 }).initialize([40, 30]));
    const c = await take(initializers.glorotUniform({ seed: 8 }).initialize([40, 30]));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(limit);
    // Uniform on [-limit, limit): stddev limit / sqrt(3); 1200 samples land well within 10%.
    expect(stddev(a)).toBeGreaterThan(0.9 * (limit / Math.sqrt(3)));
    expect(stddev(a)).toBeLessThan(1.1 * (limit / Math.sqrt(3)));
  });

  it.each([
    ['glorotNormal', Math.sqrt(2 / (40 + 30))],
    ['heNormal', Math.sqrt(2 / 40)],
    ['randomNormal', 0.05],
  ] as const)('%s has the expected spread and is reproducible', async (name, expected) => {
    const a = await take(initializers.get(name, 3).initialize([40, 30]));
    const b = await take(initializers.get(name, 3).initialize([40, 30]));
    expect(a).toEqual(b);
    expect(stddev(a)).toBeGreaterThan(0.9 * expected);
    expect(stddev(a)).toBeLessThan(1.1 * expected);
  });

  it('randomUniform honours its bounds', async () => {
    const values = await take(initializers.randomUniform({ minval: 2, maxval: 3, seed: 1 }).initialize([100]));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...values)).toBeLessThan(3);
    const defaults = await take(initializers.get('randomUniform', 1).initialize([100]));
    expect(Math.max(...defaults.map(Math.abs))).toBeLessThanOrEqual(0.05);
  });

  it('an object initializer is used as is', () => {
    const custom: initializers.Initializer = { name: 'custom', initialize: (shape) => tf.fill(shape, 3) };
    expect(initializers.get(custom)).toBe(custom);
  });

  it('random initializers refuse non-float dtypes', () => {
    expect(() => initializers.heNormal().initialize([2], 'int32')).toThrow(tf.InvalidArgumentError);
  });

  it('an unknown name names the argument and the allowed values', () => {
    const bad = (): unknown =>
      initializers.get('glorot_uniform' as initializers.InitializerName, undefined, 'kernelInitializer');
    expect(bad).toThrow(tf.InvalidArgumentError);
    expect(bad).toThrow(/kernelInitializer.*'zeros', 'ones', 'glorotUniform'.*'randomUniform'.*'glorot_uniform'/);
  });
});
