/**
 * @file SimpleRNN: Keras' fully-connected recurrent layer, `h = activation(x · kernel + h · recurrent_kernel
 * + bias)` (kernel [inputDim, units], recurrent_kernel [units, units], bias [units]). The sequence runs
 * as one fused op (sequence-ops.ts).
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { RNN, RNN_RULES } from './rnn-base.js';
import type { RNNOptions } from './rnn-base.js';
import type { CellSpec } from './sequence-ops.js';

/**
 * Options of `SimpleRNN` (Keras' keyword arguments in camelCase).
 * @example new tf.layers.SimpleRNN(16, { activation: 'relu', returnSequences: true })
 */
export interface SimpleRNNOptions<ReturnState extends boolean = boolean> extends RNNOptions {
  /** Whether `apply` returns `[output, h]` instead of the output alone; default false. */
  readonly returnState?: ReturnState;
}

const { recurrentActivation: _gatesOnly, ...SIMPLE_RNN_RULES } = RNN_RULES;
void _gatesOnly;

/**
 * A fully-connected recurrent layer, as `tf.keras.layers.SimpleRNN`. With `returnState: true`
 * (a literal), `apply` is typed to return `[output, h]`.
 * @example
 * const rnn = new tf.layers.SimpleRNN(4);
 * rnn.apply(tf.ones([2, 5, 3])).shape // [2, 4]
 */
export class SimpleRNN<ReturnState extends boolean = false> extends RNN<
  ReturnState extends true ? tf.Tensor[] : tf.Tensor
> {
  /** The class name `model.save` writes. */
  static readonly className = 'SimpleRNN';

  constructor(units: number, options: SimpleRNNOptions<ReturnState> = {}) {
    tf.checkOptions('SimpleRNN', options, SIMPLE_RNN_RULES);
    super('SimpleRNN', 'simple_rnn', 'simpleRNN', units, options);
  }

  protected get cellSpec(): CellSpec {
    return {
      kind: 'simpleRNN',
      units: this.units,
      activation: this.activationFunction,
      recurrentActivation: this.activationFunction,
      resetAfter: false,
    };
  }
}
