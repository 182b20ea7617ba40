/**
 * Second and third derivatives through nested tapes against closed forms (TensorFlow.js issue 3252:
 * d²/dx² of tanh, sigmoid and exp failed there).
 */
import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { GradientTape } from './index.js';

/** [f'(x), f''(x), f'''(x)] computed by three nested tapes at each point of `points`. */
function derivatives(f: (x: tf.Tensor) => tf.Tensor, points: number[]): [number[], number[], number[]] {
  const x = tf.variable(points);
  const t1 = new GradientTape();
  const t2 = new GradientTape();
  const t3 = new GradientTape();
  let first: tf.Tensor | undefined;
  let second: tf.Tensor | undefined;
  t3.record(() => {
    t2.record(() => {
      const y = t1.record(() => f(x));
      first = t1.gradient(y, x)!;
    });
    second = t2.gradient(first!, x)!;
  });
  const third = t3.gradient(second!, x)!;
  const read = (t: tf.Tensor): number[] => Array.from(t.dataSync());
  return [read(first!), read(second!), read(third)];
}

type Closed = [
  name: string,
  f: (x: tf.Tensor) => tf.Tensor,
  points: number[],
  d1: (x: number) => number,
  d2: (x: number) => number,
  d3: (x: number) => number,
];

const sig = (x: number): number => 1 / (1 + Math.exp(-x));
const cases: Closed[] = [
  [
    'tanh',
    (x) => tf.tanh(x),
    [-0.7, 0.2, 1.1],
    (x) => 1 - Math.tanh(x) ** 2,
    (x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2),
    (x) => {
      const t = Math.tanh(x);
      return (1 - t * t) * (6 * t * t - 2);
    },
  ],
  [
    'sigmoid',
    (x) => tf.sigmoid(x),
    [-1.5, 0.3, 2],
    (x) => sig(x) * (1 - sig(x)),
    (x) => {
      const s = sig(x);
      return s * (1 - s) * (1 - 2 * s);
    },
    (x) => {
      const s = sig(x);
      return s * (1 - s) * (1 - 6 * s + 6 * s * s);
    },
  ],
  ['exp', (x) => tf.exp(x), [-1, 0, 0.8], Math.exp, Math.exp, Math.exp],
  ['log', (x) => tf.log(x), [0.5, 1, 3], (x) => 1 / x, (x) => -1 / x ** 2, (x) => 2 / x ** 3],
  [
    'sqrt',
    (x) => tf.sqrt(x),
    [0.5, 1, 4],
    (x) => 0.5 / Math.sqrt(x),
    (x) => -0.25 * x ** -1.5,
    (x) => 0.375 * x ** -2.5,
  ],
  [
    'pow(x, 3.5)',
    (x) => tf.pow(x, 3.5),
    [0.5, 1.2, 2],
    (x) => 3.5 * x ** 2.5,
    (x) => 8.75 * x ** 1.5,
    (x) => 13.125 * x ** 0.5,
  ],
  [
    'x·sin-free chain: exp(tanh(x))',
    (x) => tf.exp(tf.tanh(x)),
    [0.1, -0.4],
    (x) => Math.exp(Math.tanh(x)) * (1 - Math.tanh(x) ** 2),
    (x) => {
      const t = Math.tanh(x);
      const s = 1 - t * t;
      return Math.exp(t) * (s * s - 2 * t * s);
    },
    (x) => {
      const t = Math.tanh(x);
      const s = 1 - t * t;
      const e = Math.exp(t);
      return e * s * (s * s - 2 * t * s) + e * (-4 * t * s * s - 2 * s * s + 4 * t * t * s);
    },
  ],
];

describe('nested tapes: first, second and third derivatives against closed forms', () => {
  for (const [name, f, points, d1, d2, d3] of cases) {
    it(name, () => {
      const [g1, g2, g3] = derivatives(f, points);
      points.forEach((p, i) => {
        expect(g1[i]).toBeCloseTo(d1(p), 4);
        expect(g2[i]).toBeCloseTo(d2(p), 4);
        expect(g3[i]).toBeCloseTo(d3(p), 3);
      });
    });
  }

  it('softmax: the second derivative of a softmax component', () => {
    // s = softmax([x, 0, 1])[0] as a function of x: s' = s(1-s), s'' = s(1-s)(1-2s)
    const f = (x: tf.Tensor): tf.Tensor => tf.slice(tf.softmax(tf.concat([x, tf.tensor([0, 1])])), [0], [1]);
    const [g1, g2] = derivatives(f, [0.4]);
    const s = Math.exp(0.4) / (Math.exp(0.4) + 1 + Math.E);
    expect(g1[0]).toBeCloseTo(s * (1 - s), 5);
    expect(g2[0]).toBeCloseTo(s * (1 - s) * (1 - 2 * s), 5);
  });

  it('matmul chain: d²/dx² of (x·A·x)-style quadratic forms is constant', () => {
    // y = sum((x·W)²) for x: [1, 2]: ∇²y = 2·W·Wᵀ; the gradient of the row sums of ∇y is 2·W·Wᵀ·1.
    const W = tf.constant([
      [1, 2],
      [3, 4],
    ]);
    const x = tf.variable([[0.3, -0.2]]);
    const outer = new GradientTape();
    const inner = new GradientTape();
    const g = outer.record(() => {
      const y = inner.record(() => tf.reduceSum(tf.square(tf.matmul(x, W))));
      return inner.gradient(y, x)!;
    });
    const hessian = outer.jacobian(g, x)!;
    expect(hessian.reshape([2, 2]).arraySync()).toEqual([
      [10, 22],
      [22, 50],
    ]);
  });

  it('gradient called inside record on a persistent tape is itself recorded', () => {
    const x = tf.variable(2);
    const tape = new GradientTape({ persistent: true });
    const dy = tape.record(() => {
      const y = tf.pow(x, 3);
      return tape.gradient(y, x)!;
    });
    expect(dy.dataSync()[0]).toBe(12);
    expect(tape.gradient(dy, x)!.dataSync()[0]).toBe(12);
    tape.dispose();
  });
});
