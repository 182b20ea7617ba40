/**
 * @file A set of tensor ids for a tape's per-op "is this tensor tracked?" question: open addressing
 * over a Float64Array. A tape adds every output it records, so a JavaScript Set would grow by an entry
 * per op, and its table, on the JavaScript heap, is copied by the collector on every young-generation
 * pass while the tape lives; a typed array's contents are never copied or scanned.
 *
 * The ids a tape adds per op are its outputs' ids, fresh ones, counted up by the engine: `addFresh`
 * puts those in a bitmap over a window of ids that starts at the first (a bit per id the engine made
 * since, tracked or not; the window grows upward, up to WINDOW_LIMIT bits), so the per-op questions
 * cost a shift and a mask instead of a hash and a probe. Any other id (watched tensors, Variables, an
 * id past the window) goes to the hash table, which `has` asks when the bitmap says no.
 */

/** The slot value of an empty slot (ids are compared as numbers; 0 is kept apart, see `hasZero`). */
const EMPTY = 0;

/**
 * The table of the last set recycled (cleared), for the next set made: a tape makes a set per
 * recording and grows it to the size of its log, so reusing the last one's table saves each tape
 * its growths (a rehash per doubling). One spare at most; a typed array holds no references.
 */
let spare: Float64Array | null = null;
/** Likewise for the window's bitmap. */
let spareBits: Int32Array | null = null;
/** The largest table kept as the spare (512 KiB): a huge tape's table is left to the collector. */
const SPARE_LIMIT = 65536;
/** The most ids a window covers (2^24: a 2 MiB bitmap); fresh ids past it go to the hash table. */
const WINDOW_LIMIT = 1 << 24;

/** A set of numbers (tensor ids: non-negative integers below 2^53). */
export class IdSet {
  private slots: Float64Array;
  private mask: number;
  private count = 0;
  /** Whether 0 is in the set (0 marks an empty slot). */
  private hasZero = false;
  /** The window's first id (-1 until `addFresh` opens it) and its bitmap: bit `id - base`. */
  private base = -1;
  private bits: Int32Array;
  /** Ids in the window (bits set). */
  private windowCount = 0;

  constructor() {
    const slots = spare ?? new Float64Array(64);
    spare = null;
    this.slots = slots;
    this.mask = slots.length - 1;
    this.bits = spareBits ?? new Int32Array(64);
    spareBits = null;
  }

  /**
   * Empties the set and gives its table to the next set made; this set stays usable (and empty) with
   * a small table of its own.
   */
  recycle(): void {
    const slots = this.slots;
    if (this.count !== 0) slots.fill(EMPTY);
    if (slots.length <= SPARE_LIMIT && (spare === null || spare.length < slots.length)) spare = slots;
    const bits = this.bits;
    if (this.windowCount !== 0) bits.fill(0);
    if (bits.length <= SPARE_LIMIT && (spareBits === null || spareBits.length < bits.length)) spareBits = bits;
    this.slots = new Float64Array(64);
    this.mask = 63;
    this.count = 0;
    this.hasZero = false;
    this.bits = new Int32Array(64);
    this.base = -1;
    this.windowCount = 0;
  }

  /** How many ids are in the set. */
  get size(): number {
    return this.count + this.windowCount + (this.hasZero ? 1 : 0);
  }

  has(id: number): boolean {
    const offset = id - this.base;
    if (this.base >= 0 && offset >= 0 && offset < this.bits.length * 32) {
      if ((this.bits[offset >>> 5]! & (1 << (offset & 31))) !== 0) return true;
    }
    return this.count !== 0 || id === EMPTY ? this.hashHas(id) : false;
  }

  /**
   * Adds `id` like `add`, cheaper for a fresh id (an op's output: made after the window's first id,
   * and not long after its last): in the window when it falls there, else in the hash table.
   */
  addFresh(id: number): void {
    if (this.base < 0) {
      if (id <= EMPTY) return this.add(id);
      this.base = id;
    }
    const offset = id - this.base;
    if (offset < 0 || offset >= WINDOW_LIMIT) return this.add(id);
    const word = offset >>> 5;
    if (word >= this.bits.length) this.growBits(word);
    const bit = 1 << (offset & 31);
    const bits = this.bits;
    if ((bits[word]! & bit) !== 0) return;
    // Ids in the hash table are not moved into the window: `has` asks it too, so none is counted twice.
    if (this.count !== 0 && this.hashHas(id)) return;
    bits[word] = bits[word]! | bit;
    this.windowCount++;
  }

  private growBits(word: number): void {
    let length = this.bits.length * 2;
    while (length <= word) length *= 2;
    const bits = new Int32Array(length);
    bits.set(this.bits);
    this.bits = bits;
  }

  private hashHas(id: number): boolean {
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
    if (this.windowCount !== 0) {
      const offset = id - this.base;
      const inWindow = offset >= 0 && offset < this.bits.length * 32;
      if (inWindow && (this.bits[offset >>> 5]! & (1 << (offset & 31))) !== 0) return;
    }
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
