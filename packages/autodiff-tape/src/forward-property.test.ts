/**
 * Property-based tests (fast-check) for forward mode: for random compositions of smooth ops on random
 * shapes and a random tangent v, `jvp(f, x, v)` equals the tape's Jacobian contracted with v and the
 * central-difference directional derivative of f along v.
 */
import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPS, program } from './__fixtures__/smooth-programs.js';
import { GradientTape } from './gradient-tape.js';
import { jvp } from './transforms.js';

describe('random programs: jvp = Jacobian · v = numeric directional derivative', () => {
  it('holds for 100 random compositions', () => {
    fc.assert(
      fc.property(program, ({ shape, ops, seed }) => {
        const before = tf.memory().numTensors;
        const run = (input: tf.Tensor): tf.Tensor => ops.reduce((t, name) => OPS[name](t), input);
        const where = JSON.stringify({ shape, ops });
        tf.tidy(() => {
          const x = tf.random.uniform(shape, { minval: -1, maxval: 1, seed });
          const v = tf.random.uniform(shape, { minval: -1, maxval: 1, seed: seed + 5000 });
          const [, tangent] = jvp(run, [x], [v]);
          const tape = new GradientTape();
          tape.watch(x);
          const y = tape.record(() => run(x));
          const jacobian = tape.jacobian(y, x, { unconnectedGradients: 'zero' })!;
          const contracted = tf.reshape(
            tf.matmul(tf.reshape(jacobian, [y.size, x.size]), tf.reshape(v, [x.size, 1])),
            y.shape,
          );
          const epsilon = 1e-3;
          const numeric = tf.div(
            tf.sub(run(tf.add(x, tf.mul(v, epsilon))), run(tf.sub(x, tf.mul(v, epsilon)))),
            2 * epsilon,
          );
          const got = tangent.dataSync();
          const viaJacobian = contracted.dataSync();
          const viaDifferences = numeric.dataSync();
          expect(tangent.shape, where).toEqual(y.shape);
          got.forEach((g, i) => {
            expect(Math.abs(g - viaJacobian[i]!), `${where} vs Jacobian·v [${i}]`).toBeLessThanOrEqual(
              1e-4 + 1e-4 * Math.abs(viaJacobian[i]!),
            );
            expect(Math.abs(g - viaDifferences[i]!), `${where} vs differences [${i}]`).toBeLessThanOrEqual(
              5e-3 + 5e-3 * Math.abs(viaDifferences[i]!),
            );
          });
        });
        expect(tf.memory().numTensors, where).toBe(before);
      }),
      { numRuns: 100, seed: 20261126 },
    );
  });
});
