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
