/**
 * @file The pooling kernels, NHWC: MaxPool, AvgPool, MaxPoolGrad, MaxPoolGradGrad and AvgPoolGrad.
 * Every shader runs one invocation per output element and writes only its own element, so nothing
 * needs atomics: the forward kernels (and MaxPoolGradGrad) scan their window; the two gradients into
 * the input's shape gather, for their input element, from each window that covers it (MaxPoolGrad
 * re-finds the window's first max, so it adds `dy` only where the max was). Windows are clipped to
 * the input, so padding is never read and never counted.
 */

import { sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { KernelName } from '@tapeflow/tensor-core/backend';
import type { GpuData } from '../gpu-data.js';
import type { KernelContext, WebGpuKernel } from '../kernel-context.js';
import type { Uniform } from '../program.js';
import { shaderSource, uniformFields } from '../program.js';

interface PoolAttrs {
  readonly ksize: readonly number[];
  readonly strides: readonly number[];
  readonly pads: readonly number[];
}

/** The uniforms every pooling shader reads: input [n, h, w, c], output [oh, ow], windows. */
function poolUniforms(input: readonly number[], output: readonly number[], attrs: PoolAttrs): Uniform[] {
  return [
    { name: 'height', type: 'i32', value: input[1]! },
    { name: 'width', type: 'i32', value: input[2]! },
    { name: 'channels', type: 'u32', value: input[3]! },
    { name: 'out_height', type: 'i32', value: output[1]! },
    { name: 'out_width', type: 'i32', value: output[2]! },
    { name: 'kh', type: 'i32', value: attrs.ksize[0]! },
    { name: 'kw', type: 'i32', value: attrs.ksize[1]! },
    { name: 'sh', type: 'i32', value: attrs.strides[0]! },
    { name: 'sw', type: 'i32', value: attrs.strides[1]! },
    { name: 'top', type: 'i32', value: attrs.pads[0]! },
    { name: 'left', type: 'i32', value: attrs.pads[1]! },
  ];
}

/**
 * WGSL functions shared by the shaders: a window's clipped bounds, and the input offset of its first
 * (row-major) max for channel `c` (a NaN, once seen, is the max, as in MaxPool's NaN rule).
 */
const WINDOW_FUNCTIONS = `
fn window_bounds(oh: i32, ow: i32) -> vec4<i32> {
  let hs = oh * p.sh - p.top;
  let ws = ow * p.sw - p.left;
  return vec4<i32>(max(hs, 0), min(hs + p.kh, p.height), max(ws, 0), min(ws + p.kw, p.width));
}

fn window_argmax(image: u32, oh: i32, ow: i32, c: u32) -> u32 {
  let b = window_bounds(oh, ow);
  var best = 0.0;
  var at = 0xffffffffu;
  for (var h = b.x; h < b.y; h++) {
    for (var w = b.z; w < b.w; w++) {
      let i = image + (u32(h) * u32(p.width) + u32(w)) * p.channels + c;
      let v = x[i];
      if (at == 0xffffffffu || v > best || (v != v && best == best)) {
        best = v;
        at = i;
      }
    }
  }
  return at;
}
`;

/** The decomposition of an output index over [n, out_height, out_width, channels]. */
const OUTPUT_INDEX = `  let c = index % p.channels;
  let rest = index / p.channels;
  let ow = i32(rest % u32(p.out_width));
  let rest2 = rest / u32(p.out_width);
  let oh = i32(rest2 % u32(p.out_height));
  let n = rest2 / u32(p.out_height);
  let image = n * u32(p.height) * u32(p.width) * p.channels;`;

/** The decomposition of an input index over [n, height, width, channels], and the windows covering it. */
const INPUT_INDEX = `  let c = index % p.channels;
  let rest = index / p.channels;
  let w = i32(rest % u32(p.width));
  let rest2 = rest / u32(p.width);
  let h = i32(rest2 % u32(p.height));
  let n = rest2 / u32(p.height);
  let image = n * u32(p.height) * u32(p.width) * p.channels;
  let out_image = n * u32(p.out_height) * u32(p.out_width) * p.channels;
  // Windows oh with oh * sh - top <= h < oh * sh - top + kh (likewise for w), within the output. The
  // lower bound is floor((h + top - kh) / sh) + 1; WGSL's division truncates toward zero, which differs
  // from floor only for a negative numerator, where the bound is <= 0 and the max clips it to 0.
  let oh0 = max((h + p.top - p.kh + p.sh) / p.sh, 0);
  let oh1 = min((h + p.top) / p.sh + 1, p.out_height);
  let ow0 = max((w + p.left - p.kw + p.sw) / p.sw, 0);
  let ow1 = min((w + p.left) / p.sw + 1, p.out_width);`;

function runPool(
  context: KernelContext,
  kernel: KernelName,
  inputs: readonly { readonly name: string; readonly data: GpuData }[],
  outputShape: readonly number[],
  uniforms: Uniform[],
  declarations: string,
  body: string,
): GpuData {
  const size = sizeFromShape(outputShape);
  const result = context.allocate(size, 'float32', kernel, outputShape);
  if (size === 0) return result;
  const workgroupSize = context.workgroupSize;
  const source = shaderSource({
    inputs: inputs.map(({ name }) => ({ name, type: 'f32' })),
    outputType: 'f32',
    uniforms: uniformFields(uniforms),
    workgroupSize,
    mode: 'element',
    declarations,
    helpers: [],
    body,
  });
  context.run({
    source,
    inputs: inputs.map(({ data }) => data),
    output: result,
    size,
    uniforms,
    workgroups: Math.ceil(size / workgroupSize),
  });
  return result;
}

/** MaxPool: the window's first max (a NaN, once seen, wins). */
export const maxPoolKernel: WebGpuKernel<'MaxPool'> = (context, { inputs: { x }, attrs, output }) =>
  runPool(
    context,
    'MaxPool',
    [{ name: 'x', data: context.input(x) }],
    output.shape,
    poolUniforms(x.shape, output.shape, attrs),
    WINDOW_FUNCTIONS,
    `${OUTPUT_INDEX}
  out[index] = x[window_argmax(image, oh, ow, c)];`,
  );

/** AvgPool: the sum of the window's in-input elements over their count. */
export const avgPoolKernel: WebGpuKernel<'AvgPool'> = (context, { inputs: { x }, attrs, output }) =>
  runPool(
    context,
    'AvgPool',
    [{ name: 'x', data: context.input(x) }],
    output.shape,
    poolUniforms(x.shape, output.shape, attrs),
    WINDOW_FUNCTIONS,
    `${OUTPUT_INDEX}
  let b = window_bounds(oh, ow);
  var sum = 0.0;
  for (var h = b.x; h < b.y; h++) {
    for (var w = b.z; w < b.w; w++) {
      sum = sum + x[image + (u32(h) * u32(p.width) + u32(w)) * p.channels + c];
    }
  }
  out[index] = sum / f32((b.y - b.x) * (b.w - b.z));`,
  );

/** MaxPoolGrad: per input element, the `dy` of every covering window whose first max it is. */
export const maxPoolGradKernel: WebGpuKernel<'MaxPoolGrad'> = (context, { inputs: { x, dy }, attrs, output }) =>
  runPool(
    context,
    'MaxPoolGrad',
    [
      { name: 'x', data: context.input(x) },
      { name: 'dy', data: context.input(dy) },
    ],
    output.shape,
    poolUniforms(x.shape, dy.shape, attrs),
    WINDOW_FUNCTIONS,
    `${INPUT_INDEX}
  var sum = 0.0;
  for (var oh = oh0; oh < oh1; oh++) {
    for (var ow = ow0; ow < ow1; ow++) {
      if (window_argmax(image, oh, ow, c) == index) {
        sum = sum + dy[out_image + (u32(oh) * u32(p.out_width) + u32(ow)) * p.channels + c];
      }
    }
  }
  out[index] = sum;`,
  );

/** MaxPoolGradGrad: `grad` at each window's first max. */
export const maxPoolGradGradKernel: WebGpuKernel<'MaxPoolGradGrad'> = (
  context,
  { inputs: { x, grad }, attrs, output },
) =>
  runPool(
    context,
    'MaxPoolGradGrad',
    [
      { name: 'x', data: context.input(x) },
      { name: 'grad', data: context.input(grad) },
    ],
    output.shape,
    poolUniforms(x.shape, output.shape, attrs),
    WINDOW_FUNCTIONS,
    `${OUTPUT_INDEX}
  out[index] = grad[window_argmax(image, oh, ow, c)];`,
  );

/** AvgPoolGrad: per input element, each covering window's `dy` over that window's in-input count. */
export const avgPoolGradKernel: WebGpuKernel<'AvgPoolGrad'> = (context, { inputs: { dy }, attrs, output }) =>
  runPool(
    context,
    'AvgPoolGrad',
    [{ name: 'dy', data: context.input(dy) }],
    output.shape,
    poolUniforms(output.shape, dy.shape, attrs),
    `fn window_bounds(oh: i32, ow: i32) -> vec4<i32> {
  let hs = oh * p.sh - p.top;
  let ws = ow * p.sw - p.left;
  return vec4<i32>(max(hs, 0), min(hs + p.kh, p.height), max(ws, 0), min(ws + p.kw, p.width));
}
`,
    `${INPUT_INDEX}
  var sum = 0.0;
  for (var oh = oh0; oh < oh1; oh++) {
    for (var ow = ow0; ow < ow1; ow++) {
      let b = window_bounds(oh, ow);
      let count = f32((b.y - b.x) * (b.w - b.z));
      sum = sum + dy[out_image + (u32(oh) * u32(p.out_width) + u32(ow)) * p.channels + c] / count;
    }
  }
  out[index] = sum;`,
  );
