/**
 * @file MultiHeadAttention's options and call arguments (Keras' keyword arguments in camelCase) and
 * the schemas `checkOptions` checks them with, apart from the layer in multi-head-attention.ts.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type * as initializers from '../initializers.js';
import type { ApplyOptions, LayerOptions } from '../layer.js';
import { INITIALIZER_RULE, REGULARIZER_RULE } from '../name-rules.js';
import { INTEGER, LAYER_RULES, POSITIVE_INTEGER, halfOpenRule } from '../option-rules.js';
import type * as regularizers from '../regularizers.js';
import { SymbolicTensor } from '../functional/symbolic-tensor.js';

/**
 * Options of `MultiHeadAttention` (Keras' keyword arguments in camelCase).
 * @example new tf.layers.MultiHeadAttention({ numHeads: 4, keyDim: 16, dropout: 0.1 })
 */
export interface MultiHeadAttentionOptions extends LayerOptions {
  /** The number of attention heads. */
  readonly numHeads: number;
  /** The size of each head's query and key projections. */
  readonly keyDim: number;
  /** The size of each head's value projection; default `keyDim`. */
  readonly valueDim?: number;
  /** The dropout rate on the attention probabilities (training calls only); default 0. */
  readonly dropout?: number;
  /** Whether the projections have biases; default true. */
  readonly useBias?: boolean;
  /** The last dimension of the output; default the query's last dimension. */
  readonly outputShape?: number | readonly [number];
  /** The axes attention runs over: only Keras' default (the time axis, 1, of rank-3 inputs) is supported. */
  readonly attentionAxes?: number | readonly number[] | null;
  /** Default `'glorotUniform'`. */
  readonly kernelInitializer?: initializers.InitializerIdentifier;
  /** Default `'zeros'`. */
  readonly biasInitializer?: initializers.InitializerIdentifier;
  /** A penalty on every kernel; default none. */
  readonly kernelRegularizer?: regularizers.RegularizerIdentifier;
  /** A penalty on every bias; default none. */
  readonly biasRegularizer?: regularizers.RegularizerIdentifier;
  /** Seeds the initializers given by name (one seed per weight after it) and the dropout masks. */
  readonly seed?: number;
}

/**
 * The call arguments of `MultiHeadAttention.apply` besides the tensors (Keras' names in camelCase).
 * @example mha.apply(x, x, undefined, { useCausalMask: true })
 */
export interface MultiHeadAttentionApplyOptions extends ApplyOptions {
  /** Bool `[batch, T, S]` (or broadcastable to it): true where a query may attend to a key. */
  readonly attentionMask?: tf.Tensor | SymbolicTensor | null;
  /** Whether query i may attend only to keys 0..i (a decoder's self-attention); default false. */
  readonly useCausalMask?: boolean;
  /** Whether to return `[output, scores]`, scores the probabilities `[batch, heads, T, S]`; default false. */
  readonly returnAttentionScores?: boolean;
}

export const MHA_RULES: tf.OptionSchema<MultiHeadAttentionOptions> = {
  ...LAYER_RULES,
  numHeads: POSITIVE_INTEGER,
  keyDim: POSITIVE_INTEGER,
  valueDim: POSITIVE_INTEGER,
  dropout: halfOpenRule(0, 1),
  useBias: { kind: 'boolean' },
  outputShape: {
    kind: 'custom',
    check: (v) =>
      (Number.isInteger(v) && (v as number) > 0) ||
      (Array.isArray(v) && v.length === 1 && Number.isInteger(v[0]) && (v[0] as number) > 0)
        ? undefined
        : 'a positive integer (or [n]: one output dimension)',
  },
  attentionAxes: {
    kind: 'custom',
    check: (v) =>
      v === null || v === 1 || (Array.isArray(v) && v.length === 1 && v[0] === 1)
        ? undefined
        : "null, 1 or [1] (Keras' default: attention over the time axis of rank-3 inputs)",
  },
  kernelInitializer: INITIALIZER_RULE,
  biasInitializer: INITIALIZER_RULE,
  kernelRegularizer: REGULARIZER_RULE,
  biasRegularizer: REGULARIZER_RULE,
  seed: INTEGER,
};

const MASK_RULE: tf.OptionRule = {
  kind: 'custom',
  check: (value) =>
    value === null ||
    value instanceof tf.Tensor ||
    (Array.isArray(value) && value.every((m: unknown) => m === null || m instanceof tf.Tensor))
      ? undefined
      : 'a bool Tensor, null, or an array of them',
};

export const MHA_APPLY_RULES: tf.OptionSchema<MultiHeadAttentionApplyOptions> = {
  training: { kind: 'boolean' },
  mask: MASK_RULE,
  attentionMask: {
    kind: 'custom',
    check: (v) =>
      v === null || v instanceof tf.Tensor || v instanceof SymbolicTensor ? undefined : 'a bool Tensor or null',
  },
  useCausalMask: { kind: 'boolean' },
  returnAttentionScores: { kind: 'boolean' },
};
