import { describe, expect, it } from 'vitest';
import { IdSet } from './id-set.js';

describe('IdSet', () => {
  it('answers like a Set over many growths, for ids in order, scattered, 0 and above 2^32', () => {
    const ids = new IdSet();
    const reference = new Set<number>();
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const candidates: number[] = [0, 1, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, 4294967295];
    for (let i = 1; i <= 5000; i++) candidates.push(i, next(), next() * 4096);
    candidates.forEach((id, k) => {
      if (k % 3 !== 2) {
        ids.add(id);
        reference.add(id);
      }
    });
    expect(ids.size).toBe(reference.size);
    for (const id of candidates) expect(ids.has(id)).toBe(reference.has(id));
    for (let i = 0; i < 2000; i++) {
      const id = next() + 2 ** 40;
      expect(ids.has(id)).toBe(reference.has(id));
    }
  });

  it('adds an id once', () => {
    const ids = new IdSet();
    ids.add(5);
    ids.add(5);
    ids.add(0);
    ids.add(0);
    expect(ids.size).toBe(2);
    expect(ids.has(5) && ids.has(0) && !ids.has(6)).toBe(true);
  });
});

describe('IdSet windows and recycling', () => {
  it('answers like a Set when fresh ids (a window) and any ids (the hash table) are mixed, over growths', () => {
    const ids = new IdSet();
    const reference = new Set<number>();
    let seed = 11;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
    // A watched Variable with an old id, then outputs counting up with gaps (untracked ops between),
    // some ids added both ways, a few far past the window, and ids below its start.
    const add = (id: number, fresh: boolean): void => {
      if (fresh) ids.addFresh(id);
      else ids.add(id);
      reference.add(id);
    };
    add(3, false);
    let id = 1000;
    for (let i = 0; i < 20000; i++) {
      id += 1 + (next() % 3);
      add(id, true);
      if (i % 97 === 0) add(id, false);
      if (i % 101 === 0) add(id + 2, false);
      if (i % 103 === 0) add(next() % 1000, i % 2 === 0);
      if (i % 499 === 0) add(id + 2 ** 25, true);
    }
    add(0, true);
    add(2 ** 53 - 1, true);
    expect(ids.size).toBe(reference.size);
    for (let probe = 0; probe < id + 10; probe++) expect(ids.has(probe)).toBe(reference.has(probe));
    for (const known of reference) expect(ids.has(known)).toBe(true);
    expect(ids.has(2 ** 53 - 2)).toBe(false);
  });

  it('is empty after recycle, and the next set made (which takes its tables) starts empty too', () => {
    const first = new IdSet();
    for (let i = 1; i <= 5000; i++) {
      first.addFresh(100 + i);
      first.add(7 * i + 1_000_000);
    }
    first.recycle();
    expect(first.size).toBe(0);
    expect(first.has(101) || first.has(1_000_008)).toBe(false);
    const second = new IdSet();
    expect(second.size).toBe(0);
    for (let i = 1; i <= 5000; i++) expect(second.has(100 + i) || second.has(7 * i + 1_000_000)).toBe(false);
    second.addFresh(50);
    second.add(1_000_008);
    expect(second.size).toBe(2);
    expect(second.has(50) && second.has(1_000_008)).toBe(true);
    for (let i = 2; i <= 5000; i++) expect(second.has(100 + i) || second.has(7 * i + 1_000_000)).toBe(false);
    first.addFresh(9);
    expect(first.size).toBe(1);
    expect(first.has(9) && !second.has(9)).toBe(true);
  });
});
