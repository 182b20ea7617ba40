/**
 * @file Conv2D, Conv2DBackpropInput (strides 1) and Conv2DBackpropFilter as a workgroup-tiled implicit
 * GEMM, and the rule that picks it over the direct kernels of convolution.ts.
 *
 * Why: the direct kernels read every input value from global memory once per 4 output channels, and the
 * direct filter gradient runs one workgroup per filter element that sums n·oh·ow terms alone (on the
 * MNIST CNN's second layer, 4,608 workgroups of 12,544 terms each). Each of the three is a matrix
 * product C[M, N] = A[M, D] · B[D, N] whose operands are read in place:
 * - Conv2D: y[P, O] = patches[P, K] · filter[K, O], P = n·oh·ow, K = kh·kw·cin;
 * - Conv2DBackpropInput (strides 1): dx[P', cin] = dyPatches[P', kh·kw·O] · filterᵀ, P' = n·h·w, where
 *   dyPatches(pixel, (tap, o)) = dy at the output pixel that tap `tap` of `pixel` came from;
 * - Conv2DBackpropFilter: dfilter[K, O] = patchesᵀ[K, P] · dy[P, O].
 * The patches are gathered from x (or dy) on the fly, one element per load, at an index clamped into
 * the buffer and dropped by `select` where the tap lies in the padding (no im2col buffer).
 *
 * The shader is matmul-tiled.ts's design at its 64×64 tile: a workgroup of 64 invocations owns a 64×64
 * block of C, walks D in steps of 8, copies the 64×8 slab of A and the 8×64 slab of B into workgroup
 * memory once per step (the next slab is loaded into registers while the current one is multiplied),
 * and each invocation computes an 8×8 register tile (two groups of 4 rows 32 apart, and of columns).
 * B is loaded as vec4 where its rows are contiguous along N with N % 4 = 0 (the filter for Conv2D, dy
 * for the filter gradient); C is stored as vec4 when N % 4 = 0.
 *
 * Split-K: when the blocks of C are too few to fill a GPU (the filter gradient: C is the filter's size,
 * D is every output pixel of the batch), each workgroup also owns a slice of D and writes its partial
 * block to a scratch buffer [slices, M, N]; a second pass sums the slices in slice order, so results
 * are deterministic (WGSL has no float atomics, and none are needed).
 *
 * The choice (`chooseConvolutionShader`): the tiled shader when the workgroup of 64 fits, the product
 * has at least 16 columns (output channels, or input channels for the input gradient), a depth of at
 * least 16 and at least 2^18 multiply-adds; the direct kernels below that, where a 64×64 block would be
 * mostly empty or the product too small to pay for the barriers. `options.matMulShader` forces either
 * way ('register': the direct kernels; 'tiled-64' or 'tiled-128': this one), for tests and for tuning
 * on GPUs. As with the tiled MatMul, the thresholds are heuristics to tune on real GPUs with
 * scripts/device/webgpu-check.ts, not on SwiftShader.
 */

import type { KernelCall, TensorInfo } from '@tapeflow/tensor-core/backend';
import { sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { GpuData } from '../gpu-data.js';
import type { KernelContext } from '../kernel-context.js';
import type { Uniform } from '../program.js';
import { shaderSource, uniformFields } from '../program.js';

/** Which convolution product: Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter. */
export type ConvolutionGemmKind = 'forward' | 'input' | 'filter';

/** The kernel names of the three kinds. */
type GemmKernelName = 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter';

/** Block rows and columns of C per workgroup, D per step, invocations per workgroup. */
const BLOCK = 64;
const DEPTH_STEP = 8;
const INVOCATIONS = 64;

/**
 * Heuristics (see the file header): the shortest product side and depth, and the fewest multiply-adds,
 * for the tiled shader; split-K aims at `targetWorkgroups` workgroups with slices of at least
 * `minSliceDepth` of D.
 */
export const CONVOLUTION_TILING_THRESHOLDS = {
  minColumns: 16,
  minDepth: 16,
  minMultiplyAdds: 2 ** 18,
  targetWorkgroups: 128,
  minSliceDepth: 256,
} as const;

/** The product C[M, N] = A[M, D] · B[D, N] of one convolution call. */
export interface ConvolutionGemm {
  readonly m: number;
  readonly n: number;
  readonly depth: number;
}

/** M, N and D of a convolution call (shapes: x [n, h, w, c], filter [kh, kw, c, o], dy [n, oh, ow, o]). */
export function convolutionGemm(
  kind: ConvolutionGemmKind,
  x: readonly number[],
  filter: readonly number[],
  dy: readonly number[],
): ConvolutionGemm {
  const [batch, height, width, channels] = x as [number, number, number, number];
  const [filterHeight, filterWidth, , outChannels] = filter as [number, number, number, number];
  const pixels = batch * dy[1]! * dy[2]!;
  const taps = filterHeight * filterWidth;
  if (kind === 'forward') return { m: pixels, n: outChannels, depth: taps * channels };
  if (kind === 'input') return { m: batch * height * width, n: channels, depth: taps * outChannels };
  return { m: taps * channels, n: outChannels, depth: pixels };
}

/**
 * Whether a convolution runs the tiled implicit GEMM ('tiled') or its direct kernel ('direct'):
 * `requested` is `options.matMulShader`; strides other than 1 keep the input gradient direct.
 *
 * @example chooseConvolutionShader('auto', 'filter', { m: 288, n: 64, depth: 12544 }, [1, 1], 256) // 'tiled'
 * @example chooseConvolutionShader('auto', 'forward', { m: 16, n: 8, depth: 9 }, [1, 1], 256)       // 'direct'
 */
export function chooseConvolutionShader(
  requested: string,
  kind: ConvolutionGemmKind,
  gemm: ConvolutionGemm,
  strides: readonly number[],
  maxInvocations: number,
): 'tiled' | 'direct' {
  if (INVOCATIONS > maxInvocations || requested === 'register') return 'direct';
  if (kind === 'input' && strides.some((stride) => stride !== 1)) return 'direct';
  if (requested !== 'auto') return 'tiled';
  const { m, n, depth } = gemm;
  const limits = CONVOLUTION_TILING_THRESHOLDS;
  const large = n >= limits.minColumns && depth >= limits.minDepth && m * n * depth >= limits.minMultiplyAdds;
  return large ? 'tiled' : 'direct';
}

/** Slices of D (split-K) and the depth of each (a multiple of the step). */
export function splitDepth(gemm: ConvolutionGemm): { slices: number; chunk: number } {
  const blocks = Math.ceil(gemm.m / BLOCK) * Math.ceil(gemm.n / BLOCK);
  const limits = CONVOLUTION_TILING_THRESHOLDS;
  const wanted = Math.min(
    Math.ceil(limits.targetWorkgroups / Math.max(blocks, 1)),
    Math.floor(gemm.depth / limits.minSliceDepth),
  );
  const steps = Math.max(Math.ceil(gemm.depth / DEPTH_STEP), 1);
  const chunk = Math.ceil(steps / Math.max(wanted, 1)) * DEPTH_STEP;
  return { slices: Math.max(Math.ceil(gemm.depth / chunk), 1), chunk };
}

const LANES = ['x', 'y', 'z', 'w'] as const;

/** Invocations per slab: 64 × 8 elements, 8 per invocation (or 2 vec4s). */
const SLOTS = (BLOCK * DEPTH_STEP) / INVOCATIONS;

/**
 * One kind's slab loads as WGSL: `setup` runs once (what depends only on the invocation's rows),
 * `step` once per step of D at `k` (what the slots share), then the stores of A and B into workgroup
 * memory. Element e = lid + 64 s of a slab goes to slot s; along D first where D is contiguous in
 * memory (Conv2D's A: channels; the input gradient's A and B: output channels), else along the rows
 * or columns, so that neighbouring invocations read neighbouring addresses. A tap in the padding, a
 * row or column past the product and a d past the slice read 0 (an index clamped into the buffer,
 * dropped by `select`: SwiftShader compiles this far faster than branches around the loads).
 */
function slabCode(kind: ConvolutionGemmKind, vectorB: boolean): { setup: string[]; step: string[] } {
  const setup: string[] = [];
  const step: string[] = [];
  const safe = (array: string, at: string): string => `${array}[clamp(${at}, 0, ${array}_last)]`;
  // Bitwise & on bools: && short-circuits, which compiles to branches (SwiftShader took minutes).
  const all = (...conditions: string[]): string => conditions.map((condition) => `(${condition})`).join(' & ');
  const quarter = BLOCK / 4;
  // B as a row-major [D, N] matrix: the filter for Conv2D, dy for the filter gradient.
  const matrixB = (array: string): void => {
    setup.push(`  let ${array}_last = i32(arrayLength(&${array})) - 1;`);
    if (vectorB) {
      // 2 vec4s: columns (l % 16) · 4, rows l / 16 and l / 16 + 4.
      setup.push(`  let bc = j0 + (l % ${quarter}) * 4;`);
      for (let s = 0; s < SLOTS / 4; s++) {
        const kk = `(l / ${quarter} + ${s * (INVOCATIONS / quarter)})`;
        step.push(
          `    Bs[${kk} * ${quarter} + l % ${quarter}] = select(vec4<f32>(), ${safe(array, `((k + ${kk}) * p.n + bc) / 4`)}, ${all('bc < p.n', `k + ${kk} < d1`)});`,
        );
      }
    } else {
      // 8 scalars: column l (all slots), rows s.
      setup.push(`  let bc = j0 + l;`);
      for (let s = 0; s < SLOTS; s++)
        step.push(
          `    Bs[${s * quarter} + l / 4][l % 4] = select(0.0, ${safe(array, `(k + ${s}) * p.n + bc`)}, ${all('bc < p.n', `k + ${s} < d1`)});`,
        );
    }
  };
  if (kind === 'forward' || kind === 'input') {
    // A: row (l + 64 s) / 8 = l / 8 + 8 s, d = k + l % 8 for every slot: the d's decomposition is shared.
    const [array, rows, cols, sign] = kind === 'forward' ? ['x', 'out', 'out', 1] : ['dy', 'in', 'in', -1];
    setup.push(`  let ${array}_last = i32(arrayLength(&${array})) - 1;`, `  let ak = l % ${DEPTH_STEP};`);
    for (let s = 0; s < SLOTS; s++) {
      const row = `a_row${s}`;
      setup.push(
        `  let ${row} = i0 + l / ${DEPTH_STEP} + ${s * (INVOCATIONS / DEPTH_STEP)};`,
        `  let a_in${s} = ${row} < p.m;`,
        `  let a_w${s} = ${row} % p.${cols}_w;`,
        `  let a_h${s} = (${row} / p.${cols}_w) % p.${rows}_h;`,
        `  let a_n${s} = ${row} / (p.${cols}_w * p.${rows}_h);`,
      );
    }
    const channels = kind === 'forward' ? 'p.in_c' : 'p.out_c';
    step.push(
      `    let d = k + ak;`,
      `    let ch = d % ${channels};`,
      `    let tap = d / ${channels};`,
      `    let dh = (tap / p.f_w) * p.dilation_h;`,
      `    let dw = (tap % p.f_w) * p.dilation_w;`,
      `    let d_in = d < d1;`,
    );
    for (let s = 0; s < SLOTS; s++) {
      // Conv2D reads x at (oh · stride - pad + dh); the input gradient reads dy at (ih + pad - dh).
      const [h, w, limitH, limitW, base] =
        sign > 0
          ? [`a_h${s} * p.stride_h - p.pad_t + dh`, `a_w${s} * p.stride_w - p.pad_l + dw`, 'p.in_h', 'p.in_w', 'p.in_h']
          : [`a_h${s} + p.pad_t - dh`, `a_w${s} + p.pad_l - dw`, 'p.out_h', 'p.out_w', 'p.out_h'];
      const width = sign > 0 ? 'p.in_w' : 'p.out_w';
      step.push(
        `    {`,
        `      let hh = ${h};`,
        `      let ww = ${w};`,
        `      let inside = ${all(`a_in${s}`, 'd_in', 'hh >= 0', `hh < ${limitH}`, 'ww >= 0', `ww < ${limitW}`)};`,
        `      As[(l % ${DEPTH_STEP}) * ${quarter} + (l / ${DEPTH_STEP} + ${s * (INVOCATIONS / DEPTH_STEP)}) / 4][(l / ${DEPTH_STEP}) % 4] = select(0.0, ${safe(array, `((a_n${s} * ${base} + hh) * ${width} + ww) * ${channels} + ch`)}, inside);`,
        `    }`,
      );
    }
    if (kind === 'forward') matrixB('flt');
    else {
      // B(d, c) = filter[tap, c, o]: d = k + l % 8 (shared), column c = l / 8 + 8 s.
      setup.push(`  let flt_last = i32(arrayLength(&flt)) - 1;`);
      for (let s = 0; s < SLOTS; s++) {
        const column = `(l / ${DEPTH_STEP} + ${s * (INVOCATIONS / DEPTH_STEP)})`;
        step.push(
          `    Bs[ak * ${quarter} + ${column} / 4][(l / ${DEPTH_STEP}) % 4] = select(0.0, ${safe('flt', `(tap * p.in_c + j0 + ${column}) * p.out_c + ch`)}, ${all('d_in', `j0 + ${column} < p.n`)});`,
        );
      }
    }
  } else {
    // The filter gradient's A(k, pixel): row i0 + l for every slot (its decomposition is shared), d = k + s.
    setup.push(
      `  let x_last = i32(arrayLength(&x)) - 1;`,
      `  let a_row = i0 + l;`,
      `  let a_in = a_row < p.m;`,
      `  let ch = a_row % p.in_c;`,
      `  let tap = a_row / p.in_c;`,
      `  let dh = (tap / p.f_w) * p.dilation_h - p.pad_t;`,
      `  let dw = (tap % p.f_w) * p.dilation_w - p.pad_l;`,
    );
    for (let s = 0; s < SLOTS; s++) {
      step.push(
        `    {`,
        `      let q = k + ${s};`,
        `      let ow = q % p.out_w;`,
        `      let oh = (q / p.out_w) % p.out_h;`,
        `      let n = q / (p.out_w * p.out_h);`,
        `      let hh = oh * p.stride_h + dh;`,
        `      let ww = ow * p.stride_w + dw;`,
        `      let inside = ${all('a_in', 'q < d1', 'hh >= 0', 'hh < p.in_h', 'ww >= 0', 'ww < p.in_w')};`,
        `      As[${s * quarter} + l / 4][l % 4] = select(0.0, ${safe('x', '((n * p.in_h + hh) * p.in_w + ww) * p.in_c + ch')}, inside);`,
        `    }`,
      );
    }
    matrixB('dy');
  }
  return { setup, step };
}

/** The WGSL of the tiled pass for one kind, B layout and output layout. */
export function convolutionGemmSource(
  kind: ConvolutionGemmKind,
  uniforms: readonly Uniform[],
  vectorB: boolean,
  vectorOut: boolean,
): string {
  const quarter = BLOCK / 4;
  const threads = BLOCK / 8;
  const { setup, step } = slabCode(kind, vectorB);
  const accumulators: string[] = [];
  for (let r = 0; r < 8; r++) for (let h = 0; h < 2; h++) accumulators.push(`  var acc${r}_${h} = vec4<f32>();`);
  const multiply = [
    `      let fa0 = As[kk * ${quarter} + ty];`,
    `      let fa1 = As[kk * ${quarter} + ${threads} + ty];`,
    `      let fb0 = Bs[kk * ${quarter} + tx];`,
    `      let fb1 = Bs[kk * ${quarter} + ${threads} + tx];`,
  ];
  for (let r = 0; r < 8; r++)
    for (let h = 0; h < 2; h++)
      multiply.push(`      acc${r}_${h} = fma(vec4<f32>(fa${r >> 2}.${LANES[r & 3]}), fb${h}, acc${r}_${h});`);
  const stores: string[] = [];
  for (let r = 0; r < 8; r++) {
    const row = `i0 + ty * 4 + ${(r >> 2) * (BLOCK / 2) + (r & 3)}`;
    const columns: string[] = [];
    for (let h = 0; h < 2; h++) {
      const column = `j0 + tx * 4 + ${h * (BLOCK / 2)}`;
      if (vectorOut) columns.push(`    if (${column} < p.n) { out[(row_at + ${column}) / 4] = acc${r}_${h}; }`);
      else
        for (let c = 0; c < 4; c++)
          columns.push(
            `    if (${column} + ${c} < p.n) { out[row_at + ${column} + ${c}] = acc${r}_${h}.${LANES[c]}; }`,
          );
    }
    stores.push(`  if (${row} < p.m) {\n    let row_at = out_base + (${row}) * p.n;\n${columns.join('\n')}\n  }`);
  }
  const body = `  let g = i32(group);
  let blocks = p.tiles_m * p.tiles_n;
  let slice = g / blocks;
  let t = g % blocks;
  let i0 = (t % p.tiles_m) * ${BLOCK};
  let j0 = (t / p.tiles_m) * ${BLOCK};
  let d0 = slice * p.chunk;
  let d1 = min(p.depth, d0 + p.chunk);
  let l = i32(lid);
  let tx = l % ${threads};
  let ty = l / ${threads};
${setup.join('\n')}
${accumulators.join('\n')}
  for (var k = d0; k < d1; k = k + ${DEPTH_STEP}) {
${step.join('\n')}
    workgroupBarrier();
    for (var kk = 0; kk < ${DEPTH_STEP}; kk++) {
${multiply.join('\n')}
    }
    workgroupBarrier();
  }
  let out_base = slice * p.m * p.n;
${stores.join('\n')}`;
  const inputs = kind === 'forward' ? ['x', 'flt'] : kind === 'input' ? ['dy', 'flt'] : ['x', 'dy'];
  const vectorInput = vectorB && kind !== 'input';
  return shaderSource({
    inputs: [
      { name: inputs[0]!, type: 'f32' },
      { name: inputs[1]!, type: vectorInput ? 'vec4<f32>' : 'f32' },
    ],
    outputType: vectorOut ? 'vec4<f32>' : 'f32',
    uniforms: uniformFields(uniforms),
    workgroupSize: INVOCATIONS,
    mode: 'group',
    declarations: `var<workgroup> As: array<vec4<f32>, ${(DEPTH_STEP * BLOCK) / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${(DEPTH_STEP * BLOCK) / 4}>;`,
    helpers: [],
    body,
  });
}

/** The second pass of split-K: out[i] = the slices' partial sums of element i, in slice order. */
function sumSlicesSource(workgroupSize: number, uniforms: readonly Uniform[]): string {
  return shaderSource({
    inputs: [{ name: 'partial', type: 'f32' }],
    outputType: 'f32',
    uniforms: uniformFields(uniforms),
    workgroupSize,
    mode: 'element',
    helpers: [],
    body: `  var sum = 0.0;
  for (var s = 0u; s < p.slices; s++) { sum = sum + partial[s * p.size + index]; }
  out[index] = sum;`,
  });
}

/**
 * Runs one convolution call (non-empty output) as the tiled implicit GEMM; `geometry` are
 * convolution.ts's uniforms (batch, in_h, …, pad_l).
 */
export function runConvolutionGemm(
  context: KernelContext,
  call: KernelCall<GemmKernelName>,
  kind: ConvolutionGemmKind,
  gemm: ConvolutionGemm,
  geometry: readonly Uniform[],
): GpuData {
  const inputs = call.inputs as Readonly<Record<string, TensorInfo>>;
  const names = kind === 'forward' ? ['x', 'filter'] : kind === 'input' ? ['dy', 'filter'] : ['x', 'dy'];
  const operands = names.map((name) => context.input(inputs[name]!));
  const size = sizeFromShape(call.output.shape);
  const op = kind === 'forward' ? 'Conv2D' : kind === 'input' ? 'Conv2DBackpropInput' : 'Conv2DBackpropFilter';
  const result = context.allocate(size, 'float32', op, call.output.shape);
  const { m, n, depth } = gemm;
  const { slices, chunk } = splitDepth(gemm);
  const tilesM = Math.ceil(m / BLOCK);
  const tilesN = Math.ceil(n / BLOCK);
  const uniforms: Uniform[] = [
    ...geometry,
    ...(
      [
        ['m', m],
        ['n', n],
        ['depth', depth],
        ['tiles_m', tilesM],
        ['tiles_n', tilesN],
        ['chunk', chunk],
      ] as const
    ).map(([name, value]) => ({ name, type: 'i32' as const, value })),
  ];
  const vectorB = kind !== 'input' && n % 4 === 0;
  const vectorOut = n % 4 === 0;
  const partial = slices > 1 ? context.allocate(slices * size, 'float32', op, [slices, ...call.output.shape]) : result;
  const workgroups = slices * tilesM * tilesN;
  context.run({
    source: convolutionGemmSource(kind, uniforms, vectorB, vectorOut),
    inputs: operands,
    output: partial,
    size: workgroups,
    uniforms,
    workgroups,
  });
  if (partial !== result) {
    const sumUniforms: Uniform[] = [{ name: 'slices', type: 'u32', value: slices }];
    context.run({
      source: sumSlicesSource(context.workgroupSize, sumUniforms),
      inputs: [partial],
      output: result,
      size,
      uniforms: sumUniforms,
      workgroups: Math.ceil(size / context.workgroupSize),
    });
    context.release(partial);
  }
  return result;
}
