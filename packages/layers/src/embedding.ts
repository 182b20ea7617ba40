/**
 * @file Embedding: Keras' lookup table from integer ids to dense vectors, a `[inputDim, outputDim]`
 * weight read with `tf.nn.embeddingLookup`, whose gradient is a sparse accumulation
 * (`unsortedSegmentSum` over the ids) rather than a dense one-hot product. With `maskZero` the id 0
 * is padding: the layer attaches the mask `ids != 0` to its output for the recurrent layers after it.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import * as initializers from './initializers.js';
import { Layer } from './layer.js';
import type { LayerConfig, LayerMask, LayerOptions } from './layer.js';
import { regularizerConfig } from './dense.js';
import { INITIALIZER_RULE, REGULARIZER_RULE } from './name-rules.js';
import * as regularizers from './regularizers.js';
import { INTEGER, LAYER_RULES } from './option-rules.js';

/**
 * Options of `Embedding` (Keras' keyword arguments in camelCase).
 * @example new tf.layers.Embedding(1000, 64, { maskZero: true, inputLength: 20 })
 */
export interface EmbeddingOptions extends LayerOptions {
  /** Default `'randomUniform'` (Keras' `'uniform'`: uniform in [-0.05, 0.05]). */
  readonly embeddingsInitializer?: initializers.InitializerIdentifier;
  /** A penalty on the table added to the training loss; default none. */
  readonly embeddingsRegularizer?: regularizers.RegularizerIdentifier;
  /** Whether id 0 is padding, masked out for the layers that follow; default false. */
  readonly maskZero?: boolean;
  /** The length of the id sequences when it is fixed (Keras 2): a number, or the dims after the batch. */
  readonly inputLength?: number | readonly number[];
  /** Seed of an initializer given by name. */
  readonly seed?: number;
}

const INPUT_LENGTH_RULE: tf.OptionRule = {
  kind: 'custom',
  check: (value) =>
    (typeof value === 'number' && Number.isInteger(value) && value > 0) ||
    (Array.isArray(value) && value.every((d) => Number.isInteger(d) && (d as number) > 0))
      ? undefined
      : 'a positive integer or an array of them',
};

const EMBEDDING_RULES: tf.OptionSchema<EmbeddingOptions> = {
  ...LAYER_RULES,
  embeddingsInitializer: INITIALIZER_RULE,
  embeddingsRegularizer: REGULARIZER_RULE,
  maskZero: { kind: 'boolean' },
  inputLength: INPUT_LENGTH_RULE,
  seed: INTEGER,
};

/**
 * Turns integer ids into dense vectors, as `tf.keras.layers.Embedding`: ids of any shape (int32, or
 * float32 holding whole numbers) give `[...ids.shape, outputDim]`.
 * @example
 * const embed = new tf.layers.Embedding(10, 4, { maskZero: true });
 * const vectors = embed.apply(tf.tensor([[3, 1, 0]], [1, 3], 'int32')); // shape [1, 3, 4]
 */
export class Embedding extends Layer {
  /** The class name `model.save` writes. */
  static readonly className = 'Embedding';
  /** The number of ids (the largest id plus one). */
  readonly inputDim: number;
  /** The length of each vector. */
  readonly outputDim: number;
  /** Whether id 0 is padding and masked out. */
  readonly maskZero: boolean;
  /** The fixed sequence dims after the batch, if given. */
  readonly inputLength: readonly number[] | undefined;
  /** The table's penalty, or null. */
  readonly embeddingsRegularizer: regularizers.Regularizer | null;
  private readonly embeddingsInitializer: initializers.Initializer;
  private embeddingsVariable: tf.Variable | null = null;

  constructor(inputDim: number, outputDim: number, options: EmbeddingOptions = {}) {
    // Keras: "Both input_dim and output_dim should be positive".
    if (!Number.isInteger(inputDim) || inputDim <= 0)
      tf.invalidArgument(
        'Embedding',
        'inputDim',
        'a positive integer (the vocabulary size)',
        tf.describeValue(inputDim),
      );
    if (!Number.isInteger(outputDim) || outputDim <= 0)
      tf.invalidArgument('Embedding', 'outputDim', 'a positive integer', tf.describeValue(outputDim));
    tf.checkOptions('Embedding', options, EMBEDDING_RULES);
    super(options, 'embedding');
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.maskZero = options.maskZero ?? false;
    const length = options.inputLength;
    this.inputLength = length === undefined ? undefined : typeof length === 'number' ? [length] : length.slice();
    this.embeddingsInitializer = initializers.get(
      options.embeddingsInitializer ?? 'randomUniform',
      options.seed,
      'embeddingsInitializer',
    );
    this.embeddingsRegularizer = regularizers.get(options.embeddingsRegularizer, 'embeddingsRegularizer', 'Embedding');
  }

  /**
   * The `[inputDim, outputDim]` table; the layer must be built (applied once).
   * @example embed.apply(ids); embed.embeddings.shape // [10, 4]
   */
  get embeddings(): tf.Variable {
    if (this.embeddingsVariable === null) {
      const why = this.isDisposed ? 'was disposed' : 'is not built yet: apply it to ids first';
      throw new tf.FailedPreconditionError(`${this.name}.embeddings: layer '${this.name}' ${why}.`, 'embeddings');
    }
    return this.embeddingsVariable;
  }

  override build(inputShape: readonly number[]): void {
    void inputShape;
    this.embeddingsVariable = this.addWeight(
      'embeddings',
      [this.inputDim, this.outputDim],
      this.embeddingsInitializer,
      true,
      'float32',
      this.embeddingsRegularizer,
    );
    super.build(inputShape);
  }

  /** The vectors of `inputs`' ids: `[...inputs.shape, outputDim]`. */
  call(inputs: tf.Tensor): tf.Tensor {
    const table = this.embeddings;
    const ids = this.checkIds(inputs);
    try {
      return tf.nn.embeddingLookup(table, ids);
    } finally {
      if (ids !== inputs) ids.dispose();
    }
  }

  /** `inputs != 0` with `maskZero` (Keras' `compute_mask`), else none. */
  override computeMask(inputs: tf.Tensor | tf.Tensor[], mask: LayerMask): LayerMask {
    void mask;
    if (!this.maskZero) return null;
    const ids = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.getEngine().withoutRecording(() => tf.notEqual(ids, 0));
  }

  /**
   * Keras' Embedding config.
   * @example new Embedding(10, 4, { maskZero: true }).getConfig().maskZero // true
   */
  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: this.embeddingsInitializer.name,
      ...regularizerConfig('embeddingsRegularizer', this.embeddingsRegularizer),
      maskZero: this.maskZero,
      ...(this.inputLength === undefined ? {} : { inputLength: [...this.inputLength] }),
    };
  }

  override dispose(): void {
    super.dispose();
    this.embeddingsVariable = null;
  }

  /**
   * The ids as int32, checked: int32 or whole-valued float32, in [0, inputDim) wherever the values can
   * be read synchronously (on an asynchronous backend the gather kernel gives zeros for a stray id,
   * TensorFlow's GPU rule), and the fixed `inputLength` when given.
   */
  private checkIds(inputs: tf.Tensor): tf.Tensor {
    const op = `${this.name}.apply`;
    if (inputs.dtype !== 'int32' && inputs.dtype !== 'float32')
      tf.invalidArgument(op, 'inputs', 'int32 ids (or float32 whole numbers)', `a ${inputs.dtype} tensor`);
    if (this.inputLength !== undefined) {
      const dims = inputs.shape.slice(1);
      if (inputs.rank === 0 || !tf.shapesEqual(dims, this.inputLength))
        tf.invalidArgument(
          op,
          'inputs',
          `a shape [batch, ${this.inputLength.join(', ')}] (inputLength ${tf.formatShape(this.inputLength)})`,
          `shape ${tf.formatShape(inputs.shape)}`,
        );
    }
    const { backend, dataId } = inputs.storage;
    if (backend.readSync !== undefined) {
      const values = backend.readSync(dataId);
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (!Number.isInteger(v) || v < 0 || v >= this.inputDim) {
          const at = inputs.rank === 0 ? 'inputs' : `inputs[${unravel(i, inputs.shape).join(',')}]`;
          tf.invalidArgument(
            op,
            'inputs',
            `whole-number ids in [0, ${this.inputDim}) (layer '${this.name}', inputDim ${this.inputDim})`,
            `${at} = ${v}`,
          );
        }
      }
    }
    return inputs.dtype === 'int32' ? inputs : tf.getEngine().withoutRecording(() => tf.cast(inputs, 'int32'));
  }
}

/** The multi-index of flat position `flat` in `shape` (row-major), for messages. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const index: number[] = [];
  let rest = flat;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index.unshift(rest % shape[axis]!);
    rest = Math.floor(rest / shape[axis]!);
  }
  return index;
}
