/**
 * @file Bidirectional: Keras' wrapper that runs a recurrent layer over a sequence both ways. It makes
 * two copies from the wrapped layer's config, `forward_<name>` and `backward_<name>` (the latter with
 * `goBackwards` flipped), runs both on the same input and mask, turns the backward outputs back into
 * forward time order when they are sequences, and merges them (`concat`, `sum`, `mul`, `ave`, or
 * none: both returned). `initialState` is split half and half between the two (forward's first),
 * and `returnState` gives `[output, ...forwardStates, ...backwardStates]`, as in Keras. The copies are
 * made from the config, so a `seed` in it gives both directions the same initial weights (as Keras'
 * seeded initializers do); leave it out and seed the global generator for two different draws.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { SymbolicTensor, isSymbolicInput } from './functional/symbolic-tensor.js';
import { Layer } from './layer.js';
import type {
  ApplyOptions,
  ConfigValue,
  LayerConfig,
  LayerInput,
  LayerMask,
  LayerOptions,
  LayerOutput,
  SymbolicOutput,
} from './layer.js';
import { LAYER_RULES } from './option-rules.js';
import { APPLY_RULES } from './recurrent/rnn-options.js';
import type { RecurrentApplyOptions, SymbolicRecurrentApplyOptions } from './recurrent/rnn-options.js';
import { applySymbolic } from './functional/apply-symbolic.js';
// Only the recurrent classes' makers (not loadModel's whole table, which would pull every layer
// class's reader into a page that never loads a model; see apps/browser-test's bundle budget).
import { ConfigReader } from './saving/config-reader.js';
import { RECURRENT_CLASSES } from './saving/recurrent-layer-classes.js';

/** How the forward and backward outputs are combined (Keras' `merge_mode`); null returns both. */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

/** The merge modes, in Keras' order. */
export const MERGE_MODES: readonly MergeMode[] = ['sum', 'mul', 'ave', 'concat', null];

/**
 * Options of `Bidirectional` (Keras' keyword arguments in camelCase).
 * @example new tf.layers.Bidirectional(new tf.layers.LSTM(16), { mergeMode: 'sum' })
 */
export interface BidirectionalOptions extends LayerOptions {
  /** How the two directions' outputs are combined; default `'concat'` (along the last axis). */
  readonly mergeMode?: MergeMode;
  /**
   * The layer to run backwards, instead of a copy of `layer` with `goBackwards` flipped: it must have
   * the opposite `goBackwards` and the same `returnSequences` and `returnState` as `layer`.
   */
  readonly backwardLayer?: Layer<LayerOutput>;
}

const BIDIRECTIONAL_RULES: tf.OptionSchema<BidirectionalOptions> = {
  ...LAYER_RULES,
  mergeMode: { kind: 'oneOf', values: MERGE_MODES },
  backwardLayer: {
    kind: 'custom',
    check: (value) => (value instanceof Layer ? undefined : 'a recurrent Layer'),
  },
};

/** The flags a recurrent layer's config carries, read and checked. */
interface RecurrentFlags {
  readonly goBackwards: boolean;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
}

function recurrentFlags(config: LayerConfig, argument: string, layer: Layer<LayerOutput>): RecurrentFlags {
  const flag = (key: string): boolean | undefined => {
    const value = Object.hasOwn(config, key) ? config[key] : undefined;
    return typeof value === 'boolean' ? value : undefined;
  };
  const goBackwards = flag('goBackwards');
  const returnSequences = flag('returnSequences') ?? false;
  const returnState = flag('returnState') ?? false;
  if (goBackwards === undefined)
    tf.invalidArgument(
      'Bidirectional',
      argument,
      'a recurrent layer (its config has goBackwards, returnSequences and returnState: SimpleRNN, LSTM, GRU)',
      `${layer.className} '${layer.name}'`,
    );
  return { goBackwards, returnSequences, returnState };
}

/** A new layer of `layer`'s class from `config` (Keras' `from_config`), through the classes `loadModel` knows. */
function recreate(layer: Layer<LayerOutput>, config: LayerConfig, argument: string): Layer<LayerOutput> {
  const recurrent = Object.hasOwn(RECURRENT_CLASSES, layer.className) ? RECURRENT_CLASSES[layer.className] : undefined;
  if (recurrent !== undefined)
    return recurrent.make(new ConfigReader(config, `Bidirectional.${argument} (${layer.className})`), config, {
      customLayers: {},
    });
  return tf.invalidArgument(
    'Bidirectional',
    argument,
    'a layer Tapeflow can re-create from its config (SimpleRNN, LSTM, GRU)',
    `${layer.className} '${layer.name}'`,
  );
}

/** A `{ className, config }` pair as JSON. */
function serialized(className: string, config: LayerConfig): ConfigValue {
  return { className, config };
}

/**
 * Runs a recurrent layer forwards and backwards over the time axis and merges the two, as
 * `tf.keras.layers.Bidirectional`. The type parameter is the output type: `tf.Tensor` (default), or
 * `tf.Tensor[]` with `returnState` or `mergeMode: null`.
 * @example
 * const bi = new tf.layers.Bidirectional(new tf.layers.LSTM(8, { returnSequences: true }));
 * bi.apply(tf.ones([2, 5, 3])).shape; // [2, 5, 16]
 */
export class Bidirectional<Output extends LayerOutput = tf.Tensor> extends Layer<Output> {
  /** The class name `model.save` writes. */
  static readonly className = 'Bidirectional';
  /** The copy of the wrapped layer that runs forwards, named `forward_<name>`. */
  readonly forwardLayer: Layer<LayerOutput>;
  /** The layer that runs backwards, named `backward_<name>`. */
  readonly backwardLayer: Layer<LayerOutput>;
  /** How the outputs are merged; null returns both. */
  readonly mergeMode: MergeMode;
  /** Whether the wrapped layer returns the whole sequence. */
  readonly returnSequences: boolean;
  /** Whether the wrapped layer returns its final states too. */
  readonly returnState: boolean;
  private readonly layerEntry: { className: string; config: LayerConfig };
  private readonly backwardEntry: { className: string; config: LayerConfig } | null;
  /** How many states each direction returned in the last call (for `computeMask`). */
  private statesPerDirection = 0;
  private pendingInitialState: tf.Tensor[] | null = null;

  constructor(layer: Layer<LayerOutput>, options: BidirectionalOptions = {}) {
    if (!(layer instanceof Layer))
      tf.invalidArgument('Bidirectional', 'layer', 'a recurrent Layer (SimpleRNN, LSTM, GRU)', tf.describeValue(layer));
    tf.checkOptions('Bidirectional', options, BIDIRECTIONAL_RULES);
    const config = layer.getConfig();
    const flags = recurrentFlags(config, 'layer', layer);
    const backward = options.backwardLayer;
    const backwardConfig = backward?.getConfig();
    if (backward !== undefined && backwardConfig !== undefined) {
      const other = recurrentFlags(backwardConfig, 'options.backwardLayer', backward);
      // Keras' _verify_layer_config.
      if (other.goBackwards === flags.goBackwards)
        tf.invalidArgument(
          'Bidirectional',
          'options.backwardLayer',
          `goBackwards ${String(!flags.goBackwards)} (the opposite of the forward layer's)`,
          `goBackwards ${String(other.goBackwards)}`,
        );
      for (const key of ['returnSequences', 'returnState'] as const) {
        if (other[key] !== flags[key])
          tf.invalidArgument(
            'Bidirectional',
            'options.backwardLayer',
            `${key} ${String(flags[key])} (the forward layer's)`,
            `${key} ${String(other[key])}`,
          );
      }
    }
    const { mergeMode, backwardLayer, ...common } = options;
    void backwardLayer;
    super(
      {
        ...common,
        ...(common.inputShape === undefined && layer.inputShape !== undefined ? { inputShape: layer.inputShape } : {}),
      },
      'bidirectional',
    );
    this.mergeMode = mergeMode === undefined ? 'concat' : mergeMode;
    this.returnSequences = flags.returnSequences;
    this.returnState = flags.returnState;
    this.layerEntry = { className: layer.className, config };
    this.backwardEntry = backward === undefined ? null : { className: backward.className, config: backwardConfig! };
    this.forwardLayer = recreate(layer, { ...config, name: `forward_${layer.name}` }, 'layer');
    try {
      this.backwardLayer =
        backward === undefined
          ? recreate(layer, { ...config, goBackwards: !flags.goBackwards, name: `backward_${layer.name}` }, 'layer')
          : recreate(backward, { ...backwardConfig!, name: `backward_${backward.name}` }, 'options.backwardLayer');
    } catch (error) {
      this.forwardLayer.dispose();
      throw error;
    }
    this.supportsMasking = true;
    if (!this.trainable) {
      this.forwardLayer.trainable = false;
      this.backwardLayer.trainable = false;
    }
  }

  /**
   * Runs both directions on `inputs` (`[batch, time, features]`) and merges their outputs.
   * `initialState` holds the forward layer's states, then the backward layer's (Keras' order).
   * @example bi.apply(x, { initialState: [h0Forward, c0Forward, h0Backward, c0Backward] })
   */
  override apply(
    inputs: SymbolicTensor | readonly SymbolicTensor[],
    options?: SymbolicRecurrentApplyOptions,
  ): SymbolicOutput<Output>;
  override apply(inputs: LayerInput, options?: RecurrentApplyOptions): Output;
  override apply(
    inputs: LayerInput | SymbolicTensor | readonly SymbolicTensor[],
    options: RecurrentApplyOptions | SymbolicRecurrentApplyOptions = {},
  ): Output | SymbolicOutput<Output> {
    const { initialState, ...rest } = options;
    const op = `${this.name}.apply`;
    if (!isSymbolicInput(inputs)) {
      this.assertNotDisposed('apply');
      if (!(inputs instanceof tf.Tensor))
        tf.invalidArgument(
          op,
          'inputs',
          'one Tensor [batch, time, features] (give states as the initialState option)',
          tf.describeValue(inputs),
        );
      tf.assertLiveTensor(inputs, op, 'inputs');
      if (inputs.rank !== 3)
        tf.invalidArgument(
          op,
          'inputs',
          'a tensor of rank 3 ([batch, time, features])',
          `shape ${tf.formatShape(inputs.shape)}`,
        );
    }
    if (initialState === undefined)
      return isSymbolicInput(inputs) ? super.apply(inputs, rest) : super.apply(inputs, rest as RecurrentApplyOptions);
    const list: unknown[] =
      initialState instanceof tf.Tensor
        ? [initialState]
        : Array.isArray(initialState)
          ? [...initialState]
          : [initialState];
    if (isSymbolicInput(inputs)) {
      // The graph records the symbolic states as edges and feeds their values when the model runs.
      this.assertNotDisposed('apply');
      tf.checkOptions(op, options, APPLY_RULES);
      return applySymbolic(this, inputs, options as RecurrentApplyOptions) as SymbolicOutput<Output>;
    }
    if (list.some((s) => s instanceof SymbolicTensor))
      tf.invalidArgument(
        op,
        'initialState',
        'Tensors (a SymbolicTensor goes with symbolic inputs)',
        tf.describeValue(initialState),
      );
    if (list.length % 2 !== 0 || !list.every((s) => s instanceof tf.Tensor))
      tf.invalidArgument(
        op,
        'initialState',
        "an array of Tensors, as many for the forward layer as for the backward one (forward's first)",
        list.every((s) => s instanceof tf.Tensor) ? `${list.length} tensor(s)` : tf.describeValue(initialState),
      );
    this.pendingInitialState = list as tf.Tensor[];
    try {
      return super.apply(inputs, rest as RecurrentApplyOptions);
    } finally {
      this.pendingInitialState = null;
    }
  }

  /** Both directions on `inputs` with the same mask, the backward sequence turned back, merged. */
  call(inputs: tf.Tensor | tf.Tensor[], options: ApplyOptions = {}): Output {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const states = this.pendingInitialState ?? [];
    const half = states.length / 2;
    const mask = firstMask(options.mask);
    const forwardOptions: RecurrentApplyOptions = {
      ...options,
      mask,
      ...(half === 0 ? {} : { initialState: states.slice(0, half) }),
    };
    const backwardOptions: RecurrentApplyOptions = {
      ...options,
      mask,
      ...(half === 0 ? {} : { initialState: states.slice(half) }),
    };
    const outputs = tf.tidy(() => {
      const forward = asList(this.forwardLayer.apply(x, forwardOptions));
      const backward = asList(this.backwardLayer.apply(x, backwardOptions));
      const [forwardOutput, ...forwardStates] = forward;
      const [backwardRaw, ...backwardStates] = backward;
      // A backward layer emits its sequence in the order it read it: last timestep first.
      const backwardOutput = this.returnSequences ? tf.reverse(backwardRaw!, 1) : backwardRaw!;
      const merged = this.merge(forwardOutput!, backwardOutput);
      this.statesPerDirection = forwardStates.length;
      return [...merged, ...forwardStates, ...backwardStates];
    });
    const single = outputs.length === 1 && !this.returnState && this.mergeMode !== null;
    return (single ? outputs[0]! : outputs) as Output;
  }

  /**
   * Keras' rule: the input mask for each sequence output (both of them when not merged), none for
   * a last-step output or a state.
   */
  override computeMask(inputs: tf.Tensor | tf.Tensor[], mask: LayerMask): LayerMask {
    void inputs;
    const input = firstMask(mask);
    const outputMask = this.returnSequences ? input : null;
    const outputs = this.mergeMode === null ? [outputMask, outputMask] : [outputMask];
    if (!this.returnState) return this.mergeMode === null ? outputs : outputMask;
    const stateCount = 2 * this.statesPerDirection;
    return [...outputs, ...Array.from({ length: stateCount }, () => null)];
  }

  /** Weights that train: the forward layer's, then the backward layer's. */
  override get trainableVariables(): tf.Variable[] {
    if (!this.trainable) return [];
    return [...this.forwardLayer.trainableVariables, ...this.backwardLayer.trainableVariables];
  }

  override get nonTrainableVariables(): tf.Variable[] {
    if (!this.trainable) return [...this.forwardLayer.variables, ...this.backwardLayer.variables];
    return [...this.forwardLayer.nonTrainableVariables, ...this.backwardLayer.nonTrainableVariables];
  }

  override get trainable(): boolean {
    return super.trainable;
  }

  /** Setting it sets both directions' too. */
  override set trainable(value: boolean) {
    super.trainable = value;
    // The base constructor sets it before the sublayers exist.
    if ((this as { forwardLayer?: Layer<LayerOutput> }).forwardLayer === undefined) return;
    this.forwardLayer.trainable = value;
    this.backwardLayer.trainable = value;
  }

  /** Both directions' regularization penalties. */
  override get losses(): tf.Tensor[] {
    if (!this.trainable) return [];
    return [...this.forwardLayer.losses, ...this.backwardLayer.losses];
  }

  /**
   * Keras' Bidirectional config: the wrapped layer's `{ className, config }` (as given, before the
   * copies were renamed), the merge mode, and the backward layer's when one was given.
   * @example new Bidirectional(new LSTM(4)).getConfig().mergeMode // 'concat'
   */
  override getConfig(): LayerConfig {
    const { inputShape, ...own } = super.getConfig();
    void inputShape;
    return {
      ...own,
      layer: serialized(this.layerEntry.className, this.layerEntry.config),
      mergeMode: this.mergeMode,
      ...(this.backwardEntry === null
        ? {}
        : { backwardLayer: serialized(this.backwardEntry.className, this.backwardEntry.config) }),
    };
  }

  override dispose(): void {
    this.forwardLayer.dispose();
    this.backwardLayer.dispose();
    super.dispose();
  }

  private merge(forward: tf.Tensor, backward: tf.Tensor): tf.Tensor[] {
    switch (this.mergeMode) {
      case 'concat':
        return [tf.concat([forward, backward], -1)];
      case 'sum':
        return [tf.add(forward, backward)];
      case 'mul':
        return [tf.mul(forward, backward)];
      case 'ave':
        return [tf.mul(tf.add(forward, backward), 0.5)];
      case null:
        return [forward, backward];
    }
  }
}

function asList(output: LayerOutput): tf.Tensor[] {
  return Array.isArray(output) ? output : [output];
}

/** The mask of the sequence input (the first one when the layer was given several inputs). */
function firstMask(mask: LayerMask | undefined): tf.Tensor | null {
  if (mask === undefined || mask === null) return null;
  if (mask instanceof tf.Tensor) return mask;
  return mask[0] ?? null;
}
