/**
 * @file Layer: the Keras base class. Weights are tensor-core Variables made with `addWeight` during a
 * lazy `build(inputShape)` on the first `apply(x)`; `trainable` decides which list they are in and
 * whether tapes watch them automatically. `apply(x, { training })` passes the phase on to layers that
 * behave differently in training (Dropout); `getConfig()` is what `model.save` writes.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import * as initializers from './initializers.js';
import { LAYER_RULES } from './option-rules.js';
import * as regularizers from './regularizers.js';
import { attachMask, maskOf } from './masks.js';
import { applySymbolic } from './functional/apply-symbolic.js';
import { SymbolicTensor, isSymbolicInput } from './functional/symbolic-tensor.js';
import type { SymbolicApplyOptions } from './functional/symbolic-tensor.js';

/**
 * Options every layer takes.
 * @example new tf.layers.Dense(2, { name: 'hidden', trainable: false })
 */
export interface LayerOptions {
  /** Unique-ish name, default from the layer kind (`dense`, `dense_1`, ...), as Keras names them. */
  readonly name?: string;
  /** Whether its weights train (are watched by tapes and listed in `trainableVariables`); default true. */
  readonly trainable?: boolean;
  /**
   * The shape of one input sample, without the batch dimension (Keras 2's `input_shape`). Given on the
   * first layer of a `Sequential`, the model is built at once, so `summary()` works before `fit`.
   */
  readonly inputShape?: readonly number[];
}

/**
 * Options of `apply` (Keras' call arguments).
 * @example model.apply(x, { training: true }) // Dropout active
 */
export interface ApplyOptions {
  /** Whether the call is part of a training step (Dropout drops only then); default false. */
  readonly training?: boolean;
  /**
   * Which timesteps are real (Keras' `mask` call argument): a bool tensor `[batch, time]`, one per
   * input for a multi-input layer. Left out, the mask an earlier layer attached to the input (an
   * `Embedding` with `maskZero`) is used, as Keras' `_keras_mask`; null means none.
   */
  readonly mask?: LayerMask;
}

/** A timestep mask, or one per input of a multi-input layer (null where an input has none). */
export type LayerMask = tf.Tensor | null | readonly (tf.Tensor | null)[];

/** What a layer's `call` returns: one tensor, or several (an RNN with `returnState`). */
export type LayerOutput = tf.Tensor | tf.Tensor[];

/** What a layer's `call` takes: one tensor, or several (a merge layer, attention). */
export type LayerInput = tf.Tensor | readonly tf.Tensor[];

/** The symbolic counterpart of a layer's output type, for `apply` on `tf.input` tensors. */
export type SymbolicOutput<Output extends LayerOutput> = Output extends readonly tf.Tensor[]
  ? SymbolicTensor[]
  : SymbolicTensor;

const isMaskValue = (m: unknown): boolean => m === null || m instanceof tf.Tensor || m instanceof SymbolicTensor;

// A SymbolicTensor mask passes here; with concrete inputs `apply` refuses it (the graph substitutes it).
const MASK_RULE: tf.OptionRule = {
  kind: 'custom',
  check: (value) =>
    isMaskValue(value) || (Array.isArray(value) && value.every(isMaskValue))
      ? undefined
      : 'a bool Tensor, null, or an array of them',
};

const APPLY_RULES: tf.OptionSchema<ApplyOptions> = { training: { kind: 'boolean' }, mask: MASK_RULE };

/**
 * A value a layer config holds: what JSON can carry.
 * @example const units: ConfigValue = 128;
 */
export type ConfigValue =
  string | number | boolean | null | readonly ConfigValue[] | { readonly [key: string]: ConfigValue };

/**
 * A layer's constructor arguments as JSON (Keras' `get_config()`), written by `model.save`.
 * @example new tf.layers.Dense(2).getConfig() // { name: 'dense', trainable: true, units: 2, ... }
 */
export type LayerConfig = { readonly [key: string]: ConfigValue };

/** One weight and whether it trains on its own account (a layer-level `trainable = false` overrides it). */
interface WeightRecord {
  readonly variable: tf.Variable;
  readonly trainable: boolean;
  /** The penalty `losses` computes from the weight, or null. */
  readonly regularizer: regularizers.Regularizer | null;
}

// Keras numbers default names per kind (`dense`, `dense_1`); per Engine, so a fresh Engine starts over.
const nameCounters = new WeakMap<tf.Engine, Map<string, number>>();

function uniqueName(kind: string): string {
  const engine = tf.getEngine();
  let counters = nameCounters.get(engine);
  if (counters === undefined) nameCounters.set(engine, (counters = new Map()));
  const count = counters.get(kind) ?? 0;
  counters.set(kind, count + 1);
  return count === 0 ? kind : `${kind}_${count}`;
}

/**
 * The base of every layer: subclasses override `build` (make weights with `addWeight`) and `call`.
 * @example
 * class Scale extends tf.layers.Layer {
 *   private factor?: tf.Variable;
 *   constructor() { super({}, 'scale'); }
 *   override build(inputShape: readonly number[]): void {
 *     this.factor = this.addWeight('factor', [inputShape[inputShape.length - 1]!], 'ones');
 *     super.build(inputShape);
 *   }
 *   call(x: tf.Tensor): tf.Tensor { return tf.mul(x, this.factor!); }
 * }
 * new Scale().apply(tf.ones([2, 3])); // builds a [3] weight, then multiplies
 */
export abstract class Layer<Output extends LayerOutput = tf.Tensor> {
  /** The layer's name; its weights are named `<layer name>/<weight name>`. */
  readonly name: string;
  /** Whether `build` has run (weights exist). */
  built = false;
  /**
   * Whether the layer passes an input mask on to its output unchanged (Keras' `supports_masking`):
   * true for layers that keep the time axis (Dense, Dropout, Activation, LayerNormalization).
   */
  supportsMasking = false;
  /** The input sample shape given as the `inputShape` option (no batch dimension), if any. */
  readonly inputShape: readonly number[] | undefined;
  private trainableInternal: boolean;
  private weightRecords: WeightRecord[] = [];
  private disposed = false;
  private lastOutputShape: number[] | null = null;

  /**
   * `kind` is the default name's stem (Keras: the class name in snake_case). The keys every layer
   * takes are checked here; a subclass checks its whole options object (unknown keys included) with
   * `checkOptions` before calling `super`, so a failed constructor uses up no default name.
   */
  constructor(options: LayerOptions = {}, kind = 'layer') {
    const given: unknown = options;
    const isObject = typeof given === 'object' && given !== null && !Array.isArray(given);
    // Only the common keys: the subclass's own keys are its business (it checks them itself).
    tf.checkOptions(
      new.target.name,
      isObject ? { name: options.name, trainable: options.trainable, inputShape: options.inputShape } : given,
      LAYER_RULES,
    );
    this.name = options.name ?? uniqueName(kind);
    this.trainableInternal = options.trainable ?? true;
    this.inputShape = options.inputShape?.slice();
  }

  /**
   * The class name `model.save` writes and `summary()` shows (`Dense`): a subclass's static
   * `className` when it declares one, else its constructor's name.
   * @example new tf.layers.Dense(2).className // 'Dense'
   */
  get className(): string {
    const ctor = this.constructor as { readonly className?: string; readonly name: string };
    return Object.hasOwn(ctor, 'className') && typeof ctor.className === 'string' ? ctor.className : ctor.name;
  }

  /**
   * The shape of the last output `apply` produced (batch dimension included), or null before any call.
   * `summary()` shows it with the batch dimension as `None`.
   * @example layer.apply(tf.ones([2, 4])); layer.outputShape // [2, units]
   */
  get outputShape(): number[] | null {
    return this.lastOutputShape === null ? null : this.lastOutputShape.slice();
  }

  /**
   * The constructor options as JSON, for `model.save` (Keras' `get_config`). Subclasses add their own.
   * @example new tf.layers.Dense(2, { name: 'out' }).getConfig().name // 'out'
   */
  getConfig(): LayerConfig {
    return {
      name: this.name,
      trainable: this.trainable,
      ...(this.inputShape === undefined ? {} : { inputShape: [...this.inputShape] }),
    };
  }

  /**
   * The number of scalars in the layer's weights (Keras' `count_params`).
   * @example dense784to128.countParams() // 100480
   */
  countParams(): number {
    return this.variables.reduce((sum, v) => sum + v.size, 0);
  }

  /**
   * Makes the weights for inputs of `inputShape` (one shape per input for a multi-input layer);
   * overrides call `super.build(inputShape)` last.
   */
  build(inputShape: readonly number[] | readonly (readonly number[])[]): void {
    void inputShape;
    this.built = true;
  }

  /**
   * The layer's computation; `apply` builds first and validates. `options.training` is the phase,
   * `options.mask` the input's timestep mask (given or inherited).
   */
  abstract call(inputs: tf.Tensor | tf.Tensor[], options?: ApplyOptions): Output;

  /**
   * The mask of the output, from the input and its mask (Keras' `compute_mask`): the input mask when
   * `supportsMasking`, else none. `Embedding({ maskZero })` makes one; an RNN keeps it only with
   * `returnSequences`. A mask returned here is attached to the output for the next layer.
   */
  computeMask(inputs: tf.Tensor | tf.Tensor[], mask: LayerMask): LayerMask {
    void inputs;
    return this.supportsMasking ? mask : null;
  }

  /**
   * Runs the layer on `inputs` (Keras' `layer(x, training=...)`), building it first from the input's
   * shape. Works inside `GradientTape.record`: weight creation is hidden from tapes, the computation is not.
   * Given symbolic tensors (from `tf.input`), it records the call in the functional graph instead and
   * returns symbolic outputs.
   * @example const y = new tf.layers.Dense(2).apply(tf.ones([1, 4])); // shape [1, 2]
   */
  apply(
    inputs: SymbolicTensor | readonly SymbolicTensor[],
    options?: ApplyOptions | SymbolicApplyOptions,
  ): SymbolicOutput<Output>;
  apply(inputs: LayerInput, options?: ApplyOptions): Output;
  apply(
    inputs: LayerInput | SymbolicTensor | readonly SymbolicTensor[],
    givenOptions: ApplyOptions | SymbolicApplyOptions = {},
  ): Output | SymbolicOutput<Output> {
    this.assertNotDisposed('apply');
    tf.checkOptions(`${this.name}.apply`, givenOptions, APPLY_RULES);
    if (isSymbolicInput(inputs))
      return applySymbolic(this, inputs, givenOptions as ApplyOptions) as SymbolicOutput<Output>;
    if (isSymbolicInput(givenOptions.mask))
      tf.invalidArgument(
        `${this.name}.apply`,
        'mask',
        'a bool Tensor, null, or an array of them (a SymbolicTensor mask goes with symbolic inputs)',
        tf.describeValue(givenOptions.mask),
      );
    const options = givenOptions as ApplyOptions;
    const tensors = inputs;
    const list: readonly tf.Tensor[] = Array.isArray(tensors) ? tensors : [tensors];
    if (Array.isArray(tensors) && tensors.length === 0)
      tf.invalidArgument(`${this.name}.apply`, 'inputs', 'a Tensor or a non-empty array of Tensors', 'an empty array');
    list.forEach((t, i) =>
      tf.assertLiveTensor(t, `${this.name}.apply`, Array.isArray(tensors) ? `inputs[${i}]` : 'inputs'),
    );
    const callInputs: tf.Tensor | tf.Tensor[] = Array.isArray(tensors) ? [...list] : (tensors as tf.Tensor);
    if (!this.built) {
      // Keras builds in an init scope: the initial values are not part of any gradient computation.
      const shapes = Array.isArray(tensors) ? list.map((t) => t.shape.slice()) : (tensors as tf.Tensor).shape.slice();
      tf.getEngine().withoutRecording(() => tf.tidy(() => this.build(shapes)));
      this.built = true;
    }
    const mask: LayerMask =
      options.mask !== undefined
        ? options.mask
        : Array.isArray(tensors)
          ? list.some((t) => maskOf(t) !== null)
            ? list.map(maskOf)
            : null
          : maskOf(tensors as tf.Tensor);
    const output = this.call(callInputs, mask === null ? options : { ...options, mask });
    const outputs: readonly tf.Tensor[] = Array.isArray(output) ? output : [output];
    this.lastOutputShape = outputs[0]!.shape.slice();
    const outputMask = this.computeMask(callInputs, mask);
    if (outputMask !== null) {
      outputs.forEach((t, i) => attachMask(t, Array.isArray(outputMask) ? (outputMask[i] ?? null) : outputMask));
    }
    return output;
  }

  /**
   * Creates a weight Variable named `<layer name>/<name>`, initialised by `initializer` (a Keras name
   * or an Initializer). For use in `build`. A `regularizer` (Keras' `add_weight(regularizer=...)`)
   * makes the weight's penalty part of `losses`, which `fit` and `evaluate` add to the loss.
   * @example this.kernel = this.addWeight('kernel', [4, 2], 'glorotUniform', true, 'float32', 'l2');
   */
  addWeight(
    name: string,
    shape: readonly number[],
    initializer: initializers.InitializerIdentifier = 'glorotUniform',
    trainable = true,
    dtype: tf.DataType = 'float32',
    regularizer: regularizers.RegularizerIdentifier | null = null,
  ): tf.Variable {
    this.assertNotDisposed('addWeight');
    const init = initializers.get(initializer, undefined, `${name}Initializer`);
    const penalty =
      regularizer === null ? null : regularizers.get(regularizer, `${name}Regularizer`, `${this.name}.addWeight`);
    const variable = tf.getEngine().withoutRecording(() =>
      tf.tidy(
        () =>
          new tf.Variable(init.initialize(shape, dtype), {
            name: `${this.name}/${name}`,
            trainable: trainable && this.trainableInternal,
          }),
      ),
    );
    this.weightRecords.push({ variable, trainable, regularizer: penalty });
    return variable;
  }

  /**
   * The layer's regularization penalties, one scalar per regularized trainable weight, computed now
   * from the weights' current values (Keras' `layer.losses`: a frozen weight adds none). Computed
   * inside `GradientTape.record`, they are differentiable; the caller owns the tensors.
   * @example tf.addN(model.losses) // what fit adds to the loss
   */
  get losses(): tf.Tensor[] {
    this.assertNotDisposed('losses');
    if (!this.trainableInternal) return [];
    return this.weightRecords
      .filter((record) => record.trainable && record.regularizer !== null)
      .map((record) => record.regularizer!.apply(record.variable));
  }

  /**
   * Whether the layer's weights train. Setting false moves every weight to `nonTrainableVariables` (Keras).
   * @example layer.trainable = false; layer.trainableVariables // []
   */
  get trainable(): boolean {
    return this.trainableInternal;
  }

  set trainable(value: boolean) {
    this.trainableInternal = value;
    // Tapes read each Variable's own flag when deciding what to watch, so keep the flags in step.
    for (const record of this.weightRecords) record.variable.trainable = value && record.trainable;
  }

  /**
   * The weights a tape watches and an optimizer updates, in creation order.
   * @example tape.gradient(loss, layer.trainableVariables) // [dKernel, dBias]
   */
  get trainableVariables(): tf.Variable[] {
    if (!this.trainableInternal) return [];
    return this.weightRecords.filter((r) => r.trainable).map((r) => r.variable);
  }

  /** The weights that do not train (all of them when `trainable` is false), in creation order. */
  get nonTrainableVariables(): tf.Variable[] {
    if (!this.trainableInternal) return this.weightRecords.map((r) => r.variable);
    return this.weightRecords.filter((r) => !r.trainable).map((r) => r.variable);
  }

  /** Every weight: trainable ones first, then non-trainable ones (Keras' `weights` order). */
  get variables(): tf.Variable[] {
    return [...this.trainableVariables, ...this.nonTrainableVariables];
  }

  /**
   * The weights' current values as new tensors, in `variables` order. The caller owns them (dispose
   * them); later assignments to the layer do not change them.
   * @example const [kernel, bias] = layer.getWeights();
   */
  getWeights(): tf.Tensor[] {
    this.assertNotDisposed('getWeights');
    // A reshape is a new handle on the current buffer; an assign swaps the Variable's buffer rather
    // than writing into it, so the handle keeps today's values. Hidden from tapes: a read, not a use.
    return tf.getEngine().withoutRecording(() => this.variables.map((v) => tf.reshape(v, v.shape)));
  }

  /**
   * Replaces the weights' values, in `variables` order. All-or-nothing: every count, shape and dtype
   * is checked before anything is assigned.
   * @example layer.setWeights([tf.ones([4, 2]), tf.zeros([2])]);
   */
  setWeights(weights: readonly tf.Tensor[]): void {
    this.assertNotDisposed('setWeights');
    const op = `${this.name}.setWeights`;
    const variables = this.variables;
    if (!Array.isArray(weights)) tf.invalidArgument(op, 'weights', 'an array of tensors', tf.describeValue(weights));
    if (weights.length !== variables.length) {
      const hint = this.built ? '' : ' (the layer is not built yet: apply it to an input first)';
      throw new tf.InvalidArgumentError(
        `${op}: layer '${this.name}' expected ${variables.length} weight(s) [${variables.map((v) => v.name).join(', ')}], but got ${weights.length}${hint}.`,
        op,
      );
    }
    variables.forEach((variable, i) => {
      const weight = weights[i];
      tf.assertLiveTensor(weight, op, `weights[${i}]`);
      if (!tf.shapesEqual(weight.shape, variable.shape)) {
        throw new tf.InvalidArgumentError(
          `${op}: layer '${this.name}' weight '${variable.name}' (weights[${i}]) expected shape ${tf.formatShape(variable.shape)}, but got shape ${tf.formatShape(weight.shape)}.`,
          op,
        );
      }
      if (weight.dtype !== variable.dtype) {
        throw new tf.InvalidArgumentError(
          `${op}: layer '${this.name}' weight '${variable.name}' (weights[${i}]) expected dtype ${variable.dtype}, but got dtype ${weight.dtype}.`,
          op,
        );
      }
    });
    variables.forEach((variable, i) => variable.assign(weights[i]));
  }

  /** Whether `dispose` was called. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * Disposes every weight; the layer cannot be used afterwards. Safe to call twice.
   * @example layer.dispose(); tf.memory().numVariables // back to before the layer was built
   */
  dispose(): void {
    if (this.disposed) return;
    for (const record of this.weightRecords) record.variable.dispose();
    this.weightRecords = [];
    this.disposed = true;
  }

  /** `using layer = new tf.layers.Dense(2)` disposes it at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  protected assertNotDisposed(method: string): void {
    if (this.disposed)
      throw new tf.FailedPreconditionError(`${this.name}.${method}: layer '${this.name}' was disposed.`, method);
  }
}
