/**
 * @file The MNIST convnet's augmentation (./examples/mnist-augment.ts): a shift moves every pixel by
 * exactly (dx, dy) and fills the uncovered border with 0, the random shifts stay within `maxShift` and
 * use every value in it, the same (seed, epoch) gives the same shifts and another epoch other ones,
 * the input is left as it was, the `fit` callback re-fills the training Variable with each epoch's
 * shifted copy (and `fit` trains on it), and bad arguments get tapeflow's InvalidArgumentError.
 */
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { randomShifts, shiftEachEpoch, shiftImages, translateImages } from './examples/mnist-augment.js';

/** `count` 28 × 28 images whose pixel (row, column) of image i is 1 + i * 1000 + row * 28 + column. */
function numbered(count: number): Float32Array {
  return Float32Array.from({ length: count * 784 }, (_, p) => 1 + Math.floor(p / 784) * 1000 + (p % 784));
}

describe('MNIST augmentation', () => {
  it('translateImages moves each image by its (dx, dy) and fills the uncovered border with 0', () => {
    const pixels = numbered(3);
    const copy = pixels.slice();
    const shifts = [
      { dx: 2, dy: -1 },
      { dx: -3, dy: 0 },
      { dx: 0, dy: 0 },
    ];
    const out = translateImages(pixels, shifts);
    expect(out).toHaveLength(pixels.length);
    shifts.forEach(({ dx, dy }, image) => {
      for (let row = 0; row < 28; row++) {
        for (let column = 0; column < 28; column++) {
          const [fromRow, fromColumn] = [row - dy, column - dx];
          const inside = fromRow >= 0 && fromRow < 28 && fromColumn >= 0 && fromColumn < 28;
          const expected = inside ? pixels[image * 784 + fromRow * 28 + fromColumn]! : 0;
          expect(out[image * 784 + row * 28 + column], `image ${image} (${row}, ${column})`).toBe(expected);
        }
      }
    });
    expect(out.subarray(2 * 784)).toEqual(pixels.subarray(2 * 784));
    expect(pixels).toEqual(copy);
  });

  it('randomShifts stays within maxShift, uses every shift in it, and depends on (seed, epoch) alone', () => {
    const shifts = randomShifts(2000, { maxShift: 2, seed: 42, epoch: 3 });
    const values = new Set(shifts.flatMap(({ dx, dy }) => [dx, dy]));
    expect([...values].sort()).toEqual([-1, -2, 0, 1, 2]);
    expect(randomShifts(2000, { maxShift: 2, seed: 42, epoch: 3 })).toEqual(shifts);
    const otherEpoch = randomShifts(2000, { maxShift: 2, seed: 42, epoch: 4 });
    const otherSeed = randomShifts(2000, { maxShift: 2, seed: 43, epoch: 3 });
    const same = (a: typeof shifts, b: typeof shifts): number =>
      a.filter((s, i) => s.dx === b[i]!.dx && s.dy === b[i]!.dy).length;
    // Independent draws agree on 1/25 of the images; the same stream would agree on all of them.
    expect(same(shifts, otherEpoch)).toBeLessThan(200);
    expect(same(shifts, otherSeed)).toBeLessThan(200);
    expect(randomShifts(50, { maxShift: 0, seed: 1 }).every(({ dx, dy }) => dx === 0 && dy === 0)).toBe(true);
  });

  it('shiftImages shifts every image by one of the drawn shifts and keeps its ink', () => {
    // One bright pixel in the middle of each image: after the shift it lies at most 2 rows and columns away.
    const count = 50;
    const pixels = new Float32Array(count * 784);
    for (let i = 0; i < count; i++) pixels[i * 784 + 14 * 28 + 14] = 1;
    const out = shiftImages(pixels, { maxShift: 2, seed: 7, epoch: 0 });
    const shifts = randomShifts(count, { maxShift: 2, seed: 7, epoch: 0 });
    for (let i = 0; i < count; i++) {
      const image = out.subarray(i * 784, (i + 1) * 784);
      expect(
        image.reduce((a, b) => a + b, 0),
        `image ${i}`,
      ).toBe(1);
      expect(image[(14 + shifts[i]!.dy) * 28 + 14 + shifts[i]!.dx], `image ${i}`).toBe(1);
    }
    expect(shiftImages(pixels, { maxShift: 2, seed: 7, epoch: 0 })).toEqual(out);
  });

  it("shiftEachEpoch puts each epoch's shifted copy into the Variable that fit trains on, leaking nothing", async () => {
    const before = tf.memory().numTensors;
    const pixels = numbered(4).map((v) => v / 4000);
    const initial = tf.tensor(pixels, [4, 28, 28, 1]);
    const images = new tf.Variable(initial, { trainable: false });
    const targets = tf.zeros([4, 784]);
    const callback = shiftEachEpoch(images, pixels, { maxShift: 2, seed: 5 });
    try {
      await callback.onEpochBegin!(3, {});
      expect(images.shape).toEqual([4, 28, 28, 1]);
      expect(await images.data()).toEqual(shiftImages(pixels, { maxShift: 2, seed: 5, epoch: 3 }));
      // In fit: the batches of epoch e are the images shifted with epoch e (one batch, no shuffle).
      const seen: number[][] = [];
      const model = new tf.Sequential([new tf.layers.Flatten({ inputShape: [28, 28, 1] })]);
      const probe = { onEpochEnd: async () => void seen.push(Array.from(await images.data())) };
      try {
        model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
        await model.fit(images, targets, {
          epochs: 2,
          batchSize: 4,
          shuffle: false,
          verbose: 0,
          callbacks: [callback, probe],
        });
      } finally {
        model.dispose();
      }
      expect(seen).toEqual([0, 1].map((epoch) => Array.from(shiftImages(pixels, { maxShift: 2, seed: 5, epoch }))));
      expect(seen[0]).not.toEqual(seen[1]);
    } finally {
      tf.dispose([initial, images, targets]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad arguments with InvalidArgumentError naming the function and the argument', () => {
    const pixels = new Float32Array(784 * 2);
    expect(() => shiftImages(pixels, { maxShift: 1.5, seed: 1 })).toThrow(tf.InvalidArgumentError);
    expect(() => shiftImages(pixels, { maxShift: 28, seed: 1 })).toThrow(
      /^shiftImages: argument 'options.maxShift' expected an integer in \[0, 27\], but got number 28\.$/,
    );
    expect(() => shiftImages(pixels, { maxShift: 2, seed: 1, epoch: -1 })).toThrow(
      /^shiftImages: argument 'options.epoch' expected an integer >= 0, but got number -1\.$/,
    );
    expect(() => shiftImages(new Float32Array(785), { maxShift: 2, seed: 1 })).toThrow(
      /^shiftImages: argument 'pixels' expected a multiple of 784 values .* but got a Float32Array of 785\.$/,
    );
    expect(() => translateImages(pixels, [{ dx: 0, dy: 0 }])).toThrow(
      /^translateImages: argument 'pixels' expected 784 values .* but got a Float32Array of 1568\.$/,
    );
    expect(() =>
      translateImages(pixels, [
        { dx: 0, dy: 0 },
        { dx: 0.5, dy: 0 },
      ]),
    ).toThrow(
      /^translateImages: argument 'shifts\[1\]\.dx' expected an integer in \[-27, 27\], but got number 0\.5\.$/,
    );
    const images = new tf.Variable(tf.zeros([1, 784]), { trainable: false, name: 'images' });
    expect(() => shiftEachEpoch(images, pixels, { maxShift: 2, seed: 1 })).toThrow(
      /^shiftEachEpoch: argument 'pixels' expected 784 values \(the size of Variable 'images'\), but got a Float32Array of 1568\.$/,
    );
    images.dispose();
    expect(() => randomShifts(-1, { maxShift: 2, seed: 1 })).toThrow(
      /^randomShifts: argument 'count' expected an integer >= 0, but got number -1\.$/,
    );
  });
});
