/**
 * @file The umbrella works with no set-up: the CPU backend is active on import, the notebook's first
 * cell runs, and the layers, autodiff and tensor-core surfaces are all reachable from one namespace.
 */
import * as tf from './index.js';
import { describe, expect, it } from 'vitest';

describe('tapeflow umbrella', () => {
  it('has the CPU backend registered and active with no set-up call', () => {
    expect(tf.getEngine().registeredBackends()).toContain('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it("runs the notebook's first cell: y = x**2 is 16, dy/dx is 8", async () => {
    const x = new tf.Variable(4);
    const tape = new tf.GradientTape();
    const y = tape.record(() => x.pow(2));
    const dyDx = tape.gradient(y, x);
    expect(x).toBeInstanceOf(tf.Variable);
    expect(x.trainable).toBe(true);
    expect(await y.data()).toEqual(new Float32Array([16]));
    expect(dyDx).not.toBeNull();
    expect(await dyDx!.data()).toEqual(new Float32Array([8]));
    expect(y.toString()).toBe('Tensor(shape=[], dtype=float32, 16.0)');
    tf.dispose([x, y, dyDx]);
  });

  it('new tf.Variable takes (initial, options) and tf.variable is the same', () => {
    const a = new tf.Variable(5, { trainable: false, name: 'five' });
    const b = tf.variable([1, 2]);
    expect([a.trainable, a.name]).toEqual([false, 'five']);
    expect(b).toBeInstanceOf(tf.Variable);
    tf.dispose([a, b]);
  });

  it('new tf.layers.Dense(2) works, as do the named exports', () => {
    const layer = new tf.layers.Dense(2, { activation: 'relu' });
    const x = tf.constant([[10, 20, 30, 40]]);
    const y = layer.apply(x);
    expect(y.shape).toEqual([1, 2]);
    expect(layer).toBeInstanceOf(tf.Dense);
    expect(layer).toBeInstanceOf(tf.layers.Layer);
    expect(tf.layers.Layer).toBe(tf.Layer);
    expect(typeof tf.initializers.glorotUniform).toBe('function');
    expect(typeof tf.activations.get).toBe('function');
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('exposes autodiff and tensor-core together', () => {
    expect(typeof tf.customGradient).toBe('function');
    expect(typeof tf.checkGradients).toBe('function');
    expect(typeof tf.random.normal).toBe('function');
    expect(typeof tf.matmul).toBe('function');
  });
});
