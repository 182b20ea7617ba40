import './test-setup.js';
import { describe, expect, it } from 'vitest';
import { memory } from './api.js';
import { InvalidArgumentError } from './errors.js';
import * as random from './random.js';

describe('threefry2x32', () => {
  it('matches the Random123 known-answer vectors', () => {
    const out = new Uint32Array(2);
    random.threefry2x32(0, 0, 0, 0, out);
    expect([...out]).toEqual([0x6b200159, 0x99ba4efe]);
    random.threefry2x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, out);
    expect([...out]).toEqual([0x1cb996fc, 0xbb002be7]);
    random.threefry2x32(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3, out);
    expect([...out]).toEqual([0xc4923a9c, 0x483df7a0]);
  });
});

describe('random.normal / random.uniform', () => {
  it('continues one sequence per op seed, as TensorFlow eager does, and setSeed starts it over', () => {
    random.setSeed(5);
    const a = random.normal([5, 3], { seed: 42 });
    const b = random.normal([5, 3], { seed: 42 });
    const c = random.normal([5, 3], { seed: 43 });
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    random.setSeed(5);
    const again = random.normal([5, 3], { seed: 42 });
    expect(Array.from(again.dataSync())).toEqual(Array.from(a.dataSync()));
    for (const t of [a, b, c, again]) t.dispose();
  });

  it('stateless variants depend on their seed alone', () => {
    const a = random.statelessNormal([4, 3], [1, 2]);
    random.normal([8], { seed: 1 });
    random.setSeed(99);
    const b = random.statelessNormal([4, 3], [1, 2]);
    const c = random.statelessNormal([4, 3], [2, 1]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    const u = random.statelessUniform([100], [3, 4], { minval: -1, maxval: 1 });
    expect(Array.from(u.dataSync())).toEqual(
      Array.from(random.statelessUniform([100], [3, 4], { minval: -1, maxval: 1 }).dataSync()),
    );
    expect(Math.max(...Array.from(u.dataSync()))).toBeLessThan(1);
    expect(() => random.statelessNormal([2], [1] as unknown as [number, number])).toThrow(
      /random\.statelessNormal: argument 'seed' expected two integers/,
    );
  });

  it('repeats the sequence after setSeed, as TensorFlow does with a global seed', () => {
    random.setSeed(7);
    const first = [random.uniform([4]).dataSync().slice(), random.uniform([4]).dataSync().slice()];
    random.setSeed(7);
    const second = [random.uniform([4]).dataSync().slice(), random.uniform([4]).dataSync().slice()];
    expect(second).toEqual(first);
    expect(Array.from(first[0]!)).not.toEqual(Array.from(first[1]!));
  });

  it('has the requested moments and range', () => {
    const n = random.normal([20000], { mean: 3, stddev: 2, seed: 1 });
    const values = Array.from(n.dataSync());
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    expect(mean).toBeCloseTo(3, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(2, 1);
    const u = random.uniform([20000], { minval: -2, maxval: 5, seed: 2 });
    const uv = Array.from(u.dataSync());
    expect(Math.min(...uv)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...uv)).toBeLessThan(5);
    expect(uv.reduce((s, v) => s + v, 0) / uv.length).toBeCloseTo(1.5, 1);
    const ints = random.uniform([1000], { minval: 0, maxval: 10, dtype: 'int32', seed: 3 });
    expect(ints.dtype).toBe('int32');
    expect(new Set(ints.dataSync()).size).toBe(10);
    for (const t of [n, u, ints]) t.dispose();
  });

  it('rejects bad arguments without making a tensor', () => {
    const before = memory().numTensors;
    expect(() => random.normal([2, -1])).toThrow(InvalidArgumentError);
    expect(() => random.uniform([2], { minval: 1, maxval: 1 })).toThrow(/maxval/);
    expect(() => random.normal([2], { seed: 1.5 })).toThrow(/seed/);
    expect(memory().numTensors).toBe(before);
  });
});
