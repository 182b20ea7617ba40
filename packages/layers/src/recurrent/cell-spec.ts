/**
 * @file What the fused recurrent loops (sequence-ops.ts) know of a cell besides its tensors: which
 * cell (SimpleRNN, LSTM, GRU), its size, and its activations in a form differentiated from their
 * outputs alone; with the packed-row width and gate count the loops and the layers share.
 */

import * as tf from '@tapeflow/tensor-core/internal';

/**
 * An activation the fused loops can differentiate from its output alone (`y` → `dy * f'(x)`), which is
 * what lets the backward pass skip keeping pre-activations.
 */
export interface PointwiseActivation {
  /** Keras' name of the activation. */
  readonly name: string;
  /** The activation itself. */
  readonly apply: (x: tf.Tensor) => tf.Tensor;
  /** `upstream * f'(x)` computed from `y = f(x)`. */
  readonly backprop: (upstream: tf.Tensor, y: tf.Tensor) => tf.Tensor;
}

const POINTWISE: Readonly<Record<string, PointwiseActivation>> = {
  tanh: { name: 'tanh', apply: tf.tanh, backprop: (dy, y) => tf.mul(dy, tf.sub(1, tf.square(y))) },
  sigmoid: { name: 'sigmoid', apply: tf.sigmoid, backprop: (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(1, y))) },
  relu: { name: 'relu', apply: tf.relu, backprop: (dy, y) => tf.mul(dy, tf.cast(tf.greater(y, 0), 'float32')) },
  linear: { name: 'linear', apply: (x) => x, backprop: (dy) => dy },
  relu6: {
    name: 'relu6',
    apply: tf.nn.relu6,
    backprop: (dy, y) => tf.mul(dy, tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 6)), 'float32')),
  },
  // elu (alpha 1): 1 above zero, exp(x) = y + 1 below.
  elu: { name: 'elu', apply: tf.nn.elu, backprop: (dy, y) => tf.mul(dy, tf.where(tf.greater(y, 0), 1, tf.add(y, 1))) },
  // softplus' derivative is sigmoid(x) = 1 - exp(-y).
  softplus: { name: 'softplus', apply: tf.nn.softplus, backprop: (dy, y) => tf.mul(dy, tf.sub(1, tf.exp(tf.neg(y)))) },
  // softsign's derivative is 1 / (1 + |x|)^2 = (1 - |y|)^2.
  softsign: {
    name: 'softsign',
    apply: tf.nn.softsign,
    backprop: (dy, y) => tf.mul(dy, tf.square(tf.sub(1, tf.abs(y)))),
  },
};

/** The activation names the fused recurrent loops support. */
export const POINTWISE_ACTIVATION_NAMES: readonly string[] = Object.keys(POINTWISE);

/** The fused form of a Keras activation name, or undefined when it has none. */
export function pointwiseActivation(name: string): PointwiseActivation | undefined {
  return Object.hasOwn(POINTWISE, name) ? POINTWISE[name] : undefined;
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
