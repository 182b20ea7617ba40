/**
 * @file MatMul: batched matrix product with transposes and broadcast batch dims, by one of two shaders.
 * Large products (on GPUs whose workgroups allow it) run the workgroup-tiled shader of
 * matmul-tiled.ts, which also holds the rule that chooses (`chooseMatMulShader`, thresholds to tune on
 * real GPUs); the rest run the register-tiled shader here. Both take the same batch set-up from this
 * file.
 *
 * The register-tiled shader: each invocation computes a 4×4 tile of the output, looping over k with
 * every A and B element it loads used four times (no workgroup memory and no barriers: on the CPU
 * drivers this project tests with, SwiftShader, barrier-tiled shaders measured slower, while this form
 * measured 1.75× the naive one-output-per-invocation loop; on an H100 it reached 6.5 TFLOP/s at 2048,
 * a tenth of the peak, which is why large products take the other shader). Edge tiles clamp their loads
 * into range and skip the stores past the matrix. Transposes only swap the row and column strides of
 * an operand. float32 accumulates in f32 (the CPU backend uses double): expect float32 rounding, not
 * equality.
 */

import {
  broadcastStrides,
  coalesceDimensions,
  computeStrides,
  invalidArgument,
  matMulGeometry,
  sizeFromShape,
} from '@tapeflow/tensor-core/backend';
import type { KernelContext, WebGpuKernel } from '../kernel-context.js';
import type { Uniform } from '../program.js';
import { shaderSource, uniformFields, wgslType } from '../program.js';
import type { MatMulProblem } from './matmul-tiled.js';
import { TILE_128, TILE_64, chooseMatMulShader, runTiledMatMul } from './matmul-tiled.js';

/** MatMul's kernel. */
export const matMulKernel: WebGpuKernel<'MatMul'> = (context, { inputs: { a, b }, attrs, output }) => {
  const dtype = output.dtype;
  if (dtype === 'bool') invalidArgument('MatMul', 'a', 'a float32 or int32 tensor', 'a bool tensor');
  const aData = context.input(a);
  const bData = context.input(b);
  const size = sizeFromShape(output.shape);
  const result = context.allocate(size, dtype, 'MatMul', output.shape);
  if (size === 0) return result;

  const {
    m,
    n,
    k,
    batchShape,
    a: aLayout,
    b: bLayout,
  } = matMulGeometry(a.shape, output.shape, attrs.transposeA, attrs.transposeB);
  // Element strides of each operand's batch dims, 0 where it is broadcast.
  const aBatch = broadcastStrides(a.shape.slice(0, -2), batchShape).map((s) => s * m * k);
  const bBatch = broadcastStrides(b.shape.slice(0, -2), batchShape).map((s) => s * k * n);
  const batch = coalesceDimensions(batchShape, [computeStrides(batchShape), aBatch, bBatch]);
  // The batch index t of an output matrix gives each operand's offset: a_base and b_base.
  const batchUniforms: Uniform[] = [];
  const batchLines: string[] = [];
  const aTerms = ['0u'];
  const bTerms = ['0u'];
  if (batch.shape.length > 0) {
    batchLines.push('  var rem = t;');
    batch.shape.forEach((_, d) => {
      batchUniforms.push(
        { name: `ab${d}`, type: 'u32', value: batch.strides[1]![d]! },
        { name: `bb${d}`, type: 'u32', value: batch.strides[2]![d]! },
      );
      if (d === batch.shape.length - 1) {
        batchLines.push(`  let t${d} = rem;`);
      } else {
        batchUniforms.push({ name: `ts${d}`, type: 'u32', value: batch.strides[0]![d]! });
        batchLines.push(`  let t${d} = rem / p.ts${d};`, `  rem = rem - t${d} * p.ts${d};`);
      }
      aTerms.push(`t${d} * p.ab${d}`);
      bTerms.push(`t${d} * p.bb${d}`);
    });
  }
  batchLines.push(`  let a_base = ${aTerms.join(' + ')};`, `  let b_base = ${bTerms.join(' + ')};`);
  const problem: MatMulProblem = {
    dtype,
    m,
    n,
    k,
    transposeA: attrs.transposeA,
    transposeB: attrs.transposeB,
    batches: size / (m * n),
    aRowStride: aLayout.rowStride,
    aColStride: aLayout.colStride,
    bRowStride: bLayout.rowStride,
    bColStride: bLayout.colStride,
    batchUniforms,
    batchLines,
    a: aData,
    b: bData,
    output: result,
  };
  const shader = chooseMatMulShader(context.matMulShader, problem.batches, m, n, k, context.maxWorkgroupInvocations);
  if (shader === 'register') runRegisterTiled(context, problem);
  else runTiledMatMul(context, problem, shader === 'tiled-128' ? TILE_128 : TILE_64);
  return result;
};

/** Records the register-tiled shader: one invocation per 4×4 tile of every batch's output. */
function runRegisterTiled(context: KernelContext, problem: MatMulProblem): void {
  const { m, n, k, dtype } = problem;
  const uniforms: Uniform[] = [
    { name: 'm', type: 'u32', value: m },
    { name: 'n', type: 'u32', value: n },
    { name: 'k', type: 'u32', value: k },
    // A(i, p) = a[a_base + i * a_row + p * a_col]; B(p, j) = b[b_base + p * b_row + j * b_col].
    { name: 'a_row', type: 'u32', value: problem.aRowStride },
    { name: 'a_col', type: 'u32', value: problem.aColStride },
    { name: 'b_row', type: 'u32', value: problem.bRowStride },
    { name: 'b_col', type: 'u32', value: problem.bColStride },
    ...problem.batchUniforms,
  ];
  const lines = [
    '  let tiles_n = (p.n + 3u) / 4u;',
    '  let tiles = ((p.m + 3u) / 4u) * tiles_n;',
    '  let t = index / tiles;',
    '  let tile = index - t * tiles;',
    '  let i0 = (tile / tiles_n) * 4u;',
    '  let j0 = (tile - (tile / tiles_n) * tiles_n) * 4u;',
    ...problem.batchLines,
  ];
  // Rows of A and columns of B past the matrix are read clamped (in range) and never stored.
  for (let r = 0; r < 4; r++) {
    lines.push(
      `  let ar${r} = a_base + min(i0 + ${r}u, p.m - 1u) * p.a_row;`,
      `  let bc${r} = b_base + min(j0 + ${r}u, p.n - 1u) * p.b_col;`,
    );
  }
  const type = wgslType(dtype);
  const workgroupSize = context.workgroupSize;
  const source = shaderSource({
    inputs: [
      { name: 'a', type },
      { name: 'b', type },
    ],
    outputType: type,
    uniforms: uniformFields(uniforms),
    workgroupSize,
    mode: 'element',
    helpers: [],
    body: `${lines.join('\n')}
  var acc0 = vec4<${type}>();
  var acc1 = vec4<${type}>();
  var acc2 = vec4<${type}>();
  var acc3 = vec4<${type}>();
  for (var q = 0u; q < p.k; q++) {
    let ak = q * p.a_col;
    let bk = q * p.b_row;
    let av = vec4<${type}>(a[ar0 + ak], a[ar1 + ak], a[ar2 + ak], a[ar3 + ak]);
    let bv = vec4<${type}>(b[bc0 + bk], b[bc1 + bk], b[bc2 + bk], b[bc3 + bk]);
    acc0 = acc0 + av.x * bv;
    acc1 = acc1 + av.y * bv;
    acc2 = acc2 + av.z * bv;
    acc3 = acc3 + av.w * bv;
  }
  let out_base = t * p.m * p.n;
  var rows = array<vec4<${type}>, 4>(acc0, acc1, acc2, acc3);
  for (var r = 0u; r < 4u; r++) {
    let i = i0 + r;
    if (i < p.m) {
      for (var c = 0u; c < 4u; c++) {
        if (j0 + c < p.n) { out[out_base + i * p.n + j0 + c] = rows[r][c]; }
      }
    }
  }`,
  });
  // One invocation per 4×4 tile of every batch's output.
  const invocations = problem.batches * Math.ceil(m / 4) * Math.ceil(n / 4);
  context.run({
    source,
    inputs: [problem.a, problem.b],
    output: problem.output,
    size: invocations,
    uniforms,
    workgroups: Math.ceil(invocations / workgroupSize),
  });
}
