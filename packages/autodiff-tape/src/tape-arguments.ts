/**
 * @file Checking and shaping what `gradient` and `jacobian` are given: live tensors, sources as one
 * tensor or arrays and records of them nested to any depth (and results in the same structure), and
 * `unconnectedGradients`, `outputGradients`, and `batchJacobian`'s target and source.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { Sources } from './tape-types.js';

/** A readable description of any value, for error messages (the op front-ends' wording). */
export const describe = tf.describeOperand;

/**
 * Throws unless `value` is a live Tensor, naming the op and argument: an InvalidArgumentError for
 * anything else, a FailedPreconditionError for a disposed tensor.
 */
export function assertTensor(
  value: unknown,
  op: string,
  argument: string,
  expected = 'a Tensor',
): asserts value is tf.Tensor {
  if (!(value instanceof tf.Tensor)) tf.invalidArgument(op, argument, expected, describe(value));
  if (value.isDisposed) {
    throw new tf.FailedPreconditionError(
      `${op}: argument '${argument}' is a disposed tensor (id ${value.id}); it cannot be used again.`,
      op,
    );
  }
}

/** Whether `value` is a thenable (what makes a `record` asynchronous). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Arrays and plain objects: the containers a source structure nests (as TensorFlow's `nest`). */
function isContainer(value: unknown): value is readonly unknown[] | Readonly<Record<string, unknown>> {
  if (Array.isArray(value)) return true;
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * The sources as a flat list, depth first: one tensor, or arrays and records of them nested to any
 * depth. Each is checked, and named by its path (`sources[1].w`) when it is bad.
 */
export function flattenSources(sources: Sources, op: string): tf.Tensor[] {
  const list: tf.Tensor[] = [];
  const open: unknown[] = [];
  const visit = (value: unknown, path: string): void => {
    if (value instanceof tf.Tensor || !isContainer(value)) {
      assertTensor(
        value,
        op,
        path,
        path === 'sources' ? 'a Tensor, or arrays and records of tensors (nested)' : 'a Tensor',
      );
      list.push(value);
      return;
    }
    if (open.includes(value))
      tf.invalidArgument(op, path, 'arrays and records of tensors without cycles', 'a structure that contains itself');
    open.push(value);
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${path}[${i}]`));
    else for (const [key, item] of Object.entries(value)) visit(item, `${path}.${key}`);
    open.pop();
  };
  visit(sources, 'sources');
  return list;
}

/** `results` (one per flattened source, in `flattenSources` order) in the structure of the sources. */
export function restructure(sources: Sources, results: readonly (tf.Tensor | null)[]): unknown {
  let next = 0;
  const build = (value: unknown): unknown => {
    if (value instanceof tf.Tensor) return results[next++] ?? null;
    if (Array.isArray(value)) return value.map(build);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = build(item);
    return out;
  };
  return build(sources);
}

/** Rows [from, to) of the `count`×`count` identity matrix. */
export function identityRows(rows: readonly [number, number], count: number): tf.Tensor {
  return tf.oneHot(tf.range(rows[0], rows[1], 1, 'int32'), count);
}

/** Checks `unconnectedGradients`, defaulting to 'none'. */
export function checkUnconnected(op: string, value: unknown): 'none' | 'zero' {
  if (value === undefined) return 'none';
  if (value !== 'none' && value !== 'zero')
    tf.invalidArgument(op, 'unconnectedGradients', "'none' or 'zero'", describe(value));
  return value;
}

/**
 * Checks `gradient`'s `outputGradients` against its targets: one live tensor per target, each of its
 * target's shape. The seeds as a list, or undefined when none were given.
 */
export function checkOutputGradients(
  targets: readonly tf.Tensor[],
  outputGradients: tf.Tensor | readonly tf.Tensor[] | undefined,
): readonly tf.Tensor[] | undefined {
  if (outputGradients === undefined) return undefined;
  const seedsGiven = Array.isArray(outputGradients) ? outputGradients : [outputGradients as tf.Tensor];
  if (seedsGiven.length !== targets.length) {
    tf.invalidArgument(
      'gradient',
      'outputGradients',
      `${targets.length} tensor(s), one per target`,
      `${seedsGiven.length}`,
    );
  }
  seedsGiven.forEach((g, i) => {
    assertTensor(g, 'gradient', `outputGradients[${i}]`);
    if (!tf.shapesEqual(g.shape, targets[i]!.shape)) {
      tf.invalidArgument(
        'gradient',
        `outputGradients[${i}]`,
        `shape ${tf.formatShape(targets[i]!.shape)} (the target's)`,
        `shape ${tf.formatShape(g.shape)}`,
      );
    }
  });
  return seedsGiven;
}

/** Checks `batchJacobian`'s target and source: live tensors of rank 2 or more, with the same batch size. */
export function checkBatchJacobianArguments(target: unknown, source: unknown): void {
  assertTensor(target, 'batchJacobian', 'target');
  assertTensor(source, 'batchJacobian', 'source');
  if (target.rank < 2)
    tf.invalidArgument(
      'batchJacobian',
      'target',
      'a tensor of rank at least 2 ([batch, ...])',
      `shape ${tf.formatShape(target.shape)}`,
    );
  if (source.rank < 2)
    tf.invalidArgument(
      'batchJacobian',
      'source',
      'a tensor of rank at least 2 ([batch, ...])',
      `shape ${tf.formatShape(source.shape)}`,
    );
  if (target.shape[0] !== source.shape[0]) {
    tf.invalidArgument(
      'batchJacobian',
      'source',
      `the first dimension of target shape ${tf.formatShape(target.shape)} and source shape ${tf.formatShape(source.shape)} to match`,
      `${target.shape[0]!} vs. ${source.shape[0]!}`,
    );
  }
}
