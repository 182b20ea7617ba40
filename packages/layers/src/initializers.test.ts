/**
 * @file Initializers: fans, constant ones, seeded random ones reproducible and within their bounds,
 * selection by name or object, and the error for an unknown name. Keras' VarianceScaling family on
 * large samples: truncated normals within 2σ with the truncated law (a Kolmogorov-Smirnov test), the
 * variance each preset asks for (conv kernels' fans included), uniform bounds; orthogonal against a
 * float64 Householder QR of the same normal matrix, with Keras' sign fix.
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

/** Mean, stddev and the largest |value - mean| / stddev of a sample. */
function moments(values: ArrayLike<number>): { mean: number; stddev: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return { mean, stddev: Math.sqrt(squares / values.length) };
}

/** The standard normal CDF, from a float64 erfc (Numerical Recipes' erfcc, |error| < 1.2e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

describe('truncated normals (Keras: values beyond 2 stddev redrawn)', () => {
  it('truncatedNormal: every value within mean ± 2σ, the truncated law (Kolmogorov-Smirnov), tails reached', async () => {
    const [mean, sd] = [1, 0.5];
    const values = Float64Array.from(
      await take(initializers.truncatedNormal({ mean, stddev: sd, seed: 11 }).initialize([200_000])),
    );
    const z = values.map((v) => (v - mean) / sd);
    expect(Math.max(...z.map(Math.abs))).toBeLessThanOrEqual(2 + 1e-6);
    expect(Math.max(...z.map(Math.abs))).toBeGreaterThan(1.99);
    const m = moments(z);
    expect(Math.abs(m.mean)).toBeLessThan(0.01);
    // The stddev of a standard normal truncated at ±2 is 0.8796 (Keras' constant).
    expect(m.stddev).toBeCloseTo(initializers.TRUNCATED_STDDEV, 2);
    const sorted = z.slice().sort();
    const [low, high] = [normalCdf(-2), normalCdf(2)];
    let ks = 0;
    sorted.forEach((v, i) => {
      const cdf = (normalCdf(v) - low) / (high - low);
      ks = Math.max(ks, Math.abs(cdf - (i + 1) / sorted.length), Math.abs(cdf - i / sorted.length));
    });
    // The 0.1% critical value for n = 200,000 is 1.95 / √n ≈ 0.0044.
    expect(ks).toBeLessThan(0.0044);
    // ...and a plain normal is clearly rejected by the same test.
    const plain = await take(tf.random.statelessNormal([200_000], [11, 0]));
    expect(Math.max(...plain.map(Math.abs))).toBeGreaterThan(3);
  });

  it.each([
    ['glorotNormal', [40, 30, 7], Math.sqrt(2 / (30 * 40 + 7 * 40))],
    ['heNormal', [3, 3, 16, 32], Math.sqrt(2 / (3 * 3 * 16))],
    ['lecunNormal', [200, 100], Math.sqrt(1 / 200)],
  ] as const)(
    '%s: truncated at 2·stddev/0.8796, with the variance Keras asks for (fans of conv kernels included)',
    async (name, shape, target) => {
      const values = await take(initializers.get(name, 5).initialize(shape));
      const { mean, stddev } = moments(values);
      expect(Math.abs(mean)).toBeLessThan(0.02 * target);
      expect(stddev / target).toBeGreaterThan(0.97);
      expect(stddev / target).toBeLessThan(1.03);
      const bound = (2 * target) / initializers.TRUNCATED_STDDEV;
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound * (1 + 1e-6));
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    },
  );

  it.each([
    ['heUniform', [3, 3, 16, 32], Math.sqrt(6 / (3 * 3 * 16))],
    ['lecunUniform', [200, 100], Math.sqrt(3 / 200)],
  ] as const)('%s: uniform within ±limit, stddev limit/√3', async (name, shape, limit) => {
    const values = await take(initializers.get(name, 6).initialize(shape));
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.99 * limit);
    const { stddev } = moments(values);
    expect(stddev / (limit / Math.sqrt(3))).toBeGreaterThan(0.96);
    expect(stddev / (limit / Math.sqrt(3))).toBeLessThan(1.04);
  });

  it('varianceScaling takes scale, mode and distribution; seeded draws repeat, unseeded ones follow setSeed', async () => {
    const fanOut = await take(
      initializers
        .varianceScaling({ scale: 3, mode: 'fanOut', distribution: 'untruncatedNormal', seed: 1 })
        .initialize([50, 400]),
    );
    expect(moments(fanOut).stddev / Math.sqrt(3 / 400)).toBeCloseTo(1, 1);
    expect(Math.max(...fanOut.map(Math.abs))).toBeGreaterThan(2.5 * Math.sqrt(3 / 400));
    const a = await take(initializers.heNormal({ seed: 3 }).initialize([8, 8]));
    expect(await take(initializers.heNormal({ seed: 3 }).initialize([8, 8]))).toEqual(a);
    tf.random.setSeed(42);
    const b = await take(initializers.lecunNormal().initialize([8, 8]));
    tf.random.setSeed(42);
    expect(await take(initializers.lecunNormal().initialize([8, 8]))).toEqual(b);
    expect(() => initializers.varianceScaling({ mode: 'fan_in' as 'fanIn' })).toThrow(
      /options.mode.*"fanIn".*'fan_in'/,
    );
  });
});

/** Householder QR of an [m, n] row-major matrix (m >= n) in float64; returns Q [m, n] with diag(R) > 0. */
function signFixedQ(a: readonly number[], m: number, n: number): number[] {
  const r = a.slice();
  const q = Array.from({ length: m * m }, (_, i) => (i % (m + 1) === 0 ? 1 : 0));
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    const alpha = r[k * n + k]! > 0 ? -norm : norm;
    const v = new Float64Array(m);
    for (let i = k; i < m; i++) v[i] = r[i * n + k]!;
    v[k]! -= alpha;
    const vv = v.reduce((s, x) => s + x * x, 0);
    if (vv === 0) continue;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i]! * r[i * n + j]!;
      for (let i = k; i < m; i++) r[i * n + j]! -= (2 * v[i]! * dot) / vv;
    }
    for (let row = 0; row < m; row++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += q[row * m + i]! * v[i]!;
      for (let i = k; i < m; i++) q[row * m + i]! -= (2 * dot * v[i]!) / vv;
    }
  }
  const out: number[] = [];
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out.push(q[i * m + j]! * Math.sign(r[j * n + j]!));
  return out;
}

describe('orthogonal', () => {
  it.each([
    [[64, 32], 64, 32, false],
    [[24, 40], 40, 24, true],
    [[3, 3, 4, 8], 36, 8, false],
  ] as const)(
    '%j: the sign-fixed Q of QR(normal) (float64 Householder reference), orthonormal',
    async (shape, m, n, wide) => {
      const seed = 9;
      const w = await take(initializers.orthogonal({ seed }).initialize(shape));
      const normal = await take(tf.random.statelessNormal([m, n], [seed, 0]));
      const q = signFixedQ(normal, m, n);
      // A wide kernel is Qᵀ: compare w[i][j] (rows = n, cols = m) with q[j][i].
      const expected = wide ? Array.from({ length: m * n }, (_, k) => q[(k % m) * n + Math.floor(k / m)]!) : q;
      w.forEach((v, i) => expect(Math.abs(v - expected[i]!), `element ${i}`).toBeLessThan(2e-5));
      // Orthonormal columns (rows when wide): Wᵀ·W = I.
      const rows = wide ? n : m;
      const cols = wide ? m : n;
      const small = Math.min(rows, cols);
      for (let i = 0; i < small; i++)
        for (let j = 0; j < small; j++) {
          let dot = 0;
          for (let k = 0; k < Math.max(rows, cols); k++)
            dot += wide ? w[i * cols + k]! * w[j * cols + k]! : w[k * cols + i]! * w[k * cols + j]!;
          expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-5);
        }
    },
  );

  it('multiplies by gain, refuses rank < 2, and is by name', async () => {
    const a = await take(initializers.orthogonal({ seed: 2 }).initialize([5, 5]));
    const b = await take(initializers.orthogonal({ seed: 2, gain: 3 }).initialize([5, 5]));
    b.forEach((v, i) => expect(v).toBeCloseTo(3 * a[i]!, 5));
    expect(() => initializers.orthogonal().initialize([5])).toThrow(/rank >= 2.*\[5\]/);
    expect(initializers.get('orthogonal', 2).name).toBe('orthogonal');
  });
});
