/**
 * Checks that shaders declare the WGSL helpers they call: each helper's `needs` covers what its
 * source calls, and every elementwise expression (unary per dtype its spec takes, cast) declares the
 * helpers its code calls. Only this test scans shader text; the backend emits what kernels declare.
 */

import { DATA_TYPES, OP_SPECS, UNARY_KERNELS } from '@tapeflow/tensor-core/internal';
import { describe, expect, it } from 'vitest';
import { castExpression, unaryExpression } from '../kernels/elementwise.js';
import { WGSL_HELPER_NAMES, helperFunctions, mathHelpers, type WgslHelperName } from './math.js';

/** The helpers whose functions `code` calls (a call is `name(`). */
function called(code: string): WgslHelperName[] {
  return WGSL_HELPER_NAMES.filter((name) => helperFunctions(name).some((fn) => new RegExp(`\\b${fn}\\(`).test(code)));
}

/** Whether the source emitted for `declared` defines every helper `code` calls. */
function undeclared(code: string, declared: readonly WgslHelperName[]): WgslHelperName[] {
  const emitted = mathHelpers(declared);
  return called(code).filter((name) => !helperFunctions(name).every((fn) => emitted.includes(`fn ${fn}(`)));
}

describe('WGSL helpers', () => {
  it('each needs what its source calls', () => {
    for (const name of WGSL_HELPER_NAMES) {
      const source = mathHelpers([name]);
      expect(undeclared(source, [name]), name).toEqual([]);
    }
  });

  it('every unary expression declares the helpers it calls, for each dtype its spec takes', () => {
    for (const op of UNARY_KERNELS) {
      for (const dtype of OP_SPECS[op].inputs.x.dtypes) {
        const { code, helpers } = unaryExpression(op, dtype);
        expect(undeclared(code, helpers), `${op} ${dtype}`).toEqual([]);
      }
    }
  });

  it('every cast declares the helpers it calls', () => {
    for (const from of DATA_TYPES) {
      for (const to of DATA_TYPES) {
        const { code, helpers } = castExpression(from, to);
        expect(undeclared(code, helpers), `${from} to ${to}`).toEqual([]);
      }
    }
  });

  it('the check catches an undeclared helper', () => {
    expect(undeclared('sigmoid_f32(v0)', [])).toEqual(['sigmoid_f32']);
    expect(undeclared('sigmoid_f32(v0)', ['sigmoid_f32'])).toEqual([]);
  });
});
