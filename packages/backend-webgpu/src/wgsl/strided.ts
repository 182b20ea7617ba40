/**
 * @file Strided indexing for the elementwise family: while a shader walks a contiguous output, each
 * operand is read at `offset + Σ coord[d] · stride[d]` (stride 0 along broadcast dims). Broadcasting,
 * transposes, slices and plain copies are all this one pattern, as in the CPU backend's strided.ts.
 *
 * Dims are coalesced first (`coalesceDimensions` from `@tapeflow/tensor-core/backend`: size-1 dims
 * dropped, neighbours merged when every operand steps through them as one), and each operand is then
 * classed as `flat` (reads at the output's own index), `scalar` (one element) or `strided`. Equal
 * shapes thus need no index arithmetic at all, and the generated
 * shader depends only on the coalesced rank and the classes, not on the shape: its pipeline is reused.
 */

import { coalesceDimensions, computeStrides } from '@tapeflow/tensor-core/backend';
import type { Uniform } from '../program.js';

/** How an operand is read while walking the output. */
export interface OperandView {
  /** Element strides along each output dim. */
  readonly strides: readonly number[];
  /** Element offset of the output's first element. */
  readonly offset: number;
}

/** How one operand is indexed in a generated shader. */
export type OperandClass = 'flat' | 'scalar' | 'strided';

/** The WGSL (and uniforms) that compute, for output element `index`, where each operand is read. */
export interface StridedIndexing {
  /** Statements computing the coordinates `c0..` from `index` (empty when no operand is strided). */
  readonly prelude: string;
  /** One WGSL u32 expression per operand: the element to read. */
  readonly indices: readonly string[];
  /** The operand classes, which with the rank decide the shader text. */
  readonly classes: readonly OperandClass[];
  readonly uniforms: readonly Uniform[];
}

/** Indexing for operands read over an output of `shape` (contiguous, walked by a u32 `index`). */
export function stridedIndexing(shape: readonly number[], operands: readonly OperandView[]): StridedIndexing {
  const { shape: dims, strides } = coalesceDimensions(shape, [
    computeStrides(shape),
    ...operands.map((o) => o.strides),
  ]);
  const outStrides = strides[0]!;
  const rank = dims.length;
  const uniforms: Uniform[] = [];
  const classes: OperandClass[] = [];
  const indices: string[] = [];
  operands.forEach((operand, k) => {
    const s = strides[k + 1]!;
    uniforms.push({ name: `o${k}_off`, type: 'u32', value: operand.offset });
    if (s.every((v) => v === 0)) {
      classes.push('scalar');
      indices.push(`p.o${k}_off`);
    } else if (s.every((v, d) => v === outStrides[d])) {
      classes.push('flat');
      indices.push(`p.o${k}_off + index`);
    } else {
      classes.push('strided');
      const terms = s.map((v, d) => {
        uniforms.push({ name: `o${k}_s${d}`, type: 'u32', value: v });
        return `c${d} * p.o${k}_s${d}`;
      });
      indices.push(`p.o${k}_off + ${terms.join(' + ')}`);
    }
  });
  let prelude = '';
  if (classes.includes('strided')) {
    const lines = ['  var rem = index;'];
    for (let d = 0; d < rank - 1; d++) {
      uniforms.push({ name: `os${d}`, type: 'u32', value: outStrides[d]! });
      lines.push(`  let c${d} = rem / p.os${d};`, `  rem = rem - c${d} * p.os${d};`);
    }
    lines.push(`  let c${rank - 1} = rem;`);
    prelude = lines.join('\n');
  }
  return { prelude, indices, classes, uniforms };
}
