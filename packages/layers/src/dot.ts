/**
 * @file Keras' `Dot` merge layer: the batched dot product of two inputs over one axis each, written
 * as one `einsum`, optionally of L2-normalized inputs (cosine similarities). Apart from merge.ts,
 * which holds the other merge layers and the input checks it shares.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { Layer } from './layer.js';
import type { LayerConfig, LayerOptions } from './layer.js';
import { inputList, shapeText } from './merge.js';
import { LAYER_RULES } from './option-rules.js';

/**
 * Options of `Dot`.
 * @example new tf.layers.Dot({ axes: [2, 2], normalize: true }) // cosine similarities
 */
export interface DotOptions extends LayerOptions {
  /** The axis of each input to take the dot product over (one number for both); not the batch axis. */
  readonly axes: number | readonly [number, number];
  /** Whether to L2-normalize both inputs along their axes first (the result is a cosine); default false. */
  readonly normalize?: boolean;
}

const DOT_RULES: tf.OptionSchema<DotOptions> = {
  ...LAYER_RULES,
  axes: {
    kind: 'custom',
    check: (value) =>
      Number.isInteger(value) ||
      (Array.isArray(value) && value.length === 2 && value.every((a: unknown) => Number.isInteger(a)))
        ? undefined
        : 'an integer or an array of two integers',
  },
  normalize: { kind: 'boolean' },
};

const LETTERS = 'bcdefghijklmnopqrstuvwxy';

/**
 * The batched dot product of two inputs over one axis each (Keras' `Dot`, `batch_dot`): the output
 * holds the batch axis, then the first input's other axes, then the second's; two vectors per sample
 * give `[batch, 1]`.
 * @example new tf.layers.Dot({ axes: 1 }).apply([tf.ones([4, 3]), tf.ones([4, 3])]) // [[3], [3], [3], [3]]
 */
export class Dot extends Layer {
  /** The class name `model.save` writes. */
  static readonly className = 'Dot';
  /** The axes, as given. */
  readonly axes: number | readonly [number, number];
  /** Whether the inputs are L2-normalized first. */
  readonly normalize: boolean;

  constructor(options: DotOptions) {
    const given: unknown = options;
    if (typeof given !== 'object' || given === null || !Object.hasOwn(given, 'axes'))
      tf.invalidArgument('Dot', 'options.axes', 'an integer or an array of two integers', 'nothing');
    tf.checkOptions('Dot', options, DOT_RULES);
    super(options, 'dot');
    this.axes = typeof options.axes === 'number' ? options.axes : [options.axes[0], options.axes[1]];
    this.normalize = options.normalize ?? false;
  }

  private resolvedAxes(shapes: readonly (readonly number[])[]): [number, number] {
    const pair = typeof this.axes === 'number' ? [this.axes, this.axes] : this.axes;
    const axes = shapes.map((s, i) => (pair[i]! < 0 ? pair[i]! + s.length : pair[i]!)) as [number, number];
    const [a, b] = shapes as [readonly number[], readonly number[]];
    const ok =
      a.length >= 2 &&
      b.length >= 2 &&
      a[0] === b[0] &&
      axes[0] >= 1 &&
      axes[0] < a.length &&
      axes[1] >= 1 &&
      axes[1] < b.length &&
      a[axes[0]] === b[axes[1]];
    if (!ok) {
      tf.invalidArgument(
        `${this.name}.apply`,
        'inputs',
        `two tensors of rank >= 2 with one batch size whose axes ${JSON.stringify(this.axes)} have one size`,
        `shapes ${shapeText(shapes)}`,
      );
    }
    return axes;
  }

  override build(inputShape: readonly number[] | readonly (readonly number[])[]): void {
    const shapes = inputShape as readonly (readonly number[])[];
    if (Array.isArray(shapes[0]) && shapes.length === 2) this.resolvedAxes(shapes);
    super.build(inputShape);
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [a, b] = inputList(this, inputs, 2, true) as [tf.Tensor, tf.Tensor];
    const [axisA, axisB] = this.resolvedAxes([a.shape, b.shape]);
    if (a.rank + b.rank - 3 > LETTERS.length)
      tf.invalidArgument(
        `${this.name}.apply`,
        'inputs',
        'ranks summing to at most 25',
        `ranks ${a.rank} and ${b.rank}`,
      );
    return tf.tidy(() => {
      const x = this.normalize ? tf.nn.l2Normalize(a, axisA) : a;
      const y = this.normalize ? tf.nn.l2Normalize(b, axisB) : b;
      // Batch 'a', the contracted axis 'z', every other axis its own letter.
      let next = 0;
      const termA = a.shape.map((_, i) => (i === 0 ? 'a' : i === axisA ? 'z' : LETTERS[next++]!)).join('');
      const termB = b.shape.map((_, i) => (i === 0 ? 'a' : i === axisB ? 'z' : LETTERS[next++]!)).join('');
      const outTerm = `a${termA.slice(1).replace('z', '')}${termB.slice(1).replace('z', '')}`;
      const out = tf.einsum(`${termA},${termB}->${outTerm}`, x, y);
      return out.rank === 1 ? tf.expandDims(out, 1) : out;
    });
  }

  override getConfig(): LayerConfig {
    return {
      ...super.getConfig(),
      axes: typeof this.axes === 'number' ? this.axes : [...this.axes],
      normalize: this.normalize,
    };
  }
}
