/**
 * @file What the fused recurrent loops (sequence-ops.ts) know of a cell besides its tensors: which
 * cell (SimpleRNN, LSTM, GRU), its size, and its activations in the form the loops differentiate
 * (from their outputs where that is enough, else from their inputs with a tape); with the packed-row
 * width and gate count the loops and the layers share.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { GradientTape } from '@tapeflow/autodiff-tape';
import * as activations from '../activations.js';

/**
 * An activation as the fused loops use it. The packed rows keep, for each activated block, either the
 * activation's output (`keeps: 'output'`: the fast path, for activations whose derivative is a
 * function of their output: tanh, sigmoid, relu, ...) or its pre-activation (`keeps: 'input'`: gelu,
 * silu, user functions: the derivative is the activation's own gradient, taken with a tape).
 */
export interface PointwiseActivation {
  /** Keras' name of the activation, or null for a user function. */
  readonly name: string | null;
  /** The activation itself. */
  readonly apply: (x: tf.Tensor) => tf.Tensor;
  /** What the packed rows keep of the block: the activation's output, or its input. */
  readonly keeps: 'output' | 'input';
  /** `upstream * f'(x)` (the vector-Jacobian product) computed from what the rows keep. */
  readonly backprop: (upstream: tf.Tensor, kept: tf.Tensor) => tf.Tensor;
}

function fromOutput(
  name: string,
  apply: (x: tf.Tensor) => tf.Tensor,
  backprop: (upstream: tf.Tensor, y: tf.Tensor) => tf.Tensor,
): PointwiseActivation {
  return { name, apply, keeps: 'output', backprop };
}

// selu's constants (Klambauer et al.): below zero, f'(x) = scale * alpha * exp(x) = y + scale * alpha.
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.7580993408473766;

const POINTWISE: Readonly<Record<string, PointwiseActivation>> = {
  tanh: fromOutput('tanh', tf.tanh, (dy, y) => tf.mul(dy, tf.sub(1, tf.square(y)))),
  sigmoid: fromOutput('sigmoid', tf.sigmoid, (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(1, y)))),
  relu: fromOutput('relu', tf.relu, (dy, y) => tf.mul(dy, tf.cast(tf.greater(y, 0), 'float32'))),
  linear: fromOutput(
    'linear',
    (x) => x,
    (dy) => dy,
  ),
  relu6: fromOutput('relu6', tf.nn.relu6, (dy, y) =>
    tf.mul(dy, tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 6)), 'float32')),
  ),
  // elu (alpha 1): 1 above zero, exp(x) = y + 1 below.
  elu: fromOutput('elu', tf.nn.elu, (dy, y) => tf.mul(dy, tf.where(tf.greater(y, 0), 1, tf.add(y, 1)))),
  // softplus' derivative is sigmoid(x) = 1 - exp(-y).
  softplus: fromOutput('softplus', tf.nn.softplus, (dy, y) => tf.mul(dy, tf.sub(1, tf.exp(tf.neg(y))))),
  // softsign's derivative is 1 / (1 + |x|)^2 = (1 - |y|)^2.
  softsign: fromOutput('softsign', tf.nn.softsign, (dy, y) => tf.mul(dy, tf.square(tf.sub(1, tf.abs(y))))),
  selu: fromOutput('selu', tf.nn.selu, (dy, y) =>
    tf.mul(dy, tf.where(tf.greater(y, 0), SELU_SCALE, tf.add(y, SELU_SCALE_ALPHA))),
  ),
  // leakyRelu (alpha 0.2) keeps the sign of x.
  leakyRelu: fromOutput('leakyRelu', tf.nn.leakyRelu, (dy, y) => tf.mul(dy, tf.where(tf.greater(y, 0), 1, 0.2))),
  exponential: fromOutput('exponential', tf.exp, (dy, y) => tf.mul(dy, y)),
  // Keras' hard sigmoid, relu6(x + 3) / 6: slope 1/6 strictly between its flat parts.
  hardSigmoid: fromOutput('hardSigmoid', activations.hardSigmoid, (dy, y) =>
    tf.mul(dy, tf.mul(tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 1)), 'float32'), 1 / 6)),
  ),
};

/**
 * The fused form of any activation: the output-differentiated fast path for the names above, else
 * (gelu, silu, softmax, a user function) one that keeps the pre-activation and backpropagates with a
 * tape over the activation itself (ordinary ops, so outer tapes differentiate it again).
 */
export function pointwiseActivation(identifier: string | activations.Activation): PointwiseActivation {
  if (typeof identifier === 'string' && Object.hasOwn(POINTWISE, identifier)) return POINTWISE[identifier]!;
  const apply = activations.get(identifier as activations.ActivationIdentifier);
  const name = typeof identifier === 'string' ? identifier : activations.serialize(apply);
  if (name !== null && Object.hasOwn(POINTWISE, name)) return POINTWISE[name]!;
  return { name, apply, keeps: 'input', backprop: (dy, x) => activationVjp(apply, dy, x) };
}

/** `dy` pulled back through `f` at `x`, with a tape of its own (a user function may be any composition). */
function activationVjp(f: (x: tf.Tensor) => tf.Tensor, dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const tape = new GradientTape();
  try {
    tape.watch(x);
    const y = tape.record(() => f(x));
    const [dx] = tape.gradient(y, [x], { outputGradients: dy, unconnectedGradients: 'zero' });
    return dx!;
  } finally {
    tape.dispose();
  }
}

/** Which recurrent cell a sequence runs. */
export type CellKind = 'simpleRNN' | 'lstm' | 'gru';

/** Everything about a cell that is not a tensor. */
export interface CellSpec {
  readonly kind: CellKind;
  readonly units: number;
  readonly activation: PointwiseActivation;
  /** The gates' activation (LSTM and GRU). */
  readonly recurrentActivation: PointwiseActivation;
  /** GRU only: whether the reset gate multiplies after the recurrent matmul (Keras' default, cuDNN's). */
  readonly resetAfter: boolean;
}

/**
 * How many columns per step the packed output holds, in this order: SimpleRNN [h, hNew];
 * LSTM [h, c, i, f, g, o]; GRU reset-after [h, z, r, hh, recurrentH]; GRU reset-before [h, z, r, hh].
 * `h` (and LSTM's `c`) are the carried states, mask applied.
 */
export function packedWidth(spec: CellSpec): number {
  const u = spec.units;
  if (spec.kind === 'simpleRNN') return 2 * u;
  if (spec.kind === 'lstm') return 6 * u;
  return spec.resetAfter ? 5 * u : 4 * u;
}

/** How many gate blocks the kernels hold (Keras' layout: kernel [inputDim, gates * units]). */
export function gateCount(kind: CellKind): number {
  return kind === 'simpleRNN' ? 1 : kind === 'lstm' ? 4 : 3;
}
