import { describe, expect, it } from 'vitest';
import type { Task } from './libraries/types.js';
import { measurePair, type Clock, type MeasureOptions } from './measure.js';

/** A fake clock, and tasks that advance it by a fixed time per run and log their runs. */
function fakeMachine(): { clock: Clock; log: string[]; task: (name: string, msPerRun: number) => Task } {
  let time = 0;
  const log: string[] = [];
  return {
    clock: () => time,
    log,
    task: (name, msPerRun) => ({
      run: () => {
        time += msPerRun;
        log.push(name);
      },
      dispose: () => undefined,
    }),
  };
}

const OPTIONS: MeasureOptions = { warmupMs: 10, samples: 5, minSampleMs: 4, budgetMs: 1000 };

describe('measurePair', () => {
  it('alternates the two tasks sample by sample, first-second then second-first', async () => {
    const { clock, log, task } = fakeMachine();
    await measurePair({ task: task('a', 1) }, { task: task('b', 2) }, OPTIONS, () => log.push('|'), clock);
    const timed = log.slice(log.indexOf('|') + 1).join('');
    // 4 runs of a (1 ms) and 2 of b (2 ms) make a 4 ms sample each.
    expect(timed).toBe('aaaabb' + 'bbaaaa' + 'aaaabb' + 'bbaaaa' + 'aaaabb');
  });

  it('gives each task its own time per run and runs per sample', async () => {
    const { clock, task } = fakeMachine();
    const [a, b] = await measurePair({ task: task('a', 1) }, { task: task('b', 3) }, OPTIONS, undefined, clock);
    expect(a).toEqual({ median: 1, min: 1, max: 1, samples: 5, runsPerSample: 4 });
    expect(b).toEqual({ median: 3, min: 3, max: 3, samples: 5, runsPerSample: 2 });
  });

  it('warms each task up before any timed run, and runs afterWarmUp once between', async () => {
    const { clock, log, task } = fakeMachine();
    let calls = 0;
    await measurePair({ task: task('a', 1) }, { task: task('b', 2) }, OPTIONS, () => (calls++, log.push('|')), clock);
    expect(calls).toBe(1);
    const warm = log.slice(0, log.indexOf('|')).join('');
    // a until 10 ms have passed, then b likewise.
    expect(warm).toBe('a'.repeat(10) + 'b'.repeat(5));
  });

  it("uses a task's own warmUp instead of warm-up runs, then one run per sample", async () => {
    const { clock, log, task } = fakeMachine();
    const slow = { ...task('s', 50), warmUp: () => void log.push('w') };
    const [, stats] = await measurePair({ task: task('a', 1) }, { task: slow }, OPTIONS, () => log.push('|'), clock);
    expect(log.slice(0, log.indexOf('|')).filter((entry) => entry !== 'a')).toEqual(['w']);
    expect(stats.runsPerSample).toBe(1);
    expect(stats.median).toBe(50);
  });

  it('skips the warm-up runs of a task whose run was just timed (warmedRunMs)', async () => {
    const { clock, log, task } = fakeMachine();
    await measurePair(
      { task: task('a', 1), warmedRunMs: 1 },
      { task: task('b', 2), warmedRunMs: 2 },
      OPTIONS,
      () => log.push('|'),
      clock,
    );
    expect(log.indexOf('|')).toBe(0);
  });

  it('takes pairs of samples while the next fits the budget, and at least one', async () => {
    const { clock, task } = fakeMachine();
    const tight: MeasureOptions = { warmupMs: 0, samples: 7, minSampleMs: 0, budgetMs: 25 };
    const [a, b] = await measurePair({ task: task('a', 5) }, { task: task('b', 5) }, tight, undefined, clock);
    // Each pair takes 10 ms: after two (20 ms) a third would end at 30 ms, past the 25 ms budget.
    expect([a.samples, b.samples]).toEqual([2, 2]);
    const none: MeasureOptions = { ...tight, budgetMs: 0 };
    const [c] = await measurePair({ task: task('a', 5) }, { task: task('b', 5) }, none, undefined, clock);
    expect(c.samples).toBe(1);
  });

  it('reports the median and range of each task over the samples', async () => {
    let time = 0;
    const times = [3, 1, 2];
    let index = 0;
    const varying: Task = { run: () => void (time += times[index++ % 3]!), dispose: () => undefined };
    const steady: Task = { run: () => void (time += 1), dispose: () => undefined };
    const options: MeasureOptions = { warmupMs: 0, samples: 3, minSampleMs: 0, budgetMs: 1000 };
    const [v] = await measurePair({ task: varying, warmedRunMs: 2 }, { task: steady }, options, undefined, () => time);
    expect(v).toEqual({ median: 2, min: 1, max: 3, samples: 3, runsPerSample: 1 });
  });
});
