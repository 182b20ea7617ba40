/**
 * @file Function transforms over GradientTape and ForwardAccumulator, under TensorFlow.js' names where
 * it has them (`grad`, `grads`, `valueAndGrad`, `valueAndGrads`, `variableGrads`, with its semantics:
 * a non-scalar result without `dy` is differentiated as the sum of its elements, `variableGrads` wants
 * a scalar and keys its gradients by variable name) and JAX's otherwise (`jvp`, `vjp`, `hessian`,
 * `hvp`). Each runs in a tidy scope and releases its tape or accumulator, so memory is flat around it;
 * only what it returns is the caller's.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { ForwardAccumulator } from './forward-accumulator.js';
import type { TangentLike } from './forward-accumulator.js';
import { GradientTape } from './gradient-tape.js';
import { assertTensor, describe } from './tape-arguments.js';

function assertFunction(op: string, f: unknown): void {
  if (typeof f !== 'function') tf.invalidArgument(op, 'f', 'a function', describe(f));
}

/** `f`'s result, checked to be a live Tensor (and a scalar where `scalar`). */
function checkResult(op: string, y: unknown, scalar: boolean): tf.Tensor {
  if (!(y instanceof tf.Tensor))
    tf.invalidArgument(op, 'f', 'a function returning a Tensor', `one returning ${describe(y)}`);
  if (scalar && y.rank !== 0) {
    tf.invalidArgument(op, 'f', 'a function returning a scalar (rank 0)', `one returning ${describe(y)}`);
  }
  return y;
}

/** `f(...xs)` and its gradients with respect to each of `xs`, from `dy` (ones by default). */
function valueAndGradients(
  op: string,
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  xs: readonly tf.Tensor[],
  names: readonly string[],
  dy: tf.Tensor | undefined,
): { value: tf.Tensor; grads: tf.Tensor[] } {
  return tf.tidy(() => {
    const tape = new GradientTape();
    try {
      tape.watch(xs);
      const value = checkResult(
        op,
        tape.record(() => f(...xs)),
        false,
      );
      if (dy !== undefined && !tf.shapesEqual(dy.shape, value.shape)) {
        tf.invalidArgument(op, 'dy', `a tensor of the shape f returned, [${value.shape.join(', ')}]`, describe(dy));
      }
      const grads = tape.gradient(value, [...xs], dy === undefined ? {} : { outputGradients: dy });
      const checked = grads.map((g, i) => {
        if (g === null) {
          tf.invalidArgument(
            op,
            names[i]!,
            'a tensor the result of f depends on (f must run every op from it to the result)',
            `${describe(xs[i])}, on which the result does not depend`,
          );
        }
        return g;
      });
      // The value may be one of the inputs: the caller gets a handle of its own.
      return { value: xs.includes(value) ? tf.reshape(value, value.shape) : value, grads: checked };
    } finally {
      tape.dispose();
    }
  });
}

function checkDy(op: string, dy: unknown): tf.Tensor | undefined {
  if (dy === undefined || dy === null) return undefined;
  assertTensor(dy, op, 'dy');
  return dy;
}

function checkInputs(op: string, xs: unknown): readonly tf.Tensor[] {
  if (!Array.isArray(xs)) tf.invalidArgument(op, 'xs', 'an array of Tensors', describe(xs));
  (xs as unknown[]).forEach((x, i) => assertTensor(x, op, `xs[${i}]`));
  return xs as readonly tf.Tensor[];
}

/**
 * The gradient of `f` with respect to its one argument, as a function (TensorFlow.js' `tf.grad`).
 * Without `dy`, a non-scalar result is differentiated as the sum of its elements.
 * @example tf.grad((x) => tf.square(x))(tf.tensor([2, 3])); // [4, 6]
 */
export function grad(f: (x: tf.Tensor) => tf.Tensor): (x: tf.Tensor, dy?: tf.Tensor) => tf.Tensor {
  assertFunction('grad', f);
  return (x, dy) => {
    assertTensor(x, 'grad', 'x');
    const seed = checkDy('grad', dy);
    const { value, grads } = valueAndGradients('grad', f, [x], ['x'], seed);
    value.dispose();
    return grads[0]!;
  };
}

/**
 * The gradients of `f` with respect to each of its arguments (TensorFlow.js' `tf.grads`).
 * @example tf.grads((a, b) => tf.mul(a, b))([a, b]); // [b, a]
 */
export function grads(f: (...xs: tf.Tensor[]) => tf.Tensor): (xs: readonly tf.Tensor[], dy?: tf.Tensor) => tf.Tensor[] {
  assertFunction('grads', f);
  return (xs, dy) => {
    const list = checkInputs('grads', xs);
    const seed = checkDy('grads', dy);
    const result = valueAndGradients(
      'grads',
      f,
      list,
      list.map((_, i) => `xs[${i}]`),
      seed,
    );
    result.value.dispose();
    return result.grads;
  };
}

/**
 * Like `grad`, with the value of `f(x)` too (TensorFlow.js' `tf.valueAndGrad`).
 * @example const { value, grad } = tf.valueAndGrad((x) => tf.square(x))(x);
 */
export function valueAndGrad(
  f: (x: tf.Tensor) => tf.Tensor,
): (x: tf.Tensor, dy?: tf.Tensor) => { value: tf.Tensor; grad: tf.Tensor } {
  assertFunction('valueAndGrad', f);
  return (x, dy) => {
    assertTensor(x, 'valueAndGrad', 'x');
    const seed = checkDy('valueAndGrad', dy);
    const { value, grads } = valueAndGradients('valueAndGrad', f, [x], ['x'], seed);
    return { value, grad: grads[0]! };
  };
}

/**
 * Like `grads`, with the value of `f(...xs)` too (TensorFlow.js' `tf.valueAndGrads`).
 * @example const { value, grads } = tf.valueAndGrads((a, b) => tf.mul(a, b))([a, b]);
 */
export function valueAndGrads(
  f: (...xs: tf.Tensor[]) => tf.Tensor,
): (xs: readonly tf.Tensor[], dy?: tf.Tensor) => { value: tf.Tensor; grads: tf.Tensor[] } {
  assertFunction('valueAndGrads', f);
  return (xs, dy) => {
    const list = checkInputs('valueAndGrads', xs);
    const seed = checkDy('valueAndGrads', dy);
    return valueAndGradients(
      'valueAndGrads',
      f,
      list,
      list.map((_, i) => `xs[${i}]`),
      seed,
    );
  };
}

/**
 * The value of `f()` (a scalar) and its gradients with respect to `variables` (by default, every
 * trainable Variable `f` reads), keyed by variable name; a variable the value does not depend on is
 * left out (TensorFlow.js' `tf.variableGrads`).
 * @example const { value, grads } = tf.variableGrads(() => loss(model)); grads['dense/kernel'];
 */
export function variableGrads(
  f: () => tf.Tensor,
  variables?: readonly tf.Variable[],
): { value: tf.Tensor; grads: Record<string, tf.Tensor> } {
  assertFunction('variableGrads', f);
  let trainable: readonly tf.Variable[] | undefined;
  if (variables !== undefined) {
    if (!Array.isArray(variables))
      tf.invalidArgument('variableGrads', 'variables', 'an array of Variables', describe(variables));
    (variables as unknown[]).forEach((v, i) => assertTensor(v, 'variableGrads', `variables[${i}]`, 'a Variable'));
    (variables as unknown[]).forEach((v, i) => {
      if (!(v instanceof tf.Variable))
        tf.invalidArgument('variableGrads', `variables[${i}]`, 'a Variable', describe(v));
    });
    trainable = variables.filter((v) => v.trainable);
    if (trainable.length === 0) {
      tf.invalidArgument(
        'variableGrads',
        'variables',
        'at least one trainable Variable',
        `${variables.length} variable(s), none of them trainable`,
      );
    }
  }
  return tf.tidy(() => {
    const tape = new GradientTape({ watchAccessedVariables: trainable === undefined });
    try {
      if (trainable !== undefined) tape.watch(trainable);
      const value = checkResult('variableGrads', tape.record(f), true);
      const sources = trainable ?? tape.watchedVariables();
      const gradients = tape.gradient(value, [...sources]);
      const byName: Record<string, tf.Tensor> = {};
      gradients.forEach((g, i) => {
        if (g !== null) byName[sources[i]!.name] = g;
      });
      if (Object.keys(byName).length === 0) {
        tf.invalidArgument(
          'variableGrads',
          'f',
          'a function whose result depends on a trainable Variable (read inside f)',
          `one whose result depends on none of ${sources.length} variable(s)`,
        );
      }
      return { value: value instanceof tf.Variable ? tf.reshape(value, value.shape) : value, grads: byName };
    } finally {
      tape.dispose();
    }
  });
}

/**
 * `f(...primals)` and its Jacobian-vector product along `tangents` (forward mode; JAX's `jvp`). An
 * output that does not depend on the primals gets a zero tangent.
 * @example const [y, dy] = tf.jvp((x) => tf.sin(x), [x], [v]);
 */
export function jvp(
  f: (...primals: tf.Tensor[]) => tf.Tensor,
  primals: tf.Tensor | readonly tf.Tensor[],
  tangents: TangentLike | readonly TangentLike[],
): [value: tf.Tensor, tangent: tf.Tensor] {
  assertFunction('jvp', f);
  return tf.tidy(() => {
    const accumulator = new ForwardAccumulator(primals, tangents);
    try {
      const list = Array.isArray(primals) ? (primals as readonly tf.Tensor[]) : [primals as tf.Tensor];
      const value = accumulator.record(() => {
        const y = checkResult('jvp', f(...list), false);
        // A primal passed through gets its own handle, recorded, so it carries its tangent.
        return list.includes(y) ? tf.reshape(y, y.shape) : y;
      });
      return [value, accumulator.jvp(value, { unconnectedGradients: 'zero' })!] as [tf.Tensor, tf.Tensor];
    } finally {
      accumulator.dispose();
    }
  });
}

/** The pullback `vjp` returns: cotangent -> one gradient per primal. `dispose()` releases what it keeps. */
export interface VjpFunction {
  (cotangent: tf.Tensor): tf.Tensor[];
  /** Releases the recorded computation; the function cannot be called afterwards. */
  dispose(): void;
}

/**
 * `f(...primals)` and its pullback: a function from a cotangent of the value's shape to the
 * vector-Jacobian product for each primal (zeros for one the value does not depend on), which can be
 * called any number of times until its `dispose()` (JAX's `vjp`).
 * @example const [y, pullback] = tf.vjp((a, b) => tf.mul(a, b), a, b); pullback(tf.onesLike(y)); pullback.dispose();
 */
export function vjp(
  f: (...primals: tf.Tensor[]) => tf.Tensor,
  ...primals: tf.Tensor[]
): [value: tf.Tensor, vjpFn: VjpFunction] {
  assertFunction('vjp', f);
  primals.forEach((p, i) => assertTensor(p, 'vjp', `primals[${i}]`));
  const tape = new GradientTape({ persistent: true });
  let value: tf.Tensor;
  try {
    value = tf.tidy(() => {
      tape.watch(primals);
      return tape.record(() => {
        const y = checkResult('vjp', f(...primals), false);
        return primals.includes(y) ? tf.reshape(y, y.shape) : y;
      });
    });
  } catch (error) {
    tape.dispose();
    throw error;
  }
  // The pullback's own handle on the value (same id: the tape knows it), so the caller may dispose theirs.
  const target = tf.getEngine().retain(value);
  let disposed = false;
  const pullback = ((cotangent: tf.Tensor): tf.Tensor[] => {
    if (disposed) throw new tf.FailedPreconditionError('vjp: this pullback was disposed.', 'vjp');
    assertTensor(cotangent, 'vjp', 'cotangent');
    if (!tf.shapesEqual(cotangent.shape, target.shape)) {
      tf.invalidArgument(
        'vjp',
        'cotangent',
        `a tensor of the value's shape [${target.shape.join(', ')}]`,
        describe(cotangent),
      );
    }
    return tape.gradient(target, primals, { outputGradients: cotangent, unconnectedGradients: 'zero' }) as tf.Tensor[];
  }) as VjpFunction;
  // Dropped without `dispose`: the tape is on the safety net already, the retained handle goes with this.
  const token = {};
  tf.getEngine().safetyNet.addOwner(pullback, disposer(target), token);
  pullback.dispose = () => {
    if (disposed) return;
    disposed = true;
    tape.dispose();
    target.dispose();
    tf.getEngine().safetyNet.removeOwner(token);
  };
  return [value, pullback];
}

/** Disposes `t`; made apart from `vjp` so the closure does not keep the pullback alive. */
function disposer(t: tf.Tensor): () => void {
  return () => t.dispose();
}

/**
 * The Hessian of a scalar function of one tensor, as a function: for `x` of shape S, a tensor of
 * shape S + S (reverse over reverse: the Jacobian of the gradient; JAX's `hessian`).
 * @example tf.hessian((x) => tf.reduceSum(tf.pow(x, 3)))(x); // diag(6x)
 */
export function hessian(f: (x: tf.Tensor) => tf.Tensor): (x: tf.Tensor) => tf.Tensor {
  assertFunction('hessian', f);
  return (x) => {
    assertTensor(x, 'hessian', 'x');
    return tf.tidy(() => {
      const outer = new GradientTape();
      try {
        outer.watch(x);
        const gradient = outer.record(() => {
          const inner = new GradientTape();
          try {
            inner.watch(x);
            const y = checkResult(
              'hessian',
              inner.record(() => f(x)),
              true,
            );
            return inner.gradient(y, x) ?? tf.zerosLike(x);
          } finally {
            inner.dispose();
          }
        });
        return outer.jacobian(gradient, x, { unconnectedGradients: 'zero' })!;
      } finally {
        outer.dispose();
      }
    });
  };
}

/**
 * The Hessian-vector product `H(x) v` of a scalar function, forward over reverse: a ForwardAccumulator
 * along `v` watches the gradient's backward pass. Costs about one gradient and its tangent, never the
 * Hessian.
 * @example tf.hvp((x) => tf.reduceSum(tf.pow(x, 3)), x, v); // 6 x v
 */
export function hvp(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, v: TangentLike): tf.Tensor {
  assertFunction('hvp', f);
  assertTensor(x, 'hvp', 'x');
  return tf.tidy(() => {
    const accumulator = new ForwardAccumulator(x, v);
    try {
      const gradient = accumulator.record(() => {
        const tape = new GradientTape();
        try {
          tape.watch(x);
          const y = checkResult(
            'hvp',
            tape.record(() => f(x)),
            true,
          );
          return tape.gradient(y, x);
        } finally {
          tape.dispose();
        }
      });
      if (gradient === null) return tf.zerosLike(x);
      return accumulator.jvp(gradient, { unconnectedGradients: 'zero' })!;
    } finally {
      accumulator.dispose();
    }
  });
}
