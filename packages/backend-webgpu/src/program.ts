/**
 * @file What a kernel hands the dispatcher: a Program, one compute shader plus the buffers and uniform
 * values of one dispatch, and `shaderSource`, the template every kernel's WGSL is built from.
 *
 * Shapes and strides travel as uniforms, never as literals in the source, so one pipeline serves every
 * shape of the same rank and dtypes: the pipeline cache (keyed by source) stays small. Every uniform is
 * a named 4-byte scalar in one struct, which needs none of the 16-byte array padding rules of WGSL's
 * uniform address space.
 */

import type { DataType } from '@tapeflow/tensor-core/backend';
import type { GpuData } from './gpu-data.js';
import { mathHelpers, type WgslHelperName } from './wgsl/math.js';

/** The WGSL scalar types a uniform may have. */
export type UniformType = 'u32' | 'i32' | 'f32';

/** One uniform scalar: its name in the shader's `p` struct, its type, and this dispatch's value. */
export interface Uniform {
  readonly name: string;
  readonly type: UniformType;
  readonly value: number;
}

/** One dispatch of one shader. */
export interface Program {
  /** The complete WGSL source (the pipeline cache's key). */
  readonly source: string;
  /** Read-only storage buffers, bound at 0..n-1 in order; an empty tensor binds a placeholder. */
  readonly inputs: readonly GpuData[];
  /** The read-write storage buffer, bound at n. */
  readonly output: GpuData;
  /** The uniform `p.size`: elements (element mode) or groups (group mode) that do work. */
  readonly size: number;
  /** The uniform struct's other fields in declaration order (the struct is bound at n+1). */
  readonly uniforms: readonly Uniform[];
  /** Workgroups to run; the dispatcher folds counts past the device's per-dimension limit into 2-D. */
  readonly workgroups: number;
}

/** The WGSL type that stores each dtype: WGSL has no 8-bit storage, so bool is one u32 (0 or 1). */
export function wgslType(dtype: DataType): 'f32' | 'i32' | 'u32' {
  return dtype === 'float32' ? 'f32' : dtype === 'int32' ? 'i32' : 'u32';
}

/** How a shader's threads map onto its work. */
export type ShaderMode =
  /** One invocation per output element; `index` is the element and threads past `p.size` return. */
  | 'element'
  /** One workgroup per output element; `group` is the element, `lid` the thread within the group. */
  | 'group';

/** Everything `shaderSource` needs to write one kernel's WGSL. */
export interface ShaderSpec {
  /** Names and element types of the input arrays, in binding order. */
  readonly inputs: readonly { readonly name: string; readonly type: string }[];
  /** The output array's element type (its name is `out`). */
  readonly outputType: string;
  /** Uniform names and types; `size` (u32, the element or group count) is always the first field. */
  readonly uniforms: readonly { readonly name: string; readonly type: UniformType }[];
  /** Invocations per workgroup. */
  readonly workgroupSize: number;
  readonly mode: ShaderMode;
  /** Module-scope declarations (workgroup arrays, local functions). */
  readonly declarations?: string;
  /** The math helpers (wgsl/math.ts) the shader calls, by name; their sources are added before it. */
  readonly helpers: readonly WgslHelperName[];
  /** The body of `main`, after `index` (element mode) or `group` and `lid` (group mode) are set. */
  readonly body: string;
}

/** A complete compute shader from a ShaderSpec. */
export function shaderSource(spec: ShaderSpec): string {
  const { inputs, outputType, uniforms, workgroupSize, mode, body } = spec;
  const declarations = spec.declarations ?? '';
  const fields = [{ name: 'size', type: 'u32' }, ...uniforms].map((u) => `  ${u.name}: ${u.type},`).join('\n');
  const bindings = inputs
    .map((input, i) => `@group(0) @binding(${i}) var<storage, read> ${input.name}: array<${input.type}>;`)
    .join('\n');
  const helpers = mathHelpers(spec.helpers);
  // The workgroup index is flattened over a 2-D grid: counts past 65535 are split across y.
  const prologue =
    mode === 'element'
      ? `  let index = (wid.y * nwg.x + wid.x) * ${workgroupSize}u + lid;\n  if (index >= p.size) { return; }`
      : `  let group = wid.y * nwg.x + wid.x;\n  if (group >= p.size) { return; }`;
  return `struct Params {
${fields}
}
${bindings}
@group(0) @binding(${inputs.length}) var<storage, read_write> out: array<${outputType}>;
@group(0) @binding(${inputs.length + 1}) var<uniform> p: Params;
${helpers}
${declarations}
@compute @workgroup_size(${workgroupSize})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
${prologue}
${body}
}
`;
}

/** Uniform declarations (name and type) of a list of uniforms, for a ShaderSpec. */
export function uniformFields(uniforms: readonly Uniform[]): { name: string; type: UniformType }[] {
  return uniforms.map(({ name, type }) => ({ name, type }));
}
