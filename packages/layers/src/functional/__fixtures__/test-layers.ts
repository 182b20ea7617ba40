/**
 * @file Small layers the functional-model tests need before the real merge and attention layers
 * exist on this branch: a concatenation of several inputs, a layer with two outputs, a layer taking a
 * tensor among its call options (as MultiHeadAttention's `attentionMask`), and a mask maker (as
 * Embedding's `maskZero`) with a spy that records the mask it receives.
 */
import * as tf from '@tapeflow/tensor-core';
import { Layer } from '../../layer.js';
import type { ApplyOptions, LayerConfig, LayerMask, LayerOptions } from '../../layer.js';
import { applySymbolic } from '../apply-symbolic.js';
import { SymbolicTensor, isSymbolicInput } from '../symbolic-tensor.js';

/** Concatenates its inputs along the last axis (a stand-in for Keras' Concatenate). */
export class Join extends Layer {
  static readonly className: string = 'Join';
  constructor(options: LayerOptions = {}) {
    super(options, 'join');
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.concat(Array.isArray(inputs) ? inputs : [inputs], -1);
  }
}

/** Two outputs: its input doubled and negated (as an RNN with returnState gives several). */
export class Fork extends Layer<tf.Tensor[]> {
  static readonly className: string = 'Fork';
  constructor(options: LayerOptions = {}) {
    super(options, 'fork');
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return [tf.mul(x, 2), tf.neg(x)];
  }
}

/**
 * Options of `Gate.apply`: a tensor multiplied into the output (or several, as an RNN's
 * `initialState` is a list), symbolic in a functional model.
 */
export interface GateOptions extends ApplyOptions {
  readonly gate?: tf.Tensor | SymbolicTensor | readonly tf.Tensor[] | readonly SymbolicTensor[];
}

/** Multiplies its input by the `gate` call option(s), as attention takes `attentionMask`. */
export class Gate extends Layer {
  static readonly className: string = 'Gate';
  private gate: readonly tf.Tensor[] = [];
  constructor(options: LayerOptions = {}) {
    super(options, 'gate');
  }
  // The symbolic path records `gate` in the graph; the concrete one hands it to `call`.
  override apply(inputs: SymbolicTensor, options?: GateOptions): SymbolicTensor;
  override apply(inputs: tf.Tensor, options?: GateOptions): tf.Tensor;
  override apply(inputs: tf.Tensor | SymbolicTensor, options: GateOptions = {}): tf.Tensor | SymbolicTensor {
    if (isSymbolicInput(inputs) || isSymbolicInput(options.gate))
      return applySymbolic(this, inputs as SymbolicTensor, options) as SymbolicTensor;
    const { gate, ...rest } = options;
    const list: unknown[] = gate === undefined ? [] : Array.isArray(gate) ? [...gate] : [gate];
    this.gate = list as tf.Tensor[];
    try {
      return super.apply(inputs, rest);
    } finally {
      this.gate = [];
    }
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return this.gate.reduce((product, g) => tf.mul(product, g), tf.reshape(x, x.shape));
  }
  override getConfig(): LayerConfig {
    return super.getConfig();
  }
}

/** Marks non-zero entries of its [batch, time] input as real timesteps (as Embedding({ maskZero })). */
export class NonZeroMask extends Layer {
  constructor() {
    super({}, 'non_zero_mask');
  }
  call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.expandDims(tf.cast(x as tf.Tensor, 'float32'), -1);
  }
  override computeMask(inputs: tf.Tensor | tf.Tensor[]): LayerMask {
    return tf.notEqual(inputs as tf.Tensor, 0);
  }
}

/** Records the mask each call saw (as arrays), passing its input through. */
export class MaskSpy extends Layer {
  readonly seen: unknown[] = [];
  constructor() {
    super({}, 'mask_spy');
    this.supportsMasking = true;
  }
  call(x: tf.Tensor | tf.Tensor[], options: ApplyOptions = {}): tf.Tensor {
    const mask = options.mask;
    this.seen.push(mask instanceof tf.Tensor ? mask.arraySync() : (mask ?? null));
    const t = Array.isArray(x) ? x[0]! : x;
    return tf.reshape(t, t.shape);
  }
}
