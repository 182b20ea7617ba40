/**
 * @file MultiHeadAttention: Keras' layer, with its weights under Keras' names and layouts
 * (`query/kernel [dim, numHeads, keyDim]`, `query/bias [numHeads, keyDim]`, the same for key and value,
 * `attention_output/kernel [numHeads, valueDim, outDim]`, `attention_output/bias [outDim]`) so weights
 * trained in Keras load with `setWeights`. `apply(query, value, key?, options)` takes Keras' call
 * arguments; `apply([query, value, key?], options)` is the same call in the base class' form (what the
 * functional graph replays). The math is in attention-math.ts.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import * as initializers from '../initializers.js';
import { Layer } from '../layer.js';
import type { ApplyOptions, LayerConfig, LayerInput, LayerMask, LayerOutput } from '../layer.js';
import { regularizerConfig } from '../dense.js';
import * as regularizers from '../regularizers.js';
import { applySymbolic } from '../functional/apply-symbolic.js';
import { SymbolicTensor, isSymbolicInput } from '../functional/symbolic-tensor.js';
import { combinedMask, multiHeadAttention } from './attention-math.js';
import type { AttentionWeights } from './attention-math.js';
import { MHA_APPLY_RULES, MHA_RULES } from './attention-options.js';
import type { MultiHeadAttentionApplyOptions, MultiHeadAttentionOptions } from './attention-options.js';

export type { MultiHeadAttentionApplyOptions, MultiHeadAttentionOptions } from './attention-options.js';

type Projection = 'query' | 'key' | 'value' | 'attention_output';

/**
 * Keras' multi-head attention layer: queries attend to keys, each head in its own projected space,
 * and the heads' weighted values are projected back to the query's size.
 * @example
 * const mha = new tf.layers.MultiHeadAttention({ numHeads: 2, keyDim: 4 });
 * const x = tf.random.normal([8, 10, 16]);
 * const y = mha.apply(x, x, undefined, { useCausalMask: true }); // [8, 10, 16]
 * const [out, scores] = mha.apply(x, x, undefined, { returnAttentionScores: true }); // scores [8, 2, 10, 10]
 */
export class MultiHeadAttention extends Layer<LayerOutput> {
  /** The class name `model.save` writes. */
  static readonly className = 'MultiHeadAttention';
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropout: number;
  readonly useBias: boolean;
  /** The output's last dimension as given, or null for the query's. */
  readonly outputDim: number | null;
  readonly seed: number | undefined;
  private readonly kernelInitializer: initializers.InitializerIdentifier;
  private readonly biasInitializer: initializers.InitializerIdentifier;
  /** The kernels' penalty, or null. */
  readonly kernelRegularizer: regularizers.Regularizer | null;
  /** The biases' penalty, or null. */
  readonly biasRegularizer: regularizers.Regularizer | null;
  private weightsInternal: AttentionWeights | null = null;
  /** The call arguments of the `apply` running now (read by `call` and `computeMask`). */
  private pending: MultiHeadAttentionApplyOptions = {};
  private dropoutCalls = 0;

  constructor(options: MultiHeadAttentionOptions) {
    const given: unknown = options;
    const isObject = typeof given === 'object' && given !== null && !Array.isArray(given);
    for (const key of ['numHeads', 'keyDim'] as const)
      if (!isObject || !Object.hasOwn(given, key))
        tf.invalidArgument('MultiHeadAttention', `options.${key}`, 'a positive integer', 'nothing');
    tf.checkOptions('MultiHeadAttention', options, MHA_RULES);
    super(options, 'multi_head_attention');
    this.supportsMasking = true;
    this.numHeads = options.numHeads;
    this.keyDim = options.keyDim;
    this.valueDim = options.valueDim ?? options.keyDim;
    this.dropout = options.dropout ?? 0;
    this.useBias = options.useBias ?? true;
    const out = options.outputShape;
    this.outputDim = out === undefined ? null : typeof out === 'number' ? out : out[0];
    this.seed = options.seed;
    this.kernelInitializer = options.kernelInitializer ?? 'glorotUniform';
    this.biasInitializer = options.biasInitializer ?? 'zeros';
    this.kernelRegularizer = regularizers.get(options.kernelRegularizer, 'kernelRegularizer', 'MultiHeadAttention');
    this.biasRegularizer = regularizers.get(options.biasRegularizer, 'biasRegularizer', 'MultiHeadAttention');
  }

  /** The eight weights (biases null without `useBias`); the layer must be built. */
  get attentionWeights(): AttentionWeights {
    if (this.weightsInternal === null || this.isDisposed) {
      const why = this.isDisposed ? 'was disposed' : 'is not built yet: apply it to a query and a value first';
      throw new tf.FailedPreconditionError(`${this.name}.weights: layer '${this.name}' ${why}.`, 'weights');
    }
    return this.weightsInternal;
  }

  /**
   * Attends from `query` `[batch, T, dim]` to `value` `[batch, S, dim]` (keys `key`, default `value`).
   * Returns the output `[batch, T, outDim]`, or `[output, scores]` with `returnAttentionScores`.
   * The base form `apply([query, value, key?], options)` is the same call.
   */
  override apply(
    query: SymbolicTensor,
    value: SymbolicTensor,
    key?: SymbolicTensor,
    options?: MultiHeadAttentionApplyOptions,
  ): SymbolicTensor | SymbolicTensor[];
  override apply(
    query: tf.Tensor,
    value: tf.Tensor,
    key?: tf.Tensor,
    options?: MultiHeadAttentionApplyOptions & { readonly returnAttentionScores?: false },
  ): tf.Tensor;
  override apply(
    query: tf.Tensor,
    value: tf.Tensor,
    key: tf.Tensor | undefined,
    options: MultiHeadAttentionApplyOptions & { readonly returnAttentionScores: true },
  ): [tf.Tensor, tf.Tensor];
  /** Without a key: `apply(query, value, options)`. */
  override apply(
    query: tf.Tensor,
    value: tf.Tensor,
    options: MultiHeadAttentionApplyOptions & { readonly returnAttentionScores: true },
  ): [tf.Tensor, tf.Tensor];
  override apply(
    query: tf.Tensor,
    value: tf.Tensor,
    options: MultiHeadAttentionApplyOptions & { readonly returnAttentionScores?: false },
  ): tf.Tensor;
  override apply(
    inputs: SymbolicTensor | readonly SymbolicTensor[],
    options?: MultiHeadAttentionApplyOptions,
  ): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: LayerInput, options?: MultiHeadAttentionApplyOptions): LayerOutput;
  override apply(
    first: LayerInput | SymbolicTensor | readonly SymbolicTensor[],
    second?: tf.Tensor | SymbolicTensor | MultiHeadAttentionApplyOptions,
    third?: tf.Tensor | SymbolicTensor | MultiHeadAttentionApplyOptions,
    fourth?: MultiHeadAttentionApplyOptions,
  ): LayerOutput | SymbolicTensor | SymbolicTensor[] {
    this.assertNotDisposed('apply');
    const op = `${this.name}.apply`;
    let inputs: readonly (tf.Tensor | SymbolicTensor)[];
    let options: MultiHeadAttentionApplyOptions;
    const isTensor = (v: unknown): v is tf.Tensor | SymbolicTensor =>
      v instanceof tf.Tensor || v instanceof SymbolicTensor;
    if (Array.isArray(first)) {
      inputs = first as readonly (tf.Tensor | SymbolicTensor)[];
      options = (second ?? {}) as MultiHeadAttentionApplyOptions;
    } else {
      if (!isTensor(second)) tf.invalidArgument(op, 'value', 'a Tensor', tf.describeValue(second));
      // `apply(query, value, options)` is accepted too: an options object where the key would go.
      const keyGiven = isTensor(third);
      if (third !== undefined && !keyGiven && (typeof third !== 'object' || third === null || fourth !== undefined))
        tf.invalidArgument(op, 'key', 'a Tensor or undefined', tf.describeValue(third));
      inputs = keyGiven ? [first as tf.Tensor, second, third] : [first as tf.Tensor, second];
      options = (keyGiven ? fourth : (third ?? fourth)) ?? {};
    }
    tf.checkOptions(op, options, MHA_APPLY_RULES);
    if (inputs.length < 2 || inputs.length > 3)
      tf.invalidArgument(op, 'inputs', '[query, value] or [query, value, key]', `an array of ${inputs.length}`);
    if (isSymbolicInput(inputs)) return applySymbolic(this, inputs, options);
    if (options.attentionMask instanceof SymbolicTensor)
      tf.invalidArgument(op, 'options.attentionMask', 'a Tensor (the inputs are concrete)', 'a SymbolicTensor');
    const { attentionMask, useCausalMask, returnAttentionScores, ...base } = options;
    const previous = this.pending;
    this.pending = {
      ...(attentionMask === undefined ? {} : { attentionMask }),
      ...(useCausalMask === undefined ? {} : { useCausalMask }),
      ...(returnAttentionScores === undefined ? {} : { returnAttentionScores }),
    };
    try {
      return super.apply(inputs as readonly tf.Tensor[], base);
    } finally {
      this.pending = previous;
    }
  }

  override build(inputShape: readonly number[] | readonly (readonly number[])[]): void {
    const shapes = this.checkShapes(inputShape as readonly (readonly number[])[]);
    const [query, value, key = value] = shapes as [readonly number[], readonly number[], (readonly number[])?];
    const queryDim = query[2]!;
    const outDim = this.outputDim ?? queryDim;
    let seed = this.seed;
    const weight = (projection: Projection, kind: 'kernel' | 'bias', shape: number[]): tf.Variable => {
      const identifier = kind === 'kernel' ? this.kernelInitializer : this.biasInitializer;
      const initializer = initializers.get(identifier, seed === undefined ? undefined : seed++, `${kind}Initializer`);
      const penalty = kind === 'kernel' ? this.kernelRegularizer : this.biasRegularizer;
      return this.addWeight(`${projection}/${kind}`, shape, initializer, true, 'float32', penalty);
    };
    const pair = (projection: Projection, dim: number, headDim: number): [tf.Variable, tf.Variable | null] => [
      weight(projection, 'kernel', [dim, this.numHeads, headDim]),
      this.useBias ? weight(projection, 'bias', [this.numHeads, headDim]) : null,
    ];
    const [queryKernel, queryBias] = pair('query', queryDim, this.keyDim);
    const [keyKernel, keyBias] = pair('key', key[2]!, this.keyDim);
    const [valueKernel, valueBias] = pair('value', value[2]!, this.valueDim);
    const outputKernel = weight('attention_output', 'kernel', [this.numHeads, this.valueDim, outDim]);
    const outputBias = this.useBias ? weight('attention_output', 'bias', [outDim]) : null;
    this.weightsInternal = {
      queryKernel,
      queryBias,
      keyKernel,
      keyBias,
      valueKernel,
      valueBias,
      outputKernel,
      outputBias,
    };
    super.build(inputShape);
  }

  /** Keras' input checks: rank-3 query, value and key, one batch size, key and value of one length. */
  private checkShapes(shapes: readonly (readonly number[])[]): readonly (readonly number[])[] {
    const op = `${this.name}.apply`;
    if (!Array.isArray(shapes[0]) || shapes.length < 2 || shapes.length > 3)
      tf.invalidArgument(op, 'inputs', 'a query and a value (and a key)', 'one tensor');
    const names = ['query', 'value', 'key'];
    shapes.forEach((s, i) => {
      if (s.length !== 3)
        tf.invalidArgument(op, names[i]!, 'a tensor of rank 3 ([batch, time, features])', `shape ${tf.formatShape(s)}`);
    });
    const [query, value, key = value] = shapes as [number[], number[], number[]?];
    if (value[0] !== query[0] || key[0] !== query[0])
      tf.invalidArgument(
        op,
        'value',
        `the query's batch size (${query[0]})`,
        `shapes query ${tf.formatShape(query)}, value ${tf.formatShape(value)}, key ${tf.formatShape(key)}`,
      );
    if (key[1] !== value[1])
      tf.invalidArgument(op, 'key', `the value's length (${value[1]})`, `shape ${tf.formatShape(key)}`);
    const built = this.weightsInternal;
    if (built !== null) {
      const expected: [string, number, number][] = [
        ['query', built.queryKernel.shape[0]!, query[2]!],
        ['value', built.valueKernel.shape[0]!, value[2]!],
        ['key', built.keyKernel.shape[0]!, key[2]!],
      ];
      for (const [name, dim, given] of expected)
        if (dim !== given)
          tf.invalidArgument(
            op,
            name,
            `a last dimension of ${dim} (the layer was built for it)`,
            `shape ${tf.formatShape(name === 'query' ? query : name === 'value' ? value : key)}`,
          );
    }
    return shapes;
  }

  call(inputs: tf.Tensor | tf.Tensor[], options: ApplyOptions = {}): LayerOutput {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    this.checkShapes(list.map((t) => t.shape));
    const [query, value, key = value] = list as [tf.Tensor, tf.Tensor, tf.Tensor?];
    const targetLength = query.shape[1]!;
    const sourceLength = value.shape[1]!;
    const { attentionMask, useCausalMask, returnAttentionScores } = this.pending;
    const attention = attentionMask instanceof tf.Tensor ? attentionMask : null;
    if (attention !== null) this.checkAttentionMask(attention, query.shape[0]!, targetLength, sourceLength);
    const masks = this.inputMasks(options.mask, list.length);
    const training = options.training === true && this.dropout > 0;
    const callIndex = training ? this.dropoutCalls++ : 0;
    const { output, scores } = tf.tidy(() => {
      const mask = combinedMask(targetLength, sourceLength, {
        query: masks[0] ?? null,
        value: masks[1] ?? null,
        // Keras: without a key tensor, the key's mask is the value's.
        key: list.length === 3 ? (masks[2] ?? null) : null,
        attention,
        causal: useCausalMask === true,
      });
      const drop = training ? (p: tf.Tensor): tf.Tensor => this.dropProbabilities(p, callIndex) : null;
      return multiHeadAttention(query, value, key, this.attentionWeights, mask, drop);
    });
    if (returnAttentionScores === true) return [output, scores];
    scores.dispose();
    return output;
  }

  /** The output keeps the query's mask (the output has the query's time axis); the scores get none. */
  override computeMask(inputs: tf.Tensor | tf.Tensor[], mask: LayerMask): LayerMask {
    const queryMask = this.inputMasks(mask, Array.isArray(inputs) ? inputs.length : 1)[0] ?? null;
    return this.pending.returnAttentionScores === true ? [queryMask, null] : queryMask;
  }

  private inputMasks(mask: LayerMask | undefined, count: number): (tf.Tensor | null)[] {
    if (mask === undefined || mask === null) return [];
    if (mask instanceof tf.Tensor) return [mask];
    if (mask.length !== count)
      tf.invalidArgument(
        `${this.name}.apply`,
        'options.mask',
        `one mask (or null) per input (${count})`,
        `${mask.length} mask(s)`,
      );
    return [...mask];
  }

  private checkAttentionMask(mask: tf.Tensor, batch: number, targetLength: number, sourceLength: number): void {
    const target = [batch, targetLength, sourceLength];
    const padded = [...new Array<number>(Math.max(0, 3 - mask.rank)).fill(1), ...mask.shape];
    const fits = mask.rank <= 3 && padded.every((d, i) => d === 1 || d === target[i]);
    if (!fits)
      tf.invalidArgument(
        `${this.name}.apply`,
        'options.attentionMask',
        `a mask broadcastable to [batch, T, S] = ${tf.formatShape(target)}`,
        `shape ${tf.formatShape(mask.shape)}`,
      );
  }

  private dropProbabilities(probabilities: tf.Tensor, call: number): tf.Tensor {
    const noise =
      this.seed === undefined
        ? tf.random.uniform(probabilities.shape)
        : tf.random.statelessUniform(probabilities.shape, [this.seed, call]);
    const keep = tf.cast(tf.greaterEqual(noise, this.dropout), 'float32');
    return tf.mul(probabilities, tf.mul(keep, 1 / (1 - this.dropout)));
  }

  override getConfig(): LayerConfig {
    const name = (identifier: initializers.InitializerIdentifier): string =>
      typeof identifier === 'string' ? identifier : identifier.name;
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      dropout: this.dropout,
      useBias: this.useBias,
      ...(this.outputDim === null ? {} : { outputShape: this.outputDim }),
      kernelInitializer: name(this.kernelInitializer),
      biasInitializer: name(this.biasInitializer),
      ...(this.seed === undefined ? {} : { seed: this.seed }),
      ...regularizerConfig('kernelRegularizer', this.kernelRegularizer),
      ...regularizerConfig('biasRegularizer', this.biasRegularizer),
    };
  }

  override dispose(): void {
    super.dispose();
    this.weightsInternal = null;
  }
}
