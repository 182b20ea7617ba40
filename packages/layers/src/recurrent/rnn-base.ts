/**
 * @file RNN: what SimpleRNN, LSTM and GRU share (Keras' `RNN` base with its cell folded in; the
 * options and their rules are in rnn-options.ts): Keras' weights (`kernel` [inputDim, gates * units],
 * `recurrent_kernel` [units, gates * units], `bias`), `apply(x, { initialState, mask, training })`,
 * the output and state slicing of the fused sequence op (sequence-ops.ts), masks, and the config
 * `model.save` writes.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import * as initializers from '../initializers.js';
import { Layer } from '../layer.js';
import type { ApplyOptions, LayerConfig, LayerInput, LayerMask, SymbolicOutput } from '../layer.js';
import { maskOf } from '../masks.js';
import type * as regularizers from '../regularizers.js';
import { regularizerConfig } from '../dense.js';
import { applySymbolic } from '../functional/apply-symbolic.js';
import { isSymbolicInput } from '../functional/symbolic-tensor.js';
import type { SymbolicTensor } from '../functional/symbolic-tensor.js';
import { gateCount } from './cell-spec.js';
import type { CellKind, CellSpec, PointwiseActivation } from './cell-spec.js';
import { APPLY_RULES, fusedActivation, regularizerOf } from './rnn-options.js';
import type { GatedRNNOptions, RecurrentApplyOptions, SymbolicRecurrentApplyOptions } from './rnn-options.js';
import { runSequence } from './sequence-ops.js';
import { dropoutMask } from './dropout-masks.js';

/**
 * The base of SimpleRNN, LSTM and GRU (Keras' `RNN` with its cell): a subclass says which cell it
 * runs. The whole sequence is one fused op (one tape record however many steps).
 */
export abstract class RNN<Output extends tf.Tensor | tf.Tensor[] = tf.Tensor> extends Layer<Output> {
  /** The size of the state and of the output. */
  readonly units: number;
  /** Whether there are biases. */
  readonly useBias: boolean;
  /** Whether the output holds every step. */
  readonly returnSequences: boolean;
  /** Whether `apply` also returns the final states. */
  readonly returnState: boolean;
  /** Whether the sequence is processed last step first. */
  readonly goBackwards: boolean;
  /** The input dropout rate of training calls. */
  readonly dropout: number;
  /** The fraction of the recurrent state dropped before the recurrent matmuls in a training call. */
  readonly recurrentDropout: number;
  /** The seed given, if any. */
  readonly seed: number | undefined;
  private dropoutCalls = 0;
  private recurrentDropoutCalls = 0;
  /** The kernel's penalty, or null. */
  readonly kernelRegularizer: regularizers.Regularizer | null;
  /** The recurrent kernel's penalty, or null. */
  readonly recurrentRegularizer: regularizers.Regularizer | null;
  /** The bias' penalty, or null. */
  readonly biasRegularizer: regularizers.Regularizer | null;
  protected readonly kernelInitializer: initializers.Initializer;
  protected readonly recurrentInitializer: initializers.Initializer;
  protected readonly biasInitializer: initializers.Initializer;
  protected readonly activationFunction: PointwiseActivation;
  protected readonly recurrentActivationFunction: PointwiseActivation;
  private kernelVariable: tf.Variable | null = null;
  private recurrentKernelVariable: tf.Variable | null = null;
  private biasVariable: tf.Variable | null = null;
  private pendingInitialState: readonly tf.Tensor[] | null = null;

  /**
   * `className` names the layer in messages; `kind` is the default name's stem. The subclass has
   * checked `options` against its schema already.
   */
  protected constructor(
    className: string,
    kind: string,
    protected readonly cellKind: CellKind,
    units: unknown,
    options: GatedRNNOptions,
  ) {
    if (typeof units !== 'number' || !Number.isInteger(units) || units <= 0)
      tf.invalidArgument(className, 'units', 'a positive integer', tf.describeValue(units));
    const activationFunction = fusedActivation(className, 'activation', options.activation, 'tanh');
    const recurrentActivationFunction = fusedActivation(
      className,
      'recurrentActivation',
      options.recurrentActivation,
      'sigmoid',
    );
    const recurrentDropout = options.recurrentDropout ?? 0;
    const seed = options.seed;
    const seeded = (offset: number): number | undefined => (seed === undefined ? undefined : seed + offset);
    const kernelInitializer = initializers.get(
      options.kernelInitializer ?? 'glorotUniform',
      seeded(0),
      'kernelInitializer',
    );
    const recurrentInitializer = initializers.get(
      options.recurrentInitializer ?? 'orthogonal',
      seeded(1),
      'recurrentInitializer',
    );
    const biasInitializer = initializers.get(options.biasInitializer ?? 'zeros', seeded(2), 'biasInitializer');
    const kernelRegularizer = regularizerOf(className, 'kernelRegularizer', options.kernelRegularizer);
    const recurrentRegularizer = regularizerOf(className, 'recurrentRegularizer', options.recurrentRegularizer);
    const biasRegularizer = regularizerOf(className, 'biasRegularizer', options.biasRegularizer);
    super(options, kind);
    this.units = units;
    this.useBias = options.useBias ?? true;
    this.returnSequences = options.returnSequences ?? false;
    this.returnState = options.returnState ?? false;
    this.goBackwards = options.goBackwards ?? false;
    this.dropout = options.dropout ?? 0;
    this.recurrentDropout = recurrentDropout;
    this.seed = seed;
    this.activationFunction = activationFunction;
    this.recurrentActivationFunction = recurrentActivationFunction;
    this.kernelInitializer = kernelInitializer;
    this.recurrentInitializer = recurrentInitializer;
    this.biasInitializer = biasInitializer;
    this.kernelRegularizer = kernelRegularizer;
    this.recurrentRegularizer = recurrentRegularizer;
    this.biasRegularizer = biasRegularizer;
    this.supportsMasking = true;
  }

  /** How many states the cell carries: 1 (h), LSTM 2 (h, c). */
  get stateCount(): number {
    return this.cellKind === 'lstm' ? 2 : 1;
  }

  /** The cell's description for the fused loop. */
  protected abstract get cellSpec(): CellSpec;

  /** The bias' shape (GRU reset-after: [2, 3 * units]). */
  protected biasShape(): number[] {
    return [gateCount(this.cellKind) * this.units];
  }

  /** The bias' initializer (LSTM's unitForgetBias wraps the given one). */
  protected biasInitial(): initializers.Initializer {
    return this.biasInitializer;
  }

  /**
   * The [inputDim, gates * units] input kernel; the layer must be built.
   * @example lstm.apply(x); lstm.kernel.shape // [inputDim, 4 * units]
   */
  get kernel(): tf.Variable {
    if (this.kernelVariable === null) throw this.notBuilt('kernel');
    return this.kernelVariable;
  }

  /**
   * The [units, gates * units] recurrent kernel; the layer must be built.
   * @example lstm.recurrentKernel.shape // [units, 4 * units]
   */
  get recurrentKernel(): tf.Variable {
    if (this.recurrentKernelVariable === null) throw this.notBuilt('recurrentKernel');
    return this.recurrentKernelVariable;
  }

  /**
   * The bias, or null when `useBias` is false; the layer must be built.
   * @example gru.bias?.shape // [2, 3 * units]
   */
  get bias(): tf.Variable | null {
    if (!this.built || this.isDisposed) throw this.notBuilt('bias');
    return this.biasVariable;
  }

  override build(inputShape: readonly number[] | readonly (readonly number[])[]): void {
    const shape = inputShape as readonly number[];
    if (shape.length !== 3 || !shape.every((d) => typeof d === 'number')) {
      tf.invalidArgument(
        `${this.name}.build`,
        'inputShape',
        'a shape of rank 3 ([batch, time, features])',
        Array.isArray(shape[0]) ? 'several input shapes' : tf.formatShape(shape),
      );
    }
    const inputDim = shape[2]!;
    const width = gateCount(this.cellKind) * this.units;
    this.kernelVariable = this.addWeight(
      'kernel',
      [inputDim, width],
      this.kernelInitializer,
      true,
      'float32',
      this.kernelRegularizer,
    );
    this.recurrentKernelVariable = this.addWeight(
      'recurrent_kernel',
      [this.units, width],
      this.recurrentInitializer,
      true,
      'float32',
      this.recurrentRegularizer,
    );
    if (this.useBias)
      this.biasVariable = this.addWeight(
        'bias',
        this.biasShape(),
        this.biasInitial(),
        true,
        'float32',
        this.biasRegularizer,
      );
    super.build(inputShape);
  }

  /**
   * Runs the layer on a `[batch, time, features]` sequence. `initialState` gives the states the
   * first step starts from; `mask` (or the mask an `Embedding({ maskZero })` attached) marks the real
   * steps: a masked step carries the previous state and output. On symbolic inputs (`tf.input`),
   * `initialState` and `mask` are symbolic too (an encoder's states feed a decoder).
   * @example const [output, h, c] = new tf.layers.LSTM(8, { returnState: true }).apply(x);
   */
  override apply(
    inputs: SymbolicTensor | readonly SymbolicTensor[],
    options?: SymbolicRecurrentApplyOptions,
  ): SymbolicOutput<Output>;
  override apply(inputs: LayerInput, options?: RecurrentApplyOptions): Output;
  override apply(
    inputs: LayerInput | SymbolicTensor | readonly SymbolicTensor[],
    givenOptions: RecurrentApplyOptions | SymbolicRecurrentApplyOptions = {},
  ): Output | SymbolicOutput<Output> {
    this.assertNotDisposed('apply');
    const op = `${this.name}.apply`;
    tf.checkOptions(op, givenOptions, APPLY_RULES);
    // The graph records symbolic states and masks as its edges and feeds their values when it runs.
    if (isSymbolicInput(inputs))
      return applySymbolic(this, inputs, givenOptions as RecurrentApplyOptions) as SymbolicOutput<Output>;
    for (const key of ['initialState', 'mask'] as const) {
      const value = givenOptions[key];
      if (isSymbolicInput(value))
        tf.invalidArgument(op, key, 'Tensors (a SymbolicTensor goes with symbolic inputs)', tf.describeValue(value));
    }
    const options = givenOptions as RecurrentApplyOptions;
    const { initialState, ...rest } = options;
    if (Array.isArray(inputs) || !(inputs instanceof tf.Tensor)) {
      return tf.invalidArgument(
        op,
        'inputs',
        'one Tensor [batch, time, features] (give states as the initialState option)',
        tf.describeValue(inputs),
      );
    }
    const x = inputs;
    tf.assertLiveTensor(x, op, 'inputs');
    if (x.rank !== 3)
      tf.invalidArgument(
        op,
        'inputs',
        'a tensor of rank 3 ([batch, time, features])',
        `shape ${tf.formatShape(x.shape)}`,
      );
    if (x.shape[1] === 0)
      tf.invalidArgument(op, 'inputs', 'at least one time step', `shape ${tf.formatShape(x.shape)}`);
    if (this.built && x.shape[2] !== this.kernel.shape[0])
      tf.invalidArgument(
        op,
        'inputs',
        `a last dimension of ${this.kernel.shape[0]} (the layer was built for [batch, time, ${this.kernel.shape[0]}])`,
        `shape ${tf.formatShape(x.shape)}`,
      );
    const mask = options.mask !== undefined ? options.mask : maskOf(x);
    this.checkMask(op, mask, x);
    const states = initialState === undefined ? null : this.checkInitialState(op, initialState, x);
    this.pendingInitialState = states;
    try {
      return super.apply(x, rest);
    } finally {
      this.pendingInitialState = null;
    }
  }

  /** The fused sequence: slices the output (and the final states) out of the packed rows. */
  call(inputs: tf.Tensor | tf.Tensor[], options: ApplyOptions = {}): Output {
    const given = inputs as tf.Tensor;
    const initial = this.pendingInitialState;
    const maskOption = options.mask ?? null;
    const mask = maskOption instanceof tf.Tensor ? maskOption : null;
    const [batch, time] = given.shape as [number, number, number];
    const u = this.units;
    const results = tf.tidy(() => {
      let x = given.dtype === 'float32' ? given : tf.cast(given, 'float32');
      const seeded = (offset: number): number | undefined => (this.seed === undefined ? undefined : this.seed + offset);
      // Keras' input dropout: one [batch, 1, features] mask for every step of the call.
      if (options.training === true && this.dropout > 0)
        x = tf.mul(x, dropoutMask([batch, 1, x.shape[2]!], this.dropout, seeded(3), this.dropoutCalls++));
      let floatMask: tf.Tensor | null = mask === null ? null : tf.cast(mask, 'float32');
      if (this.goBackwards) {
        x = tf.reverse(x, 1);
        if (floatMask !== null) floatMask = tf.reverse(floatMask, 1);
      }
      const states =
        initial === null ? Array.from({ length: this.stateCount }, () => tf.zeros([batch, u])) : [...initial];
      // Keras 3's recurrent dropout: one [batch, units] mask for every step and gate of the call.
      const recurrentMask =
        options.training === true && this.recurrentDropout > 0
          ? dropoutMask([batch, u], this.recurrentDropout, seeded(4), this.recurrentDropoutCalls++)
          : null;
      const packed = runSequence(this.cellSpec, {
        x,
        states,
        kernel: this.kernel,
        recurrentKernel: this.recurrentKernel,
        bias: this.biasVariable,
        mask: floatMask,
        recurrentMask,
      });
      const finalState = (k: number): tf.Tensor =>
        tf.reshape(tf.slice(packed, [0, time - 1, k * u], [batch, 1, u]), [batch, u]);
      // The output is a tensor of its own even when it equals the final h (a caller may dispose one).
      let output = this.returnSequences ? tf.slice(packed, [0, 0, 0], [batch, time, u]) : finalState(0);
      if (floatMask !== null && initial !== null) {
        // Keras: a masked step repeats the previous output, and before any real step that is zeros
        // (not the initial state), so the output is h where some step so far was real, else 0.
        const seen = tf.cast(tf.greater(tf.cumsum(floatMask, 1), 0), 'float32');
        output = this.returnSequences
          ? tf.mul(output, tf.expandDims(seen, 2))
          : tf.mul(output, tf.slice(seen, [0, time - 1], [batch, 1]));
      }
      // Only sliced when returned: an unused slice would still be a tape record.
      const finalStates = this.returnState ? Array.from({ length: this.stateCount }, (_, k) => finalState(k)) : [];
      return [output, ...finalStates];
    });
    return (this.returnState ? results : results[0]!) as Output;
  }

  /** The input mask for every step's output (returnSequences), none for the last step's; none for states. */
  override computeMask(inputs: tf.Tensor | tf.Tensor[], mask: LayerMask): LayerMask {
    void inputs;
    const single = mask instanceof tf.Tensor ? mask : null;
    const outputMask = this.returnSequences ? single : null;
    return this.returnState ? [outputMask, ...Array.from({ length: this.stateCount }, () => null)] : outputMask;
  }

  /**
   * Keras' recurrent config: units, activations, initializers by name, regularizers and the flags. A
   * user activation function cannot be written as JSON: this throws, naming the layer and the option.
   * @example new tf.layers.GRU(4).getConfig().resetAfter // true
   */
  override getConfig(): LayerConfig {
    for (const [argument, activation] of [
      ['activation', this.activationFunction],
      ['recurrentActivation', this.recurrentActivationFunction],
    ] as const) {
      if (activation.name === null)
        tf.invalidArgument(
          `${this.name}.getConfig`,
          argument,
          "a built-in activation ('tanh', ...) to be saved as JSON",
          'a user function',
        );
    }
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activationFunction.name,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer.name,
      recurrentInitializer: this.recurrentInitializer.name,
      biasInitializer: this.biasInitializer.name,
      ...regularizerConfig('kernelRegularizer', this.kernelRegularizer),
      ...regularizerConfig('recurrentRegularizer', this.recurrentRegularizer),
      ...regularizerConfig('biasRegularizer', this.biasRegularizer),
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      ...(this.seed === undefined ? {} : { seed: this.seed }),
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
    };
  }

  override dispose(): void {
    super.dispose();
    this.kernelVariable = null;
    this.recurrentKernelVariable = null;
    this.biasVariable = null;
  }

  private checkMask(op: string, mask: LayerMask, x: tf.Tensor): void {
    if (mask === null) return;
    const [batch, time] = x.shape as [number, number, number];
    const expected = `a bool Tensor of shape [${batch},${time}] ([batch, time] of the input)`;
    if (!(mask instanceof tf.Tensor)) tf.invalidArgument(op, 'mask', expected, 'an array of masks');
    tf.assertLiveTensor(mask, op, 'mask');
    if (mask.dtype !== 'bool' || !tf.shapesEqual(mask.shape, [batch, time]))
      tf.invalidArgument(op, 'mask', expected, `a ${mask.dtype} Tensor of shape ${tf.formatShape(mask.shape)}`);
  }

  private checkInitialState(op: string, initialState: tf.Tensor | readonly tf.Tensor[], x: tf.Tensor): tf.Tensor[] {
    const list = initialState instanceof tf.Tensor ? [initialState] : [...initialState];
    const count = this.stateCount;
    const names = count === 2 ? '[h, c]' : '[h]';
    if (list.length !== count)
      tf.invalidArgument(op, 'initialState', `${count} tensor(s) ${names}`, `${list.length} tensor(s)`);
    const batch = x.shape[0]!;
    list.forEach((state, i) => {
      tf.assertLiveTensor(state, op, `initialState[${i}]`);
      if (state.dtype !== 'float32' || !tf.shapesEqual(state.shape, [batch, this.units]))
        tf.invalidArgument(
          op,
          `initialState[${i}]`,
          `a float32 Tensor of shape [${batch},${this.units}] ([batch, units])`,
          `a ${state.dtype} Tensor of shape ${tf.formatShape(state.shape)}`,
        );
    });
    return list;
  }

  private notBuilt(weight: string): tf.FailedPreconditionError {
    const why = this.isDisposed
      ? 'was disposed'
      : 'is not built yet: apply it to an input first (weights are made from its last dimension)';
    return new tf.FailedPreconditionError(`${this.name}.${weight}: layer '${this.name}' ${why}.`, weight);
  }
}
