/**
 * @file A small seeded random generator (mulberry32) for the examples that make their own data (the
 * sentiment sentences, the character sampler): the same seed gives the same sentences and samples
 * on every machine and backend, without touching tapeflow's global generator.
 */

/**
 * A generator of floats in [0, 1) from a 32-bit seed.
 * @example const random = seededRandom(42); random(); // 0.6011037519...
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One element of `items`, uniformly.
 * @example pick(random, ['good', 'bad'])
 */
export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}
