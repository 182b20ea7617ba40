/**
 * @file The six convolution kernels in WGSL. Conv2D, Conv2DBackpropFilter and (strides 1)
 * Conv2DBackpropInput run conv-gemm.ts's workgroup-tiled implicit GEMM where its rule picks it (large
 * products on devices that allow its workgroup); the direct kernels here serve the rest. Every kernel
 * gathers (no float atomics in WGSL, so nothing scatters):
 * - Conv2D and Conv2DBackpropInput: each invocation computes a tile of one pixel × 4 channels
 *   (register tiling, as MatMul: every input value loaded is used four times, and the filter row of
 *   4 channels is one vec4), walking only the filter taps that land inside the input.
 * - the depthwise forward and input gradient: one invocation per element (each output channel reads
 *   one input channel, so there is no reuse to tile).
 * - both filter gradients: one workgroup per filter element (4 output channels for Conv2D), whose
 *   threads stride over every (example, output pixel) and reduce their partial sums in workgroup
 *   memory: the sum is long (n · oh · ow terms) and the filter small, so this spreads the work.
 * float32 accumulates in f32 (the CPU backend uses double): expect float32 rounding, not equality.
 */

import type { KernelCall, KernelName, TensorInfo } from '@tapeflow/tensor-core/backend';
import { sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { KernelContext, WebGpuKernel } from '../kernel-context.js';
import type { Uniform } from '../program.js';
import { shaderSource, uniformFields } from '../program.js';
import type { ConvolutionGemmKind } from './conv-gemm.js';
import { chooseConvolutionShader, convolutionGemm, runConvolutionGemm } from './conv-gemm.js';

type ConvolutionKernelName = Extract<
  KernelName,
  | 'Conv2D'
  | 'Conv2DBackpropInput'
  | 'Conv2DBackpropFilter'
  | 'DepthwiseConv2dNative'
  | 'DepthwiseConv2dNativeBackpropInput'
  | 'DepthwiseConv2dNativeBackpropFilter'
>;

/** The geometry uniforms shared by every convolution shader. */
function geometryUniforms(call: KernelCall<ConvolutionKernelName>): Uniform[] {
  const inputs = call.inputs as Readonly<Record<string, TensorInfo | undefined>>;
  const x = inputs['x']?.shape ?? call.output.shape;
  const filter = inputs['filter']?.shape ?? call.output.shape;
  const dy = inputs['dy']?.shape ?? call.output.shape;
  const { strides, dilations, pads } = call.attrs;
  const values: [string, number][] = [
    ['batch', x[0]!],
    ['in_h', x[1]!],
    ['in_w', x[2]!],
    ['in_c', x[3]!],
    ['out_h', dy[1]!],
    ['out_w', dy[2]!],
    ['out_c', dy[3]!],
    ['f_h', filter[0]!],
    ['f_w', filter[1]!],
    ['f_q', filter[3]!],
    ['stride_h', strides[0]!],
    ['stride_w', strides[1]!],
    ['dilation_h', dilations[0]!],
    ['dilation_w', dilations[1]!],
    ['pad_t', pads[0]!],
    ['pad_l', pads[1]!],
  ];
  return values.map(([name, value]) => ({ name, type: 'i32', value }));
}

/**
 * Runs Conv2D, Conv2DBackpropInput or Conv2DBackpropFilter as conv-gemm.ts's tiled implicit GEMM when
 * its rule picks it (returns the output), else returns null for the direct kernel below.
 */
function tiledGemm(
  context: KernelContext,
  call: KernelCall<'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter'>,
  kind: ConvolutionGemmKind,
): ReturnType<WebGpuKernel<ConvolutionKernelName>> | null {
  if (sizeFromShape(call.output.shape) === 0) return null;
  const inputs = call.inputs as Readonly<Record<string, TensorInfo | undefined>>;
  const x = inputs['x']?.shape ?? call.output.shape;
  const filter = inputs['filter']?.shape ?? call.output.shape;
  const dy = inputs['dy']?.shape ?? call.output.shape;
  const gemm = convolutionGemm(kind, x, filter, dy);
  const shader = chooseConvolutionShader(
    context.matMulShader,
    kind,
    gemm,
    call.attrs.strides,
    context.maxWorkgroupInvocations,
  );
  return shader === 'tiled' ? runConvolutionGemm(context, call, kind, gemm, geometryUniforms(call)) : null;
}

/**
 * Runs one convolution shader: `invocations` is the element (element mode) or group (group mode)
 * count, `body` the WGSL after `index` or `group`/`lid`.
 */
function runShader(
  context: KernelContext,
  call: KernelCall<ConvolutionKernelName>,
  name: ConvolutionKernelName,
  inputNames: readonly [string, string],
  invocations: (size: number) => number,
  mode: 'element' | 'group',
  body: (workgroupSize: number) => string,
): ReturnType<WebGpuKernel<ConvolutionKernelName>> {
  const inputs = call.inputs as Readonly<Record<string, TensorInfo>>;
  const first = context.input(inputs[inputNames[0]]!);
  const second = context.input(inputs[inputNames[1]]!);
  const size = sizeFromShape(call.output.shape);
  const result = context.allocate(size, 'float32', name, call.output.shape);
  if (size === 0) return result;
  const uniforms = geometryUniforms(call);
  const workgroupSize = context.workgroupSize;
  const count = invocations(size);
  const source = shaderSource({
    inputs: [
      // `filter` is a reserved word in WGSL: the filter binds as `flt`.
      { name: inputNames[0], type: 'f32' },
      { name: inputNames[1] === 'filter' ? 'flt' : inputNames[1], type: 'f32' },
    ],
    outputType: 'f32',
    uniforms: uniformFields(uniforms),
    workgroupSize,
    mode,
    helpers: [],
    ...(mode === 'group' ? { declarations: `var<workgroup> partial: array<vec4<f32>, ${workgroupSize}>;` } : {}),
    body: body(workgroupSize),
  });
  context.run({
    source,
    inputs: [first, second],
    output: result,
    size: count,
    uniforms,
    workgroups: mode === 'group' ? count : Math.ceil(count / workgroupSize),
  });
  return result;
}

/** The taps of output pixel (oh, ow) that land inside the input: opens two loops and sets ih, iw. */
const FORWARD_TAPS = `  for (var kh = 0; kh < p.f_h; kh++) {
    let ih = oh * p.stride_h - p.pad_t + kh * p.dilation_h;
    if (ih < 0 || ih >= p.in_h) { continue; }
    for (var kw = 0; kw < p.f_w; kw++) {
      let iw = ow * p.stride_w - p.pad_l + kw * p.dilation_w;
      if (iw < 0 || iw >= p.in_w) { continue; }
      let tap = kh * p.f_w + kw;`;

/** The taps that read input pixel (ih, iw): opens two loops and sets oh, ow (and tap). */
const BACKWARD_TAPS = `  for (var kh = 0; kh < p.f_h; kh++) {
    let th = ih + p.pad_t - kh * p.dilation_h;
    if (th < 0 || th % p.stride_h != 0 || th / p.stride_h >= p.out_h) { continue; }
    let oh = th / p.stride_h;
    for (var kw = 0; kw < p.f_w; kw++) {
      let tw = iw + p.pad_l - kw * p.dilation_w;
      if (tw < 0 || tw % p.stride_w != 0 || tw / p.stride_w >= p.out_w) { continue; }
      let ow = tw / p.stride_w;
      let tap = kh * p.f_w + kw;`;

/** Splits `index` over [n, rows, cols, blocks] into n, r, s, blk (i32). */
function pixelOf(rows: string, cols: string, blocks: string): string {
  return `  let i = i32(index);
  let blk = i % ${blocks};
  let pixel = i / ${blocks};
  let s = pixel % ${cols};
  let r = (pixel / ${cols}) % ${rows};
  let n = pixel / (${cols} * ${rows});`;
}

/** The store of a 4-channel tile `acc` at element `base`, channels c0 … c0 + 3 below `limit`. */
const STORE4 = (base: string, c0: string, limit: string): string => `  for (var l = 0; l < 4; l++) {
    if (${c0} + l < ${limit}) { out[${base} + ${c0} + l] = acc[l]; }
  }`;

/** Conv2D: one pixel × 4 output channels per invocation. */
export const conv2dKernel: WebGpuKernel<'Conv2D'> = (context, call) =>
  tiledGemm(context, call, 'forward') ??
  runShader(
    context,
    call,
    'Conv2D',
    ['x', 'filter'],
    (size) => (size / call.output.shape[3]!) * Math.ceil(call.output.shape[3]! / 4),
    'element',
    () => `${pixelOf('p.out_h', 'p.out_w', '((p.out_c + 3) / 4)')}
  let oh = r;
  let ow = s;
  let o0 = blk * 4;
  let o1 = min(o0 + 1, p.out_c - 1);
  let o2 = min(o0 + 2, p.out_c - 1);
  let o3 = min(o0 + 3, p.out_c - 1);
  var acc = vec4<f32>();
${FORWARD_TAPS}
      let xb = ((n * p.in_h + ih) * p.in_w + iw) * p.in_c;
      let fb = tap * p.in_c * p.out_c;
      for (var c = 0; c < p.in_c; c++) {
        let row = fb + c * p.out_c;
        let fv = vec4<f32>(flt[row + o0], flt[row + o1], flt[row + o2], flt[row + o3]);
        acc = acc + x[xb + c] * fv;
      }
    }
  }
${STORE4('((n * p.out_h + oh) * p.out_w + ow) * p.out_c', 'o0', 'p.out_c')}`,
  );

/** Conv2DBackpropInput: one input pixel × 4 input channels per invocation. */
export const conv2dBackpropInputKernel: WebGpuKernel<'Conv2DBackpropInput'> = (context, call) =>
  tiledGemm(context, call, 'input') ??
  runShader(
    context,
    call,
    'Conv2DBackpropInput',
    ['dy', 'filter'],
    (size) => (size / call.output.shape[3]!) * Math.ceil(call.output.shape[3]! / 4),
    'element',
    () => `${pixelOf('p.in_h', 'p.in_w', '((p.in_c + 3) / 4)')}
  let ih = r;
  let iw = s;
  let c0 = blk * 4;
  let c1 = min(c0 + 1, p.in_c - 1);
  let c2 = min(c0 + 2, p.in_c - 1);
  let c3 = min(c0 + 3, p.in_c - 1);
  var acc = vec4<f32>();
${BACKWARD_TAPS}
      let yb = ((n * p.out_h + oh) * p.out_w + ow) * p.out_c;
      let fb = tap * p.in_c * p.out_c;
      for (var o = 0; o < p.out_c; o++) {
        let fv = vec4<f32>(flt[fb + c0 * p.out_c + o], flt[fb + c1 * p.out_c + o],
                           flt[fb + c2 * p.out_c + o], flt[fb + c3 * p.out_c + o]);
        acc = acc + dy[yb + o] * fv;
      }
    }
  }
${STORE4('((n * p.in_h + ih) * p.in_w + iw) * p.in_c', 'c0', 'p.in_c')}`,
  );

/**
 * The workgroup reduction of the filter gradients: each thread sums `term` (a vec4) over every
 * (example, output pixel) it strides to, then the workgroup adds the partial sums pairwise.
 */
function filterReduction(workgroupSize: number, setup: string, term: string, store: string): string {
  return `${setup}
  var acc = vec4<f32>();
  let positions = p.batch * p.out_h * p.out_w;
  for (var q = i32(lid); q < positions; q += ${workgroupSize}) {
    let ow = q % p.out_w;
    let oh = (q / p.out_w) % p.out_h;
    let n = q / (p.out_w * p.out_h);
    let ih = oh * p.stride_h - p.pad_t + kh * p.dilation_h;
    let iw = ow * p.stride_w - p.pad_l + kw * p.dilation_w;
    if (ih >= 0 && ih < p.in_h && iw >= 0 && iw < p.in_w) {
      let xi = ((n * p.in_h + ih) * p.in_w + iw) * p.in_c;
      let yi = ((n * p.out_h + oh) * p.out_w + ow) * p.out_c;
      acc = acc + ${term};
    }
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var span = ${Math.floor(workgroupSize / 2)}u; span > 0u; span = span >> 1u) {
    if (lid < span) { partial[lid] = partial[lid] + partial[lid + span]; }
    workgroupBarrier();
  }
  if (lid == 0u) {
    acc = partial[0];
${store}
  }`;
}

/** Conv2DBackpropFilter: one workgroup per (tap, input channel, 4 output channels). */
export const conv2dBackpropFilterKernel: WebGpuKernel<'Conv2DBackpropFilter'> = (context, call) =>
  tiledGemm(context, call, 'filter') ??
  runShader(
    context,
    call,
    'Conv2DBackpropFilter',
    ['x', 'dy'],
    (size) => (size / call.output.shape[3]!) * Math.ceil(call.output.shape[3]! / 4),
    'group',
    (workgroupSize) =>
      filterReduction(
        workgroupSize,
        `  let g = i32(group);
  let blocks = (p.out_c + 3) / 4;
  let o0 = (g % blocks) * 4;
  let c = (g / blocks) % p.in_c;
  let tap = g / (blocks * p.in_c);
  let kh = tap / p.f_w;
  let kw = tap % p.f_w;
  let o1 = min(o0 + 1, p.out_c - 1);
  let o2 = min(o0 + 2, p.out_c - 1);
  let o3 = min(o0 + 3, p.out_c - 1);`,
        'x[xi + c] * vec4<f32>(dy[yi + o0], dy[yi + o1], dy[yi + o2], dy[yi + o3])',
        STORE4('(tap * p.in_c + c) * p.out_c', 'o0', 'p.out_c').replace(/^/gm, '  '),
      ),
  );

/** DepthwiseConv2dNative: one output element per invocation (channel j reads input channel j / M). */
export const depthwiseConv2dKernel: WebGpuKernel<'DepthwiseConv2dNative'> = (context, call) =>
  runShader(
    context,
    call,
    'DepthwiseConv2dNative',
    ['x', 'filter'],
    (size) => size,
    'element',
    () => `${pixelOf('p.out_h', 'p.out_w', 'p.out_c')}
  let oh = r;
  let ow = s;
  let j = blk;
  let c = j / p.f_q;
  var acc = 0.0;
${FORWARD_TAPS}
      acc = acc + x[((n * p.in_h + ih) * p.in_w + iw) * p.in_c + c] * flt[tap * p.out_c + j];
    }
  }
  out[index] = acc;`,
  );

/** DepthwiseConv2dNativeBackpropInput: one input element per invocation, summing its M channels. */
export const depthwiseBackpropInputKernel: WebGpuKernel<'DepthwiseConv2dNativeBackpropInput'> = (context, call) =>
  runShader(
    context,
    call,
    'DepthwiseConv2dNativeBackpropInput',
    ['dy', 'filter'],
    (size) => size,
    'element',
    () => `${pixelOf('p.in_h', 'p.in_w', 'p.in_c')}
  let ih = r;
  let iw = s;
  let c = blk;
  var acc = 0.0;
${BACKWARD_TAPS}
      let yb = ((n * p.out_h + oh) * p.out_w + ow) * p.out_c + c * p.f_q;
      let fb = tap * p.out_c + c * p.f_q;
      for (var m = 0; m < p.f_q; m++) { acc = acc + dy[yb + m] * flt[fb + m]; }
    }
  }
  out[index] = acc;`,
  );

/** DepthwiseConv2dNativeBackpropFilter: one workgroup per filter element. */
export const depthwiseBackpropFilterKernel: WebGpuKernel<'DepthwiseConv2dNativeBackpropFilter'> = (context, call) =>
  runShader(
    context,
    call,
    'DepthwiseConv2dNativeBackpropFilter',
    ['x', 'dy'],
    (size) => size,
    'group',
    (workgroupSize) =>
      filterReduction(
        workgroupSize,
        `  let g = i32(group);
  let j = g % p.out_c;
  let tap = g / p.out_c;
  let kh = tap / p.f_w;
  let kw = tap % p.f_w;
  let c = j / p.f_q;`,
        'vec4<f32>(x[xi + c] * dy[yi + j], 0.0, 0.0, 0.0)',
        '    out[group] = acc.x;',
      ),
  );
