/**
 * @file Every notebook cell group, asserted: the values the notebook shows (16 and 8; the matmul
 * gradients as the exact relations dl/dw = xᵀ·y and dl/db = y; [[10,10],...,[40,40]] and [1,1]; Dense's
 * zero and non-zero gradients; the None patterns), the printed x3 and x4, and that no example leaks.
 */
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from './examples/index.js';
import * as controlFlow from './examples/control-flow.js';
import * as denseRelu from './examples/dense-relu.js';
import * as matmulBias from './examples/matmul-bias.js';
import * as nonTrainable from './examples/non-trainable.js';
import * as watchAccessedVariables from './examples/watch-accessed-variables.js';
import * as watch from './examples/watch.js';
import * as xSquared from './examples/x-squared.js';

/** Runs an example with its log collected and checks that disposing its result leaves no tensor behind. */
async function runChecked<R extends tf.TensorContainer>(
  run: (log: (line: string) => void) => Promise<R>,
  check: (result: R, lines: readonly string[]) => Promise<void>,
): Promise<void> {
  const before = tf.memory().numTensors;
  const lines: string[] = [];
  const result = await run((line) => lines.push(line));
  try {
    await check(result, lines);
  } finally {
    tf.dispose(result);
  }
  expect(tf.memory().numTensors).toBe(before);
}

async function valuesOf(t: tf.Tensor | null | undefined): Promise<number[]> {
  expect(t).toBeInstanceOf(tf.Tensor);
  return Array.from(await t!.data());
}

/** Elementwise |a - b| <= atol + rtol·|b|: float32 sums of products with values in the thousands. */
function expectAllClose(actual: readonly number[], expected: readonly number[], rtol = 1e-5, atol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const b = expected[i]!;
    expect(Math.abs(a - b), `element ${i}: ${a} vs ${b}`).toBeLessThanOrEqual(atol + rtol * Math.abs(b));
  });
}

/** Gradients as numbers, null kept where the tape returned None. */
async function scalars(grads: readonly (tf.Tensor | null)[]): Promise<(number | null)[]> {
  return Promise.all(grads.map(async (g) => (g === null ? null : (await g.data())[0]!)));
}

/** The line logged right after the prompt `>>> <source>`. */
function printedAfter(lines: readonly string[], source: string): string | undefined {
  const index = lines.indexOf(`>>> ${source}`);
  expect(index, `prompt '>>> ${source}' in the log`).toBeGreaterThanOrEqual(0);
  return lines[index + 1];
}

describe('notebook examples', () => {
  it('x-squared: y = 16 and dy/dx = 8', async () => {
    await runChecked(xSquared.run, async ({ y, dyDx }, lines) => {
      expect(await valuesOf(y)).toEqual([16]);
      expect(await valuesOf(dyDx)).toEqual([8]);
      expect(printedAfter(lines, 'y')).toBe('Tensor(shape=[], dtype=float32, 16.0)');
      expect(printedAfter(lines, 'dy_dx')).toBe('Tensor(shape=[], dtype=float32, 8.0)');
    });
  });

  it('matmul-bias: dl/dw = xᵀ·y, dl/db = y, and the second gradient of y is [[10,10],...] and [1,1]', async () => {
    await runChecked(matmulBias.run, async (r) => {
      expect(r.w.shape).toEqual([4, 2]);
      const y = await valuesOf(r.y);
      const x = await valuesOf(r.x);
      const w = await valuesOf(r.w);
      // y itself, so the relations below are checked against the model, not only against each other.
      expectAllClose(
        y,
        [0, 1].map((j) => x.reduce((s, xi, i) => s + xi * w[i * 2 + j]!, 1)),
      );
      expectAllClose(await valuesOf(r.loss), [(y[0]! ** 2 + y[1]! ** 2) / 2]);
      // mean over 2 elements: dl/dy = 2y / 2 = y.
      const expectedDw = x.flatMap((xi) => y.map((yj) => xi * yj));
      expect(r.dlDw!.shape).toEqual([4, 2]);
      expectAllClose(await valuesOf(r.dlDw), expectedDw);
      expect(r.dlDb!.shape).toEqual([2]);
      expectAllClose(await valuesOf(r.dlDb), y);
      expect(await valuesOf(r.dyDw)).toEqual([10, 10, 20, 20, 30, 30, 40, 40]);
      expect(await valuesOf(r.dyDb)).toEqual([1, 1]);
    });
  });

  it('dense-relu: zero gradients when every pre-activation is negative; 2·relu(y) pushed back otherwise', async () => {
    await runChecked(denseRelu.run, async ({ x, negative, active }, lines) => {
      const xs = await valuesOf(x);
      const check = async (c: denseRelu.DenseReluCase): Promise<{ pre: number[]; upstream: number[] }> => {
        const kernel = await valuesOf(c.kernel);
        const bias = await valuesOf(c.bias);
        const pre = [0, 1].map((j) => xs.reduce((s, xi, i) => s + xi * kernel[i * 2 + j]!, bias[j]!));
        expectAllClose(
          await valuesOf(c.y),
          pre.map((p) => Math.max(p, 0)),
        );
        const [dKernel, dBias] = c.grad;
        // dl/dz = 2y ⊙ 1[y > 0]; dl/dkernel = xᵀ·dl/dz; dl/dbias = dl/dz.
        const upstream = pre.map((p) => (p > 0 ? 2 * p : 0));
        expect(dKernel!.shape).toEqual([4, 2]);
        expectAllClose(
          await valuesOf(dKernel),
          xs.flatMap((xi) => upstream.map((u) => xi * u)),
        );
        expectAllClose(await valuesOf(dBias), upstream);
        return { pre, upstream };
      };
      const zero = await check(negative);
      expect(zero.pre.every((p) => p < 0)).toBe(true);
      expect(await valuesOf(negative.grad[0])).toEqual(new Array(8).fill(0));
      expect(await valuesOf(negative.grad[1])).toEqual([0, 0]);
      const nonZero = await check(active);
      expect(nonZero.pre.some((p) => p > 0)).toBe(true);
      expect(nonZero.pre.some((p) => p < 0)).toBe(true);
      expect(await valuesOf(active.grad[0])).toEqual([60, 0, 120, 0, 180, 0, 240, 0]);
      expect(await valuesOf(active.grad[1])).toEqual([6, 0]);
      expect(lines).toContain('>>> grad');
    });
  });

  it('non-trainable: x3 prints 9, x4 prints 5, gradients [8, null, null, null]', async () => {
    await runChecked(nonTrainable.run, async ({ x3, x4, grad }, lines) => {
      expect(await valuesOf(x3)).toEqual([9]);
      expect(await valuesOf(x4)).toEqual([5]);
      expect(printedAfter(lines, 'x3')).toBe('Tensor(shape=[], dtype=float32, 9.0)');
      expect(printedAfter(lines, 'x4')).toBe('Tensor(shape=[], dtype=float32, 5.0)');
      expect(await scalars(grad)).toEqual([8, null, null, null]);
      expect(lines).toContain('[Tensor(shape=[], dtype=float32, 8.0), null, null, null]');
    });
  });

  it('watch: gradients [8, 10, null, null]', async () => {
    await runChecked(watch.run, async ({ grad }, lines) => {
      expect(await scalars(grad)).toEqual([8, 10, null, null]);
      expect(lines).toContain(
        '[Tensor(shape=[], dtype=float32, 8.0), Tensor(shape=[], dtype=float32, 10.0), null, null]',
      );
    });
  });

  it('watch-accessed-variables: gradients [8, null]', async () => {
    await runChecked(watchAccessedVariables.run, async ({ grad }, lines) => {
      expect(await scalars(grad)).toEqual([8, null]);
      expect(lines).toContain('[Tensor(shape=[], dtype=float32, 8.0), null]');
    });
  });

  it('control-flow: [10, null] for x = 1 and [null, 12] for x = -1', async () => {
    await runChecked(controlFlow.run, async ({ positive, negative }, lines) => {
      expect(await scalars(positive)).toEqual([10, null]);
      expect(await scalars(negative)).toEqual([null, 12]);
      expect(lines).toContain('[Tensor(shape=[], dtype=float32, 10.0), null]');
      expect(lines).toContain('[null, Tensor(shape=[], dtype=float32, 12.0)]');
    });
  });

  it('the registry lists every example once, each logging and leaking nothing', async () => {
    expect(EXAMPLES.map((e) => e.name)).toEqual([
      'x-squared',
      'matmul-bias',
      'dense-relu',
      'non-trainable',
      'watch',
      'watch-accessed-variables',
      'control-flow',
    ]);
    for (const example of EXAMPLES) {
      await runChecked(example.run, async (_, lines) => {
        expect(lines.length, example.name).toBeGreaterThan(2);
        expect(
          lines.some((l) => /null|Tensor\(/.test(l)),
          example.name,
        ).toBe(true);
      });
    }
  });
});
