/**
 * @file Tests of the memory-speed reference tasks (issue 16, item 4): the child asks for each twice
 * and must get the one closure V8 has already compiled; a run copies (no timing here).
 */

import { describe, expect, it } from 'vitest';
import { referenceTask } from './reference.js';

describe('referenceTask', () => {
  it('gives one task per kind and size, however often it is asked', () => {
    const copy = referenceTask('copy', 64);
    expect(referenceTask('copy', 64)).toBe(copy);
    expect(referenceTask('copy', 65)).not.toBe(copy);
    expect(referenceTask('copy-fresh', 64)).not.toBe(copy);
    expect(referenceTask('copy-fresh', 64)).toBe(referenceTask('copy-fresh', 64));
  });

  it('runs and disposes synchronously, again after a dispose (the timed pass follows the warm-up)', () => {
    for (const kind of ['copy', 'copy-fresh'] as const) {
      const task = referenceTask(kind, 1000);
      expect(task.run()).toBeUndefined();
      task.dispose();
      expect(task.run()).toBeUndefined();
    }
  });
});
