/**
 * @file The random draws the initializers make (internal: not part of the package entry): uniform and
 * normal (seeded ones stateless, as Keras 3), the normal truncated at two standard deviations, and the
 * orthonormal columns of the QR decomposition, all from today's ops, so they run on every backend.
 */

import * as tf from '@tapeflow/tensor-core/internal';

// As in Keras 3, a seeded initializer is deterministic: the same seed gives the same weights on every
// call (TensorFlow's stateless ops), while an unseeded one draws from the global random state.
export function drawUniform(
  shape: readonly number[],
  minval: number,
  maxval: number,
  seed: number | undefined,
): tf.Tensor {
  return seed === undefined
    ? tf.random.uniform(shape, { minval, maxval })
    : tf.random.statelessUniform(shape, [seed, 0], { minval, maxval });
}

export function drawNormal(
  shape: readonly number[],
  mean: number,
  stddev: number,
  seed: number | undefined,
): tf.Tensor {
  return seed === undefined
    ? tf.random.normal(shape, { mean, stddev })
    : tf.random.statelessNormal(shape, [seed, 0], { mean, stddev });
}

/**
 * The Q of `a = Q·R` with R's diagonal positive ([m, n], m >= n): classical Gram-Schmidt with the
 * projection made twice per column ("twice is enough", Giraud et al.), so the columns are orthonormal
 * to float32 precision. Gram-Schmidt's R has a positive diagonal by construction, which is the
 * sign-fixed QR Keras computes (`q * sign(diag(r))`).
 */
export function orthonormalColumns(a: tf.Tensor): tf.Tensor {
  const [m, n] = a.shape as [number, number];
  let q: tf.Tensor | null = null;
  for (let j = 0; j < n; j++) {
    const next = tf.tidy(() => {
      let v = tf.slice(a, [0, j], [m, 1]);
      if (q !== null) {
        for (let pass = 0; pass < 2; pass++) v = tf.sub(v, tf.matmul(q, tf.matmul(q, v, { transposeA: true })));
      }
      const column = tf.div(v, tf.sqrt(tf.reduceSum(tf.square(v))));
      return q === null ? column : tf.concat([q, column], 1);
    });
    q?.dispose();
    q = next;
  }
  return q!;
}

/** Φ(-2), the standard normal's mass below -2: truncated draws are uniform in [Φ(-2), Φ(2)) mapped by Φ⁻¹. */
const LOWER_TAIL = 0.022750131948179195;

// Acklam's rational approximation of the normal quantile Φ⁻¹ (relative error < 1.2e-9, far below
// float32's): a central branch for p in [0.02425, 0.97575] and a tail branch beyond.
const CENTRAL_NUMERATOR = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
];
const CENTRAL_DENOMINATOR = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572, 1,
];
const TAIL_NUMERATOR = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const TAIL_DENOMINATOR = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416, 1];
const TAIL_START = 0.02425;

function polynomial(coefficients: readonly number[], x: tf.Tensor): tf.Tensor {
  let sum: tf.Tensor = tf.fill(x.shape, coefficients[0]!);
  for (const c of coefficients.slice(1)) sum = tf.add(tf.mul(sum, x), c);
  return sum;
}

/** Φ⁻¹(p) elementwise for p in (0, 1), from today's elementwise ops (so it runs on every backend). */
function normalQuantile(p: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const q = tf.sub(p, 0.5);
    const r = tf.square(q);
    const central = tf.div(tf.mul(polynomial(CENTRAL_NUMERATOR, r), q), polynomial(CENTRAL_DENOMINATOR, r));
    const nearer = tf.minimum(p, tf.sub(1, p));
    const t = tf.sqrt(tf.mul(tf.log(nearer), -2));
    const lowerTail = tf.div(polynomial(TAIL_NUMERATOR, t), polynomial(TAIL_DENOMINATOR, t));
    const tail = tf.where(tf.less(p, 0.5), lowerTail, tf.neg(lowerTail));
    return tf.where(tf.less(nearer, TAIL_START), tail, central);
  });
}

/**
 * A normal of `mean` and `stddev` truncated at ±2·stddev (TensorFlow's `truncated_normal`, which
 * redraws values beyond two standard deviations). Sampled by inversion rather than by redrawing:
 * a uniform in [Φ(-2), Φ(2)) mapped through Φ⁻¹ has exactly the distribution of the redrawn normal,
 * needs one pass with no data-dependent loop (a redraw loop would have to read the values back, which
 * an asynchronous backend cannot do inside a synchronous initializer), and keeps the seeding rules of
 * `drawUniform`. A last clip keeps float32 rounding from stepping past ±2.
 */
export function drawTruncatedNormal(
  shape: readonly number[],
  mean: number,
  stddev: number,
  seed: number | undefined,
): tf.Tensor {
  return tf.tidy(() => {
    const p = drawUniform(shape, LOWER_TAIL, 1 - LOWER_TAIL, seed);
    const z = tf.clipByValue(normalQuantile(p), -2, 2);
    return tf.add(tf.mul(z, stddev), mean);
  });
}
