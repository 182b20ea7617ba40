/**
 * @file The options of SimpleRNN, LSTM and GRU and of their `apply` (Keras' keyword and call
 * arguments in camelCase), the rules `checkOptions` checks them with, and the option values turned
 * into what the layers use: a regularizer (a name, a Regularizer or its saved form) and an activation
 * the fused loop differentiates.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import * as activations from '../activations.js';
import * as initializers from '../initializers.js';
import type { ApplyOptions, LayerOptions } from '../layer.js';
import type { SymbolicApplyOptions } from '../functional/symbolic-tensor.js';
import { SymbolicTensor } from '../functional/symbolic-tensor.js';
import { ACTIVATION_RULE, INITIALIZER_RULE } from '../name-rules.js';
import { INTEGER, LAYER_RULES, nameOrRule } from '../option-rules.js';
import * as regularizers from '../regularizers.js';
import { pointwiseActivation } from './cell-spec.js';
import type { PointwiseActivation } from './cell-spec.js';

/**
 * A regularizer option: a Keras name, a Regularizer, or the `{ className, config }` that `getConfig`
 * writes, so a layer is re-created from its config (as Bidirectional does with its copy).
 * @example new tf.layers.LSTM(4, { kernelRegularizer: { className: 'L2', config: { l2: 0.01 } } })
 */
export type RecurrentRegularizer =
  regularizers.RegularizerIdentifier | NonNullable<ReturnType<typeof regularizers.serialize>>;

function isSavedRegularizer(value: unknown): value is NonNullable<ReturnType<typeof regularizers.serialize>> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { className?: unknown }).className === 'string' &&
    !regularizers.isRegularizer(value)
  );
}

const RECURRENT_REGULARIZER_RULE: tf.OptionRule = nameOrRule(
  regularizers.REGULARIZER_NAMES,
  (value) => regularizers.isRegularizer(value) || isSavedRegularizer(value),
  'a Regularizer or its saved { className, config }',
);

export function regularizerOf(
  className: string,
  argument: string,
  given: RecurrentRegularizer | undefined,
): regularizers.Regularizer | null {
  return isSavedRegularizer(given)
    ? regularizers.deserialize(given, className, argument)
    : regularizers.get(given, argument, className);
}

/**
 * Options every recurrent layer takes (Keras' keyword arguments in camelCase).
 * @example new tf.layers.LSTM(32, { returnSequences: true, goBackwards: true })
 */
export interface RNNOptions extends LayerOptions {
  /** The activation of the candidate state and output; default `'tanh'`; any Keras name or a function. */
  readonly activation?: activations.ActivationIdentifier;
  /** Whether to add biases; default true. */
  readonly useBias?: boolean;
  /** Default `'glorotUniform'`. */
  readonly kernelInitializer?: initializers.InitializerIdentifier;
  /** Default `'orthogonal'`. */
  readonly recurrentInitializer?: initializers.InitializerIdentifier;
  /** Default `'zeros'`. */
  readonly biasInitializer?: initializers.InitializerIdentifier;
  /**
   * Seed for initializers given by name (recurrent kernel `seed + 1`, bias `seed + 2`) and for the
   * input dropout masks (`seed + 3`, one mask per call) and the recurrent dropout masks (`seed + 4`).
   */
  readonly seed?: number;
  /** A penalty on the kernel; default none. */
  readonly kernelRegularizer?: RecurrentRegularizer;
  /** A penalty on the recurrent kernel; default none. */
  readonly recurrentRegularizer?: RecurrentRegularizer;
  /** A penalty on the bias; default none. */
  readonly biasRegularizer?: RecurrentRegularizer;
  /**
   * The fraction of input features dropped in a training call (Keras: one mask per sample for the
   * whole sequence, the kept values scaled by 1 / (1 - dropout)); default 0.
   */
  readonly dropout?: number;
  /**
   * The fraction of the recurrent state dropped in a training call (Keras: one mask for the whole
   * sequence and every gate, multiplying h before the recurrent matmuls, kept values scaled by
   * 1 / (1 - recurrentDropout)); default 0. Inference calls ignore it.
   */
  readonly recurrentDropout?: number;
  /** Whether the output is every step's `[batch, time, units]` or the last one's `[batch, units]`; default false. */
  readonly returnSequences?: boolean;
  /** Whether `apply` also returns the final states (`[output, h]`, LSTM `[output, h, c]`); default false. */
  readonly returnState?: boolean;
  /** Whether to process the sequence last step first (outputs come in that order too); default false. */
  readonly goBackwards?: boolean;
}

/** Options of the gated layers (LSTM, GRU). */
export interface GatedRNNOptions extends RNNOptions {
  /** The gates' activation; default `'sigmoid'` (tfjs' `'hardSigmoid'` too); any Keras name or a function. */
  readonly recurrentActivation?: activations.ActivationIdentifier;
}

/**
 * Options of a recurrent layer's `apply` (Keras' call arguments).
 * @example lstm.apply(x, { initialState: [h0, c0] })
 */
export interface RecurrentApplyOptions extends ApplyOptions {
  /**
   * The states the first step starts from, each `[batch, units]`: `[h]` (or a Tensor) for SimpleRNN
   * and GRU, `[h, c]` for LSTM; default zeros.
   */
  readonly initialState?: tf.Tensor | readonly tf.Tensor[];
}

/**
 * Options of a recurrent layer's `apply` on symbolic inputs (`tf.input`): the initial states and the
 * mask may be symbolic too (an encoder's returned states), recorded in the functional graph.
 * @example const [, h, c] = encoder.apply(x); decoder.apply(y, { initialState: [h, c] })
 */
export interface SymbolicRecurrentApplyOptions extends SymbolicApplyOptions {
  /** Symbolic states the first step starts from, `[h]` (or one SymbolicTensor) or LSTM's `[h, c]`. */
  readonly initialState?: SymbolicTensor | readonly SymbolicTensor[];
}

const RATE: tf.OptionRule = {
  kind: 'custom',
  check: (value) => (typeof value === 'number' && value >= 0 && value < 1 ? undefined : 'a number in [0, 1)'),
};

/** The option rules every recurrent layer shares; a subclass spreads them into its own. */
export const RNN_RULES: tf.OptionSchema<GatedRNNOptions> = {
  ...LAYER_RULES,
  activation: ACTIVATION_RULE,
  recurrentActivation: ACTIVATION_RULE,
  useBias: { kind: 'boolean' },
  kernelInitializer: INITIALIZER_RULE,
  recurrentInitializer: INITIALIZER_RULE,
  biasInitializer: INITIALIZER_RULE,
  seed: INTEGER,
  kernelRegularizer: RECURRENT_REGULARIZER_RULE,
  recurrentRegularizer: RECURRENT_REGULARIZER_RULE,
  biasRegularizer: RECURRENT_REGULARIZER_RULE,
  dropout: RATE,
  recurrentDropout: RATE,
  returnSequences: { kind: 'boolean' },
  returnState: { kind: 'boolean' },
  goBackwards: { kind: 'boolean' },
};

// Symbolic values pass here: `RNN.apply` sends them to the functional graph (with symbolic inputs) or
// refuses them (with concrete ones).
const isTensorLike = (value: unknown): boolean => value instanceof tf.Tensor || value instanceof SymbolicTensor;

const STATE_RULE: tf.OptionRule = {
  kind: 'custom',
  check: (value) =>
    isTensorLike(value) || (Array.isArray(value) && value.every(isTensorLike))
      ? undefined
      : 'a Tensor or an array of Tensors',
};

const MASK_RULE: tf.OptionRule = {
  kind: 'custom',
  check: (value) =>
    value === null || isTensorLike(value) || (Array.isArray(value) && value.every((m) => m === null || isTensorLike(m)))
      ? undefined
      : 'a bool Tensor, null, or an array of them',
};

export const APPLY_RULES: tf.OptionSchema<RecurrentApplyOptions | SymbolicRecurrentApplyOptions> = {
  training: { kind: 'boolean' },
  mask: MASK_RULE,
  initialState: STATE_RULE,
};

/**
 * The fused form of an activation option: any Keras name or function (names and functions are
 * checked as every layer checks them; an unknown name is refused naming the option).
 */
export function fusedActivation(
  op: string,
  argument: string,
  identifier: activations.ActivationIdentifier | undefined,
  fallback: activations.ActivationName,
): PointwiseActivation {
  activations.get(identifier ?? fallback, argument, op);
  return pointwiseActivation(identifier ?? fallback);
}
