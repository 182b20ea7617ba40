/**
 * @file Made-up results for the report's tests (report.test.ts, run-report.test.ts): a figure with a
 * ±10% range, and a library's outcome from figure values, so each test file states only what differs.
 */

import type { Figure, LibraryResult } from './child.js';
import { LIBRARIES } from './config.js';
import type { LibraryOutcome } from './report.js';

/** A figure of `value` with a ±10% range over 5 samples of one run. */
export const figure = (value: number): Figure => ({
  value,
  low: value * 0.9,
  high: value * 1.1,
  samples: 5,
  runsPerSample: 1,
});

/** Library `id`'s outcome with `figures` (workload id → value) and the rest of its result from `rest`. */
export function outcomeOf(
  id: string,
  figures: Record<string, number>,
  rest: Omit<LibraryResult, 'id' | 'figures'>,
): LibraryOutcome {
  const result: LibraryResult = {
    id,
    figures: Object.fromEntries(Object.entries(figures).map(([key, value]) => [key, figure(value)])),
    ...rest,
  };
  return { spec: LIBRARIES.find((spec) => spec.id === id)!, result, failure: undefined };
}
