/**
 * @file Every notebook example on WebGPU (Dawn + SwiftShader in Node) against the same example on the
 * CPU backend: each tensor of the result with its shape, dtype and values (float32 within rounding,
 * None where the CPU has None), the logged cells line by line (the same text, numbers within
 * rounding), and no tensor left behind. Random draws are seeded the same on both backends, which give
 * the same numbers for the same seed. The exact notebook values (16 and 8, the Dense gradients) thus
 * hold on WebGPU because they hold on the CPU (examples.test.ts asserts them there).
 */
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from './examples/index.js';
import type { Example } from './examples/index.js';
import { useWebGpuInThisFile } from './webgpu-suite.js';

/** One tensor (or None) of an example's result, by where it sits in the result. */
interface Leaf {
  readonly path: string;
  readonly shape?: readonly number[];
  readonly dtype?: tf.DataType;
  readonly values?: number[];
}

/** What one run of an example showed and returned. */
interface Run {
  readonly lines: readonly string[];
  readonly leaves: readonly Leaf[];
}

/** The tensors and nulls of a result, depth first, with their paths. */
async function leavesOf(value: tf.TensorContainer, path: string, out: Leaf[]): Promise<void> {
  if (value === null) out.push({ path });
  else if (value instanceof tf.Tensor)
    out.push({ path, shape: value.shape, dtype: value.dtype, values: Array.from(await value.data()) });
  else if (Array.isArray(value))
    for (const [i, item] of value.entries()) await leavesOf(item as tf.TensorContainer, `${path}[${i}]`, out);
  else if (typeof value === 'object' && value !== undefined) {
    for (const key of Object.keys(value).sort())
      await leavesOf((value as Record<string, tf.TensorContainer>)[key], `${path}.${key}`, out);
  }
}

async function runOn(backend: 'cpu' | 'webgpu', example: Example): Promise<Run> {
  await tf.setBackend(backend);
  tf.random.setSeed(1234);
  const before = tf.memory().numTensors;
  const lines: string[] = [];
  const result = await example.run((line) => lines.push(line));
  const leaves: Leaf[] = [];
  try {
    await leavesOf(result, example.name, leaves);
  } finally {
    tf.dispose(result);
  }
  expect(tf.memory().numTensors, `${example.name} on ${backend} leaks`).toBe(before);
  return { lines, leaves };
}

/** |a - b| <= atol + rtol·|b|, NaN matching NaN: float32 sums of products with values in the thousands. */
function close(a: number, b: number): boolean {
  return Number.isNaN(b) ? Number.isNaN(a) : a === b || Math.abs(a - b) <= 1e-4 + 1e-5 * Math.abs(b);
}

const NUMBER = /-?\d+(?:\.\d*)?(?:e[+-]?\d+)?/g;

/** A logged line is the same when its text matches and its numbers agree within float32 rounding. */
function expectSameLine(actual: string, expected: string, where: string): void {
  expect(actual.replace(NUMBER, '#'), where).toBe(expected.replace(NUMBER, '#'));
  const a = actual.match(NUMBER)?.map(Number) ?? [];
  const e = expected.match(NUMBER)?.map(Number) ?? [];
  e.forEach((value, i) => expect(close(a[i]!, value), `${where}: ${a[i]} vs ${value}`).toBe(true));
}

useWebGpuInThisFile();

describe('notebook examples on WebGPU match the CPU backend', () => {
  for (const example of EXAMPLES) {
    it(example.name, async () => {
      const cpu = await runOn('cpu', example);
      const gpu = await runOn('webgpu', example);
      expect(gpu.lines.length).toBe(cpu.lines.length);
      cpu.lines.forEach((line, i) => expectSameLine(gpu.lines[i]!, line, `${example.name} line ${i}`));
      expect(gpu.leaves.map((l) => l.path)).toEqual(cpu.leaves.map((l) => l.path));
      cpu.leaves.forEach((leaf, i) => {
        const other = gpu.leaves[i]!;
        expect(other.values === undefined, `${leaf.path} is None on one backend only`).toBe(leaf.values === undefined);
        if (leaf.values === undefined) return;
        expect(other.shape, leaf.path).toEqual(leaf.shape);
        expect(other.dtype, leaf.path).toBe(leaf.dtype);
        leaf.values.forEach((v, j) =>
          expect(close(other.values![j]!, v), `${leaf.path}[${j}]: ${other.values![j]} vs ${v}`).toBe(true),
        );
      });
    });
  }

  it('ran on WebGPU', () => {
    expect(tf.getEngine().registeredBackends()).toContain('webgpu');
  });
});
