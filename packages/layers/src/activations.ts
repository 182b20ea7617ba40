/**
 * @file Activations by Keras' names (`'relu'`, `'sigmoid'`, ...) mapped to tensor-core ops, so a layer
 * can take `activation: 'relu'` as Keras does. Each is an ordinary op, so tapes differentiate it.
 */

import * as tf from '@tapeflow/tensor-core';
import { assertMessageNames, unknownName } from './option-rules.js';

/**
 * An activation: a function of one tensor, returning a tensor of the same shape.
 * @example const swish: Activation = (x) => tf.mul(x, tf.sigmoid(x));
 */
export type Activation = (x: tf.Tensor) => tf.Tensor;

/**
 * The activation names layers accept (Keras' names).
 * @example const name: ActivationName = 'relu';
 */
export type ActivationName =
  | 'linear'
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  | 'softmax'
  | 'relu6'
  | 'elu'
  | 'selu'
  | 'gelu'
  | 'silu'
  | 'swish'
  | 'softplus'
  | 'softsign'
  | 'leakyRelu'
  | 'logSoftmax'
  // Issue 14 (recurrent corners, group w-rnn2): the gates' hard sigmoid and the exponential.
  | 'hardSigmoid'
  | 'exponential';

/**
 * What a layer's `activation` option accepts: a Keras name or a function.
 * @example new Dense(2, { activation: 'tanh' }); new Dense(2, { activation: (x) => tf.abs(x) });
 */
export type ActivationIdentifier = ActivationName | Activation;

/**
 * The identity; Keras' default activation. Returns `x` itself (no copy), which is safe inside `tidy`.
 * @example activations.linear(tf.tensor([-1, 2])) // [-1, 2]
 */
export function linear(x: tf.Tensor): tf.Tensor {
  return x;
}

/**
 * `max(x, 0)`.
 * @example activations.relu(tf.tensor([-1, 2])) // [0, 2]
 */
export function relu(x: tf.Tensor): tf.Tensor {
  return tf.relu(x);
}

/**
 * `1 / (1 + exp(-x))`.
 * @example activations.sigmoid(tf.tensor([0])) // [0.5]
 */
export function sigmoid(x: tf.Tensor): tf.Tensor {
  return tf.sigmoid(x);
}

/**
 * The hyperbolic tangent.
 * @example activations.tanh(tf.tensor([0])) // [0]
 */
export function tanh(x: tf.Tensor): tf.Tensor {
  return tf.tanh(x);
}

/**
 * Softmax over the last axis (Keras' default axis).
 * @example activations.softmax(tf.tensor([[0, 0]])) // [[0.5, 0.5]]
 */
export function softmax(x: tf.Tensor): tf.Tensor {
  return tf.softmax(x, -1);
}

/**
 * `min(max(x, 0), 6)`.
 * @example activations.relu6(tf.tensor([-1, 8])) // [0, 6]
 */
export function relu6(x: tf.Tensor): tf.Tensor {
  return tf.nn.relu6(x);
}

/**
 * `x` above 0, `eˣ - 1` at or below it.
 * @example activations.elu(tf.tensor([0])) // [0]
 */
export function elu(x: tf.Tensor): tf.Tensor {
  return tf.nn.elu(x);
}

/**
 * Scaled ELU (Klambauer et al.'s constants).
 * @example activations.selu(tf.tensor([0])) // [0]
 */
export function selu(x: tf.Tensor): tf.Tensor {
  return tf.nn.selu(x);
}

/**
 * The exact GELU, `x·Φ(x)` (Keras' default `approximate: false`).
 * @example activations.gelu(tf.tensor([0])) // [0]
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.nn.gelu(x);
}

/**
 * `x·sigmoid(x)`; Keras also calls it `'swish'`.
 * @example activations.silu(tf.tensor([0])) // [0]
 */
export function silu(x: tf.Tensor): tf.Tensor {
  return tf.nn.silu(x);
}

/**
 * `log(1 + eˣ)`.
 * @example activations.softplus(tf.tensor([0])) // [0.693...]
 */
export function softplus(x: tf.Tensor): tf.Tensor {
  return tf.nn.softplus(x);
}

/**
 * `x / (1 + |x|)`.
 * @example activations.softsign(tf.tensor([1])) // [0.5]
 */
export function softsign(x: tf.Tensor): tf.Tensor {
  return tf.nn.softsign(x);
}

/**
 * `x` above 0, `0.2·x` below (TensorFlow's default alpha).
 * @example activations.leakyRelu(tf.tensor([-1])) // [-0.2]
 */
export function leakyRelu(x: tf.Tensor): tf.Tensor {
  return tf.nn.leakyRelu(x);
}

/**
 * Log-softmax over the last axis.
 * @example activations.logSoftmax(tf.tensor([[0, 0]])) // [[-0.693..., -0.693...]]
 */
export function logSoftmax(x: tf.Tensor): tf.Tensor {
  return tf.nn.logSoftmax(x, -1);
}

// Issue 14 (recurrent corners, group w-rnn2): hard sigmoid (tfjs' default gate activation) and exponential.
/**
 * Keras' hard sigmoid, `relu6(x + 3) / 6`: 0 up to -3, 1 from 3, `x / 6 + 0.5` between.
 * @example activations.hardSigmoid(tf.tensor([-4, 0, 1.5])) // [0, 0.5, 0.75]
 */
export function hardSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.div(tf.nn.relu6(tf.add(x, 3)), 6);
}

/**
 * `eˣ`.
 * @example activations.exponential(tf.tensor([0])) // [1]
 */
export function exponential(x: tf.Tensor): tf.Tensor {
  return tf.exp(x);
}

const BY_NAME: Readonly<Record<ActivationName, Activation>> = {
  linear,
  relu,
  sigmoid,
  tanh,
  softmax,
  relu6,
  elu,
  selu,
  gelu,
  silu,
  swish: silu,
  softplus,
  softsign,
  leakyRelu,
  logSoftmax,
  // Issue 14 (recurrent corners, group w-rnn2).
  hardSigmoid,
  exponential,
};

/**
 * The names `get` accepts, in the order messages list them.
 * @example ACTIVATION_NAMES.includes('relu') // true
 */
export const ACTIVATION_NAMES: readonly ActivationName[] = Object.keys(BY_NAME) as ActivationName[];

/**
 * The activation for a Keras name or a function (returned as is); `undefined` gives `linear`.
 * `op` and `argument` name the caller and the option in the error an unknown name raises, which
 * suggests the nearest name.
 * @example activations.get('relu')(tf.tensor([-1, 2])) // [0, 2]
 */
export function get(
  identifier: ActivationIdentifier | undefined,
  argument = 'activation',
  op = 'activations.get',
): Activation {
  assertMessageNames(op, argument, 'activations.get');
  if (identifier === undefined) return linear;
  if (typeof identifier === 'function') return identifier;
  if (typeof identifier === 'string' && Object.hasOwn(BY_NAME, identifier)) return BY_NAME[identifier];
  return unknownName(op, argument, ACTIVATION_NAMES, identifier, 'a function');
}

/**
 * The Keras name of a built-in activation function, or null for a user function (which `model.save`
 * cannot write as JSON).
 * @example activations.serialize(activations.relu) // 'relu'
 */
export function serialize(activation: Activation): ActivationName | null {
  return ACTIVATION_NAMES.find((name) => BY_NAME[name] === activation) ?? null;
}
