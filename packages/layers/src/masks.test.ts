/**
 * @file Timestep masks travel as Keras' `_keras_mask`: a layer's `computeMask` result is attached to
 * its output, the next layer's `call` receives it as `options.mask` (through a Sequential too), an
 * explicit `mask` overrides it, layers without `supportsMasking` drop it, multi-input layers get one
 * per input; and `apply` takes arrays of tensors for multi-input layers.
 */
import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { Dense } from './dense.js';
import { Flatten } from './core-layers.js';
import { Layer } from './layer.js';
import type { ApplyOptions, LayerMask } from './layer.js';
import { maskOf } from './masks.js';
import { Sequential } from './sequential.js';

/** Marks non-zero entries of its [batch, time] input as real timesteps, as Embedding({ maskZero }) does. */
class NonZeroMask extends Layer {
  constructor() {
    super({}, 'non_zero_mask');
  }
  call(x: tf.Tensor): tf.Tensor {
    return tf.expandDims(tf.cast(x, 'float32'), -1);
  }
  override computeMask(inputs: tf.Tensor | tf.Tensor[]): LayerMask {
    return tf.notEqual(inputs as tf.Tensor, 0);
  }
}

/** Records the mask its call saw. */
class MaskSpy extends Layer {
  seen: LayerMask | undefined;
  constructor() {
    super({}, 'mask_spy');
  }
  call(x: tf.Tensor | tf.Tensor[], options: ApplyOptions = {}): tf.Tensor {
    this.seen = options.mask === undefined ? undefined : options.mask;
    const list = Array.isArray(x) ? x : [x];
    return list.slice(1).reduce((sum, t) => tf.add(sum, t), tf.reshape(list[0]!, list[0]!.shape));
  }
}

describe('timestep masks', () => {
  it('a computed mask reaches the next layer, also inside a Sequential', () => {
    const ids = tf.tensor([[1, 2, 0]], undefined, 'int32');
    const spy = new MaskSpy();
    spy.apply(new NonZeroMask().apply(ids));
    expect((spy.seen as tf.Tensor).arraySync()).toEqual([[true, true, false]]);

    const inner = new MaskSpy();
    const model = new Sequential([new NonZeroMask(), new Dense(2), inner]);
    tf.dispose(model.apply(ids));
    // Dense supports masking: the mask passes it to the spy (disposed with the model call's tidy).
    expect(inner.seen).toBeInstanceOf(tf.Tensor);
  });

  it('an explicit mask wins; null means none; a layer without supportsMasking drops it', () => {
    const ids = tf.tensor([[1, 0]], undefined, 'int32');
    const masked = new NonZeroMask().apply(ids);
    const spy = new MaskSpy();
    spy.apply(masked, { mask: null });
    expect(spy.seen).toBeNull();
    const explicit = tf.tensor([[false, true]], undefined, 'bool');
    spy.apply(masked, { mask: explicit });
    expect(spy.seen).toBe(explicit);
    const flat = new Flatten().apply(masked);
    expect(maskOf(flat)).toBeNull();
    expect(maskOf(masked)).not.toBeNull();
  });

  it('a multi-input layer gets an array of inputs and one mask per input', () => {
    const a = new NonZeroMask().apply(tf.tensor([[1, 0]], undefined, 'int32'));
    const b = tf.ones([1, 2, 1]);
    const spy = new MaskSpy();
    const sum = spy.apply([a, b]);
    expect(sum.shape).toEqual([1, 2, 1]);
    const masks = spy.seen as (tf.Tensor | null)[];
    expect(masks).toHaveLength(2);
    expect(masks[0]!.arraySync()).toEqual([[true, false]]);
    expect(masks[1]).toBeNull();
  });

  it('rejects a mask of the wrong type and an empty input list', () => {
    const spy = new MaskSpy();
    expect(() => spy.apply(tf.ones([1, 2]), { mask: 'yes' as unknown as tf.Tensor })).toThrow(
      /mask_spy(_[0-9]+)?.apply.*mask.*a bool Tensor, null, or an array of them/,
    );
    expect(() => spy.apply([])).toThrow(/mask_spy(_[0-9]+)?.apply.*inputs.*non-empty array/);
  });
});
