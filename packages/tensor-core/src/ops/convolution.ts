/**
 * @file The convolutions of `tf.nn` (conv1d, conv2d, depthwiseConv2d, conv2dTranspose): NHWC inputs,
 * HWIO filters, TensorFlow's `SAME` / `VALID` padding resolved here into explicit `pads` (the extra
 * row and column of an odd total go to the bottom and right, as TensorFlow does), so the six kernels
 * see only numbers and every backend computes the same windows.
 */

import { getEngine } from '../engine.js';
import { formatShape, invalidArgument } from '../errors.js';
import type { KernelName } from '../kernels.js';
import { checkInputDtype } from '../op-specs.js';
import { checkOptions } from '../options.js';
import type { OptionSchema } from '../options.js';
import { describeShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { NestedArray } from '../tensor.js';
import { assertLiveTensor, describeValue } from './convert.js';
import { tensor } from './creation.js';

/** TensorFlow's padding names (any case). */
export type ConvolutionPadding = 'SAME' | 'VALID' | 'same' | 'valid';

/** Options of the convolutions. */
export interface ConvolutionOptions {
  /** The dilation rate along height and width (a number for both); default 1. */
  readonly dilations?: number | readonly number[];
}

const CONVOLUTION_OPTIONS: OptionSchema<ConvolutionOptions> = {
  dilations: { kind: 'any' },
};

/** A convolution operand: a Tensor, or nested arrays of numbers (made a float32 tensor). */
export type ConvolutionOperand = Tensor | NestedArray<number>;

/** The attributes every convolution kernel takes (see the spec's note). */
export interface ConvolutionAttrs {
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly pads: readonly number[];
}

/** The convolution kernels. */
export type ConvolutionKernel = Extract<
  KernelName,
  | 'Conv2D'
  | 'Conv2DBackpropInput'
  | 'Conv2DBackpropFilter'
  | 'DepthwiseConv2dNative'
  | 'DepthwiseConv2dNativeBackpropInput'
  | 'DepthwiseConv2dNativeBackpropFilter'
>;

/**
 * Runs convolution kernel `kernel` on two float32 operands with resolved attributes, giving a tensor
 * of `shape`: the front-ends' and the gradients' entry (the shapes are already checked).
 */
export function convolutionKernel(
  kernel: ConvolutionKernel,
  first: Tensor,
  second: Tensor,
  attrs: ConvolutionAttrs,
  shape: readonly number[],
): Tensor {
  checkInputDtype(kernel, kernel, 'filter' in KERNEL_INPUTS[kernel] ? 'filter' : 'dy', second.dtype);
  checkInputDtype(kernel, kernel, 'x' in KERNEL_INPUTS[kernel] ? 'x' : 'dy', first.dtype);
  const engine = getEngine();
  const kernelAttrs = { strides: [...attrs.strides], dilations: [...attrs.dilations], pads: [...attrs.pads] };
  const output = { shape: [...shape], dtype: 'float32' as const };
  switch (kernel) {
    case 'Conv2D':
    case 'DepthwiseConv2dNative':
      return engine.runKernel(kernel, { x: first, filter: second }, kernelAttrs, output);
    case 'Conv2DBackpropInput':
    case 'DepthwiseConv2dNativeBackpropInput':
      return engine.runKernel(kernel, { dy: first, filter: second }, kernelAttrs, output);
    case 'Conv2DBackpropFilter':
    case 'DepthwiseConv2dNativeBackpropFilter':
      return engine.runKernel(kernel, { x: first, dy: second }, kernelAttrs, output);
  }
}

const KERNEL_INPUTS = {
  Conv2D: { x: 0, filter: 1 },
  DepthwiseConv2dNative: { x: 0, filter: 1 },
  Conv2DBackpropInput: { dy: 0, filter: 1 },
  DepthwiseConv2dNativeBackpropInput: { dy: 0, filter: 1 },
  Conv2DBackpropFilter: { x: 0, dy: 1 },
  DepthwiseConv2dNativeBackpropFilter: { x: 0, dy: 1 },
} as const;

/** `'SAME'` or `'VALID'` from any case of either; anything else is refused. */
function parsePadding(op: string, padding: unknown): 'SAME' | 'VALID' {
  const upper = typeof padding === 'string' ? padding.toUpperCase() : undefined;
  if (upper !== 'SAME' && upper !== 'VALID')
    invalidArgument(op, 'padding', "'SAME' or 'VALID'", describeValue(padding));
  return upper;
}

/**
 * `[along height, along width]` from a positive integer, a pair, or TensorFlow's four-element form
 * `[1, h, w, 1]`; anything else (zero, negative, fractional, other lengths) is refused.
 */
function parsePair(op: string, argument: string, value: unknown): [number, number] {
  const positive = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
  if (positive(value)) return [value, value];
  if (Array.isArray(value)) {
    const items = value as unknown[];
    if (items.length === 2 && positive(items[0]) && positive(items[1])) return [items[0], items[1]];
    if (items.length === 4 && items[0] === 1 && items[3] === 1 && positive(items[1]) && positive(items[2]))
      return [items[1], items[2]];
  }
  return invalidArgument(
    op,
    argument,
    'a positive integer, [height, width] of positive integers, or [1, height, width, 1]',
    Array.isArray(value) ? describeShape(value) : describeValue(value),
  );
}

/** One spatial axis' output size and padding before, as TensorFlow computes them. */
function window(
  op: string,
  axisName: string,
  size: number,
  filterSize: number,
  stride: number,
  dilation: number,
  padding: 'SAME' | 'VALID',
  shapes: string,
): { out: number; before: number } {
  const effective = (filterSize - 1) * dilation + 1;
  if (padding === 'SAME') {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + effective - size, 0);
    return { out, before: Math.floor(total / 2) };
  }
  if (size < effective) {
    invalidArgument(
      op,
      'filter',
      `a dilated ${axisName} of at most the input's ${size} with VALID padding (${shapes})`,
      `${effective}`,
    );
  }
  return { out: Math.floor((size - effective) / stride) + 1, before: 0 };
}

function operand(op: string, argument: string, value: unknown): Tensor {
  if (Array.isArray(value)) return tensor(value as NestedArray<number>[], undefined, 'float32');
  assertLiveTensor(value, op, argument);
  return value;
}

interface Geometry {
  readonly attrs: ConvolutionAttrs;
  readonly outHeight: number;
  readonly outWidth: number;
}

/** Checks strides, dilations and padding and resolves the windows of an NHWC input and HW.. filter. */
function geometry(
  op: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  strides: unknown,
  padding: unknown,
  options: ConvolutionOptions,
  filterArgument = 'filter',
): Geometry {
  checkOptions(op, options, CONVOLUTION_OPTIONS);
  const [strideH, strideW] = parsePair(op, 'strides', strides);
  const [dilationH, dilationW] = parsePair(op, 'options.dilations', options.dilations ?? 1);
  const mode = parsePadding(op, padding);
  if ((strideH > 1 || strideW > 1) && (dilationH > 1 || dilationW > 1)) {
    invalidArgument(
      op,
      'strides',
      'strides of 1 when dilations exceed 1 (TensorFlow refuses both at once)',
      `strides [${strideH},${strideW}] with dilations [${dilationH},${dilationW}]`,
    );
  }
  const shapes = `x ${formatShape(xShape)}, ${filterArgument} ${formatShape(filterShape)}`;
  const rows = window(op, 'filter height', xShape[1]!, filterShape[0]!, strideH, dilationH, mode, shapes);
  const columns = window(op, 'filter width', xShape[2]!, filterShape[1]!, strideW, dilationW, mode, shapes);
  return {
    attrs: { strides: [strideH, strideW], dilations: [dilationH, dilationW], pads: [rows.before, columns.before] },
    outHeight: rows.out,
    outWidth: columns.out,
  };
}

function checkRank(op: string, argument: string, t: Tensor, rank: number, what: string): void {
  if (t.rank !== rank)
    invalidArgument(op, argument, `a rank-${rank} tensor (${what})`, `shape ${formatShape(t.shape)}`);
}

function checkChannels(op: string, x: Tensor, filter: Tensor, filterArgument: string, axis = 2): void {
  if (filter.shape[axis] !== x.shape[x.rank - 1]) {
    invalidArgument(
      op,
      filterArgument,
      `in-channels (dim ${axis}) equal to x's ${x.shape[x.rank - 1]} channels (x ${formatShape(x.shape)})`,
      `shape ${formatShape(filter.shape)}`,
    );
  }
}

/** Runs `body` on the converted operands, disposing any it made from arrays. */
function withOperands<T>(op: string, values: [string, unknown][], body: (...tensors: Tensor[]) => T): T {
  const made: Tensor[] = [];
  try {
    const tensors = values.map(([name, value]) => {
      const t = operand(op, name, value);
      if (t !== value) made.push(t);
      return t;
    });
    for (const [i, t] of tensors.entries()) checkInputDtype(op, 'Conv2D', 'x', t.dtype, values[i]![0]);
    return body(...tensors);
  } finally {
    for (const t of made) t.dispose();
  }
}

/**
 * 2-D convolution (TensorFlow's `tf.nn.conv2d`): `x` [batch, height, width, inChannels] (or rank 3,
 * one example), `filters` [filterHeight, filterWidth, inChannels, outChannels].
 * @example tf.conv2d(tf.ones([1, 3, 3, 1]), tf.ones([2, 2, 1, 1]), 1, 'VALID') // [[[[4],[4]],[[4],[4]]]]
 */
export function conv2d(
  x: ConvolutionOperand,
  filters: ConvolutionOperand,
  strides: number | readonly number[],
  padding: ConvolutionPadding,
  options: ConvolutionOptions = {},
): Tensor {
  return withOperands(
    'conv2d',
    [
      ['x', x],
      ['filters', filters],
    ],
    (input, filter) => {
      const unbatched = input.rank === 3;
      const x4 = unbatched ? input.reshape([1, ...input.shape]) : input;
      try {
        checkRank('conv2d', 'x', x4, 4, '[batch, height, width, inChannels]');
        checkRank('conv2d', 'filters', filter, 4, '[filterHeight, filterWidth, inChannels, outChannels]');
        checkChannels('conv2d', x4, filter, 'filters');
        const g = geometry('conv2d', x4.shape, filter.shape, strides, padding, options, 'filters');
        const shape = [x4.shape[0]!, g.outHeight, g.outWidth, filter.shape[3]!];
        const y = convolutionKernel('Conv2D', x4, filter, g.attrs, shape);
        if (!unbatched) return y;
        const squeezed = y.reshape(shape.slice(1));
        y.dispose();
        return squeezed;
      } finally {
        if (unbatched) x4.dispose();
      }
    },
  );
}

/**
 * 1-D convolution (`tf.nn.conv1d`): `x` [batch, width, inChannels], `filters` [filterWidth,
 * inChannels, outChannels]; a conv2d over a height of 1, as TensorFlow runs it.
 * @example tf.conv1d(tf.ones([1, 4, 1]), tf.ones([2, 1, 1]), 1, 'VALID') // [[[2], [2], [2]]]
 */
export function conv1d(
  x: ConvolutionOperand,
  filters: ConvolutionOperand,
  stride: number,
  padding: ConvolutionPadding,
  options: { readonly dilations?: number } = {},
): Tensor {
  return withOperands(
    'conv1d',
    [
      ['x', x],
      ['filters', filters],
    ],
    (input, filter) => {
      checkRank('conv1d', 'x', input, 3, '[batch, width, inChannels]');
      checkRank('conv1d', 'filters', filter, 3, '[filterWidth, inChannels, outChannels]');
      checkChannels('conv1d', input, filter, 'filters', 1);
      if (!Number.isInteger(stride) || stride <= 0)
        invalidArgument('conv1d', 'stride', 'a positive integer', describeValue(stride));
      checkOptions('conv1d', options, CONVOLUTION_OPTIONS);
      const dilation = options.dilations ?? 1;
      if (!Number.isInteger(dilation) || dilation <= 0)
        invalidArgument('conv1d', 'options.dilations', 'a positive integer', describeValue(dilation));
      const x4 = input.reshape([input.shape[0]!, 1, input.shape[1]!, input.shape[2]!]);
      const f4 = filter.reshape([1, ...filter.shape]);
      try {
        const g = geometry('conv1d', x4.shape, f4.shape, [1, stride], padding, { dilations: [1, dilation] }, 'filters');
        const shape = [x4.shape[0]!, 1, g.outWidth, f4.shape[3]!];
        const y = convolutionKernel('Conv2D', x4, f4, g.attrs, shape);
        const squeezed = y.reshape([shape[0]!, shape[2]!, shape[3]!]);
        y.dispose();
        return squeezed;
      } finally {
        x4.dispose();
        f4.dispose();
      }
    },
  );
}

/**
 * Depthwise 2-D convolution (`tf.nn.depthwise_conv2d`): `filter` [filterHeight, filterWidth,
 * inChannels, channelMultiplier]; input channel k gives output channels k·m … k·m + m - 1.
 * @example tf.depthwiseConv2d(tf.ones([1, 2, 2, 2]), tf.ones([2, 2, 2, 1]), 1, 'VALID') // [[[[4, 4]]]]
 */
export function depthwiseConv2d(
  x: ConvolutionOperand,
  filter: ConvolutionOperand,
  strides: number | readonly number[],
  padding: ConvolutionPadding,
  options: ConvolutionOptions = {},
): Tensor {
  return withOperands(
    'depthwiseConv2d',
    [
      ['x', x],
      ['filter', filter],
    ],
    (input, f) => {
      checkRank('depthwiseConv2d', 'x', input, 4, '[batch, height, width, inChannels]');
      checkRank('depthwiseConv2d', 'filter', f, 4, '[filterHeight, filterWidth, inChannels, channelMultiplier]');
      checkChannels('depthwiseConv2d', input, f, 'filter');
      const g = geometry('depthwiseConv2d', input.shape, f.shape, strides, padding, options);
      const shape = [input.shape[0]!, g.outHeight, g.outWidth, f.shape[2]! * f.shape[3]!];
      return convolutionKernel('DepthwiseConv2dNative', input, f, g.attrs, shape);
    },
  );
}

/**
 * The transpose of conv2d (`tf.nn.conv2d_transpose`, the gradient of conv2d w.r.t. its input):
 * `x` [batch, height, width, inChannels], `filters` [filterHeight, filterWidth, outChannels,
 * inChannels], `outputShape` [batch, outHeight, outWidth, outChannels], which conv2d with the same
 * strides and padding must map back onto `x`'s shape.
 * @example tf.conv2dTranspose(tf.ones([1, 1, 1, 1]), tf.ones([2, 2, 1, 1]), [1, 2, 2, 1], 1, 'VALID') // 2×2 ones
 */
export function conv2dTranspose(
  x: ConvolutionOperand,
  filters: ConvolutionOperand,
  outputShape: readonly number[],
  strides: number | readonly number[],
  padding: ConvolutionPadding,
): Tensor {
  const op = 'conv2dTranspose';
  return withOperands(
    op,
    [
      ['x', x],
      ['filters', filters],
    ],
    (input, filter) => {
      checkRank(op, 'x', input, 4, '[batch, height, width, inChannels]');
      checkRank(op, 'filters', filter, 4, '[filterHeight, filterWidth, outChannels, inChannels]');
      const valid =
        Array.isArray(outputShape) &&
        outputShape.length === 4 &&
        outputShape.every((d: unknown) => Number.isInteger(d) && (d as number) >= 0);
      if (!valid) invalidArgument(op, 'outputShape', '4 non-negative integers', describeShape(outputShape));
      checkChannels(op, input, filter, 'filters', 3);
      if (outputShape[3] !== filter.shape[2] || outputShape[0] !== input.shape[0]) {
        invalidArgument(
          op,
          'outputShape',
          `x's batch ${input.shape[0]} and the filters' out-channels ${filter.shape[2]} (filters ${formatShape(filter.shape)})`,
          formatShape(outputShape),
        );
      }
      const g = geometry(op, outputShape, filter.shape, strides, padding, {}, 'filters');
      if (g.outHeight !== input.shape[1] || g.outWidth !== input.shape[2]) {
        invalidArgument(
          op,
          'outputShape',
          `a shape that conv2d with these strides and padding maps onto x ${formatShape(input.shape)}`,
          `${formatShape(outputShape)}, which maps onto [${outputShape[0]},${g.outHeight},${g.outWidth},${input.shape[3]}]`,
        );
      }
      return convolutionKernel('Conv2DBackpropInput', input, filter, g.attrs, outputShape);
    },
  );
}
