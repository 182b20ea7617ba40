/**
 * @file The transformer-step workload's inputs (issue 14): a batch of digit sequences and their
 * reversals (the `transformer-reverse` example's task), the sinusoidal positional encoding, and the
 * encoder's initial weights in Keras' layouts, generated from fixed seeds so every library trains the
 * same model on the same numbers (each logs its step loss; a different one would mean a different
 * computation).
 */

import { seeded, uniform } from './data.js';
import type { TransformerSpec } from './libraries/types.js';

/** One initial weight: its values and shape (Keras' layout). */
export interface TransformerWeight {
  readonly name: string;
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/** The tokens, their reversals, the positional encoding and the weights of one run. */
export interface TransformerData {
  /** int32 [batch, length] inputs and targets. */
  readonly tokens: Int32Array;
  readonly targets: Int32Array;
  /** [length, modelDim]. */
  readonly positions: Float32Array;
  /** The embedding table, then per block: query/key/value/output projections, two layer norms, the
   * feed-forward pair; then the logits Dense. In that order in every library. */
  readonly weights: readonly TransformerWeight[];
}

/** The data of `spec`: the same numbers in every process. */
export function transformerData(spec: TransformerSpec): TransformerData {
  const { batch, length, vocab, modelDim: d, numHeads: h, feedForwardDim: ff } = spec;
  const random = seeded(71);
  const tokens = new Int32Array(batch * length);
  const targets = new Int32Array(batch * length);
  for (let i = 0; i < batch; i++)
    for (let j = 0; j < length; j++) {
      const digit = Math.floor(random() * vocab);
      tokens[i * length + j] = digit;
      targets[i * length + (length - 1 - j)] = digit;
    }
  const positions = new Float32Array(length * d);
  for (let p = 0; p < length; p++)
    for (let c = 0; c < d; c++) {
      const angle = p / 10000 ** ((2 * Math.floor(c / 2)) / d);
      positions[p * d + c] = c % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  let seed = 72;
  const glorot = (name: string, shape: number[], fanIn: number, fanOut: number): TransformerWeight => ({
    name,
    shape,
    values: uniform(
      shape.reduce((a, b) => a * b, 1),
      seed++,
      Math.sqrt(6 / (fanIn + fanOut)),
    ),
  });
  const filled = (name: string, shape: number[], value: number): TransformerWeight => ({
    name,
    shape,
    values: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value),
  });
  const headDim = d / h;
  const weights: TransformerWeight[] = [
    { name: 'embedding', shape: [vocab, d], values: uniform(vocab * d, seed++, 0.05) },
  ];
  for (let block = 0; block < spec.blocks; block++) {
    for (const projection of ['query', 'key', 'value']) {
      weights.push(glorot(`${projection}/kernel`, [d, h, headDim], h * d, headDim * d));
      weights.push(filled(`${projection}/bias`, [h, headDim], 0));
    }
    weights.push(glorot('attention_output/kernel', [h, headDim, d], headDim * h, d * h));
    weights.push(filled('attention_output/bias', [d], 0));
    weights.push(filled('norm1/gamma', [d], 1), filled('norm1/beta', [d], 0));
    weights.push(glorot('ff1/kernel', [d, ff], d, ff), filled('ff1/bias', [ff], 0));
    weights.push(glorot('ff2/kernel', [ff, d], ff, d), filled('ff2/bias', [d], 0));
    weights.push(filled('norm2/gamma', [d], 1), filled('norm2/beta', [d], 0));
  }
  weights.push(glorot('logits/kernel', [d, vocab], d, vocab), filled('logits/bias', [vocab], 0));
  return { tokens, targets, positions, weights };
}

/** The step's loss on stderr: every library starts from the same weights, so they must agree. */
export function logStepLoss(loss: number, library: string): void {
  process.stderr.write(`  transformer step (${library}): first loss ${loss.toFixed(4)}\n`);
}
