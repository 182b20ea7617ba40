/**
 * @file Tests of the heap allocator: size classes, exact reuse (a repeated workload stops growing),
 * coalescing before growth, and blocks that never overlap under a random workload.
 */

import { describe, expect, it } from 'vitest';
import { seededRandom } from '../test-utils.js';
import { HeapAllocator, sizeClass } from './allocator.js';

function allocator(start = 1024, end = 4096): { heap: HeapAllocator; grown: number[] } {
  const grown: number[] = [];
  const heap = new HeapAllocator(start, end, (minimumEnd) => {
    grown.push(minimumEnd);
    return Math.max(minimumEnd, end * 2 ** grown.length);
  });
  return { heap, grown };
}

describe('sizeClass', () => {
  it('rounds to 16 bytes up to 64, then to four classes per power of two, in cache lines', () => {
    expect([1, 16, 17, 64].map(sizeClass)).toEqual([16, 16, 32, 64]);
    expect([65, 100, 128, 129, 4 << 20, (4 << 20) + 4].map(sizeClass)).toEqual([128, 128, 128, 192, 4 << 20, 5 << 20]);
    for (let bytes = 1; bytes < 1 << 20; bytes = Math.ceil(bytes * 1.37)) {
      const size = sizeClass(bytes);
      expect(size).toBeGreaterThanOrEqual(bytes);
      expect(size % 16).toBe(0);
      if (bytes > 64) expect(size).toBeLessThanOrEqual(Math.max(bytes * 1.25, bytes + 64));
    }
  });
});

describe('HeapAllocator', () => {
  it('bumps, then reuses freed blocks of the same class', () => {
    const { heap } = allocator();
    const a = heap.allocate(64);
    const b = heap.allocate(64);
    expect([a, b]).toEqual([1024, 1088]);
    heap.release(a, 64);
    expect(heap.allocate(64)).toBe(a);
  });

  it('gives a block at the top straight back to the bump pointer', () => {
    const { heap } = allocator();
    heap.allocate(64);
    const top = heap.allocate(128);
    heap.release(top, 128);
    expect(heap.top).toBe(1088);
    expect(heap.freeBlocks).toBe(0);
  });

  it('stops growing once a repeated workload has run once', () => {
    const { heap, grown } = allocator(0, 1 << 16);
    const step = (): void => {
      const blocks = [1000, 64, 4096, 1000, 300000, 64].map(
        (bytes) => [heap.allocate(sizeClass(bytes)), sizeClass(bytes)] as const,
      );
      for (const [offset, size] of blocks.reverse()) heap.release(offset, size);
    };
    step();
    const top = heap.top;
    const growths = grown.length;
    for (let i = 0; i < 100; i++) step();
    expect(heap.top).toBe(top);
    expect(grown.length).toBe(growths);
  });

  it('merges free neighbours before growing', () => {
    const { heap, grown } = allocator(0, 1024);
    const blocks = [0, 1, 2, 3].map(() => heap.allocate(256));
    expect(heap.top).toBe(1024);
    heap.release(blocks[1]!, 256);
    heap.release(blocks[2]!, 256);
    // 512 bytes fit only in the two merged 256-byte blocks.
    expect(heap.allocate(512)).toBe(256);
    expect(grown).toEqual([]);
  });

  it("reuses a steady loop's blocks in a full, fragmented heap without coalescing every step", () => {
    // A larger workload ran first: the memory is full to its end, a block near the top stays live,
    // and what it freed lies in blocks of its own sizes (none of the loop's classes).
    const { heap, grown } = allocator(0, 1 << 20);
    const earlier = [];
    while (heap.top < 1 << 20) earlier.push(heap.allocate(4096));
    for (const offset of earlier.slice(0, -1)) heap.release(offset, 4096);
    // One step's tensors: two of one class live at once, one freed before a larger one is made (as a
    // training step's temporaries are), all gone by the step's end. The old allocator coalesced on
    // each miss, merging the freed block into its free neighbour: the next step missed again.
    const step = (): void => {
      const a = heap.allocate(512);
      const b = heap.allocate(512);
      heap.release(b, 512);
      const c = heap.allocate(2048);
      heap.release(a, 512);
      heap.release(c, 2048);
    };
    step();
    const coalesces = heap.coalesces;
    for (let i = 0; i < 1000; i++) step();
    expect(heap.coalesces - coalesces).toBe(0);
    expect(grown).toEqual([]);
  });

  it('splits the smallest free block that fits, before merging any', () => {
    const { heap, grown } = allocator(0, 4096);
    const blocks = [1024, 256, 1024, 512, 1280].map((size) => [heap.allocate(size), size] as const);
    expect(heap.top).toBe(4096);
    for (const [offset, size] of blocks.slice(0, 4)) heap.release(offset, size);
    // 448 bytes: the 512-byte block (at 2304) is the smallest that holds it; its rest stays free.
    expect(heap.allocate(448)).toBe(2304);
    expect(heap.allocate(64)).toBe(2304 + 448);
    expect(heap.coalesces).toBe(0);
    // 2048 bytes fit only once the first three blocks (1024 + 256 + 1024) are merged.
    expect(heap.allocate(2048)).toBe(0);
    expect(heap.coalesces).toBe(1);
    expect(grown).toEqual([]);
  });

  it('never hands out overlapping blocks (random workload)', () => {
    const random = seededRandom(7);
    const { heap } = allocator(0, 4096);
    const live = new Map<number, number>();
    for (let i = 0; i < 3000; i++) {
      if (live.size > 0 && random() < 0.45) {
        const [offset, size] = [...live][Math.floor(random() * live.size)]!;
        live.delete(offset);
        heap.release(offset, size);
      } else {
        const size = sizeClass(1 + Math.floor(random() * random() * 20000));
        const offset = heap.allocate(size);
        const overlap = [...live].find(([other, otherSize]) => offset < other + otherSize && other < offset + size);
        if (overlap !== undefined) expect.fail(`block ${offset}+${size} overlaps ${overlap[0]}+${overlap[1]}`);
        live.set(offset, size);
      }
    }
  });
});
