/**
 * @file The Layer base: naming, lazy build, trainable toggling (lists, Variable flags, what a tape
 * watches), getWeights / setWeights (round trip, copies, all-or-nothing on bad input), dispose.
 */
import './test-setup.js';
import { GradientTape } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { Dense } from './dense.js';
import { Layer } from './layer.js';
import type { LayerOptions } from './layer.js';

/** A layer with one trainable and one non-trainable weight (like BatchNormalization's moving stats). */
class ScaleShift extends Layer {
  scale: tf.Variable | null = null;
  shift: tf.Variable | null = null;
  constructor(options: LayerOptions = {}) {
    super(options, 'scale_shift');
  }
  override build(inputShape: readonly number[]): void {
    const features = inputShape[inputShape.length - 1]!;
    this.scale = this.addWeight('scale', [features], 'ones');
    this.shift = this.addWeight('shift', [features], 'zeros', false);
    super.build(inputShape);
  }
  call(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(tf.mul(x, this.scale!), this.shift!));
  }
}

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

describe('Layer', () => {
  it('names layers per kind as Keras does, and weights under the layer name', () => {
    const a = new ScaleShift();
    const b = new ScaleShift();
    const c = new ScaleShift({ name: 'mine' });
    expect([a.name, b.name, c.name]).toEqual([
      expect.stringMatching(/^scale_shift(_\d+)?$/),
      expect.stringMatching(/^scale_shift_\d+$/),
      'mine',
    ]);
    expect(a.name).not.toBe(b.name);
    const x = tf.ones([1, 2]);
    c.apply(x).dispose();
    expect(c.variables.map((v) => v.name)).toEqual(['mine/scale', 'mine/shift']);
    tf.dispose(x);
    [a, b, c].forEach((l) => l.dispose());
  });

  it('builds lazily on the first apply, from the last dimension', () => {
    const layer = new ScaleShift();
    expect(layer.built).toBe(false);
    expect(layer.variables).toEqual([]);
    const x = tf.ones([2, 3]);
    const y = layer.apply(x);
    expect(layer.built).toBe(true);
    expect(layer.scale!.shape).toEqual([3]);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('lists weights by trainability and moves them all when trainable is set false', () => {
    const layer = new ScaleShift();
    const x = tf.ones([1, 2]);
    layer.apply(x).dispose();
    expect(layer.trainableVariables).toEqual([layer.scale]);
    expect(layer.nonTrainableVariables).toEqual([layer.shift]);
    expect(layer.variables).toEqual([layer.scale, layer.shift]);
    expect([layer.scale!.trainable, layer.shift!.trainable]).toEqual([true, false]);

    layer.trainable = false;
    expect(layer.trainableVariables).toEqual([]);
    expect(layer.nonTrainableVariables).toEqual([layer.scale, layer.shift]);
    expect([layer.scale!.trainable, layer.shift!.trainable]).toEqual([false, false]);

    layer.trainable = true;
    // A weight made non-trainable stays so when the layer trains again.
    expect(layer.trainableVariables).toEqual([layer.scale]);
    expect([layer.scale!.trainable, layer.shift!.trainable]).toEqual([true, false]);
    tf.dispose(x);
    layer.dispose();
  });

  it('a tape does not watch the weights of a non-trainable layer', () => {
    const layer = new Dense(2, { seed: 1 });
    const x = tf.ones([1, 3]);
    layer.apply(x).dispose();
    layer.trainable = false;
    const tape = new GradientTape();
    const y = tape.record(() => layer.apply(x));
    expect(tape.watchedVariables()).toEqual([]);
    expect(tape.gradient(y, [layer.kernel, layer.bias!])).toEqual([null, null]);

    layer.trainable = true;
    const tape2 = new GradientTape();
    const y2 = tape2.record(() => layer.apply(x));
    const grads = tape2.gradient(y2, layer.trainableVariables);
    expect(grads.every((g) => g !== null)).toBe(true);
    tf.dispose([x, y, y2, grads]);
    layer.dispose();
  });

  it('a layer made with trainable: false creates non-trainable Variables', () => {
    const layer = new Dense(2, { trainable: false });
    const x = tf.ones([1, 3]);
    layer.apply(x).dispose();
    expect(layer.trainableVariables).toEqual([]);
    expect(layer.nonTrainableVariables.map((v) => v.trainable)).toEqual([false, false]);
    tf.dispose(x);
    layer.dispose();
  });

  it('getWeights returns copies the caller owns; setWeights round-trips', async () => {
    const layer = new Dense(2, { seed: 5 });
    const x = tf.ones([1, 3]);
    layer.apply(x).dispose();
    const before = layer.getWeights();
    expect(before.map((w) => w.shape)).toEqual([[3, 2], [2]]);
    const kernelBefore = await values(before[0]!);

    const newKernel = tf.tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const newBias = tf.tensor([0.5, -0.5]);
    layer.setWeights([newKernel, newBias]);
    expect(await values(layer.kernel)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await values(layer.bias!)).toEqual([0.5, -0.5]);
    // The earlier copy is unaffected by the assignment, and disposing a copy leaves the layer intact.
    expect(await values(before[0]!)).toEqual(kernelBefore);
    tf.dispose(before);
    tf.dispose([newKernel, newBias]);
    const after = layer.getWeights();
    expect(await values(after[0]!)).toEqual([1, 2, 3, 4, 5, 6]);

    const doubled = after.map((w) => tf.mul(w, 2));
    layer.setWeights(doubled);
    expect(await values(layer.bias!)).toEqual([1, -1]);
    tf.dispose([after, doubled]);
    layer.dispose();
  });

  it('setWeights with the wrong count or shape throws, naming layer, weight and shapes, and changes nothing', async () => {
    const layer = new Dense(2, { name: 'probe', seed: 2 });
    const x = tf.ones([1, 3]);
    layer.apply(x).dispose();
    const [kernel, bias] = layer.getWeights() as [tf.Tensor, tf.Tensor];
    const kernelValues = await values(kernel);
    const biasValues = await values(bias);
    const goodKernel = tf.zeros([3, 2]);
    const badBias = tf.zeros([3]);

    expect(() => layer.setWeights([goodKernel])).toThrow(tf.InvalidArgumentError);
    expect(() => layer.setWeights([goodKernel])).toThrow(
      /layer 'probe' expected 2 weight\(s\) \[probe\/kernel, probe\/bias\], but got 1/,
    );
    // The kernel is valid and comes first: all-or-nothing means it must not be assigned either.
    expect(() => layer.setWeights([goodKernel, badBias])).toThrow(
      /layer 'probe' weight 'probe\/bias' .*expected shape \[2\], but got shape \[3\]/,
    );
    expect(await values(layer.kernel)).toEqual(kernelValues);
    expect(await values(layer.bias!)).toEqual(biasValues);

    const intKernel = tf.zeros([3, 2], 'int32');
    const goodBias = tf.zeros([2]);
    expect(() => layer.setWeights([intKernel, goodBias])).toThrow(/expected dtype float32, but got dtype int32/);
    expect(await values(layer.kernel)).toEqual(kernelValues);
    tf.dispose([x, kernel, bias, goodKernel, badBias, intKernel, goodBias]);
    layer.dispose();
  });

  it('setWeights before build says to apply first', () => {
    const layer = new Dense(2);
    const w = tf.zeros([3, 2]);
    expect(() => layer.setWeights([w])).toThrow(/expected 0 weight\(s\).*not built yet/);
    w.dispose();
  });

  it('dispose frees every weight; a disposed layer refuses use', () => {
    const start = tf.memory();
    const layer = new Dense(4, { seed: 1 });
    const x = tf.ones([2, 3]);
    const y = layer.apply(x);
    expect(tf.memory().numVariables).toBe(start.numVariables + 2);
    tf.dispose([x, y]);
    layer.dispose();
    layer.dispose();
    expect(tf.memory().numTensors).toBe(start.numTensors);
    expect(tf.memory().numBytes).toBe(start.numBytes);
    expect(layer.variables).toEqual([]);
    const z = tf.ones([2, 3]);
    expect(() => layer.apply(z)).toThrow(tf.FailedPreconditionError);
    expect(() => layer.kernel).toThrow(/was disposed/);
    z.dispose();
  });
});
