/**
 * @file Checks of the six convolution kernels against the float64 references: strides of 2 (and
 * unequal ones), dilation 2, SAME with an odd total padding (the extra row and column at the bottom
 * and right), VALID, batches and channels above 1, a channel multiplier, 1×1 filters, conv1d, and an
 * empty batch. Tolerances are relative to the sum of |terms| (reference `magnitude`).
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { ConformanceCase, ConformanceGroup, OutputCheck } from '../case.js';
import { checkOutputs, toTensor } from '../case.js';
import { convolution, convolutionBackpropFilter, convolutionBackpropInput } from '../reference/convolution.js';
import type { ReferenceWindows } from '../reference/convolution.js';
import { uniformInput } from './inputs.js';
import { formatShape } from './shapes.js';

/** One convolution's geometry, as a user gives it. */
export interface ConvolutionShape {
  readonly x: readonly [number, number, number, number];
  readonly filter: readonly [number, number, number, number];
  readonly strides: readonly [number, number];
  readonly dilations?: readonly [number, number];
  readonly padding: 'SAME' | 'VALID';
}

/** TensorFlow's window arithmetic, restated for the checks: output size and padding before. */
function resolve(shape: ConvolutionShape): { windows: ReferenceWindows; out: [number, number] } {
  const dilations = shape.dilations ?? [1, 1];
  const axes = [0, 1].map((axis) => {
    const size = shape.x[axis + 1]!;
    const effective = (shape.filter[axis]! - 1) * dilations[axis]! + 1;
    const stride = shape.strides[axis]!;
    if (shape.padding === 'VALID') return { out: Math.ceil((size - effective + 1) / stride), before: 0 };
    const out = Math.ceil(size / stride);
    return { out, before: Math.floor(Math.max((out - 1) * stride + effective - size, 0) / 2) };
  });
  return {
    windows: { strides: shape.strides, dilations, pads: [axes[0]!.before, axes[1]!.before] },
    out: [axes[0]!.out, axes[1]!.out],
  };
}

function describe(shape: ConvolutionShape): string {
  const d = shape.dilations === undefined ? '' : ` dilations ${formatShape(shape.dilations)}`;
  return `x ${formatShape(shape.x)} filter ${formatShape(shape.filter)} strides ${formatShape(shape.strides)}${d} ${shape.padding}`;
}

/** Which kernel of a geometry a check runs: the forward one, the input gradient or the filter gradient. */
type Pass = 0 | 1 | 2;

/** The check of one geometry for one pass (its reference computed only for that pass). */
function checkOf(shape: ConvolutionShape, depthwise: boolean, pass: Pass): OutputCheck {
  const name = depthwise ? 'DepthwiseConv2dNative' : 'Conv2D';
  const label = `${name} ${describe(shape)}`;
  const { windows, out } = resolve(shape);
  const channels = depthwise ? shape.x[3] * shape.filter[3] : shape.filter[3];
  const yShape = [shape.x[0], out[0], out[1], channels];
  const x = uniformInput(`${label}/x`, shape.x, -1, 1);
  const filter = uniformInput(`${label}/filter`, shape.filter, -1, 1);
  const dy = uniformInput(`${label}/dy`, yShape, -1, 1);
  const options = { depthwise };
  const magnitude = { depthwise, magnitude: true };
  const attrs = { strides: [...windows.strides], dilations: [...windows.dilations], pads: [...windows.pads] };
  const run = (kernel: tf.ConvolutionKernel, a: typeof x, b: typeof x, outShape: readonly number[]) => () =>
    tf.convolutionKernel(kernel, toTensor(a), toTensor(b), attrs, outShape);
  const checks: (() => OutputCheck)[] = [
    () => ({
      label,
      build: () =>
        (depthwise ? tf.depthwiseConv2d : tf.conv2d)(toTensor(x), toTensor(filter), shape.strides, shape.padding, {
          dilations: shape.dilations ?? 1,
        }),
      expected: convolution(x, filter, windows, yShape, options),
      scale: convolution(x, filter, windows, yShape, magnitude).values,
    }),
    () => ({
      label: `${name}BackpropInput ${describe(shape)}`,
      build: run(depthwise ? 'DepthwiseConv2dNativeBackpropInput' : 'Conv2DBackpropInput', dy, filter, shape.x),
      expected: convolutionBackpropInput(dy, filter, windows, shape.x, options),
      scale: convolutionBackpropInput(dy, filter, windows, shape.x, magnitude).values,
    }),
    () => ({
      label: `${name}BackpropFilter ${describe(shape)}`,
      build: run(depthwise ? 'DepthwiseConv2dNativeBackpropFilter' : 'Conv2DBackpropFilter', x, dy, shape.filter),
      expected: convolutionBackpropFilter(x, dy, windows, shape.filter, options),
      scale: convolutionBackpropFilter(x, dy, windows, shape.filter, magnitude).values,
    }),
  ];
  return checks[pass]!();
}

/** Geometries every backend must get right (small enough for the naive references). */
export const CONVOLUTION_SHAPES: readonly ConvolutionShape[] = [
  { x: [1, 5, 5, 1], filter: [3, 3, 1, 2], strides: [1, 1], padding: 'VALID' },
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: [2, 2], padding: 'SAME' },
  { x: [2, 6, 7, 3], filter: [4, 3, 3, 2], strides: [1, 1], padding: 'SAME' },
  { x: [1, 8, 7, 2], filter: [2, 2, 2, 3], strides: [2, 2], padding: 'SAME' },
  { x: [2, 7, 7, 2], filter: [3, 2, 2, 3], strides: [1, 1], dilations: [2, 2], padding: 'SAME' },
  { x: [1, 9, 8, 2], filter: [3, 3, 2, 2], strides: [1, 1], dilations: [2, 1], padding: 'VALID' },
  { x: [2, 9, 10, 3], filter: [3, 2, 3, 5], strides: [2, 3], padding: 'VALID' },
  { x: [3, 4, 5, 6], filter: [1, 1, 6, 9], strides: [1, 1], padding: 'VALID' },
  { x: [2, 9, 9, 8], filter: [3, 3, 8, 16], strides: [1, 1], padding: 'SAME' },
  { x: [1, 3, 3, 2], filter: [5, 5, 2, 2], strides: [1, 1], padding: 'SAME' },
];

const DEPTHWISE_SHAPES: readonly ConvolutionShape[] = [
  { x: [2, 6, 7, 3], filter: [3, 3, 3, 1], strides: [1, 1], padding: 'SAME' },
  { x: [1, 7, 7, 2], filter: [3, 3, 2, 3], strides: [2, 2], padding: 'SAME' },
  { x: [2, 8, 7, 2], filter: [2, 3, 2, 2], strides: [1, 1], dilations: [2, 2], padding: 'VALID' },
  { x: [1, 9, 6, 4], filter: [4, 2, 4, 2], strides: [2, 1], padding: 'SAME' },
];

const GEOMETRIES = 'strides, dilations, SAME (odd padding) and VALID, batches and channels above 1';

/** conv1d is Conv2D over a height of 1; an empty batch gives an empty output. */
function conv1dAndEmptyChecks(): OutputCheck[] {
  const x = uniformInput('conv1d/x', [2, 9, 3], -1, 1);
  const filter = uniformInput('conv1d/filter', [3, 3, 4], -1, 1);
  const windows = { strides: [1, 2], dilations: [1, 1], pads: [0, 1] };
  const x4 = { ...x, shape: [2, 1, 9, 3] };
  const f4 = { ...filter, shape: [1, 3, 3, 4] };
  const expected = convolution(x4, f4, windows, [2, 1, 5, 4], { depthwise: false });
  return [
    {
      label: 'conv1d x [2,9,3] filter [3,3,4] stride 2 SAME',
      build: () => tf.conv1d(toTensor(x), toTensor(filter), 2, 'same'),
      expected: { ...expected, shape: [2, 5, 4] },
      scale: convolution(x4, f4, windows, [2, 1, 5, 4], { depthwise: false, magnitude: true }).values,
    },
    {
      label: 'Conv2D x [0,5,5,2] filter [3,3,2,4] SAME',
      build: () =>
        tf.conv2d(
          toTensor(uniformInput('empty/x', [0, 5, 5, 2], -1, 1)),
          toTensor(uniformInput('empty/filter', [3, 3, 2, 4], -1, 1)),
          1,
          'SAME',
        ),
      expected: { shape: [0, 5, 5, 4], dtype: 'float32', values: [] },
    },
  ];
}

/** conv2dTranspose is Conv2DBackpropInput with the output's shape given. */
function transposeCheck(): OutputCheck {
  const x = uniformInput('conv2dTranspose/x', [2, 4, 4, 3], -1, 1);
  const filter = uniformInput('conv2dTranspose/filter', [3, 3, 2, 3], -1, 1);
  const windows = { strides: [2, 2], dilations: [1, 1], pads: [0, 0] };
  return {
    label: 'conv2dTranspose x [2,4,4,3] filter [3,3,2,3] to [2,8,8,2] strides 2 SAME',
    build: () => tf.conv2dTranspose(toTensor(x), toTensor(filter), [2, 8, 8, 2], 2, 'SAME'),
    expected: convolutionBackpropInput(x, filter, windows, [2, 8, 8, 2], { depthwise: false }),
    scale: convolutionBackpropInput(x, filter, windows, [2, 8, 8, 2], { depthwise: false, magnitude: true }).values,
  };
}

/** One case per kernel, named after it (a backend that declines a kernel skips exactly its case). */
function kernelCase(kernel: tf.ConvolutionKernel, pass: Pass, extra: () => OutputCheck[] = () => []): ConformanceCase {
  const depthwise = kernel.startsWith('Depthwise');
  return {
    name: `${kernel}: ${depthwise ? 'channel multipliers 1 to 3, ' : ''}${GEOMETRIES}`,
    kernels: [kernel],
    run: (env) =>
      checkOutputs(env, [
        ...(depthwise ? DEPTHWISE_SHAPES : CONVOLUTION_SHAPES).map((s) => checkOf(s, depthwise, pass)),
        ...extra(),
      ]),
  };
}

const cases: ConformanceCase[] = [
  kernelCase('Conv2D', 0, conv1dAndEmptyChecks),
  kernelCase('Conv2DBackpropInput', 1, () => [transposeCheck()]),
  kernelCase('Conv2DBackpropFilter', 2),
  kernelCase('DepthwiseConv2dNative', 0),
  kernelCase('DepthwiseConv2dNativeBackpropInput', 1),
  kernelCase('DepthwiseConv2dNativeBackpropFilter', 2),
];

/** The convolution checks. */
export const convolutionGroup: ConformanceGroup = { name: 'Convolutions', cases };
