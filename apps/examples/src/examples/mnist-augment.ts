/**
 * @file Data augmentation for the MNIST convnet: every image moved by a random whole number of pixels
 * (up to `maxShift` each way, horizontally and vertically, the pixels shifted in filled with 0), on
 * typed arrays, seeded. With only 8,000 training digits the convnet learns the training set by heart
 * after a few epochs; a freshly shifted copy each epoch (Keras' `RandomTranslation` with
 * `fill_mode="constant"`, or the older `ImageDataGenerator(width_shift_range=2, height_shift_range=2)`)
 * lets it train longer and still generalise. The same (seed, epoch) gives the same images on every
 * machine, so a run is reproducible.
 */

import * as tf from 'tapeflow';
import { seededRandom } from './seeded-random.js';

/** Image side in pixels (28 for MNIST). */
const SIDE = 28;

/**
 * One image's shift: `dx` pixels to the right and `dy` down (negative: left / up).
 * @example const shift: Shift = { dx: -1, dy: 2 };
 */
export interface Shift {
  readonly dx: number;
  readonly dy: number;
}

/** Options of `randomShifts` / `shiftImages`. */
export interface ShiftOptions {
  /** The largest shift each way, a whole number of pixels >= 0 (below the image side). */
  readonly maxShift: number;
  /** Seeds the shifts together with the epoch. */
  readonly seed: number;
  /** The epoch: each one draws different shifts from the same seed; default 0. */
  readonly epoch?: number;
}

/** Throws tapeflow's InvalidArgumentError in the library's wording (op, argument, expected, given). */
function invalidArgument(op: string, argument: string, expected: string, given: string): never {
  throw new tf.InvalidArgumentError(`${op}: argument '${argument}' expected ${expected}, but got ${given}.`, op);
}

/** A number as messages show it (`number 2.5`), anything else by its type. */
function describe(value: unknown): string {
  return typeof value === 'number' ? `number ${value}` : value === undefined ? 'undefined' : typeof value;
}

function checkOptions(op: string, options: ShiftOptions): void {
  const { maxShift, seed, epoch = 0 } = options;
  if (!Number.isInteger(maxShift) || maxShift < 0 || maxShift >= SIDE)
    invalidArgument(op, 'options.maxShift', `an integer in [0, ${SIDE - 1}]`, describe(maxShift));
  if (!Number.isInteger(seed)) invalidArgument(op, 'options.seed', 'an integer', describe(seed));
  if (!Number.isInteger(epoch) || epoch < 0) invalidArgument(op, 'options.epoch', 'an integer >= 0', describe(epoch));
}

/**
 * `count` shifts, each of dx and dy uniform among the whole numbers in [-maxShift, maxShift],
 * depending on (seed, epoch) alone.
 * @example randomShifts(2, { maxShift: 2, seed: 42, epoch: 3 }) // e.g. [{ dx: 1, dy: -2 }, { dx: 0, dy: 2 }]
 */
export function randomShifts(count: number, options: ShiftOptions): Shift[] {
  checkOptions('randomShifts', options);
  if (!Number.isInteger(count) || count < 0)
    invalidArgument('randomShifts', 'count', 'an integer >= 0', describe(count));
  const epoch = options.epoch ?? 0;
  // A different stream per epoch: the seed mixed with the epoch by a multiplicative hash.
  const random = seededRandom((options.seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
  const span = 2 * options.maxShift + 1;
  const draw = (): number => Math.floor(random() * span) - options.maxShift;
  return Array.from({ length: count }, () => ({ dx: draw(), dy: draw() }));
}

/**
 * Moves image `i` of `pixels` (rows of 28 × 28 = 784 values) by `shifts[i]`, filling with 0; returns
 * a new array, `pixels` is left as it was.
 * @example translateImages(pixels, [{ dx: 1, dy: 0 }]) // the digit one pixel to the right
 */
export function translateImages(pixels: Float32Array, shifts: readonly Shift[]): Float32Array {
  const size = SIDE * SIDE;
  if (pixels.length !== shifts.length * size) {
    invalidArgument(
      'translateImages',
      'pixels',
      `${shifts.length * size} values (one image of ${size} pixels per shift)`,
      `a Float32Array of ${pixels.length}`,
    );
  }
  shifts.forEach(({ dx, dy }, image) => {
    for (const [name, value] of [
      ['dx', dx],
      ['dy', dy],
    ] as const) {
      if (!Number.isInteger(value) || Math.abs(value) >= SIDE)
        invalidArgument(
          'translateImages',
          `shifts[${image}].${name}`,
          `an integer in [-${SIDE - 1}, ${SIDE - 1}]`,
          describe(value),
        );
    }
  });
  const out = new Float32Array(pixels.length);
  shifts.forEach(({ dx, dy }, image) => {
    const base = image * size;
    // Destination rows and columns whose source lies inside the image.
    const rowFrom = Math.max(0, dy);
    const rowTo = Math.min(SIDE, SIDE + dy);
    const columnFrom = Math.max(0, dx);
    const columnTo = Math.min(SIDE, SIDE + dx);
    for (let row = rowFrom; row < rowTo; row++) {
      const source = base + (row - dy) * SIDE - dx;
      const target = base + row * SIDE;
      out.set(pixels.subarray(source + columnFrom, source + columnTo), target + columnFrom);
    }
  });
  return out;
}

/**
 * `pixels` (rows of 784) with every image shifted at random by up to `maxShift` pixels each way
 * (`randomShifts` then `translateImages`).
 * @example const epochImages = shiftImages(trainPixels, { maxShift: 2, seed: 42, epoch });
 */
export function shiftImages(pixels: Float32Array, options: ShiftOptions): Float32Array {
  checkOptions('shiftImages', options);
  const size = SIDE * SIDE;
  if (pixels.length % size !== 0) {
    invalidArgument(
      'shiftImages',
      'pixels',
      `a multiple of ${size} values (rows of 28 × 28)`,
      `a Float32Array of ${pixels.length}`,
    );
  }
  return translateImages(pixels, randomShifts(pixels.length / size, options));
}

/**
 * A `fit` callback that, at the start of each epoch, puts `pixels` shifted at random (`shiftImages`
 * with that epoch) into `images`, the non-trainable Variable `fit` trains on ([n, 28, 28, 1] or
 * [n, 784]): one `fit` call, one progress bar and one history, with new images every epoch.
 * @example
 * const shifts = shiftEachEpoch(xTrain, pixels, { maxShift: 2, seed: 42 });
 * await model.fit(xTrain, yTrain, { epochs: 12, callbacks: [shifts] });
 */
export function shiftEachEpoch(
  images: tf.Variable,
  pixels: Float32Array,
  options: Omit<ShiftOptions, 'epoch'>,
): tf.callbacks.Callback {
  checkOptions('shiftEachEpoch', options);
  if (pixels.length !== images.size) {
    invalidArgument(
      'shiftEachEpoch',
      'pixels',
      `${images.size} values (the size of Variable '${images.name}')`,
      `a Float32Array of ${pixels.length}`,
    );
  }
  return {
    onEpochBegin: (epoch: number): void => {
      const shifted = shiftImages(pixels, { ...options, epoch });
      tf.tidy(() => void images.assign(tf.tensor(shifted, images.shape)));
    },
  };
}
