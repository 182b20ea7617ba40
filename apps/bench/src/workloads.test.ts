import { describe, expect, it } from 'vitest';
import { FULL, QUICK } from './config.js';
import { workloads } from './workloads.js';

describe('workloads paired for a ratio within one library', () => {
  it('pair the tape with the plain scalar op and the awaitless loop with the yielding one', () => {
    for (const config of [FULL, QUICK]) {
      const pairs = workloads(config)
        .filter((w) => w.pairedWith !== undefined)
        .map((w) => [w.pairedWith, w.id]);
      expect(pairs).toEqual([
        ['scalar', 'scalar-tape'],
        ['dense-loop-sync', 'dense-loop-yield'],
      ]);
    }
  });

  it('list each partner before the workload paired with it, with the same timing options', () => {
    const list = workloads(FULL);
    for (const [index, workload] of list.entries()) {
      if (workload.pairedWith === undefined) continue;
      const partner = list.findIndex((w) => w.id === workload.pairedWith);
      expect(partner).toBeGreaterThanOrEqual(0);
      expect(partner).toBeLessThan(index);
      expect(list[partner]!.measure).toBe(workload.measure);
    }
  });
});
