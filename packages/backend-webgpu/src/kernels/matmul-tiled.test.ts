/**
 * @file The workgroup-tiled MatMul shaders, forced (`matMulShader: 'tiled-64' | 'tiled-128'`) on shapes
 * far below the size where `'auto'` would pick them, so SwiftShader runs every edge of them: odd sizes
 * (blocks mostly empty), every transpose pair, the vec4 and the scalar slab loads (and a mix), batch
 * dims broadcasting either way, more block rows than one band, int32, k = 0, and the conformance kit's
 * MatMul group; all against the CPU backend or the kit's float64 references. Also the choice rule,
 * and the fall-back to the register-tiled shader where the workgroup limit is too low for a tile.
 */

import { CONFORMANCE_GROUPS } from '@tapeflow/backend-conformance';
import * as tf from '@tapeflow/tensor-core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGpuBackend } from '../index.js';
import {
  compareWithCpu,
  createTestBackend,
  itPassesConformanceCases,
  registerBoth,
  seeded,
  seededInts,
} from '../test-utils.js';
import { MATMUL_TILING_THRESHOLDS, chooseMatMulShader } from './matmul-tiled.js';

/** Shader sources the backend's device compiles from now on (a spy on createShaderModule). */
function recordShaders(backend: WebGpuBackend): string[] {
  const sources: string[] = [];
  const device = backend.device;
  const create = device.createShaderModule.bind(device);
  device.createShaderModule = (descriptor: GPUShaderModuleDescriptor): GPUShaderModule => {
    sources.push(descriptor.code);
    return create(descriptor);
  };
  return sources;
}

const isTiled = (source: string): boolean => source.includes('var<workgroup> As');

/** A [m, k] × [k, n] product of seeded values with the operands laid out for the transposes. */
function product(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): tf.Tensor {
  return tf.matmul(
    tf.tensor(seeded(m * k, 1), transposeA ? [k, m] : [m, k]),
    tf.tensor(seeded(k * n, 2), transposeB ? [n, k] : [k, n]),
    { transposeA, transposeB },
  );
}

async function everyTransposePair(shapes: readonly (readonly [number, number, number])[]): Promise<void> {
  for (const [m, k, n] of shapes) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        await compareWithCpu(
          () => product(m, k, n, transposeA, transposeB),
          1e-5,
          `${m}x${k}x${n} transposeA ${transposeA} transposeB ${transposeB}`,
        );
      }
    }
  }
}

const matMulCases = CONFORMANCE_GROUPS.find((group) => group.name === 'MatMul')!.cases;

for (const shader of ['tiled-64', 'tiled-128'] as const) {
  describe(`MatMul on the ${shader} shader, forced`, () => {
    let sources: string[];
    let backend: WebGpuBackend;
    beforeAll(async () => {
      backend = await registerBoth({ matMulShader: shader });
      sources = recordShaders(backend);
    });
    afterAll(() => tf.removeBackend('webgpu'));

    it('runs the workgroup-tiled shader, with its workgroup size', async () => {
      await compareWithCpu(() => product(1, 1, 1, false, false), 1e-6, '1x1x1');
      const tiled = sources.filter(isTiled);
      expect(tiled.length).toBe(1);
      expect(tiled[0]).toContain(`@workgroup_size(${shader === 'tiled-64' ? 64 : 256})`);
    });

    it('odd sizes with every transpose pair: 1x1x1, 3x5x7, 7x65x3, 33x17x65, 129x257x65', async () => {
      await everyTransposePair([
        [1, 1, 1],
        [3, 5, 7],
        [7, 65, 3],
        [33, 17, 65],
        [129, 257, 65],
      ]);
    });

    it('vec4 slab loads and stores (every dim a multiple of 4), and a mix of vec4 and scalar', async () => {
      // 132x68x136: every operand and the output vec4 for every transpose pair, with edge blocks.
      // 130x68x66: A vec4 only when untransposed (k = 68), B only when transposed, the output scalar.
      await everyTransposePair([
        [132, 68, 136],
        [130, 68, 66],
      ]);
      expect(sources.filter(isTiled).some((source) => source.includes('array<vec4<f32>>'))).toBe(true);
    });

    it('batched, with batch dims broadcast either way and transposed', async () => {
      const cases: [number[], number[], boolean, boolean][] = [
        [[2, 3, 4], [2, 4, 5], false, false],
        [[2, 1, 33, 20], [3, 20, 36], false, false],
        [[3, 20, 33], [2, 1, 36, 20], true, true],
        [[20, 12], [4, 12, 8], false, false],
        [[2, 1, 7, 3], [1, 3, 5, 7], true, true],
        [[0, 3, 4], [4, 5], false, false],
      ];
      for (const [aShape, bShape, transposeA, transposeB] of cases) {
        const size = (s: number[]): number => s.reduce((x, y) => x * y, 1);
        await compareWithCpu(
          () =>
            tf.matmul(tf.tensor(seeded(size(aShape), 5), aShape), tf.tensor(seeded(size(bShape), 6), bShape), {
              transposeA,
              transposeB,
            }),
          1e-5,
          `${aShape.join(',')} ${bShape.join(',')} ${transposeA} ${transposeB}`,
        );
      }
    });

    it('more block rows than one band of 8, and many block columns', async () => {
      // 1100 rows: 9 blocks of 128 (18 of 64), so the last band holds one block row.
      await compareWithCpu(() => product(1100, 12, 20, false, false), 1e-5, '1100x12x20');
      await compareWithCpu(() => product(20, 12, 1100, true, false), 1e-5, '20x12x1100');
    });

    it('int32 products match exactly; k = 0 gives zeros; m = 0 and n = 0 give empty results', async () => {
      await compareWithCpu(
        () =>
          tf.matmul(
            tf.tensor(seededInts(129 * 20, 1), [129, 20], 'int32'),
            tf.tensor(seededInts(20 * 7, 2), [20, 7], 'int32'),
          ),
        0,
        'int32',
      );
      await compareWithCpu(
        () =>
          tf.matmul(
            tf.tensor(seededInts(8 * 12, 3), [8, 12], 'int32'),
            tf.tensor(seededInts(12 * 16, 4), [16, 12], 'int32'),
            {
              transposeB: true,
            },
          ),
        0,
        'int32 vec4',
      );
      await compareWithCpu(() => tf.matmul(tf.ones([5, 0]), tf.ones([0, 6])), 0, 'k = 0');
      await compareWithCpu(
        () => tf.matmul(tf.ones([3, 0]), tf.ones([8, 0]), { transposeB: true }),
        0,
        'k = 0 transposed',
      );
      await compareWithCpu(() => tf.matmul(tf.ones([0, 3]), tf.ones([3, 4])), 0, 'm = 0');
      await compareWithCpu(() => tf.matmul(tf.ones([3, 4]), tf.ones([4, 0])), 0, 'n = 0');
    });

    describe("the conformance kit's MatMul group", () => {
      itPassesConformanceCases(matMulCases, () => backend);
    });
  });
}

describe('which MatMul shader runs', () => {
  it("'auto' takes the 128 tile for large products, the 64 tile for medium ones, else the register tile", () => {
    const { minDepth, tile64Workgroups, tile128Workgroups } = MATMUL_TILING_THRESHOLDS;
    expect(chooseMatMulShader('auto', 1, 4096, 4096, 4096, 256)).toBe('tiled-128');
    expect(chooseMatMulShader('auto', 1, 2048, 2048, 2048, 256)).toBe('tiled-128');
    expect(chooseMatMulShader('auto', 1, 1024, 1024, 1024, 256)).toBe('tiled-64');
    expect(chooseMatMulShader('auto', 16, 256, 256, 256, 256)).toBe('tiled-64');
    expect(chooseMatMulShader('auto', 1, 256, 256, 256, 256)).toBe('register');
    expect(chooseMatMulShader('auto', 1, 4096, 4096, minDepth - 1, 256)).toBe('register');
    // At the thresholds exactly, and one block below them.
    expect(chooseMatMulShader('auto', tile128Workgroups, 128, 128, minDepth, 256)).toBe('tiled-128');
    expect(chooseMatMulShader('auto', tile128Workgroups - 1, 128, 128, minDepth, 256)).toBe('tiled-64');
    expect(chooseMatMulShader('auto', tile64Workgroups, 64, 64, minDepth, 256)).toBe('tiled-64');
    expect(chooseMatMulShader('auto', tile64Workgroups - 1, 64, 64, minDepth, 256)).toBe('register');
  });

  it('a tile whose workgroup the device does not allow is never chosen, forced or not', () => {
    expect(chooseMatMulShader('auto', 1, 4096, 4096, 4096, 64)).toBe('tiled-64');
    expect(chooseMatMulShader('auto', 1, 4096, 4096, 4096, 32)).toBe('register');
    expect(chooseMatMulShader('tiled-128', 1, 4, 4, 4, 64)).toBe('register');
    expect(chooseMatMulShader('tiled-64', 1, 4, 4, 4, 63)).toBe('register');
    expect(chooseMatMulShader('tiled-128', 1, 4, 4, 4, 256)).toBe('tiled-128');
    expect(chooseMatMulShader('register', 1, 4096, 4096, 4096, 256)).toBe('register');
  });

  it('on a backend whose invocation limit is lowered, a forced tile falls back and stays correct', async () => {
    await registerBoth();
    const limited = await createTestBackend({
      matMulShader: 'tiled-128',
      limits: { maxComputeInvocationsPerWorkgroup: 64 },
    });
    const sources = recordShaders(limited);
    tf.registerBackend('webgpu-limited', () => limited);
    try {
      await tf.setBackend('webgpu-limited');
      const values = async (name: string): Promise<number[]> => {
        await tf.setBackend(name);
        const result = tf.tidy(() => product(9, 6, 5, false, true));
        const read = Array.from(await result.data());
        result.dispose();
        return read;
      };
      const expected = await values('cpu');
      const actual = await values('webgpu-limited');
      expect(actual.length).toBe(expected.length);
      actual.forEach((v, i) =>
        expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(expected[i]!))),
      );
      expect(sources.length).toBe(1);
      expect(isTiled(sources[0]!)).toBe(false);
    } finally {
      await tf.setBackend('webgpu');
      tf.removeBackend('webgpu-limited');
      tf.removeBackend('webgpu');
    }
  });

  it('an unknown matMulShader option is refused before a device is made', async () => {
    const made = createTestBackend({ matMulShader: 'fastest' as unknown as 'auto' });
    await expect(made).rejects.toThrow(tf.InvalidArgumentError);
    await expect(made).rejects.toThrow(
      "webgpuBackend: argument 'options.matMulShader' expected one of 'auto', 'register', 'tiled-64', 'tiled-128', but got 'fastest'.",
    );
  });
});
