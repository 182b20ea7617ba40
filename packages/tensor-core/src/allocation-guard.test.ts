import './test-setup.js';
import { describe, expect, it } from 'vitest';
import {
  AllocationGuard,
  DEFAULT_ALLOCATION_LIMIT,
  getAllocationLimit,
  setAllocationLimit,
} from './allocation-guard.js';
import { Engine } from './engine.js';
import { InvalidArgumentError, ResourceExhaustedError } from './errors.js';

describe('the allocation guard', () => {
  it('refuses a shape over the limit by its bytes (bool takes one byte an element), whatever the product overflows to', () => {
    const guard = new AllocationGuard();
    guard.maxBytes = 16;
    expect(() => guard.check('op', [4], 'float32')).not.toThrow();
    expect(() => guard.check('op', [16], 'bool')).not.toThrow();
    expect(() => guard.check('op', [5], 'int32')).toThrow(ResourceExhaustedError);
    expect(() => guard.check('op', [17], 'bool')).toThrow(
      /^op: a bool tensor of shape \[17\] \(17 elements, 17 bytes\) is larger than the allocation limit of 16 bytes per tensor/,
    );
    expect(() => guard.check('op', [2 ** 600, 2 ** 600], 'float32')).toThrow(/Infinity bytes/);
    expect(() => guard.check('op', [0, 2 ** 600], 'float32')).not.toThrow();
  });

  it("is per Engine, 2 GiB by default; setAllocationLimit sets the default Engine's and returns the old one", () => {
    expect(new Engine().allocationGuard.maxBytes).toBe(DEFAULT_ALLOCATION_LIMIT);
    expect(DEFAULT_ALLOCATION_LIMIT).toBe(2 ** 31);
    const previous = setAllocationLimit(1024);
    try {
      expect(getAllocationLimit()).toBe(1024);
      expect(new Engine().allocationGuard.maxBytes).toBe(DEFAULT_ALLOCATION_LIMIT);
      expect(setAllocationLimit(Infinity)).toBe(1024);
      expect(() => setAllocationLimit(NaN)).toThrow(InvalidArgumentError);
      expect(() => setAllocationLimit(1.5)).toThrow(
        /^setAllocationLimit: argument 'maxBytes' expected a non-negative integer number of bytes \(or Infinity\), but got number 1\.5/,
      );
    } finally {
      setAllocationLimit(previous);
    }
  });
});
