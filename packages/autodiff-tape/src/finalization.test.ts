import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { GradientTape } from './index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('the safety net for tapes', () => {
  it('releases what a persistent tape held when the tape is dropped without dispose', async () => {
    const x = tf.variable([1, 2, 3]);
    const start = tf.memory();
    (() => {
      const tape = new GradientTape({ persistent: true });
      const y = tape.record(() => tf.tidy(() => tf.reduceSum(tf.exp(tf.mul(x, x)))));
      tf.dispose([y, tape.gradient(y, x)]);
      expect(tape.size).toBeGreaterThan(0);
    })();
    expect(tf.memory().numDataBuffers).toBeGreaterThan(start.numDataBuffers);
    for (let i = 0; i < 50 && tf.memory().numDataBuffers !== start.numDataBuffers; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(tf.memory().numTensors).toBe(start.numTensors);
    expect(tf.memory().numDataBuffers).toBe(start.numDataBuffers);
    expect(tf.memory().numBytes).toBe(start.numBytes);
  });
});
