/**
 * @file f, f' and f'' of a typed function of x from two nested GradientTapes, for the Gradients page
 * (and its Node test): the inner tape gives f' = d f/dx, recorded by the outer one, which gives f''.
 * The function is TypeScript text (an expression in `x` and `tf`), stripped of types by sucrase.
 */

import { transform } from 'sucrase';
import * as tf from 'tapeflow';

/**
 * Sampled values of f, f' and f'' at `x`.
 * @example const { df } = await derivatives('x.pow(2)', [-1, 0, 1]); // [-2, 0, 2]
 */
export interface Derivatives {
  readonly x: number[];
  readonly f: number[];
  readonly df: number[];
  readonly d2f: number[];
}

/**
 * `count` evenly spaced points from `start` to `stop`, both included.
 * @example linspace(-1, 1, 3) // [-1, 0, 1]
 */
export function linspace(start: number, stop: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + ((stop - start) * i) / (count - 1));
}

/**
 * Evaluates the expression `source` of `x` (a float32 tensor of the points) and its first and second
 * derivatives by nested tapes. A function whose result does not depend on x has derivatives 0.
 * @example await derivatives('x.pow(3).sub(x.mul(2))', linspace(-2, 2, 81))
 */
export async function derivatives(source: string, points: readonly number[]): Promise<Derivatives> {
  const js = transform(`(x, tf) => (\n${source}\n)`, { transforms: ['typescript'], disableESTransforms: true }).code;
  // The user's own expression, compiled in the page: evaluating it is the point.
  const fn = (0, eval)(js) as (x: tf.Tensor, namespace: typeof tf) => unknown;
  const x = tf.tensor(Float32Array.from(points));
  const outer = new tf.GradientTape();
  let f: tf.Tensor | null = null;
  let df: tf.Tensor | null = null;
  try {
    df = outer.record(() => {
      outer.watch(x);
      const inner = new tf.GradientTape();
      // tidy frees f's intermediates; the tapes keep their own handles on what gradients need.
      f = inner.record(() => {
        inner.watch(x);
        return tf.tidy(() => {
          const value = fn(x, tf);
          if (!(value instanceof tf.Tensor)) {
            throw new TypeError(`The function returned ${String(value)}, not a tensor`);
          }
          return value.shape.length === 0 ? tf.mul(value, tf.onesLike(x)) : value;
        });
      });
      const first = inner.gradient(f, x);
      inner.dispose();
      return first ?? tf.zerosLike(x);
    });
    const d2f = outer.gradient(df, x) ?? tf.zerosLike(x);
    const [fValues, dfValues, d2fValues] = await Promise.all(
      [f!, df, d2f].map(async (t) => Array.from(await t.data())),
    );
    d2f.dispose();
    return { x: [...points], f: fValues!, df: dfValues!, d2f: d2fValues! };
  } finally {
    tf.dispose([x, f, df].filter((t): t is tf.Tensor => t !== null));
    outer.dispose();
  }
}
