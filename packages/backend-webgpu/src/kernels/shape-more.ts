/**
 * @file The WebGPU shape kernels of issue 12. Tile, PadV2, MirrorPad, ReverseV2 and StridedSlice are one
 * shader shape: each invocation splits its output index into coordinates and maps each coordinate to a
 * source coordinate of `x` with a per-kernel WGSL expression (uniforms carry the shapes, so one pipeline
 * serves every shape of a rank); a coordinate outside `x` (PadV2's border) reads the constant.
 * GatherNd reads one index row per output row; ScatterNd, as UnsortedSegmentSum (WGSL has no float
 * atomics), has each output element scan the index rows and add the matching updates.
 */

import { computeStrides, invalidArgument, sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { TensorInfo, DataType, DataId } from '@tapeflow/tensor-core/backend';
import type { KernelContext, WebGpuKernel } from '../kernel-context.js';
import type { Uniform } from '../program.js';
import { shaderSource, uniformFields, wgslType } from '../program.js';
import { scalarBits } from './indexing.js';

/** One output dimension's source coordinate: a WGSL i32 expression of `c` (this dim's u32 coordinate). */
interface AxisMapping {
  /** The expression; `d` is the dimension, for naming its uniforms `p.<name><d>`. */
  readonly expression: (d: number) => string;
  /** Per-dimension uniforms the expression reads. */
  readonly uniforms: (d: number) => Uniform[];
}

const MIRROR_HELPER = `fn mirror_source(s: i32, n: i32, edge: i32) -> i32 {
  if (s < 0) { return -s - 1 + edge; }
  if (s >= n) { return 2 * n - 1 - s - edge; }
  return s;
}`;

/**
 * Runs out[c] = x[map_0(c_0), ..., map_r(c_r)], or the constant `fill` where a mapped coordinate is
 * outside x (only PadV2's maps can leave it; the others stay in range by construction).
 */
function runAxisMapped(
  context: KernelContext,
  op: string,
  x: TensorInfo,
  output: { readonly shape: readonly number[]; readonly dtype: DataType },
  mapping: AxisMapping,
  fill = 0,
  declarations = '',
): DataId {
  const xData = context.input(x);
  const size = sizeFromShape(output.shape);
  const result = context.allocate(size, output.dtype, op, output.shape);
  if (size === 0) return result;
  const rank = output.shape.length;
  const outStrides = computeStrides(output.shape);
  const xStrides = computeStrides(x.shape);
  const uniforms: Uniform[] = [{ name: 'fill', type: 'u32', value: scalarBits(fill, output.dtype) }];
  const lines = ['  var rem = index;', '  var src = 0u;', '  var inside = true;'];
  for (let d = 0; d < rank; d++) {
    uniforms.push(
      { name: `os${d}`, type: 'u32', value: outStrides[d]! },
      { name: `xd${d}`, type: 'i32', value: x.shape[d]! },
      { name: `xs${d}`, type: 'u32', value: xStrides[d]! },
      ...mapping.uniforms(d),
    );
    lines.push(
      `  let c${d} = rem / p.os${d};`,
      `  rem = rem - c${d} * p.os${d};`,
      '  {',
      `    let c = c${d};`,
      `    let s = ${mapping.expression(d)};`,
      `    inside = inside && s >= 0 && s < p.xd${d};`,
      `    src = src + u32(clamp(s, 0, max(p.xd${d} - 1, 0))) * p.xs${d};`,
      '  }',
    );
  }
  const type = wgslType(output.dtype);
  const workgroupSize = context.workgroupSize;
  const source = shaderSource({
    inputs: [{ name: 'x', type }],
    outputType: type,
    uniforms: uniformFields(uniforms),
    workgroupSize,
    mode: 'element',
    helpers: [],
    declarations,
    body: `${lines.join('\n')}\n  out[index] = select(bitcast<${type}>(p.fill), x[src], inside);`,
  });
  context.run({ source, inputs: [xData], output: result, size, uniforms, workgroups: Math.ceil(size / workgroupSize) });
  return result;
}

/** Tile's kernel: coordinate c reads `c mod dim`. */
export const tileKernel: WebGpuKernel<'Tile'> = (context, { inputs: { x }, output }) =>
  runAxisMapped(context, 'Tile', x, output, {
    expression: (d) => `i32(c % u32(max(p.xd${d}, 1)))`,
    uniforms: () => [],
  });

/** PadV2's kernel: x at `before`, the constant around it. */
export const padV2Kernel: WebGpuKernel<'PadV2'> = (context, { inputs: { x }, attrs, output }) =>
  runAxisMapped(
    context,
    'PadV2',
    x,
    output,
    {
      expression: (d) => `i32(c) - p.before${d}`,
      uniforms: (d) => [{ name: `before${d}`, type: 'i32', value: attrs.paddings[2 * d]! }],
    },
    attrs.constantValue,
  );

/** MirrorPad's kernel: REFLECT (`edge` 1, the edge element not repeated) or SYMMETRIC (`edge` 0). */
export const mirrorPadKernel: WebGpuKernel<'MirrorPad'> = (context, { inputs: { x }, attrs, output }) =>
  runAxisMapped(
    context,
    'MirrorPad',
    x,
    output,
    {
      expression: (d) => `mirror_source(i32(c) - p.before${d}, p.xd${d}, p.edge${d})`,
      uniforms: (d) => [
        { name: `before${d}`, type: 'i32', value: attrs.paddings[2 * d]! },
        { name: `edge${d}`, type: 'i32', value: attrs.symmetric ? 0 : 1 },
      ],
    },
    0,
    MIRROR_HELPER,
  );

/** ReverseV2's kernel: the dims in `axes` read back to front. */
export const reverseV2Kernel: WebGpuKernel<'ReverseV2'> = (context, { inputs: { x }, attrs, output }) =>
  runAxisMapped(context, 'ReverseV2', x, output, {
    expression: (d) => `select(i32(c), p.xd${d} - 1 - i32(c), p.flip${d} == 1u)`,
    uniforms: (d) => [{ name: `flip${d}`, type: 'u32', value: attrs.axes.includes(d) ? 1 : 0 }],
  });

/** StridedSlice's kernel: coordinate c reads `begin + c * stride`. */
export const stridedSliceKernel: WebGpuKernel<'StridedSlice'> = (context, { inputs: { x }, attrs, output }) =>
  runAxisMapped(context, 'StridedSlice', x, output, {
    expression: (d) => `p.begin${d} + i32(c) * p.stride${d}`,
    uniforms: (d) => [
      { name: `begin${d}`, type: 'i32', value: attrs.begin[d]! },
      { name: `stride${d}`, type: 'i32', value: attrs.strides[d]! },
    ],
  });

/** Index-row uniforms: the bound and the element stride of each of the K indexed dims of `shape`. */
function rowUniforms(shape: readonly number[], depth: number): { uniforms: Uniform[]; offset: string } {
  const strides = computeStrides(shape);
  const uniforms: Uniform[] = [];
  const lines = ['  var offset = 0u;', '  var inside = true;'];
  for (let k = 0; k < depth; k++) {
    uniforms.push(
      { name: `dim${k}`, type: 'i32', value: shape[k]! },
      { name: `stride${k}`, type: 'u32', value: strides[k]! },
    );
    lines.push(
      `  let i${k} = indices[row * ${depth}u + ${k}u];`,
      `  inside = inside && i${k} >= 0 && i${k} < p.dim${k};`,
      `  offset = offset + u32(clamp(i${k}, 0, max(p.dim${k} - 1, 0))) * p.stride${k};`,
    );
  }
  return { uniforms, offset: lines.join('\n') };
}

/**
 * GatherNd's kernel: output row r is the slice of x at index row r; zeros for a row outside x
 * (TensorFlow's GPU rule; the cpu's front-end check raises instead), never a read outside x.
 */
export const gatherNdKernel: WebGpuKernel<'GatherNd'> = (context, { inputs: { x, indices }, output }) => {
  const xData = context.input(x);
  const indexData = context.input(indices);
  const size = sizeFromShape(output.shape);
  const result = context.allocate(size, output.dtype, 'GatherNd', output.shape);
  if (size === 0) return result;
  const depth = indices.shape[indices.shape.length - 1]!;
  const inner = sizeFromShape(x.shape.slice(depth));
  const row = rowUniforms(x.shape, depth);
  const uniforms: Uniform[] = [{ name: 'inner', type: 'u32', value: inner }, ...row.uniforms];
  const type = wgslType(output.dtype);
  const workgroupSize = context.workgroupSize;
  const source = shaderSource({
    inputs: [
      { name: 'x', type },
      { name: 'indices', type: 'i32' },
    ],
    outputType: type,
    uniforms: uniformFields(uniforms),
    workgroupSize,
    mode: 'element',
    helpers: [],
    body: `  let row = index / p.inner;
  let j = index - row * p.inner;
${row.offset}
  out[index] = select(${type}(0), x[offset + j], inside);`,
  });
  context.run({
    source,
    inputs: [xData, indexData],
    output: result,
    size,
    uniforms,
    workgroups: Math.ceil(size / workgroupSize),
  });
  return result;
};

/**
 * ScatterNd's kernel: each output element sums the updates of every index row that names its slice
 * (rows outside the output are dropped). O(output × rows): it serves GatherNd's gradient, where rows
 * are few, and needs no atomics.
 */
export const scatterNdKernel: WebGpuKernel<'ScatterNd'> = (context, { inputs: { indices, updates }, output }) => {
  const dtype = output.dtype;
  if (dtype === 'bool') invalidArgument('ScatterNd', 'updates', 'a float32 or int32 tensor', 'a bool tensor');
  const indexData = context.input(indices);
  const updateData = context.input(updates);
  const size = sizeFromShape(output.shape);
  const result = context.allocate(size, dtype, 'ScatterNd', output.shape);
  if (size === 0) return result;
  const depth = indices.shape[indices.shape.length - 1]!;
  const rows = sizeFromShape(indices.shape.slice(0, -1));
  const inner = sizeFromShape(output.shape.slice(depth));
  const row = rowUniforms(output.shape, depth);
  const uniforms: Uniform[] = [
    { name: 'inner', type: 'u32', value: inner },
    { name: 'rows', type: 'u32', value: rows },
    ...row.uniforms,
  ];
  const type = wgslType(dtype);
  const workgroupSize = context.workgroupSize;
  const source = shaderSource({
    inputs: [
      { name: 'indices', type: 'i32' },
      { name: 'updates', type },
    ],
    outputType: type,
    uniforms: uniformFields(uniforms),
    workgroupSize,
    mode: 'element',
    helpers: [],
    declarations: `fn row_offset(row: u32) -> i32 {
${row.offset}
  return select(-1, i32(offset), inside);
}`,
    body: `  let j = index % p.inner;
  let slot = i32(index - j);
  var acc: ${type} = ${type}(0);
  for (var row = 0u; row < p.rows; row++) {
    if (row_offset(row) == slot) { acc = acc + updates[row * p.inner + j]; }
  }
  out[index] = acc;`,
  });
  context.run({
    source,
    inputs: [indexData, updateData],
    output: result,
    size,
    uniforms,
    workgroups: Math.ceil(size / workgroupSize),
  });
  return result;
};
