/**
 * @file Keras' merge layers: `Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum`,
 * `Concatenate` and `Dot`. Each takes an array of tensors (`layer.apply([a, b])`, symbolic ones too) and
 * has no weights. The elementwise ones broadcast as Keras does (the batch sizes must agree; the other
 * dimensions match or are 1, a lower-rank input gaining axes after the batch axis), and their output
 * mask is the logical AND of the input masks; `Concatenate` concatenates the masks along its axis.
 * `Dot` is in dot.ts.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { Layer } from './layer.js';
import type { LayerConfig, LayerMask, LayerOptions } from './layer.js';
import { INTEGER, LAYER_RULES } from './option-rules.js';

export function shapeText(shapes: readonly (readonly number[])[]): string {
  return shapes.map((s) => tf.formatShape(s)).join(', ');
}

/** The inputs of a merge layer (or `Dot`) as a list of at least `min` tensors (exactly `min` when `exact`). */
export function inputList(
  layer: Layer,
  inputs: tf.Tensor | readonly tf.Tensor[],
  min: number,
  exact = false,
): tf.Tensor[] {
  const list = Array.isArray(inputs) ? [...(inputs as readonly tf.Tensor[])] : [inputs as tf.Tensor];
  if (!Array.isArray(inputs) || list.length < min || (exact && list.length !== min)) {
    const expected = exact ? `an array of exactly ${min} tensors` : `an array of at least ${min} tensors`;
    const given = Array.isArray(inputs)
      ? `an array of ${list.length}`
      : `one tensor of shape ${tf.formatShape(list[0]!.shape)}`;
    tf.invalidArgument(`${layer.name}.apply`, 'inputs', expected, given);
  }
  return list;
}

/**
 * The output shape of an elementwise merge (Keras' `_compute_elemwise_op_output_shape`): sample
 * dimensions right-aligned, each pair equal or one of them 1; the batch sizes must be equal.
 */
function elementwiseShape(layer: Layer, shapes: readonly (readonly number[])[]): number[] {
  const fail = (): never =>
    tf.invalidArgument(
      `${layer.name}.apply`,
      'inputs',
      `shapes that broadcast: the same batch size, other dimensions equal or 1 (${layer.className})`,
      `shapes ${shapeText(shapes)}`,
    );
  if (shapes.some((s) => s.length === 0)) fail();
  const batch = shapes[0]![0]!;
  if (shapes.some((s) => s[0] !== batch)) fail();
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [batch];
  for (let axis = 1; axis < rank; axis++) {
    let size = 1;
    for (const shape of shapes) {
      const at = axis - (rank - shape.length);
      const d = at >= 1 ? shape[at]! : 1;
      if (d !== 1 && size !== 1 && d !== size) fail();
      if (d !== 1) size = d;
    }
    out.push(size);
  }
  return out;
}

/** `x` with size-1 axes inserted after the batch axis up to `rank` (Keras' expand_dims at axis 1). */
function raiseRank(x: tf.Tensor, rank: number): tf.Tensor {
  if (x.rank >= rank) return x;
  return tf.reshape(x, [x.shape[0]!, ...new Array<number>(rank - x.rank).fill(1), ...x.shape.slice(1)]);
}

/** The logical AND of the masks given (Keras' `_Merge.compute_mask`); null when none is. */
function andMasks(layer: Layer, count: number, mask: LayerMask): tf.Tensor | null {
  if (mask === null) return null;
  const masks = Array.isArray(mask) ? (mask as readonly (tf.Tensor | null)[]) : [mask as tf.Tensor];
  if (masks.length !== count)
    tf.invalidArgument(
      `${layer.name}.apply`,
      'options.mask',
      `one mask (or null) per input (${count})`,
      `${masks.length} mask(s)`,
    );
  const given = masks.filter((m): m is tf.Tensor => m !== null);
  if (given.length === 0) return null;
  return given.slice(1).reduce<tf.Tensor>((a, b) => tf.logicalAnd(a, b), tf.cast(given[0]!, 'bool') as tf.Tensor);
}

/**
 * The base of the elementwise merges: checks the inputs, broadcasts them as Keras and folds them with
 * `merge`. Subclasses say how two tensors merge (and `Average` divides at the end).
 */
export abstract class ElementwiseMerge extends Layer {
  /** The fewest inputs the layer takes (2; `Subtract` takes exactly 2). */
  protected readonly minInputs: number = 2;
  protected readonly exactInputs: boolean = false;

  constructor(options: LayerOptions, kind: string) {
    tf.checkOptions(new.target.name, options, LAYER_RULES);
    super(options, kind);
    this.supportsMasking = true;
  }

  /** How two inputs merge. */
  protected abstract merge(a: tf.Tensor, b: tf.Tensor): tf.Tensor;

  /** The merge of every input, before any final step (`Average` divides it). */
  protected finish(merged: tf.Tensor, count: number): tf.Tensor {
    void count;
    return merged;
  }

  override build(inputShape: readonly number[] | readonly (readonly number[])[]): void {
    const shapes = inputShape as readonly (readonly number[])[];
    if (Array.isArray(shapes[0])) elementwiseShape(this, shapes);
    super.build(inputShape);
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const list = inputList(this, inputs, this.minInputs, this.exactInputs);
    elementwiseShape(
      this,
      list.map((t) => t.shape),
    );
    const rank = Math.max(...list.map((t) => t.rank));
    return tf.tidy(() => {
      const raised = list.map((t) => raiseRank(t, rank));
      const merged = raised.slice(1).reduce((a, b) => this.merge(a, b), raised[0]!);
      const out = this.finish(merged, list.length);
      // A new handle, so disposing the output never frees an input (a one-input fold returns it).
      return out === list[0] ? tf.reshape(out, out.shape) : out;
    });
  }

  override computeMask(inputs: tf.Tensor | tf.Tensor[], mask: LayerMask): LayerMask {
    return andMasks(this, Array.isArray(inputs) ? inputs.length : 1, mask);
  }
}

/**
 * Adds its inputs elementwise (Keras' `Add`).
 * @example new tf.layers.Add().apply([tf.ones([2, 3]), tf.ones([2, 3])]) // all 2
 */
export class Add extends ElementwiseMerge {
  /** The class name `model.save` writes. */
  static readonly className = 'Add';
  constructor(options: LayerOptions = {}) {
    super(options, 'add');
  }
  protected merge(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.add(a, b);
  }
}

/**
 * Subtracts its second input from its first (Keras' `Subtract`: exactly two inputs).
 * @example new tf.layers.Subtract().apply([a, b]) // a - b
 */
export class Subtract extends ElementwiseMerge {
  /** The class name `model.save` writes. */
  static readonly className = 'Subtract';
  protected override readonly exactInputs = true;
  constructor(options: LayerOptions = {}) {
    super(options, 'subtract');
  }
  protected merge(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.sub(a, b);
  }
}

/**
 * Multiplies its inputs elementwise (Keras' `Multiply`).
 * @example new tf.layers.Multiply().apply([a, b]) // a * b
 */
export class Multiply extends ElementwiseMerge {
  /** The class name `model.save` writes. */
  static readonly className = 'Multiply';
  constructor(options: LayerOptions = {}) {
    super(options, 'multiply');
  }
  protected merge(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.mul(a, b);
  }
}

/**
 * The elementwise mean of its inputs (Keras' `Average`).
 * @example new tf.layers.Average().apply([a, b]) // (a + b) / 2
 */
export class Average extends ElementwiseMerge {
  /** The class name `model.save` writes. */
  static readonly className = 'Average';
  constructor(options: LayerOptions = {}) {
    super(options, 'average');
  }
  protected merge(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.add(a, b);
  }
  protected override finish(merged: tf.Tensor, count: number): tf.Tensor {
    return tf.div(merged, count);
  }
}

/**
 * The elementwise maximum of its inputs (Keras' `Maximum`).
 * @example new tf.layers.Maximum().apply([a, b])
 */
export class Maximum extends ElementwiseMerge {
  /** The class name `model.save` writes. */
  static readonly className = 'Maximum';
  constructor(options: LayerOptions = {}) {
    super(options, 'maximum');
  }
  protected merge(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.maximum(a, b);
  }
}

/**
 * The elementwise minimum of its inputs (Keras' `Minimum`).
 * @example new tf.layers.Minimum().apply([a, b])
 */
export class Minimum extends ElementwiseMerge {
  /** The class name `model.save` writes. */
  static readonly className = 'Minimum';
  constructor(options: LayerOptions = {}) {
    super(options, 'minimum');
  }
  protected merge(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.minimum(a, b);
  }
}

/**
 * Options of `Concatenate`.
 * @example new tf.layers.Concatenate({ axis: 1 })
 */
export interface ConcatenateOptions extends LayerOptions {
  /** The axis to concatenate along (negative counts from the end; not the batch axis); default -1. */
  readonly axis?: number;
}

const CONCATENATE_RULES: tf.OptionSchema<ConcatenateOptions> = { ...LAYER_RULES, axis: INTEGER };

/**
 * Concatenates its inputs along `axis` (Keras' `Concatenate`): every other dimension must agree. Input
 * masks (`[batch, time]`) are concatenated too, an input without one counting as all true, so a
 * concatenation along time keeps every input's padding.
 * @example new tf.layers.Concatenate().apply([tf.ones([2, 3]), tf.ones([2, 5])]) // shape [2, 8]
 */
export class Concatenate extends Layer {
  /** The class name `model.save` writes. */
  static readonly className = 'Concatenate';
  /** The axis, as given. */
  readonly axis: number;

  constructor(options: ConcatenateOptions = {}) {
    tf.checkOptions('Concatenate', options, CONCATENATE_RULES);
    super(options, 'concatenate');
    this.supportsMasking = true;
    this.axis = options.axis ?? -1;
  }

  /** The axis as a non-negative index into shapes of rank `rank`, checked. */
  private resolvedAxis(shapes: readonly (readonly number[])[]): number {
    const rank = shapes[0]!.length;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    const sameRank = shapes.every((s) => s.length === rank);
    if (!sameRank || axis < 1 || axis >= rank) {
      tf.invalidArgument(
        `${this.name}.apply`,
        'inputs',
        `tensors of one rank with axis ${this.axis} a non-batch axis of it`,
        `shapes ${shapeText(shapes)}`,
      );
    }
    const mismatch = shapes.some((s) => s.some((d, i) => i !== axis && d !== shapes[0]![i]));
    if (mismatch) {
      tf.invalidArgument(
        `${this.name}.apply`,
        'inputs',
        `shapes that agree on every axis but the concatenation axis (${this.axis})`,
        `shapes ${shapeText(shapes)}`,
      );
    }
    return axis;
  }

  override build(inputShape: readonly number[] | readonly (readonly number[])[]): void {
    const shapes = inputShape as readonly (readonly number[])[];
    if (Array.isArray(shapes[0])) this.resolvedAxis(shapes);
    super.build(inputShape);
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const list = inputList(this, inputs, 2);
    const axis = this.resolvedAxis(list.map((t) => t.shape));
    return tf.concat(list, axis);
  }

  /**
   * Keras' rule: each input's mask (all true where it has none) broadcast over the input's shape,
   * concatenated along the axis, then all-reduced over the last axis.
   */
  override computeMask(inputs: tf.Tensor | tf.Tensor[], mask: LayerMask): LayerMask {
    if (mask === null) return null;
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const masks = Array.isArray(mask) ? (mask as readonly (tf.Tensor | null)[]) : [mask as tf.Tensor];
    if (masks.every((m) => m === null)) return null;
    if (masks.length !== list.length)
      tf.invalidArgument(
        `${this.name}.apply`,
        'options.mask',
        `one mask (or null) per input (${list.length})`,
        `${masks.length} mask(s)`,
      );
    const axis = this.resolvedAxis(list.map((t) => t.shape));
    return tf.tidy(() => {
      const full = list.map((input, i) => {
        const m = masks[i] ?? null;
        if (m === null) return tf.cast(tf.onesLike(input), 'bool');
        let expanded: tf.Tensor = tf.cast(m, 'bool');
        while (expanded.rank < input.rank) expanded = tf.expandDims(expanded, -1);
        return tf.broadcastTo(expanded, input.shape);
      });
      return tf.reduceAll(tf.concat(full, axis), -1);
    });
  }

  override getConfig(): LayerConfig {
    return { ...super.getConfig(), axis: this.axis };
  }
}
