/**
 * @file A set of tensor ids for a tape's per-op "is this tensor tracked?" question: open addressing
 * over a Float64Array. A tape adds every output it records, so a JavaScript Set would grow by an entry
 * per op, and its table, on the JavaScript heap, is copied by the collector on every young-generation
 * pass while the tape lives; a typed array's contents are never copied or scanned.
 */

/** The slot value of an empty slot (ids are compared as numbers; 0 is kept apart, see `hasZero`). */
const EMPTY = 0;

/**
 * The table of the last set recycled (cleared), for the next set made: a tape makes a set per
 * recording and grows it to the size of its log, so reusing the last one's table saves each tape
 * its growths (a rehash per doubling). One spare at most; a typed array holds no references.
 */
let spare: Float64Array | null = null;
/** The largest table kept as the spare (512 KiB): a huge tape's table is left to the collector. */
const SPARE_LIMIT = 65536;

/** A set of numbers (tensor ids: non-negative integers below 2^53). */
export class IdSet {
  private slots: Float64Array;
  private mask: number;
  private count = 0;
  /** Whether 0 is in the set (0 marks an empty slot). */
  private hasZero = false;

  constructor() {
    const slots = spare ?? new Float64Array(64);
    spare = null;
    this.slots = slots;
    this.mask = slots.length - 1;
  }

  /**
   * Empties the set and gives its table to the next set made; this set stays usable (and empty) with
   * a small table of its own.
   */
  recycle(): void {
    const slots = this.slots;
    if (this.count !== 0) slots.fill(EMPTY);
    if (slots.length <= SPARE_LIMIT && (spare === null || spare.length < slots.length)) spare = slots;
    this.slots = new Float64Array(64);
    this.mask = 63;
    this.count = 0;
    this.hasZero = false;
  }

  /** How many ids are in the set. */
  get size(): number {
    return this.count + (this.hasZero ? 1 : 0);
  }

  has(id: number): boolean {
    if (id === EMPTY) return this.hasZero;
    const slots = this.slots;
    const mask = this.mask;
    for (let i = hash(id) & mask; ; i = (i + 1) & mask) {
      const slot = slots[i]!;
      if (slot === id) return true;
      if (slot === EMPTY) return false;
    }
  }

  add(id: number): void {
    if (id === EMPTY) {
      this.hasZero = true;
      return;
    }
    const slots = this.slots;
    const mask = this.mask;
    let i = hash(id) & mask;
    for (let slot = slots[i]!; slot !== EMPTY; slot = slots[i]!) {
      if (slot === id) return;
      i = (i + 1) & mask;
    }
    slots[i] = id;
    // At most half full: probes stay short.
    if (++this.count * 2 > mask) this.grow();
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Float64Array(old.length * 2);
    const mask = slots.length - 1;
    for (let j = 0; j < old.length; j++) {
      const id = old[j]!;
      if (id === EMPTY) continue;
      let i = hash(id) & mask;
      while (slots[i] !== EMPTY) i = (i + 1) & mask;
      slots[i] = id;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** Spreads consecutive ids (tensors are numbered in order) over the table; uses the low 32 bits and the rest. */
function hash(id: number): number {
  const low = id | 0;
  const high = (id / 4294967296) | 0;
  return Math.imul(low ^ Math.imul(high, 0x27d4eb2d), 0x9e3779b1) >>> 0;
}
