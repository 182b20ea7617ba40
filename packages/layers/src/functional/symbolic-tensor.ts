/**
 * @file SymbolicTensor: a placeholder in a functional model's graph (Keras' `KerasTensor`). It has a
 * shape (the batch dimension, and any other dimension left open, as null) and a dtype but no values;
 * it remembers the layer call that produced it, so `new tf.Model({ inputs, outputs })` can walk from
 * the outputs back to the inputs. `tf.input` makes the graph's sources.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { ApplyOptions, Layer, LayerOutput } from '../layer.js';

/**
 * One layer call in the graph (Keras' `Node`): the layer, the symbolic tensors it was applied to,
 * and the call's options. Each output of the call is a SymbolicTensor pointing back here.
 */
export interface GraphNode {
  readonly layer: Layer<LayerOutput>;
  /** The inputs as given: one tensor, or an array for a multi-input layer. */
  readonly inputs: SymbolicTensor | readonly SymbolicTensor[];
  /** The call's options other than tensors (training, and the layer's own keyword arguments). */
  readonly options: ApplyOptions;
  /**
   * Extra symbolic tensors the call consumed besides `inputs`, by option key: one (an attention mask)
   * or an array of them (an RNN's `initialState`).
   */
  readonly tensorOptions: Readonly<Record<string, SymbolicTensor | readonly SymbolicTensor[]>>;
}

// Issue 14 (recurrent corners, group w-rnn2): symbolic masks in call options.
/**
 * Options of `apply` on symbolic tensors (`tf.input`): the mask may be symbolic too (a bool
 * `tf.input`, or a layer's output), recorded in the graph and fed its value when the model runs.
 * @example dense.apply(x, { mask: tf.input({ shape: [5], dtype: 'bool' }) })
 */
export interface SymbolicApplyOptions extends Omit<ApplyOptions, 'mask'> {
  readonly mask?: SymbolicTensor | null | readonly (SymbolicTensor | null)[];
}

/**
 * A symbolic tensor from `tf.input` or from `layer.apply` on one.
 * @example const x = tf.input({ shape: [28, 28, 1] }); x.shape // [null, 28, 28, 1]
 */
export class SymbolicTensor {
  /** The shape, the batch dimension (and any other open one) null. */
  readonly shape: readonly (number | null)[];
  /** The element type the tensor will have. */
  readonly dtype: tf.DataType;
  /** A readable name: the input's name, or `<layer name>/output_<i>`. */
  readonly name: string;
  /** The call that produced it, or null for a `tf.input`. @internal */
  readonly node: GraphNode | null;
  /** Which output of the node's call it is. @internal */
  readonly outputIndex: number;
  /** Whether a timestep mask travels with it (an `Embedding` with `maskZero` upstream). @internal */
  readonly hasMask: boolean;

  /** @internal Made by `tf.input` and by `layer.apply`, not by users. */
  constructor(
    shape: readonly (number | null)[],
    dtype: tf.DataType,
    name: string,
    node: GraphNode | null,
    outputIndex = 0,
    hasMask = false,
  ) {
    this.shape = Object.freeze(shape.slice());
    this.dtype = dtype;
    this.name = name;
    this.node = node;
    this.outputIndex = outputIndex;
    this.hasMask = hasMask;
  }

  /** The number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** `SymbolicTensor(shape=[null,28,28,1], dtype=float32, name=input)`. */
  toString(): string {
    return `SymbolicTensor(shape=[${this.shape.map((d) => (d === null ? 'null' : String(d))).join(',')}], dtype=${this.dtype}, name=${this.name})`;
  }
}

/**
 * Whether `value` is a SymbolicTensor or an array holding one (an array mixing symbolic and concrete
 * tensors is then refused by `applySymbolic`, naming the concrete one).
 */
export function isSymbolicInput(value: unknown): value is SymbolicTensor | readonly SymbolicTensor[] {
  return value instanceof SymbolicTensor || (Array.isArray(value) && value.some((v) => v instanceof SymbolicTensor));
}
