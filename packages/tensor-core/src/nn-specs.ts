/**
 * @file The specs of the pooling and convolution kernels (issue 12), kept out of op-specs.ts (its size
 * budget) and spread into `PRIMITIVE_SPECS` there, so they are typed, listed and checked like every
 * other kernel's.
 */

import { FLOAT } from './elementwise-specs.js';
import type { InputSpec, OpSpec } from './op-specs.js';

const poolSpec = <const I extends Readonly<Record<string, InputSpec>>>(inputs: I, note: string) =>
  ({
    family: 'other',
    inputs,
    output: { sameAs: Object.keys(inputs)[0]! },
    attrs: { ksize: 'number[]', strides: 'number[]', pads: 'number[]' },
    note,
  }) as const;

const CONV_NOTE =
  '`x` [n, h, w, c], `filter` [kh, kw, c, o], `dy` [n, oh, ow, o]; `strides`, `dilations` [along h, along w], ' +
  '`pads` [top, left] (cells outside `x` read 0; SAME already resolved with the extra row bottom/right).';
const DEPTHWISE_NOTE =
  '`filter` [kh, kw, c, m]: input channel k feeds output channels k·m … k·m + m - 1; otherwise as Conv2D.';
const convSpec = <const A extends string, const B extends string>(first: A, second: B, note: string) =>
  ({
    family: 'other',
    inputs: { [first]: { dtypes: FLOAT }, [second]: { dtypes: FLOAT } } as {
      readonly [N in A | B]: { readonly dtypes: typeof FLOAT };
    },
    output: { sameAs: first },
    attrs: { strides: 'number[]', dilations: 'number[]', pads: 'number[]' },
    note,
  }) as const;

/** The pooling and convolution kernels' specs, in README order. */
export const NN_SPECS = {
  // Pooling (group w-poolnn): NHWC windows of `ksize` [h, w] every `strides` [h, w], `pads` [top, left]
  // zero-size padding before the input (what follows the input is implied by the output's shape).
  MaxPool: poolSpec(
    { x: { dtypes: FLOAT } },
    'NHWC; the max of each window over its in-input elements (padding never wins).',
  ),
  AvgPool: poolSpec(
    { x: { dtypes: FLOAT } },
    'NHWC; the mean of each window over its in-input elements only (padding is not counted).',
  ),
  MaxPoolGrad: poolSpec(
    { x: { dtypes: FLOAT }, dy: { dtypes: FLOAT } },
    "MaxPool's gradient, shape of `x`: each window's `dy` added at the window's first (row-major) max of `x`.",
  ),
  MaxPoolGradGrad: poolSpec(
    { x: { dtypes: FLOAT }, grad: { dtypes: FLOAT } },
    "MaxPoolGrad's gradient, `output.shape` MaxPool's: `grad` read at each window's first (row-major) max of `x`.",
  ),
  AvgPoolGrad: poolSpec(
    { dy: { dtypes: FLOAT } },
    "AvgPool's gradient, `output.shape` the input's: each window's `dy` shared out over its in-input elements.",
  ),
  // Convolutions (NHWC inputs, HWIO filters; tensor-core resolves SAME/VALID into `pads`).
  Conv2D: convSpec('x', 'filter', CONV_NOTE),
  Conv2DBackpropInput: convSpec(
    'dy',
    'filter',
    'The gradient of Conv2D w.r.t. `x` (shape `output.shape`). ' + CONV_NOTE,
  ),
  Conv2DBackpropFilter: convSpec(
    'x',
    'dy',
    'The gradient of Conv2D w.r.t. `filter` (shape `output.shape`). ' + CONV_NOTE,
  ),
  DepthwiseConv2dNative: convSpec('x', 'filter', DEPTHWISE_NOTE),
  DepthwiseConv2dNativeBackpropInput: convSpec(
    'dy',
    'filter',
    'The gradient of DepthwiseConv2dNative w.r.t. `x`. ' + DEPTHWISE_NOTE,
  ),
  DepthwiseConv2dNativeBackpropFilter: convSpec(
    'x',
    'dy',
    'The gradient of DepthwiseConv2dNative w.r.t. `filter`. ' + DEPTHWISE_NOTE,
  ),
} as const satisfies Readonly<Record<string, OpSpec>>;
