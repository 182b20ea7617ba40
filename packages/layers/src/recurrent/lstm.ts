/**
 * @file LSTM: Keras' long short-term memory layer, gates in Keras' order i, f, c, o (kernel
 * [inputDim, 4 * units], recurrent_kernel [units, 4 * units], bias [4 * units]), so weights trained in
 * Keras load with `setWeights`. The sequence runs as one fused op (sequence-ops.ts).
 */

import * as tf from '@tapeflow/tensor-core/internal';
import * as initializers from '../initializers.js';
import type { LayerConfig } from '../layer.js';
import { RNN } from './rnn-base.js';
import { RNN_RULES } from './rnn-options.js';
import type { GatedRNNOptions } from './rnn-options.js';
import type { CellSpec } from './cell-spec.js';

/**
 * Options of `LSTM` (Keras' keyword arguments in camelCase).
 * @example new tf.layers.LSTM(16, { returnSequences: true, unitForgetBias: false })
 */
export interface LSTMOptions<ReturnState extends boolean = boolean> extends GatedRNNOptions {
  /** Whether `apply` returns `[output, h, c]` instead of the output alone; default false. */
  readonly returnState?: ReturnState;
  /** Whether the forget gate's bias starts at 1 (Jozefowicz et al.); default true. */
  readonly unitForgetBias?: boolean;
}

const LSTM_RULES: tf.OptionSchema<LSTMOptions> = { ...RNN_RULES, unitForgetBias: { kind: 'boolean' } };

/**
 * A long short-term memory layer, as `tf.keras.layers.LSTM`. With `returnState: true` (a literal),
 * `apply` is typed to return `[output, h, c]`.
 * @example
 * const lstm = new tf.layers.LSTM(8, { returnState: true });
 * const [output, h, c] = lstm.apply(tf.ones([2, 5, 3])); // [2, 8] each
 */
export class LSTM<ReturnState extends boolean = false> extends RNN<ReturnState extends true ? tf.Tensor[] : tf.Tensor> {
  /** The class name `model.save` writes. */
  static readonly className = 'LSTM';
  /** Whether the forget gate's bias starts at 1. */
  readonly unitForgetBias: boolean;

  constructor(units: number, options: LSTMOptions<ReturnState> = {}) {
    tf.checkOptions('LSTM', options, LSTM_RULES);
    super('LSTM', 'lstm', 'lstm', units, options);
    this.unitForgetBias = options.unitForgetBias ?? true;
  }

  /** The recurrent activation of the gates: its Keras name, or null for a user function. */
  get recurrentActivation(): string | null {
    return this.recurrentActivationFunction.name;
  }

  protected get cellSpec(): CellSpec {
    return {
      kind: 'lstm',
      units: this.units,
      activation: this.activationFunction,
      recurrentActivation: this.recurrentActivationFunction,
      resetAfter: false,
    };
  }

  protected override biasInitial(): initializers.Initializer {
    if (!this.unitForgetBias) return this.biasInitializer;
    const given = this.biasInitializer;
    const units = this.units;
    return {
      name: given.name,
      // Keras: the given initializer for i, ones for f, the given one for c and o.
      initialize: () =>
        tf.tidy(() => tf.concat([given.initialize([units]), tf.ones([units]), given.initialize([2 * units])], 0)),
    };
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      recurrentActivation: this.recurrentActivation,
      unitForgetBias: this.unitForgetBias,
    };
  }
}
