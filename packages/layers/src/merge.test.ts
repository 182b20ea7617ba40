/**
 * @file The merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot): values
 * and Keras' broadcasting, gradients through them, masks (AND for elementwise merges, concatenated for
 * Concatenate), symbolic inputs, configs, and bad input (one input, mismatched shapes).
 */
import './test-setup.js';
import { GradientTape } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { input } from './functional/input.js';
import { SymbolicTensor } from './functional/symbolic-tensor.js';
import { attachMask, maskOf } from './masks.js';
import { Dot } from './dot.js';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from './merge.js';

const a = (): tf.Tensor =>
  tf.tensor([
    [1, -2, 3],
    [4, 5, -6],
  ]);
const b = (): tf.Tensor =>
  tf.tensor([
    [2, 2, -1],
    [0.5, 7, 1],
  ]);
const c = (): tf.Tensor =>
  tf.tensor([
    [0, 1, 1],
    [2, -3, 2],
  ]);

function close(t: tf.Tensor, expected: number[][] | number[][][]): void {
  const got = t.arraySync() as number[][];
  expect(got.flat(2)).toEqual(expected.flat(2).map((v) => expect.closeTo(v, 5)));
  expect(t.shape).toEqual(tf.tensor(expected).shape);
}

describe('elementwise merges', () => {
  it('Add, Subtract, Multiply, Average, Maximum, Minimum compute their folds', () => {
    close(new Add().apply([a(), b(), c()]), [
      [3, 1, 3],
      [6.5, 9, -3],
    ]);
    close(new Subtract().apply([a(), b()]), [
      [-1, -4, 4],
      [3.5, -2, -7],
    ]);
    close(new Multiply().apply([a(), b()]), [
      [2, -4, -3],
      [2, 35, -6],
    ]);
    close(new Average().apply([a(), b(), c()]), [
      [1, 1 / 3, 1],
      [6.5 / 3, 3, -1],
    ]);
    close(new Maximum().apply([a(), b(), c()]), [
      [2, 2, 3],
      [4, 7, 2],
    ]);
    close(new Minimum().apply([a(), b(), c()]), [
      [0, -2, -1],
      [0.5, -3, -6],
    ]);
  });

  it('broadcasts as Keras: size-1 dimensions and lower-rank inputs gain axes after the batch axis', () => {
    const seq = tf.reshape(tf.range(0, 12), [2, 2, 3]);
    const perSample = tf.tensor([
      [10, 20, 30],
      [40, 50, 60],
    ]);
    const out = new Add().apply([seq, perSample]);
    close(out, [
      [
        [10, 21, 32],
        [13, 24, 35],
      ],
      [
        [46, 57, 68],
        [49, 60, 71],
      ],
    ]);
    close(new Multiply().apply([seq, tf.ones([2, 2, 1])]), seq.arraySync() as number[][][]);
  });

  it('gradients flow to every input (Average divides, Maximum picks)', () => {
    const x = tf.variable(a());
    const y = tf.variable(b());
    const tape = new GradientTape();
    const loss = tape.record(() => tf.reduceSum(new Maximum().apply([x, y])));
    const [dx, dy] = tape.gradient(loss, [x, y]) as [tf.Tensor, tf.Tensor];
    expect(dx.arraySync()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ]);
    expect(dy.arraySync()).toEqual([
      [1, 1, 0],
      [0, 1, 1],
    ]);
    const tape2 = new GradientTape();
    const mean = tape2.record(() => tf.reduceSum(new Average().apply([x, y])));
    expect((tape2.gradient(mean, x) as tf.Tensor).arraySync()).toEqual([
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
    ]);
  });

  it('the output mask is the AND of the input masks; inputs without one do not count', () => {
    const x = a();
    const y = b();
    attachMask(
      x,
      tf.tensor(
        [
          [true, true, false],
          [true, false, true],
        ],
        undefined,
        'bool',
      ),
    );
    attachMask(
      y,
      tf.tensor(
        [
          [true, false, true],
          [true, true, true],
        ],
        undefined,
        'bool',
      ),
    );
    const out = new Add().apply([x, y]);
    expect(maskOf(out)!.arraySync()).toEqual([
      [true, false, false],
      [true, false, true],
    ]);
    const onlyOne = new Multiply().apply([x, c()]);
    expect(maskOf(onlyOne)!.arraySync()).toEqual([
      [true, true, false],
      [true, false, true],
    ]);
    expect(maskOf(new Add().apply([a(), b()]))).toBeNull();
  });

  it('refuses fewer than two inputs and shapes that do not broadcast, naming the layer and shapes', () => {
    const add = new Add({ name: 'sum' });
    expect(() => add.apply([a()])).toThrow(tf.InvalidArgumentError);
    expect(() => add.apply([a()])).toThrow(/sum\.apply.*at least 2 tensors.*array of 1/);
    expect(() => new Add().apply(a())).toThrow(/at least 2 tensors.*one tensor of shape \[2,3\]/);
    expect(() => new Add({ name: 'plus' }).apply([a(), tf.ones([2, 4])])).toThrow(
      /plus\.apply.*shapes \[2,3\], \[2,4\]/,
    );
    expect(() => new Multiply().apply([a(), tf.ones([3, 3])])).toThrow(/same batch size.*\[2,3\], \[3,3\]/);
    expect(() => new Subtract().apply([a(), b(), c()])).toThrow(/exactly 2 tensors.*array of 3/);
    expect(() => new Add({ units: 2 } as never)).toThrow(/units/);
  });
});

describe('Concatenate', () => {
  it('concatenates along the axis (default -1) and checks the other axes', () => {
    close(new Concatenate().apply([a(), tf.tensor([[7], [8]])]), [
      [1, -2, 3, 7],
      [4, 5, -6, 8],
    ]);
    const out = new Concatenate({ axis: 1 }).apply([tf.ones([2, 1, 3]), tf.zeros([2, 2, 3])]);
    expect(out.shape).toEqual([2, 3, 3]);
    expect(() => new Concatenate({ name: 'cat' }).apply([tf.ones([2, 1, 3]), tf.ones([2, 2, 4])])).toThrow(
      /cat\.apply.*agree on every axis but.*\[2,1,3\], \[2,2,4\]/,
    );
    expect(() => new Concatenate({ axis: 0 }).apply([a(), b()])).toThrow(/non-batch axis/);
    expect(() => new Concatenate().apply([a()])).toThrow(/at least 2 tensors/);
    expect(() => new Concatenate({ axis: 1.5 })).toThrow(/axis.*an integer/);
  });

  it('concatenates masks along time; an input without a mask counts as all true', () => {
    const x = tf.ones([1, 2, 3]);
    const y = tf.ones([1, 3, 3]);
    attachMask(x, tf.tensor([[true, false]], undefined, 'bool'));
    const alongTime = new Concatenate({ axis: 1 }).apply([x, y]);
    expect(maskOf(alongTime)!.arraySync()).toEqual([[true, false, true, true, true]]);
    const x2 = tf.ones([1, 2, 3]);
    const y2 = tf.ones([1, 2, 1]);
    attachMask(x2, tf.tensor([[true, true]], undefined, 'bool'));
    attachMask(y2, tf.tensor([[false, true]], undefined, 'bool'));
    const features = new Concatenate().apply([x2, y2]);
    expect(maskOf(features)!.arraySync()).toEqual([[false, true]]);
  });

  it('has a config', () => {
    expect(new Concatenate({ axis: 2, name: 'c' }).getConfig()).toEqual({ name: 'c', trainable: true, axis: 2 });
  });
});

describe('Dot', () => {
  it('takes batched dot products over the given axes, normalized to cosines on request', () => {
    close(new Dot({ axes: 1 }).apply([a(), b()]), [[-5], [31]]);
    const q = tf.reshape(tf.range(0, 12), [2, 2, 3]);
    const k = tf.reshape(tf.range(0, 18), [2, 3, 3]);
    const scores = new Dot({ axes: [2, 2] }).apply([q, k]);
    expect(scores.shape).toEqual([2, 2, 3]);
    const expected = tf.matmul(q, k, { transposeB: true });
    close(scores, expected.arraySync() as number[][][]);
    const cosine = new Dot({ axes: 1, normalize: true }).apply([tf.tensor([[3, 4]]), tf.tensor([[4, 3]])]);
    close(cosine, [[24 / 25]]);
    expect(new Dot({ axes: [1, 2], normalize: true }).getConfig()).toMatchObject({ axes: [1, 2], normalize: true });
  });

  it('refuses mismatched axes, missing axes, and other than two inputs', () => {
    expect(() => new Dot({ axes: 1, name: 'dot' }).apply([a(), tf.ones([2, 4])])).toThrow(
      /dot\.apply.*\[2,3\], \[2,4\]/,
    );
    expect(() => new Dot({} as never)).toThrow(/axes/);
    expect(() => new Dot({ axes: 1 }).apply([a(), b(), c()])).toThrow(/exactly 2/);
  });
});

describe('merges on symbolic inputs', () => {
  it('records the call and infers the output shape', () => {
    const x = input({ shape: [4] });
    const y = input({ shape: [4] });
    const sum = new Add().apply([x, y]);
    expect(sum).toBeInstanceOf(SymbolicTensor);
    expect(sum.shape).toEqual([null, 4]);
    const cat = new Concatenate().apply([x, input({ shape: [3] })]);
    expect(cat.shape).toEqual([null, 7]);
  });
});
