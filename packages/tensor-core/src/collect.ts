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

/** Adds every tensor found in `value` (arrays, plain objects, nested) to `into`. */
export function collectTensors(value: unknown, into: Set<Tensor>): void {
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) for (const item of value) collectTensors(item, into);
  else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const item of Object.values(value)) collectTensors(item, into);
  }
}
