/**
 * @file The tensor heap's allocator: blocks of linear memory handed out by size class from free lists,
 * with a bump pointer behind them. Pure bookkeeping over byte offsets (no memory access), so it is
 * tested on its own.
 *
 * Why size classes and exact-class free lists: a training loop allocates the same shapes every step,
 * so after the first step every request is a free-list pop (O(1)) and the heap stops growing: the
 * "RSS flat over 1000 steps" property. Sizes round up to 16 bytes (a SIMD vector) below 64 bytes and to
 * four classes per power of two above (at most 25% slack, always a multiple of 64: a cache line).
 * When a request finds no block of its class and would grow the memory, the smallest free block that
 * holds it is split (best fit); only when none does are free blocks coalesced (adjacent ones merged,
 * those touching the bump pointer returned to it) and searched again, so a workload whose shapes change
 * reuses its freed memory instead of growing without bound. WebAssembly memory never shrinks, so the
 * heap's high-water mark is what the process keeps.
 *
 * Why best fit before coalescing: coalescing merges every free block, so it empties the exact-class
 * lists a steady loop reuses from. With the memory full to its end (after a larger workload, with a
 * live block near the top) a loop whose class lists were empty then coalesced on every miss, and each
 * coalesce made the next allocations miss again: 26 coalesce passes a step of a small Dense model,
 * 10x its time (issue 16's loop row, 2.2 s alone against 21 s after the LSTM and transformer rows).
 * Split from a larger block, the loop's blocks return to their class lists and the next step reuses
 * them.
 */

const SMALL = 4096;

/** Grows the memory so that at least `minimumEnd` bytes exist; returns the new end. */
export type GrowFunction = (minimumEnd: number) => number;

/** The block size a request of `bytes` gets. */
export function sizeClass(bytes: number): number {
  if (bytes <= 64) return Math.max(16, (bytes + 15) & ~15);
  const exponent = 31 - Math.clz32(bytes - 1); // 2^exponent < bytes <= 2^(exponent + 1)
  const step = Math.max(64, 2 ** (exponent - 2));
  return Math.ceil(bytes / step) * step;
}

/** Free-list allocator over [start, end) of a growable memory. */
export class HeapAllocator {
  #top: number;
  #end: number;
  readonly #free = new Map<number, number[]>();
  /** Free lists of blocks up to SMALL bytes, indexed by size / 16: an array index beats a hash. */
  readonly #small: number[][] = Array.from({ length: SMALL / 16 + 1 }, () => []);
  #freeBlocks = 0;
  #coalesces = 0;

  constructor(
    start: number,
    end: number,
    private readonly grow: GrowFunction,
  ) {
    this.#top = start;
    this.#end = end;
  }

  /** The bump pointer: every byte at or above it is unused. */
  get top(): number {
    return this.#top;
  }

  /** Free blocks waiting for reuse. */
  get freeBlocks(): number {
    return this.#freeBlocks;
  }

  /** Coalescing passes so far (each merges every free block: the slow path, counted for tests). */
  get coalesces(): number {
    return this.#coalesces;
  }

  /** A block of `size` bytes (a `sizeClass` result); returns its offset. */
  allocate(size: number): number {
    const reused = this.#pop(size);
    if (reused !== undefined) return reused;
    if (this.#top + size > this.#end && this.#freeBlocks > 0) {
      const fit = this.#bestFit(size);
      if (fit !== undefined) return fit;
      this.#coalesce();
      const merged = this.#pop(size) ?? this.#bestFit(size);
      if (merged !== undefined) return merged;
    }
    if (this.#top + size > this.#end) this.#end = this.grow(this.#top + size);
    const offset = this.#top;
    this.#top += size;
    return offset;
  }

  /** Returns a block from `allocate` (with the same `size`). */
  release(offset: number, size: number): void {
    if (offset + size === this.#top) {
      this.#top = offset;
      return;
    }
    this.#list(size).push(offset);
    this.#freeBlocks++;
  }

  #list(size: number): number[] {
    if (size <= SMALL && (size & 15) === 0) return this.#small[size >>> 4]!;
    let list = this.#free.get(size);
    if (list === undefined) this.#free.set(size, (list = []));
    return list;
  }

  #pop(size: number): number | undefined {
    const offset = this.#list(size).pop();
    if (offset !== undefined) this.#freeBlocks--;
    return offset;
  }

  /** The smallest free block of at least `size` bytes, split so the rest stays free. */
  #bestFit(size: number): number | undefined {
    let blockSize = 0;
    let list: number[] | undefined;
    // Small lists hold sizes i · 16: the first non-empty one from `size` up is the smallest fit.
    for (let i = Math.ceil(size / 16); i < this.#small.length; i++) {
      if (this.#small[i]!.length === 0) continue;
      blockSize = i * 16;
      list = this.#small[i];
      break;
    }
    if (list === undefined) {
      for (const [candidate, blocks] of this.#free) {
        if (candidate < size || blocks.length === 0 || (list !== undefined && candidate >= blockSize)) continue;
        blockSize = candidate;
        list = blocks;
      }
    }
    if (list === undefined) return undefined;
    const offset = list.pop()!;
    this.#freeBlocks--;
    if (blockSize > size) this.release(offset + size, blockSize - size);
    return offset;
  }

  /** Merges adjacent free blocks and gives those at the top back to the bump pointer. */
  #coalesce(): void {
    this.#coalesces++;
    const blocks: [offset: number, size: number][] = [];
    for (let i = 1; i < this.#small.length; i++) for (const offset of this.#small[i]!) blocks.push([offset, i * 16]);
    for (const [size, list] of this.#free) for (const offset of list) blocks.push([offset, size]);
    this.#free.clear();
    for (const list of this.#small) list.length = 0;
    this.#freeBlocks = 0;
    blocks.sort((x, y) => x[0] - y[0]);
    const merged: [number, number][] = [];
    for (const [offset, size] of blocks) {
      const last = merged[merged.length - 1];
      if (last !== undefined && last[0] + last[1] === offset) last[1] += size;
      else merged.push([offset, size]);
    }
    for (let i = merged.length - 1; i >= 0; i--) {
      const [offset, size] = merged[i]!;
      if (offset + size === this.#top) this.#top = offset;
      else this.release(offset, size);
    }
  }
}
