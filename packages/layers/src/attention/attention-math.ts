/**
 * @file The computation of multi-head attention on explicit weights, in Keras' layouts (projection
 * kernels `[dim, numHeads, headDim]`, biases `[numHeads, headDim]`, output kernel `[numHeads,
 * valueDim, outDim]`), and Keras' mask rules (query, value and key masks, the causal mask and an
 * explicit attention mask combined by AND). Kept apart from the layer so the oracle tests and the
 * layer share one formula; every step is a matmul, transpose, reshape, softmax or select, so the tape
 * differentiates it as it stands.
 */

import * as tf from '@tapeflow/tensor-core/internal';

/** The weights of one attention layer (biases null when `useBias` is false). */
export interface AttentionWeights {
  readonly queryKernel: tf.Tensor;
  readonly queryBias: tf.Tensor | null;
  readonly keyKernel: tf.Tensor;
  readonly keyBias: tf.Tensor | null;
  readonly valueKernel: tf.Tensor;
  readonly valueBias: tf.Tensor | null;
  readonly outputKernel: tf.Tensor;
  readonly outputBias: tf.Tensor | null;
}

/** What softmax sees at a masked position: a logit no real score reaches (Keras uses -1e9 for float32). */
export const MASKED_LOGIT = -1e9;

/**
 * Projects `x` `[batch, time, dim]` with a kernel `[dim, heads, headDim]` (+ bias `[heads, headDim]`)
 * to `[batch, heads, time, headDim]`: Keras' EinsumDense `abc,cde->abde`, then heads before time.
 */
export function projectHeads(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
  const [batch, time, dim] = x.shape as [number, number, number];
  const [, heads, headDim] = kernel.shape as [number, number, number];
  const flat = tf.matmul(tf.reshape(x, [batch * time, dim]), tf.reshape(kernel, [dim, heads * headDim]));
  const biased = bias === null ? flat : tf.add(flat, tf.reshape(bias, [heads * headDim]));
  return tf.transpose(tf.reshape(biased, [batch, time, heads, headDim]), [0, 2, 1, 3]);
}

/**
 * The bool mask `[batch or 1, T, S]` of the positions a query may attend to, or null for all (Keras'
 * `_compute_attention_mask`): padded queries (`queryMask [B, T]`), padded values and keys (`[B, S]`),
 * the causal lower triangle, and `attentionMask` (broadcastable to `[B, T, S]`), combined by AND.
 */
export function combinedMask(
  targetLength: number,
  sourceLength: number,
  masks: {
    readonly query?: tf.Tensor | null;
    readonly value?: tf.Tensor | null;
    readonly key?: tf.Tensor | null;
    readonly attention?: tf.Tensor | null;
    readonly causal?: boolean;
  },
): tf.Tensor | null {
  const parts: tf.Tensor[] = [];
  const asBool = (m: tf.Tensor): tf.Tensor => (m.dtype === 'bool' ? m : tf.notEqual(m, 0));
  if (masks.query) parts.push(tf.expandDims(asBool(masks.query), 2));
  if (masks.value) parts.push(tf.expandDims(asBool(masks.value), 1));
  if (masks.key) parts.push(tf.expandDims(asBool(masks.key), 1));
  if (masks.causal === true) {
    const rows = tf.reshape(tf.range(0, targetLength, 1, 'int32'), [targetLength, 1]);
    const columns = tf.reshape(tf.range(0, sourceLength, 1, 'int32'), [1, sourceLength]);
    parts.push(tf.expandDims(tf.greaterEqual(rows, columns), 0));
  }
  if (masks.attention) parts.push(asBool(masks.attention));
  if (parts.length === 0) return null;
  return parts.slice(1).reduce<tf.Tensor>((a, b) => tf.logicalAnd(a, b), parts[0]!);
}

/**
 * Multi-head attention: `softmax(q·kᵀ/√keyDim, masked) · v`, heads concatenated and projected by the
 * output kernel. `query [B, T, Dq]`, `value [B, S, Dv]`, `key [B, S, Dk]`; `mask` from `combinedMask`;
 * `dropProbabilities` (training dropout) is applied to the attention probabilities. Returns the output
 * `[B, T, outDim]` and the probabilities `[B, heads, T, S]`.
 */
export function multiHeadAttention(
  query: tf.Tensor,
  value: tf.Tensor,
  key: tf.Tensor,
  weights: AttentionWeights,
  mask: tf.Tensor | null,
  dropProbabilities: ((probabilities: tf.Tensor) => tf.Tensor) | null = null,
): { output: tf.Tensor; scores: tf.Tensor } {
  const [batch, targetLength] = query.shape as [number, number, number];
  const keyDim = weights.queryKernel.shape[2]!;
  const q = tf.mul(projectHeads(query, weights.queryKernel, weights.queryBias), 1 / Math.sqrt(keyDim));
  const k = projectHeads(key, weights.keyKernel, weights.keyBias);
  const v = projectHeads(value, weights.valueKernel, weights.valueBias);
  const logits = tf.matmul(q, k, { transposeB: true });
  // The mask gains a heads axis: [B, 1, T, S].
  const masked = mask === null ? logits : tf.where(tf.expandDims(mask, 1), logits, MASKED_LOGIT);
  const scores = tf.softmax(masked, -1);
  const used = dropProbabilities === null ? scores : dropProbabilities(scores);
  const [, heads, valueDim, outDim] = [0, ...(weights.outputKernel.shape as [number, number, number])];
  const attended = tf.transpose(tf.matmul(used, v), [0, 2, 1, 3]);
  const flat = tf.matmul(
    tf.reshape(attended, [batch * targetLength, heads * valueDim]),
    tf.reshape(weights.outputKernel, [heads * valueDim, outDim]),
  );
  const biased = weights.outputBias === null ? flat : tf.add(flat, weights.outputBias);
  return { output: tf.reshape(biased, [batch, targetLength, outDim]), scores };
}
