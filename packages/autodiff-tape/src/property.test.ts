/**
 * Property-based tests (fast-check): random compositions of ops on random shapes; the tape's gradient
 * must match central differences. A program is plain data (a shape and a list of op names), so a
 * failing case shrinks to a short, readable program.
 */
import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPS, program } from './__fixtures__/smooth-programs.js';
import { checkGradients } from './check-gradients.js';

describe('random programs: tape gradient = numeric gradient', () => {
  it('holds for 100 random compositions', async () => {
    await fc.assert(
      fc.asyncProperty(program, async ({ shape, ops, seed }) => {
        const x = tf.random.uniform(shape, { minval: -1, maxval: 1, seed });
        const run = (input: tf.Tensor): tf.Tensor => ops.reduce((t, name) => OPS[name](t), input);
        const report = await checkGradients(run, [x]);
        x.dispose();
        expect(report.ok, `${JSON.stringify({ shape, ops })}: ${report.summary}`).toBe(true);
      }),
      { numRuns: 100, seed: 20261126 },
    );
  });
});
