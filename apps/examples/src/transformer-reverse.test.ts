/**
 * @file The transformer encoder example, shortened for CI (3,200 training / 500 held-out sequences of
 * 8 digits, 5 epochs, about 20 s on two CPU cores): held-out token accuracy must reach 95% (chance is
 * 10%; an encoder whose attention, masks, normalization or their gradients are broken stays near
 * chance, as it does for its first two epochs here; this run reaches 100%), the loss must fall, the
 * summary must show the blocks, the chart must be written, and nothing may leak. The full run is
 * `pnpm examples transformer-reverse` (figures in apps/examples/README.md).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { TRAINING_EXAMPLES } from './examples/index.js';
import { REVERSE_FULL_RUN, positionalEncoding, reversalData, trainReverser } from './examples/transformer-reverse.js';
import type { ReverseConfig } from './examples/transformer-reverse.js';

const SHORT: ReverseConfig = { ...REVERSE_FULL_RUN, train: 3200, test: 500, epochs: 5, verbose: 0, chartFile: null };

/** The bar: far above chance (10%), below what this run reaches (see the file comment). */
const MIN_TOKEN_ACCURACY = 0.95;

describe('transformer encoder reversing digits (short run)', () => {
  it('reaches >= 95% held-out token accuracy, the loss falling, a summary, an SVG chart, no leak', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapeflow-transformer-'));
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    try {
      const result = await trainReverser((line) => lines.push(line), { ...SHORT, chartFile: join(dir, 'curves.svg') });
      expect(result.tokenAccuracy).toBeGreaterThanOrEqual(MIN_TOKEN_ACCURACY);
      const loss = result.history.loss!;
      expect(loss).toHaveLength(SHORT.epochs);
      expect(loss[loss.length - 1]!).toBeLessThan(loss[0]! / 10);
      expect(result.history.val_accuracy![SHORT.epochs - 1]).toBeCloseTo(result.tokenAccuracy, 5);
      expect(result.sample.output).toEqual(result.sample.target);
      expect(result.sample.target).toEqual([...result.sample.input].reverse());
      expect(lines.some((l) => /encoder_block_1 \(EncoderBlock\).*\(None, 8, 32\).*8,544/.test(l))).toBe(true);
      expect(lines.some((l) => l.includes('Total params: 17,738'))).toBe(true);
      expect(lines.some((l) => /held-out token accuracy .*% on 500 sequences/.test(l))).toBe(true);
      const svg = await readFile(join(dir, 'curves.svg'), 'utf8');
      expect(svg).toBe(result.chart);
      expect(svg.startsWith('<svg')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('draws reversal pairs and a sinusoidal encoding', () => {
    const { x, y } = reversalData(3, 5, 10, 1);
    const xs = x.arraySync() as number[][];
    expect(y.arraySync()).toEqual(xs.map((row) => [...row].reverse()));
    const pe = positionalEncoding(4, 6).arraySync() as number[][];
    expect(pe[0]).toEqual([0, 1, 0, 1, 0, 1]);
    expect(pe[3]![0]).toBeCloseTo(Math.sin(3), 6);
    expect(pe[3]![3]).toBeCloseTo(Math.cos(3 / 10000 ** (2 / 6)), 6);
    tf.dispose([x, y]);
  });

  it('is listed among the training examples', () => {
    expect(TRAINING_EXAMPLES.map((e) => e.name)).toContain('transformer-reverse');
  });
});
