/**
 * @file Tests of Fill: every dtype, conversion of the value as Cast does it, scalars and size 0.
 */

import { expect, it } from 'vitest';
import { KernelHarness, describeEachPath } from '../test-utils.js';

describeEachPath('Fill', (options) => {
  it('fills float32, int32 and bool tensors', () => {
    const h = new KernelHarness(options);
    expect(h.run('Fill', {}, { value: 1.5 }, [2, 3])).toEqual(new Float32Array(6).fill(1.5));
    expect(h.run('Fill', {}, { value: -2.9 }, [3], 'int32')).toEqual(new Int32Array([-2, -2, -2]));
    expect(h.run('Fill', {}, { value: 3 }, [2], 'bool')).toEqual(new Uint8Array([1, 1]));
    expect(h.run('Fill', {}, { value: 0 }, [2], 'bool')).toEqual(new Uint8Array([0, 0]));
  });

  it('fills scalars, NaN and size 0', () => {
    const h = new KernelHarness(options);
    expect(h.values('Fill', {}, { value: 4 }, [])).toEqual([4]);
    expect(h.values('Fill', {}, { value: NaN }, [2])).toEqual([NaN, NaN]);
    expect(h.values('Fill', {}, { value: 4 }, [3, 0])).toEqual([]);
  });
});
