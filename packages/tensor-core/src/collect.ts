/**
 * @file Finding the tensors in what a function returned (arrays and plain objects, nested): what a
 * tidy scope keeps.
 */

import { Tensor } from './tensor.js';

/** The tensors in `value`, as a set. */
export function collected(value: unknown): Set<Tensor> {
  const set = new Set<Tensor>();
  collectTensors(value, set);
  return set;
}

/**
 * Adds every tensor found in `value` (arrays, plain objects, nested) to `into`. A structure that
 * contains itself is walked once (`seen` holds the containers already visited).
 */
export function collectTensors(value: unknown, into: Set<Tensor>, seen?: Set<object>): void {
  if (value instanceof Tensor) {
    into.add(value);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const isArray = Array.isArray(value);
  if (!isArray && Object.getPrototypeOf(value) !== Object.prototype) return;
  const visited = seen ?? new Set<object>();
  if (visited.has(value)) return;
  visited.add(value);
  for (const item of isArray ? (value as unknown[]) : Object.values(value)) collectTensors(item, into, visited);
}
