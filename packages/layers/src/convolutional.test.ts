/**
 * @file The convolution, pooling, padding and up-sampling layers: forward values against direct
 * tensor-core ops and hand-computed cases, output shapes for every padding and stride (the layer's
 * own rule against what the op produced and against Keras' formula), gradients through UpSampling2D,
 * Keras' summary of the MNIST CNN, and bad input refused with typed errors.
 */
import './test-setup.js';
import { GradientTape } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D } from './convolutional.js';
import { Dropout, Flatten } from './core-layers.js';
import { Dense } from './dense.js';
import { BatchNormalization } from './normalization.js';
import { AveragePooling2D, MaxPooling2D, UpSampling2D, ZeroPadding2D } from './pooling-layers.js';
import { Sequential } from './sequential.js';

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function expectClose(got: readonly number[], expected: readonly number[], tolerance = 1e-5): void {
  expect(got).toHaveLength(expected.length);
  got.forEach((v, i) =>
    expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(tolerance * (1 + Math.abs(expected[i]!))),
  );
}

/** Keras' rule for one spatial axis, written out independently of the layers' helper. */
function kerasLength(n: number, k: number, padding: 'valid' | 'same', s: number, d = 1): number {
  const dilated = k + (k - 1) * (d - 1);
  return padding === 'same' ? Math.floor((n + s - 1) / s) : Math.floor((n - dilated + s) / s);
}

describe('Conv2D', () => {
  it('sums 2x2 windows with a ones kernel (hand-computed) and adds the bias', async () => {
    const layer = new Conv2D(1, 2, { kernelInitializer: 'ones', biasInitializer: 'ones' });
    const x = tf.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const y = layer.apply(x);
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(await values(y)).toEqual([1 + 2 + 4 + 5 + 1, 2 + 3 + 5 + 6 + 1, 4 + 5 + 7 + 8 + 1, 5 + 6 + 8 + 9 + 1]);
    expect(layer.kernel.shape).toEqual([2, 2, 1, 1]);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it.each([
    ['valid', 1, 1],
    ['same', 1, 1],
    ['valid', 2, 1],
    ['same', 2, 1],
    ['same', 3, 1],
    ['valid', 1, 2],
    ['same', 1, 2],
  ] as const)(
    'padding %s, stride %i, dilation %i: equals relu(conv2d + bias), shape by Keras rule',
    async (padding, s, d) => {
      const layer = new Conv2D(4, [3, 2], {
        padding,
        strides: s,
        dilationRate: d,
        activation: 'relu',
        seed: 3,
        biasInitializer: 'glorotUniform',
      });
      const x = tf.random.normal([2, 9, 8, 3], { seed: 7 });
      const y = layer.apply(x);
      const expectedShape = [2, kerasLength(9, 3, padding, s, d), kerasLength(8, 2, padding, s, d), 4];
      expect(y.shape).toEqual(expectedShape);
      expect(layer.computeOutputShape([null, 9, 8, 3])).toEqual([null, ...expectedShape.slice(1)]);
      const direct = tf.relu(tf.add(tf.conv2d(x, layer.kernel, s, padding, { dilations: d }), layer.bias!));
      expectClose(await values(y), await values(direct));
      tf.dispose([x, y, direct]);
      layer.dispose();
    },
  );

  it('refuses bad construction arguments and bad inputs with typed errors, leaving the layer usable', () => {
    expect(() => new Conv2D(0, 3)).toThrow(tf.InvalidArgumentError);
    expect(() => new Conv2D(2.5, 3)).toThrow(/Conv2D.*filters.*positive integer.*2\.5/);
    expect(() => new Conv2D(8, 0)).toThrow(/Conv2D.*kernelSize.*positive integer.*0/);
    expect(() => new Conv2D(8, [3, 3, 3])).toThrow(/kernelSize.*2 positive integers/);
    expect(() => new Conv2D(8, 3, { strides: -1 })).toThrow(/strides.*positive integer/);
    expect(() => new Conv2D(8, 3, { padding: 'SAMEISH' as 'same' })).toThrow(/padding.*"valid", "same".*SAMEISH/);
    expect(() => new Conv2D(8, 3, { dataFormat: 'channelsFirst' })).toThrow(
      /dataFormat.*'channelsLast'.*'channelsFirst'/,
    );
    expect(() => new Conv2D(8, 3, { strides: 2, dilationRate: 2 })).toThrow(/dilationRate.*strides/);
    expect(() => new Conv2D(8, 3, { kernelSize: 3 } as never)).toThrow(/kernelSize/);
    const layer = new Conv2D(2, 3);
    const flat = tf.ones([4, 9]);
    expect(() => layer.apply(flat)).toThrow(tf.InvalidArgumentError);
    expect(() => layer.apply(flat)).toThrow(/inputShape.*rank 4.*\[4, 9\]/);
    const image = tf.ones([1, 5, 5, 3]);
    layer.apply(image).dispose();
    const otherChannels = tf.ones([1, 5, 5, 2]);
    expect(() => layer.apply(otherChannels)).toThrow(/inputs.*kernel \[3,3,3,2\].*\[1,5,5,2\]/);
    const again = layer.apply(image);
    expect(again.shape).toEqual([1, 3, 3, 2]);
    tf.dispose([flat, image, otherChannels, again]);
    layer.dispose();
  });
});

describe('the other convolutions', () => {
  it.each([
    ['valid', 1, 1],
    ['same', 2, 1],
    ['valid', 1, 3],
  ] as const)('Conv1D padding %s stride %i dilation %i equals conv1d + bias', async (padding, s, d) => {
    const layer = new Conv1D(5, 3, { padding, strides: s, dilationRate: d, seed: 1, biasInitializer: 'ones' });
    const x = tf.random.normal([2, 11, 4], { seed: 2 });
    const y = layer.apply(x);
    expect(layer.kernel.shape).toEqual([3, 4, 5]);
    expect(y.shape).toEqual([2, kerasLength(11, 3, padding, s, d), 5]);
    const direct = tf.add(tf.conv1d(x, layer.kernel, s, padding, { dilations: d }), layer.bias!);
    expectClose(await values(y), await values(direct));
    tf.dispose([x, y, direct]);
    layer.dispose();
  });

  it.each([
    ['valid', 1, 1],
    ['same', 2, 2],
  ] as const)(
    'DepthwiseConv2D padding %s stride %i multiplier %i equals depthwiseConv2d + bias',
    async (padding, s, m) => {
      const layer = new DepthwiseConv2D(3, {
        padding,
        strides: s,
        depthMultiplier: m,
        seed: 4,
        biasInitializer: 'ones',
      });
      const x = tf.random.normal([1, 7, 6, 3], { seed: 5 });
      const y = layer.apply(x);
      expect(layer.kernel.shape).toEqual([3, 3, 3, m]);
      expect(layer.kernel.name).toMatch(/depthwise_kernel$/);
      expect(y.shape).toEqual([1, kerasLength(7, 3, padding, s), kerasLength(6, 3, padding, s), 3 * m]);
      const direct = tf.add(tf.depthwiseConv2d(x, layer.kernel, s, padding), layer.bias!);
      expectClose(await values(y), await values(direct));
      tf.dispose([x, y, direct]);
      layer.dispose();
    },
  );

  it.each([
    ['same', 2, 3, [14, 14]],
    ['valid', 2, 3, [15, 15]],
    ['valid', 1, 3, [9, 9]],
    ['valid', 3, 2, [21, 21]],
    ['same', 1, 3, [7, 7]],
  ] as const)(
    'Conv2DTranspose padding %s stride %i kernel %i gives Keras output %j, equal to conv2dTranspose',
    async (padding, s, k, hw) => {
      const layer = new Conv2DTranspose(2, k, { padding, strides: s, seed: 6 });
      const x = tf.random.normal([1, 7, 7, 3], { seed: 8 });
      const y = layer.apply(x);
      expect(layer.kernel.shape).toEqual([k, k, 2, 3]);
      expect(y.shape).toEqual([1, ...hw, 2]);
      const direct = tf.add(tf.conv2dTranspose(x, layer.kernel, [1, ...hw, 2], s, padding), layer.bias!);
      expectClose(await values(y), await values(direct));
      tf.dispose([x, y, direct]);
      layer.dispose();
    },
  );

  it('Conv2DTranspose with a ones kernel, stride 2 valid, spreads each pixel over its 2x2 block (hand-computed)', async () => {
    const layer = new Conv2DTranspose(1, 2, { strides: 2, kernelInitializer: 'ones', useBias: false });
    const x = tf.tensor([1, 2, 3, 4], [1, 2, 2, 1]);
    const y = layer.apply(x);
    expect(await values(y)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('Conv1D and DepthwiseConv2D refuse wrong ranks and bad sizes', () => {
    expect(() => new Conv1D(4, [2, 2])).toThrow(/Conv1D.*kernelSize.*1 positive integers/);
    expect(() => new DepthwiseConv2D(3, { depthMultiplier: 0 })).toThrow(/depthMultiplier.*positive integer/);
    expect(() => new Conv2DTranspose(4, 3, { dilationRate: 2 } as never)).toThrow(/dilationRate/);
    const conv1d = new Conv1D(2, 3);
    const image = tf.ones([1, 4, 4, 1]);
    expect(() => conv1d.apply(image)).toThrow(/rank 3 \[batch, steps, channels\]/);
    tf.dispose(image);
    conv1d.dispose();
  });
});

describe('pooling, padding and up-sampling', () => {
  it('MaxPooling2D and AveragePooling2D default to 2x2 windows, stride 2, hand-computed', async () => {
    const x = tf.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]);
    const max = new MaxPooling2D().apply(x);
    const mean = new AveragePooling2D().apply(x);
    expect(await values(max)).toEqual([6, 8, 14, 16]);
    expect(await values(mean)).toEqual([3.5, 5.5, 11.5, 13.5]);
    tf.dispose([x, max, mean]);
  });

  it.each([
    [2, undefined, 'valid'],
    [3, 2, 'same'],
    [3, 1, 'valid'],
    [[2, 3], [1, 2], 'same'],
  ] as const)(
    'poolSize %j strides %j padding %s: shape by Keras rule, values equal the ops',
    async (poolSize, strides, padding) => {
      const x = tf.random.normal([2, 7, 9, 3], { seed: 9 });
      const options = { poolSize, padding, ...(strides === undefined ? {} : { strides }) };
      const layers = [new MaxPooling2D(options), new AveragePooling2D(options)];
      const [ph, pw] = typeof poolSize === 'number' ? [poolSize, poolSize] : poolSize;
      const [sh, sw] = strides === undefined ? [ph, pw] : typeof strides === 'number' ? [strides, strides] : strides;
      const shape = [2, kerasLength(7, ph, padding, sh), kerasLength(9, pw, padding, sw), 3];
      const direct = [tf.maxPool2d(x, [ph, pw], [sh, sw], padding), tf.avgPool2d(x, [ph, pw], [sh, sw], padding)];
      for (const [i, layer] of layers.entries()) {
        const y = layer.apply(x);
        expect(y.shape).toEqual(shape);
        expect(layer.computeOutputShape([null, 7, 9, 3])).toEqual([null, ...shape.slice(1)]);
        expectClose(await values(y), await values(direct[i]!));
        y.dispose();
      }
      tf.dispose([x, ...direct]);
    },
  );

  it('the poolings refuse bad sizes, bad padding and a window larger than the input', () => {
    expect(() => new MaxPooling2D({ poolSize: 0 })).toThrow(/MaxPooling2D.*poolSize.*positive integer/);
    expect(() => new AveragePooling2D({ strides: [1, 2, 3] })).toThrow(/strides.*2 positive integers/);
    expect(() => new MaxPooling2D({ padding: 'full' as 'same' })).toThrow(/padding.*"valid", "same".*'full'/);
    expect(() => new MaxPooling2D({ dataFormat: 'channelsFirst' })).toThrow(/dataFormat.*'channelsLast'/);
    const pool = new MaxPooling2D({ poolSize: 5 });
    const small = tf.ones([1, 3, 3, 1]);
    const flat = tf.ones([3, 3]);
    expect(() => pool.apply(small)).toThrow(/at least the pool size \[5, 5\].*\[1,3,3,1\]/);
    expect(() => pool.apply(flat)).toThrow(/rank 4/);
    tf.dispose([small, flat]);
  });

  it('ZeroPadding2D takes an int, [rows, columns] or [[top, bottom], [left, right]]', async () => {
    const x = tf.tensor([1, 2, 3, 4], [1, 2, 2, 1]);
    const all = new ZeroPadding2D(1).apply(x);
    expect(all.shape).toEqual([1, 4, 4, 1]);
    expect(await values(all)).toEqual([0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
    const rows = new ZeroPadding2D([1, 0]).apply(x);
    expect(await values(rows)).toEqual([0, 0, 1, 2, 3, 4, 0, 0]);
    const sides = new ZeroPadding2D([
      [0, 1],
      [2, 0],
    ]).apply(x);
    expect(sides.shape).toEqual([1, 3, 4, 1]);
    expect(await values(sides)).toEqual([0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0]);
    expect(() => new ZeroPadding2D(-1)).toThrow(/ZeroPadding2D.*padding.*non-negative integer.*-1/);
    expect(() => new ZeroPadding2D([1, 2, 3] as never)).toThrow(/padding.*\[1,2,3\]/);
    tf.dispose([x, all, rows, sides]);
  });

  it('UpSampling2D repeats rows and columns, and its gradient sums each block', async () => {
    const layer = new UpSampling2D([2, 3]);
    const x = tf.tensor([1, 2, 3, 4], [1, 2, 2, 1]);
    const tape = new GradientTape();
    tape.watch(x);
    const weights = tf.tensor(
      Array.from({ length: 24 }, (_, i) => i),
      [1, 4, 6, 1],
    );
    const [y, loss] = tape.record(() => {
      const out = layer.apply(x);
      return [out, tf.reduceSum(tf.mul(out, weights))] as const;
    });
    expect(y.shape).toEqual([1, 4, 6, 1]);
    expect(await values(y)).toEqual([1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4]);
    const [dx] = tape.gradient(loss, [x]);
    // Block (r, c) of the output covers rows 2r..2r+1 and columns 3c..3c+2; weight index = row*6 + col.
    const block = (r: number, c: number): number => {
      let sum = 0;
      for (let i = 2 * r; i < 2 * r + 2; i++) for (let j = 3 * c; j < 3 * c + 3; j++) sum += i * 6 + j;
      return sum;
    };
    expect(await values(dx!)).toEqual([block(0, 0), block(0, 1), block(1, 0), block(1, 1)]);
    expect(() => new UpSampling2D(0)).toThrow(/UpSampling2D.*size.*positive integer/);
    tf.dispose([x, y, loss, weights, dx!]);
  });
});

describe('the MNIST CNN', () => {
  it("summary shows Keras' output shapes and parameter counts", () => {
    const model = new Sequential(
      [
        new Conv2D(32, 3, { activation: 'relu', inputShape: [28, 28, 1], name: 'conv1' }),
        new BatchNormalization({ name: 'bn' }),
        new MaxPooling2D({ name: 'pool1' }),
        new Conv2D(64, [3, 3], { activation: 'relu', name: 'conv2' }),
        new MaxPooling2D({ name: 'pool2' }),
        new Flatten({ name: 'flatten' }),
        new Dropout(0.5, { name: 'dropout' }),
        new Dense(10, { name: 'logits' }),
      ],
      { name: 'cnn' },
    );
    const text = model.summary(() => {});
    const rows = text.split('\n').filter((line) => line.startsWith('│'));
    expect(
      rows.map((row) =>
        row
          .split('│')
          .slice(1, 4)
          .map((cell) => cell.trim()),
      ),
    ).toEqual([
      ['conv1 (Conv2D)', '(None, 26, 26, 32)', '320'],
      ['bn (BatchNormalization)', '(None, 26, 26, 32)', '128'],
      ['pool1 (MaxPooling2D)', '(None, 13, 13, 32)', '0'],
      ['conv2 (Conv2D)', '(None, 11, 11, 64)', '18,496'],
      ['pool2 (MaxPooling2D)', '(None, 5, 5, 64)', '0'],
      ['flatten (Flatten)', '(None, 1600)', '0'],
      ['dropout (Dropout)', '(None, 1600)', '0'],
      ['logits (Dense)', '(None, 10)', '16,010'],
    ]);
    expect(text).toContain(' Total params: 34,954 (136.54 KB)');
    expect(text).toContain(' Trainable params: 34,890 (136.29 KB)');
    expect(text).toContain(' Non-trainable params: 64 (256.00 B)');
    model.dispose();
  });
});
