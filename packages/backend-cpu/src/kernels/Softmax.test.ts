/**
 * @file Tests of the fused Softmax against the composite it replaces: each axis of a rank-3 input,
 * large values that would overflow without the max shift, infinities and NaN, size 0.
 */

import { expect, it } from 'vitest';
import { KernelHarness, describeEachPath, expectClose, randomValues, seededRandom } from '../test-utils.js';

describeEachPath('Softmax', (options) => {
  it('matches reference values on the last axis', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([1, 2, 3, 0, 0, 0], [2, 3]);
    expectClose(h.run('Softmax', { x }, { axis: 1 }, [2, 3]), [
      0.09003057,
      0.24472847,
      0.66524096,
      1 / 3,
      1 / 3,
      1 / 3,
    ]);
  });

  it('matches the composite of primitive kernels on each axis of a rank-3 input', () => {
    const h = new KernelHarness(options);
    const shape = [2, 3, 4];
    const values = randomValues(24, seededRandom(3)).map((v) => v * 10);
    const x = h.tensor(values, shape);
    for (let axis = 0; axis < 3; axis++) {
      const reducedShape = shape.filter((_, d) => d !== axis);
      const keptShape = shape.map((d, i) => (i === axis ? 1 : d));
      const reshape = (info: ReturnType<typeof h.tensor>) => ({ ...info, shape: keptShape });
      const max = h.tensor(h.run('Max', { x }, { axes: [axis] }, reducedShape), keptShape);
      const shifted = h.tensor(h.run('Sub', { a: x, b: reshape(max) }, {}, shape), shape);
      const exp = h.tensor(h.run('Exp', { x: shifted }, {}, shape), shape);
      const sum = h.tensor(h.run('Sum', { x: exp }, { axes: [axis] }, reducedShape), keptShape);
      const composite = h.run('RealDiv', { a: exp, b: reshape(sum) }, {}, shape);
      expectClose(h.run('Softmax', { x }, { axis }, shape), composite, 1e-6);
    }
  });

  it('does not overflow on large inputs', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([1000, 1000, -1000], [3]);
    expectClose(h.run('Softmax', { x }, { axis: 0 }, [3]), [0.5, 0.5, 0]);
  });

  it('gives NaN for a row with NaN or +Infinity, as the composite does', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([1, NaN, Infinity, 0], [2, 2]);
    expect(h.values('Softmax', { x }, { axis: 1 }, [2, 2])).toEqual([NaN, NaN, NaN, NaN]);
  });

  it('handles size 0 along and across the axis', () => {
    const h = new KernelHarness(options);
    expect(h.values('Softmax', { x: h.tensor([], [2, 0]) }, { axis: 1 }, [2, 0])).toEqual([]);
    expect(h.values('Softmax', { x: h.tensor([], [0, 3]) }, { axis: 1 }, [0, 3])).toEqual([]);
  });
});
