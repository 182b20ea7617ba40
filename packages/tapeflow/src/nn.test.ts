/**
 * @file `tf.nn` as users see it through the umbrella: every name docs/API.md's "tf.nn" section lists is
 * a function there. Names another group adds (the activations and the convolutions) stay in
 * PENDING_FROM_OTHER_GROUPS until their branch is merged: the lead empties it at merge time, and a
 * name still listed once it exists fails here, so the list cannot go stale.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from './index.js';

/** tf.nn names that other groups' branches add; emptied by the lead when those branches are merged. */
const PENDING_FROM_OTHER_GROUPS: readonly string[] = [];

/**
 * The names of API.md's "tf.nn" section: every backquoted `name(` and every backquoted run of two or
 * more bare names (`relu relu6 ...`); single words in backquotes (`padding`, `unsortedSegmentSum`) are
 * prose, not the list.
 */
function apiNnNames(): string[] {
  const api = readFileSync(new URL('../../../docs/API.md', import.meta.url), 'utf8');
  const start = api.indexOf('## `tf.nn`');
  if (start === -1) throw new Error('docs/API.md has no "## `tf.nn`" section');
  const end = api.indexOf('\n## ', start + 1);
  const section = api
    .slice(start, end === -1 ? undefined : end)
    .split('\n')
    .slice(1)
    .join('\n');
  const names = new Set<string>();
  for (const [, span] of section.matchAll(/`([^`]+)`/g)) {
    const call = /^([A-Za-z_]\w*)\(/.exec(span!);
    if (call !== null) names.add(call[1]!);
    else if (/^[a-z]\w*( +[a-z]\w*)+$/i.test(span!.trim()))
      for (const word of span!.trim().split(/ +/)) names.add(word);
  }
  return [...names];
}

describe('tf.nn (API.md "tf.nn")', () => {
  const names = apiNnNames();

  it('reads the list from docs/API.md', () => {
    expect(names).toContain('maxPool2d');
    expect(names).toContain('sigmoidCrossEntropyWithLogits');
    expect(names).not.toContain('padding');
    expect(names.length).toBeGreaterThanOrEqual(25);
  });

  const nn: Readonly<Record<string, unknown>> = tf.nn;
  for (const name of names) {
    if (PENDING_FROM_OTHER_GROUPS.includes(name)) {
      it(`${name} (pending from another group's branch: remove it from PENDING_FROM_OTHER_GROUPS once merged)`, () => {
        expect(nn[name], `tf.nn.${name} exists now: remove it from PENDING_FROM_OTHER_GROUPS`).toBeUndefined();
      });
    } else {
      it(`has ${name}`, () => {
        expect(typeof nn[name]).toBe('function');
      });
    }
  }

  it('shares the functions also at top level', () => {
    const top: Readonly<Record<string, unknown>> = tf;
    for (const name of ['relu', 'sigmoid', 'tanh', 'softplus', 'softmax', 'logSoftmax', 'maxPool2d', 'avgPool2d'])
      expect(nn[name], name).toBe(top[name]);
  });
});
