/**
 * @file The progress bar with a fake stream and clock: Keras' line format, `\r` redraws throttled to
 * 50 ms on a TTY, silence when not a TTY or at verbose 0, one line per epoch at verbose 2, and `fit`
 * writing through it.
 */
import '../test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { Dense } from '../dense.js';
import { Sequential } from '../sequential.js';
import { ProgressBar, formatDuration, formatValue } from './progress.js';
import type { ProgressStream } from './progress.js';

function fakeStream(isTTY: boolean): ProgressStream & { text: () => string } {
  const chunks: string[] = [];
  return { isTTY, write: (s: string) => chunks.push(s), text: () => chunks.join('') };
}

function clock(): { now: () => number; at: (ms: number) => void } {
  let t = 0;
  return { now: () => t, at: (ms) => void (t = ms) };
}

describe('ProgressBar', () => {
  it("draws Keras' bar on a TTY: done/total, bar, ETA, metrics; then the final line with time per step", () => {
    const stream = fakeStream(true);
    const time = clock();
    const bar = new ProgressBar(10, { verbose: 1, stream, prefix: 'Epoch 1/2', now: time.now });
    time.at(1000);
    bar.update(3, [
      ['loss', 0.5],
      ['accuracy', 0.25],
    ]);
    time.at(1010);
    bar.update(4, [['loss', 0.45]]); // within 50 ms of the last draw: skipped
    time.at(2000);
    bar.update(10, [['loss', 0.4]], true);
    const first = ' 3/10 [========>.....................] - ETA: 2s - loss: 0.5000 - accuracy: 0.2500';
    const last = '10/10 [==============================] - 2s 200ms/step - loss: 0.4000';
    // The shorter last line is padded with spaces over the longer one it replaces.
    expect(stream.text()).toBe(`Epoch 1/2\n\r${first}\r${last}${' '.repeat(first.length - last.length)}\n`);
  });

  it('is silent when the stream is not a TTY or at verbose 0; verbose 2 writes one line at the end', () => {
    for (const [isTTY, verbose] of [
      [false, 1],
      [true, 0],
    ] as const) {
      const stream = fakeStream(isTTY);
      const bar = new ProgressBar(5, { verbose, stream, prefix: 'Epoch 1/1' });
      bar.update(2, [['loss', 1]]);
      bar.update(5, [['loss', 1]], true);
      expect(stream.text()).toBe('');
    }
    const stream = fakeStream(false);
    const time = clock();
    const bar = new ProgressBar(4, { verbose: 2, stream, prefix: 'Epoch 3/5', now: time.now });
    bar.update(2, [['loss', 1]]);
    time.at(4000);
    bar.update(
      4,
      [
        ['loss', 0.5],
        ['val_loss', 0.0001234],
      ],
      true,
    );
    expect(stream.text()).toBe('Epoch 3/5 - 4s 1s/step - loss: 0.5000 - val_loss: 1.2340e-04\n');
  });

  it('formats like Keras: 4 decimals, scientific below 1e-3, durations as 3s / 1:05 / 1:02:03', () => {
    expect([formatValue(0.12345678), formatValue(0), formatValue(NaN), formatValue(-0.00002)]).toEqual([
      '0.1235',
      '0.0000',
      'NaN',
      '-2.0000e-05',
    ]);
    expect([formatDuration(2.6), formatDuration(65), formatDuration(3723)]).toEqual(['3s', '1:05', '1:02:03']);
  });

  it('fit writes the bar to the stream it is given; quiet for a non-TTY stream', async () => {
    const x = tf.ones([8, 2]);
    const y = tf.zeros([8, 1]);
    const model = new Sequential([new Dense(1, { inputShape: [2], seed: 1 })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const tty = fakeStream(true);
    await model.fit(x, y, { epochs: 2, batchSize: 4, progressStream: tty });
    const text = tty.text();
    expect(text).toMatch(/^Epoch 1\/2\n/);
    expect(text).toMatch(/\r2\/2 \[=+\] - \d+s \d+[mu]?s\/step - loss: \d\.\d{4}\s*\nEpoch 2\/2\n/);
    const pipe = fakeStream(false);
    await model.fit(x, y, { epochs: 2, batchSize: 4, progressStream: pipe });
    await model.evaluate(x, y, { progressStream: pipe });
    expect(pipe.text()).toBe('');
    const perEpoch = fakeStream(false);
    await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 2, progressStream: perEpoch });
    expect(
      perEpoch
        .text()
        .split('\n')
        .filter((l) => l !== ''),
    ).toHaveLength(3);
    tf.dispose([x, y]);
    model.dispose();
  });
});
