/**
 * @file The README's skeleton backend, run through the whole suite (large inputs left out): what a
 * plugin author copies from the guide reaches a passing suite. The README must show the fixture's code
 * verbatim, so the guide cannot drift from code that compiles and passes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { myBackend } from './__fixtures__/skeleton-backend.js';
import { describeBackend } from './describe-backend.js';

describe('the README skeleton', () => {
  it('is the code of src/__fixtures__/skeleton-backend.ts', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const code = readFileSync(new URL('./__fixtures__/skeleton-backend.ts', import.meta.url), 'utf8');
    expect(readme).toContain(code.trim());
  });
});

describeBackend('skeleton', myBackend, { large: false });
