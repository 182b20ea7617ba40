/**
 * @file Tests of Range: float32 and int32, negative and fractional steps, no drift over long ranges,
 * size 0.
 */

import { expect, it } from 'vitest';
import { KernelHarness, describeEachPath } from '../test-utils.js';

describeEachPath('Range', (options) => {
  it('counts with integer and fractional steps', () => {
    const h = new KernelHarness(options);
    expect(h.values('Range', {}, { start: 0, step: 1 }, [5])).toEqual([0, 1, 2, 3, 4]);
    expect(h.values('Range', {}, { start: 1, step: -0.5 }, [4])).toEqual([1, 0.5, 0, -0.5]);
    expect(h.run('Range', {}, { start: 10, step: -3 }, [4], 'int32')).toEqual(new Int32Array([10, 7, 4, 1]));
  });

  it('computes each element from its index, so error does not accumulate', () => {
    const h = new KernelHarness(options);
    const out = h.run('Range', {}, { start: 0, step: 0.1 }, [1001]);
    expect(out[1000]).toBe(Math.fround(100));
    expect(out[3]).toBe(Math.fround(0.30000000000000004));
  });

  it('gives an empty output for size 0', () => {
    const h = new KernelHarness(options);
    expect(h.values('Range', {}, { start: 3, step: 1 }, [0])).toEqual([]);
  });
});
