import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { GradientTape } from './index.js';

describe('smoke', () => {
  it('x^2', () => {
    const x = tf.variable(4);
    const tape = new GradientTape();
    const y = tape.record(() => x.pow(2));
    const g = tape.gradient(y, x)!;
    expect(y.dataSync()[0]).toBe(16);
    expect(g.dataSync()[0]).toBe(8);
    console.log(y.toString(), g.toString());
  });
});
