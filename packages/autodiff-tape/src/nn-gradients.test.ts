/**
 * Gradients through tf.nn's composites that the oracle cannot pin: embeddingLookup's is accumulated
 * with UnsortedSegmentSum (Gather's rule), never a dense one-hot product; dropout's is the kept mask,
 * scaled. Values worked by hand.
 */
import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { ListingTape } from './__fixtures__/listing-tape.js';
import { GradientTape } from './index.js';

describe('embeddingLookup gradient', () => {
  it('adds the rows of repeated ids (by hand)', () => {
    const params = tf.variable(tf.tensor([1, 2, 3, 4, 5, 6], [3, 2]));
    const tape = new GradientTape();
    const loss = tape.record(() => tf.reduceSum(tf.nn.embeddingLookup(params, [2, 0, 2])));
    // Row 0 looked up once, row 1 never, row 2 twice.
    expect(Array.from(tape.gradient(loss, params)!.dataSync())).toEqual([1, 1, 0, 0, 2, 2]);
  });

  it('is accumulated with UnsortedSegmentSum, with no OneHot or MatMul in the backward pass', () => {
    const params = tf.variable(tf.tensor([1, 2, 3, 4, 5, 6], [3, 2]));
    // The outer tape lists the ops the inner gradient runs (each depends on params: dy = 2 * rows).
    const outer = new ListingTape();
    const gradient = outer.record(() => {
      const inner = new GradientTape();
      const loss = inner.record(() =>
        tf.reduceSum(
          tf.square(
            tf.nn.embeddingLookup(params, [
              [2, 0],
              [2, 2],
            ]),
          ),
        ),
      );
      return inner.gradient(loss, params);
    });
    outer.dispose();
    // d/dp sum(p[id]^2) = 2 * count(id) * p: row 0 once, row 2 three times.
    expect(Array.from(gradient!.dataSync())).toEqual([2, 4, 0, 0, 30, 36]);
    expect(outer.ops.has('UnsortedSegmentSum')).toBe(true);
    expect(outer.ops.has('OneHot')).toBe(false);
    expect(outer.ops.has('MatMul')).toBe(false);
  });
});

describe('dropout gradient', () => {
  it('is the kept mask scaled by 1 / (1 - rate): at x = 1, the output itself', () => {
    const x = tf.variable(tf.ones([64]));
    const tape = new GradientTape();
    const [y, total] = tape.record(() => {
      const dropped = tf.nn.dropout(x, 0.75, { seed: 9 });
      return [dropped, tf.reduceSum(dropped)] as const;
    });
    const out = Array.from(y.dataSync());
    expect(new Set(out)).toEqual(new Set([0, 4]));
    expect(Array.from(tape.gradient(total, x)!.dataSync())).toEqual(out);
  });
});
