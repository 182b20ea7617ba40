/**
 * @file Sum, Max, Min, Prod, Any and All over any set of axes, without moving data: the input's dims are split into
 * kept and reduced ones, each group coalesced, and the shader reads the input through their strides.
 *
 * Two shapes of shader: short reductions run one invocation per output element looping over the
 * reduced dims; long ones (at least LONG_REDUCTION elements) run one workgroup per output element,
 * whose threads stride over the reduced elements and then combine in workgroup memory (a tree, so a
 * float32 sum of 2^20 elements keeps its accuracy). float32 sums are compensated (Kahan) inside each
 * thread, standing in for the CPU backend's double accumulator. Empty reductions give the CPU's
 * identities (0, the dtype's lowest for Max, its highest for Min, 1 for Prod, false for Any, true for
 * All); Max and Min propagate NaN. Products are plain float32 (no double to stand in for).
 */

import type { DataType, ReductionKernel } from '@tapeflow/tensor-core/backend';
import { coalesceDimensions, computeStrides, invalidArgument, sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { WebGpuKernel } from '../kernel-context.js';
import type { Uniform } from '../program.js';
import { shaderSource, uniformFields, wgslType } from '../program.js';
import { runElementwise, sameShapeOperand } from './elementwise-program.js';

/** Reduced elements per output from which one workgroup (not one invocation) handles each output. */
const LONG_REDUCTION = 128;

/**
 * How each reduction but Sum folds a value in: Max and Min by a comparison (NaN wins) and a builtin;
 * Prod, Any and All by a plain expression (Any and All over bools stored as 0u/1u are max and min).
 * Keyed by every reduction but Sum, so a new reduction kernel fails `tsc` here until it has a form.
 */
type Fold =
  | { readonly kind: 'extremum'; readonly better: '>' | '<'; readonly builtin: 'max' | 'min' }
  | { readonly kind: 'product' }
  | { readonly kind: 'logical'; readonly builtin: 'max' | 'min'; readonly identity: '0u' | '1u' };

const FOLDS: { readonly [K in Exclude<ReductionKernel, 'Sum'>]: Fold } = {
  Max: { kind: 'extremum', better: '>', builtin: 'max' },
  Min: { kind: 'extremum', better: '<', builtin: 'min' },
  Prod: { kind: 'product' },
  Any: { kind: 'logical', builtin: 'max', identity: '0u' },
  All: { kind: 'logical', builtin: 'min', identity: '1u' },
};

function identity(op: ReductionKernel, dtype: DataType): string {
  if (op === 'Sum') return dtype === 'float32' ? '0.0' : '0';
  const fold = FOLDS[op];
  if (fold.kind === 'product') return dtype === 'float32' ? '1.0' : dtype === 'int32' ? '1' : '1u';
  if (fold.kind === 'logical') return fold.identity;
  const lowest = fold.builtin === 'max';
  if (dtype === 'bool') return lowest ? '0u' : '1u';
  if (dtype === 'int32') return lowest ? 'bitcast<i32>(0x80000000u)' : '2147483647';
  return lowest ? '-inf_f32()' : 'inf_f32()';
}

/** WGSL that folds `v` into `acc` (a `comp` variable holds the Kahan compensation of float sums). */
function accumulate(op: ReductionKernel, dtype: DataType): string {
  if (op === 'Sum') {
    if (dtype !== 'float32') return 'acc = acc + v;';
    // An infinite partial sum has no meaningful compensation, and (inf - inf) would make it NaN.
    return 'let y = v - comp; let t = acc + y; comp = select((t - acc) - y, 0.0, is_inf(t) || is_nan(t)); acc = t;';
  }
  const fold = FOLDS[op];
  // i32 multiplication wraps in WGSL, as int32 products do on the CPU.
  if (fold.kind === 'product') return 'acc = acc * v;';
  if (fold.kind === 'logical') return `acc = ${fold.builtin}(acc, v);`;
  if (dtype === 'float32') return `acc = select(acc, v, v ${fold.better} acc || is_nan(v));`;
  return `acc = ${fold.builtin}(acc, v);`;
}

/** WGSL combining two partial results `a` and `b`. */
function combine(op: ReductionKernel, dtype: DataType): string {
  if (op === 'Sum') return 'a + b';
  const fold = FOLDS[op];
  if (fold.kind === 'product') return 'a * b';
  if (fold.kind === 'logical') return `${fold.builtin}(a, b)`;
  if (dtype === 'float32') return `select(a, b, b ${fold.better} a || is_nan(b))`;
  return `${fold.builtin}(a, b)`;
}

/** Statements setting `name` to the input offset of kept coordinates decomposed from `from`. */
function keptOffset(
  shape: readonly number[],
  from: string,
  uniforms: Uniform[],
  outStrides: readonly number[],
  xStrides: readonly number[],
): string {
  if (shape.length === 0) return '  let base = 0u;';
  const lines = [`  var rem = ${from};`];
  const terms: string[] = [];
  shape.forEach((_, d) => {
    uniforms.push({ name: `kx${d}`, type: 'u32', value: xStrides[d]! });
    terms.push(`k${d} * p.kx${d}`);
    if (d === shape.length - 1) {
      lines.push(`  let k${d} = rem;`);
    } else {
      uniforms.push({ name: `ks${d}`, type: 'u32', value: outStrides[d]! });
      lines.push(`  let k${d} = rem / p.ks${d};`, `  rem = rem - k${d} * p.ks${d};`);
    }
  });
  lines.push(`  let base = ${terms.join(' + ')};`);
  return lines.join('\n');
}

/** The kernel shared by Sum, Max, Min, Prod, Any and All. */
export function reductionKernel<K extends ReductionKernel>(op: K): WebGpuKernel<K> {
  return (context, { inputs: { x }, attrs: { axes }, output }) => {
    const dtype = output.dtype;
    if ((op === 'Sum' || op === 'Prod') && dtype === 'bool')
      invalidArgument(op, 'x', 'a float32 or int32 tensor', 'a bool tensor');
    if (axes.length === 0) {
      return runElementwise(context, {
        op,
        operands: [sameShapeOperand(x)],
        outShape: output.shape,
        outDtype: dtype,
        expression: 'v0',
        helpers: [],
      });
    }
    const input = context.input(x);
    const outSize = sizeFromShape(output.shape);
    const result = context.allocate(outSize, dtype, op, output.shape);
    if (outSize === 0) return result;

    const xStrides = computeStrides(x.shape);
    const reducedAxes = new Set(axes);
    const keptDims = x.shape.map((_, d) => d).filter((d) => !reducedAxes.has(d));
    const keptShape = keptDims.map((d) => x.shape[d]!);
    const kept = coalesceDimensions(keptShape, [computeStrides(keptShape), keptDims.map((d) => xStrides[d]!)]);
    const reduced = coalesceDimensions(
      axes.map((d) => x.shape[d]!),
      [axes.map((d) => xStrides[d]!)],
    );
    // All reduced dims of size 1 coalesce away: still one element to read per output.
    const redShape = reduced.shape.length === 0 ? [1] : reduced.shape;
    const redStrides = reduced.shape.length === 0 ? [0] : reduced.strides[0]!;
    const redSize = sizeFromShape(redShape);

    const uniforms: Uniform[] = [];
    const prelude = keptOffset(kept.shape, 'ELEMENT', uniforms, kept.strides[0]!, kept.strides[1]!);
    const type = wgslType(dtype);
    const init = `  var acc: ${type} = ${identity(op, dtype)};\n  var comp = 0.0;`;
    const step = accumulate(op, dtype);
    const long = redSize >= LONG_REDUCTION;
    const workgroupSize = context.workgroupSize;
    let body: string;
    let declarations = '';
    if (!long) {
      // Nested loops over the reduced dims: no division per element.
      let loops = '';
      let close = '';
      redShape.forEach((_, d) => {
        uniforms.push(
          { name: `rn${d}`, type: 'u32', value: redShape[d]! },
          { name: `rx${d}`, type: 'u32', value: redStrides[d]! },
        );
        const parent = d === 0 ? 'base' : `b${d - 1}`;
        loops += `  for (var j${d} = 0u; j${d} < p.rn${d}; j${d}++) {\n  let b${d} = ${parent} + j${d} * p.rx${d};\n`;
        close += '  }\n';
      });
      const last = `b${redShape.length - 1}`;
      body = `${prelude.replace('ELEMENT', 'index')}\n${init}\n${loops}  let v = x[${last}];\n  ${step}\n${close}  out[index] = acc;`;
    } else {
      uniforms.push({ name: 'red_size', type: 'u32', value: redSize });
      const redContiguous = computeStrides(redShape);
      const lines = ['    var r = j;'];
      const terms: string[] = [];
      redShape.forEach((_, d) => {
        uniforms.push({ name: `rx${d}`, type: 'u32', value: redStrides[d]! });
        terms.push(`q${d} * p.rx${d}`);
        if (d === redShape.length - 1) {
          lines.push(`    let q${d} = r;`);
        } else {
          uniforms.push({ name: `rs${d}`, type: 'u32', value: redContiguous[d]! });
          lines.push(`    let q${d} = r / p.rs${d};`, `    r = r - q${d} * p.rs${d};`);
        }
      });
      declarations = `var<workgroup> partial: array<${type}, ${workgroupSize}>;\nfn combine(a: ${type}, b: ${type}) -> ${type} { return ${combine(op, dtype)}; }`;
      body = `${prelude.replace('ELEMENT', 'group')}
${init}
  for (var j = lid; j < p.red_size; j = j + ${workgroupSize}u) {
${lines.join('\n')}
    let v = x[base + ${terms.join(' + ')}];
    ${step}
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var s = ${Math.floor(workgroupSize / 2)}u; s > 0u; s = s >> 1u) {
    if (lid < s) { partial[lid] = combine(partial[lid], partial[lid + s]); }
    workgroupBarrier();
  }
  if (lid == 0u) { out[group] = partial[0]; }`;
    }
    const source = shaderSource({
      inputs: [{ name: 'x', type }],
      outputType: type,
      uniforms: uniformFields(uniforms),
      workgroupSize,
      mode: long ? 'group' : 'element',
      // Float Max/Min/Sum test for NaN and Infinity (is_nan, is_inf, inf_f32).
      helpers: dtype === 'float32' ? ['classify'] : [],
      declarations,
      body,
    });
    context.run({
      source,
      inputs: [input],
      output: result,
      size: outSize,
      uniforms,
      workgroups: long ? outSize : Math.ceil(outSize / workgroupSize),
    });
    return result;
  };
}
