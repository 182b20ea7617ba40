/**
 * @file The MNIST convnet example, shortened for CI (1,500 training / 500 held-out digits, 2 epochs,
 * with the full run's recipe: digits shifted at random each epoch, a cosine-decaying learning rate;
 * about 15-20 s on two quiet CPU cores): held-out accuracy must reach 80% (chance is 10%; a convnet
 * whose convolution, pooling or their gradients are broken stays far below; this run reaches 85.6%,
 * 89.2% without the shifts, which make 2 short epochs harder and pay off over the full run's 15), the
 * training loss must fall, the summary must show Keras' shapes and counts, the chart must be written,
 * and nothing may leak. The full run is `pnpm examples mnist-cnn` (figures in apps/examples/README.md).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { TRAINING_EXAMPLES } from './examples/index.js';
import { CNN_FULL_RUN, trainMnistCnn } from './examples/mnist-cnn.js';
import type { CnnConfig } from './examples/mnist-cnn.js';

const SHORT: CnnConfig = { ...CNN_FULL_RUN, train: 1500, test: 500, epochs: 2, verbose: 0, chartFile: null };

/** The bar: far above chance (10%), below what this run reaches (see the file comment). */
const MIN_ACCURACY = 0.8;

describe('MNIST convnet (short run)', () => {
  it('reaches >= 80% held-out after 2 short epochs, the loss falling, Keras summary, an SVG chart, no leak', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapeflow-cnn-'));
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    try {
      const result = await trainMnistCnn((line) => lines.push(line), { ...SHORT, chartFile: join(dir, 'cnn.svg') });
      expect(result.testAccuracy).toBeGreaterThanOrEqual(MIN_ACCURACY);
      expect(result.history.loss).toHaveLength(2);
      expect(result.history.loss![1]!).toBeLessThan(result.history.loss![0]!);
      expect(result.history.val_accuracy![1]).toBeCloseTo(result.testAccuracy, 6);
      expect(lines.some((l) => /conv2d.*\(Conv2D\).*\(None, 26, 26, 32\).*320/.test(l))).toBe(true);
      expect(lines.some((l) => /max_pooling2d.*\(MaxPooling2D\).*\(None, 5, 5, 64\)/.test(l))).toBe(true);
      expect(lines.some((l) => l.includes('Total params: 34,954'))).toBe(true);
      expect(
        lines.some((l) => /held-out loss .* accuracy .*% on 500 digits; 2 epochs .*shifted by up to 2 pixels/.test(l)),
      ).toBe(true);
      const svg = await readFile(join(dir, 'cnn.svg'), 'utf8');
      expect(svg).toBe(result.chart);
      expect(svg.startsWith('<svg')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('is listed among the training examples', () => {
    expect(TRAINING_EXAMPLES.map((e) => e.name)).toContain('mnist-cnn');
  });
});
