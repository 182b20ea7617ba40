/**
 * @file GRU: Keras' gated recurrent unit, gates in Keras' order z, r, h (kernel [inputDim, 3 * units],
 * recurrent_kernel [units, 3 * units]). `resetAfter` (Keras' and cuDNN's default) applies the reset
 * gate after the recurrent matmul and has two biases, bias [2, 3 * units] (input, recurrent); without
 * it, before, with bias [3 * units]. The sequence runs as one fused op (sequence-ops.ts).
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { LayerConfig } from '../layer.js';
import { RNN } from './rnn-base.js';
import { RNN_RULES } from './rnn-options.js';
import type { GatedRNNOptions } from './rnn-options.js';
import type { CellSpec } from './cell-spec.js';

/**
 * Options of `GRU` (Keras' keyword arguments in camelCase).
 * @example new tf.layers.GRU(16, { returnSequences: true, resetAfter: false })
 */
export interface GRUOptions<ReturnState extends boolean = boolean> extends GatedRNNOptions {
  /** Whether `apply` returns `[output, h]` instead of the output alone; default false. */
  readonly returnState?: ReturnState;
  /** Whether the reset gate applies after the recurrent matmul (two biases); default true. */
  readonly resetAfter?: boolean;
}

const GRU_RULES: tf.OptionSchema<GRUOptions> = { ...RNN_RULES, resetAfter: { kind: 'boolean' } };

/**
 * A gated recurrent unit layer, as `tf.keras.layers.GRU`. With `returnState: true` (a literal),
 * `apply` is typed to return `[output, h]`.
 * @example
 * const gru = new tf.layers.GRU(8, { returnSequences: true });
 * gru.apply(tf.ones([2, 5, 3])).shape // [2, 5, 8]
 */
export class GRU<ReturnState extends boolean = false> extends RNN<ReturnState extends true ? tf.Tensor[] : tf.Tensor> {
  /** The class name `model.save` writes. */
  static readonly className = 'GRU';
  /** Whether the reset gate applies after the recurrent matmul. */
  readonly resetAfter: boolean;

  constructor(units: number, options: GRUOptions<ReturnState> = {}) {
    tf.checkOptions('GRU', options, GRU_RULES);
    super('GRU', 'gru', 'gru', units, options);
    this.resetAfter = options.resetAfter ?? true;
  }

  /** The recurrent activation of the gates: its Keras name, or null for a user function. */
  get recurrentActivation(): string | null {
    return this.recurrentActivationFunction.name;
  }

  protected get cellSpec(): CellSpec {
    return {
      kind: 'gru',
      units: this.units,
      activation: this.activationFunction,
      recurrentActivation: this.recurrentActivationFunction,
      resetAfter: this.resetAfter,
    };
  }

  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), recurrentActivation: this.recurrentActivation, resetAfter: this.resetAfter };
  }
}
