/**
 * @file Keras' merge layers: `Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum`,
 * `Concatenate` and `Dot`. Each takes an array of tensors (`layer.apply([a, b])`, symbolic ones too) and
 * has no weights. The elementwise ones broadcast as Keras does (the batch sizes must agree; the other
 * dimensions match or are 1, a lower-rank input gaining axes after the batch axis), and their output
 * mask is the logical AND of the input masks; `Concatenate` concatenates the masks along its axis.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { Layer } from './layer.js';
import type { LayerConfig, LayerMask, LayerOptions } from './layer.js';
import { INTEGER, LAYER_RULES } from './option-rules.js';

function shapeText(shapes: readonly (readonly number[])[]): string {
  return shapes.map((s) => tf.formatShape(s)).join(', ');
}

/** The inputs of a merge layer as a list of at least `min` tensors (exactly `min` when `exact`). */
function inputList(layer: Layer, inputs: tf.Tensor | readonly tf.Tensor[], min: number, exact = false): tf.Tensor[] {
  const list = Array.isArray(inputs) ? [...(inputs as readonly tf.Tensor[])] : [inputs as tf.Tensor];
  if (!Array.isArray(inputs) || list.length < min || (exact && list.length !== min)) {
    const expected = exact ? `an array of exactly ${min} tensors` : `an array of at least ${min} tensors`;
    const given = Array.isArray(inputs) ? `an array of ${list.length}` : `one tensor of shape ${tf.formatShape(list[0]!.shape)}`;
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
      tf.invalidArgument(`${this.name}.apply`, 'inputs', 'ranks summing to at most 25', `ranks ${a.rank} and ${b.rank}`);
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
