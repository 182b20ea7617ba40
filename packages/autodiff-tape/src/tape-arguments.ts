/**
 * @file Checking and shaping what `gradient` and `jacobian` are given: tensors, sources as one tensor,
 * an array or a record (and results in the same structure), and `unconnectedGradients`.
 */

import * as tf from '@tapeflow/tensor-core';
import type { Sources } from './gradient-tape.js';

/** A readable description of any value, for error messages. */
export function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** Throws unless `value` is a Tensor, naming the op and argument. */
export function assertTensor(value: unknown, op: string, argument: string): asserts value is tf.Tensor {
  if (!(value instanceof tf.Tensor)) tf.invalidArgument(op, argument, 'a Tensor', describe(value));
}

/** The sources as a list (one tensor, an array, or a record's values), each checked. */
export function flattenSources(sources: Sources, op: string): tf.Tensor[] {
  if (sources instanceof tf.Tensor) return [sources];
  if (sources === null || typeof sources !== 'object') {
    tf.invalidArgument(op, 'sources', 'a Tensor, an array of tensors or a record of tensors', describe(sources));
  }
  const isList = Array.isArray(sources);
  const list: tf.Tensor[] = isList ? [...(sources as readonly tf.Tensor[])] : Object.values(sources as Record<string, tf.Tensor>);
  const names = isList ? list.map((_, i) => `sources[${i}]`) : Object.keys(sources).map((k) => `sources.${k}`);
  list.forEach((s, i) => assertTensor(s, op, names[i]!));
  return list;
}

/** Results in the structure of the sources. */
export function restructure(sources: Sources, results: (tf.Tensor | null)[]): unknown {
  if (sources instanceof tf.Tensor) return results[0];
  if (Array.isArray(sources)) return results;
  const out: Record<string, tf.Tensor | null> = {};
  Object.keys(sources).forEach((key, i) => (out[key] = results[i]!));
  return out;
}

/** Rows [from, to) of the `count`×`count` identity matrix. */
export function identityRows(rows: readonly [number, number], count: number): tf.Tensor {
  return tf.oneHot(tf.range(rows[0], rows[1], 1, 'int32'), count);
}

/** Checks `unconnectedGradients`, defaulting to 'none'. */
export function checkUnconnected(op: string, value: unknown): 'none' | 'zero' {
  if (value === undefined) return 'none';
  if (value !== 'none' && value !== 'zero') tf.invalidArgument(op, 'unconnectedGradients', "'none' or 'zero'", String(value));
  return value;
}
