/**
 * @file The allocation guard: one size check, from the shape asked for, before anything is allocated
 * on the host or on a device. Without it a huge request (`ones([1e6, 1e6])`, `range(0, 1e12)`, a
 * `broadcastTo` of a huge shape) either spends seconds filling gigabytes or fails deep inside a
 * backend with whatever its platform throws. With it, the request is a `ResourceExhaustedError` (the
 * error TensorFlow gives for an allocation it cannot make) that names the op, the shape and the limit,
 * raised in microseconds. The limit is per tensor, in bytes, and lives on the Engine (no module state
 * a second Engine would share); `setAllocationLimit` changes the default Engine's.
 */

import type { DataType } from './dtype.js';
import { bytesPerElement } from './dtype.js';
import { getEngine } from './engine.js';
import { formatShape, invalidArgument, ResourceExhaustedError } from './errors.js';
import { describeValue } from './options.js';

/**
 * The default limit: 2 GiB per tensor. Every JavaScript engine can make a typed array that large, and
 * the CPU backend's WebAssembly store (32-bit addresses, 4 GiB in all) must still hold the operands.
 */
export const DEFAULT_ALLOCATION_LIMIT = 2 ** 31;

/** The per-tensor size limit an Engine enforces. */
export class AllocationGuard {
  /** The most bytes one tensor may take. */
  maxBytes = DEFAULT_ALLOCATION_LIMIT;

  /**
   * The bytes a tensor of `shape` and `dtype` takes; throws a ResourceExhaustedError naming `op` if
   * that is more than `maxBytes` (the Engine reuses the count for its accounting). The shape's dimensions
   * must already be valid (non-negative integers); their product may overflow to Infinity.
   */
  check(op: string, shape: readonly number[], dtype: DataType): number {
    let elements = 1;
    for (let i = 0; i < shape.length; i++) elements *= shape[i]!;
    const bytes = elements * bytesPerElement(dtype);
    if (bytes > this.maxBytes) this.refuse(op, shape, dtype, elements);
    return bytes;
  }

  /** Throws the guard's error for a request of `elements` elements of `dtype` (of `shape`). */
  refuse(op: string, shape: readonly number[], dtype: DataType, elements: number): never {
    const bytes = elements * bytesPerElement(dtype);
    throw new ResourceExhaustedError(
      `${op}: a ${dtype} tensor of shape ${formatShape(shape)} (${elements} elements, ${bytes} bytes) is larger than the allocation limit of ${this.maxBytes} bytes per tensor; nothing was allocated. Raise the limit with tf.setAllocationLimit(bytes) if the memory is there.`,
      op,
    );
  }
}

/**
 * @internal Throws a ResourceExhaustedError if a tensor of `shape` and `dtype` is over the default
 * Engine's limit: op front-ends call it before allocating anything.
 */
export function checkAllocation(op: string, shape: readonly number[], dtype: DataType): void {
  getEngine().allocationGuard.check(op, shape, dtype);
}

/**
 * Sets the largest tensor, in bytes, that any op may make (default 2 GiB, `DEFAULT_ALLOCATION_LIMIT`).
 * A larger request is a `ResourceExhaustedError` before anything is allocated. Returns the previous
 * limit, so a test or a section of a program can restore it.
 * @example const previous = tf.setAllocationLimit(64 * 2 ** 20); // 64 MiB per tensor
 */
export function setAllocationLimit(maxBytes: number): number {
  if (typeof maxBytes !== 'number' || !(maxBytes >= 0) || !(Number.isInteger(maxBytes) || maxBytes === Infinity)) {
    invalidArgument(
      'setAllocationLimit',
      'maxBytes',
      'a non-negative integer number of bytes (or Infinity)',
      describeValue(maxBytes),
    );
  }
  const guard = getEngine().allocationGuard;
  const previous = guard.maxBytes;
  guard.maxBytes = maxBytes;
  return previous;
}

/** The largest tensor, in bytes, that any op may make (see `setAllocationLimit`). */
export function getAllocationLimit(): number {
  return getEngine().allocationGuard.maxBytes;
}
