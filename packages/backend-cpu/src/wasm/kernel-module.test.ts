/**
 * @file Tests of the bytecode emitter and the kernel module: LEB128 against known encodings, every
 * variant of the module validates where its features exist, and the packing routine lays out panels
 * (transposed, partial, generic strides) exactly as the micro-kernel reads them.
 */

import { describe, expect, it } from 'vitest';
import { detectFeatures } from '../features.js';
import { sleb, uleb } from './encoder.js';
import { LAYOUT, emitKernelModule, instantiateKernels, kernelModule } from './kernel-module.js';
import { requireWebAssembly } from './webassembly-api.js';

describe('LEB128', () => {
  it('encodes as the spec examples do', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([127]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});

describe('kernel module', () => {
  const features = detectFeatures();
  const api = requireWebAssembly();

  for (const shared of [false, true]) {
    it(`validates (shared memory: ${shared}), and its relaxed form validates exactly where relaxed SIMD exists`, () => {
      expect(api.validate(emitKernelModule({ shared, relaxed: false }).bytes)).toBe(true);
      expect(api.validate(emitKernelModule({ shared, relaxed: true }).bytes)).toBe(features.relaxedSimd);
    });
  }

  it('packs panels: copies, 4×4 transposes, zero padding and generic strides', () => {
    const memory = new api.Memory({ initial: 2 });
    const kernels = instantiateKernels(kernelModule({ shared: false, relaxed: false }), memory);
    const f32 = new Float32Array(memory.buffer);
    const [rows, depth] = [11, 7];
    const src = LAYOUT.heapStart;
    const dst = src + 4096;
    for (let i = 0; i < 1024; i++) f32[(src >>> 2) + i] = i + 1;
    // Element (x, p) at x * sx + p * sp: contiguous along x, along p, and neither.
    for (const [sx, sp] of [
      [1, rows],
      [depth, 1],
      [2, 3 * rows],
    ] as const) {
      for (const width of [4, 8] as const) {
        (width === 4 ? kernels.pack4 : kernels.pack8)(src, sx, sp, rows, depth, dst);
        const panels = Math.ceil(rows / width);
        for (let q = 0; q < panels; q++) {
          for (let p = 0; p < depth; p++) {
            for (let lane = 0; lane < width; lane++) {
              const x = q * width + lane;
              const expected = x < rows ? x * sx + p * sp + 1 : 0;
              expect(
                f32[(dst >>> 2) + (q * depth + p) * width + lane],
                `sx=${sx} sp=${sp} W=${width} x=${x} p=${p}`,
              ).toBe(expected);
            }
          }
        }
      }
    }
  });
});
