/**
 * @file The tiled implicit-GEMM convolutions (conv-gemm.ts), forced (`matMulShader: 'tiled-64'`) on
 * small shapes so SwiftShader runs every edge: strides 1 and 2, dilations, SAME and VALID, odd sizes,
 * channels that are not a multiple of 4 (scalar B loads and stores) and that are (vec4), batch 1,
 * partial blocks in rows and columns, and split-K with a depth that is not a multiple of the slice;
 * Conv2D and both gradients, each against the CPU backend, and the conformance kit's Convolutions
 * group on the same forced backend. Also the choice rule and the split.
 */

import { CONFORMANCE_GROUPS } from '@tapeflow/backend-conformance';
import * as tf from '@tapeflow/tensor-core/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGpuBackend } from '../index.js';
import { compareKernel, itPassesConformanceCases, registerBoth, seeded } from '../test-utils.js';
import { CONVOLUTION_TILING_THRESHOLDS, chooseConvolutionShader, convolutionGemm, splitDepth } from './conv-gemm.js';

/** One convolution: x [n, h, w, c], filter [kh, kw, c, o], strides, dilations, padding. */
interface Case {
  readonly x: readonly [number, number, number, number];
  readonly filter: readonly [number, number, number, number];
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  readonly padding: 'SAME' | 'VALID';
}

/** TensorFlow's output size and leading pad along one axis. */
function axis(size: number, kernel: number, stride: number, dilation: number, padding: 'SAME' | 'VALID') {
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'VALID') return { out: Math.max(Math.ceil((size - effective + 1) / stride), 0), pad: 0 };
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + effective - size, 0);
  return { out, pad: Math.floor(total / 2) };
}

function geometry(c: Case) {
  const rows = axis(c.x[1], c.filter[0], c.strides[0], c.dilations[0], c.padding);
  const columns = axis(c.x[2], c.filter[1], c.strides[1], c.dilations[1], c.padding);
  const dy = [c.x[0], rows.out, columns.out, c.filter[3]];
  const attrs = { strides: [...c.strides], dilations: [...c.dilations], pads: [rows.pad, columns.pad] };
  return { dy, attrs };
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Conv2D and both gradients of `c` on WebGPU against the CPU backend. */
async function compareAll(c: Case, label: string): Promise<void> {
  const { dy, attrs } = geometry(c);
  // float32 sums of up to 1,080 terms against the CPU's float64.
  const tolerance = 1e-4;
  await compareKernel(
    'Conv2D',
    (write) => ({ x: write(seeded(size(c.x), 1), c.x), filter: write(seeded(size(c.filter), 2), c.filter) }),
    attrs,
    { shape: dy, dtype: 'float32' },
    tolerance,
    `${label} Conv2D`,
  );
  await compareKernel(
    'Conv2DBackpropInput',
    (write) => ({ dy: write(seeded(size(dy), 3), dy), filter: write(seeded(size(c.filter), 2), c.filter) }),
    attrs,
    { shape: [...c.x], dtype: 'float32' },
    tolerance,
    `${label} Conv2DBackpropInput`,
  );
  await compareKernel(
    'Conv2DBackpropFilter',
    (write) => ({ x: write(seeded(size(c.x), 1), c.x), dy: write(seeded(size(dy), 3), dy) }),
    attrs,
    { shape: [...c.filter], dtype: 'float32' },
    tolerance,
    `${label} Conv2DBackpropFilter`,
  );
}

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

const CASES: readonly [string, Case][] = [
  [
    'batch 1, odd sizes, 3 channels, SAME',
    { x: [1, 5, 7, 3], filter: [3, 3, 3, 5], strides: [1, 1], dilations: [1, 1], padding: 'SAME' },
  ],
  [
    'strides 2, VALID, vec4 channels',
    { x: [2, 9, 8, 4], filter: [3, 2, 4, 8], strides: [2, 2], dilations: [1, 1], padding: 'VALID' },
  ],
  [
    'dilations 2, SAME',
    { x: [1, 11, 10, 6], filter: [3, 3, 6, 7], strides: [1, 1], dilations: [2, 2], padding: 'SAME' },
  ],
  [
    'strides [1, 2], 68 output channels (two block columns)',
    { x: [3, 7, 9, 8], filter: [2, 3, 8, 68], strides: [1, 2], dilations: [1, 1], padding: 'SAME' },
  ],
  [
    '630 pixels (ten block rows), 1x1 filter',
    { x: [1, 70, 9, 2], filter: [1, 1, 2, 4], strides: [1, 1], dilations: [1, 1], padding: 'VALID' },
  ],
  [
    'split-K: 578 pixels in 2 slices of 296',
    { x: [2, 17, 17, 3], filter: [3, 3, 3, 5], strides: [1, 1], dilations: [1, 1], padding: 'SAME' },
  ],
  [
    'split-K with vec4: 4 slices, 72 filter rows (two block rows)',
    { x: [4, 20, 21, 6], filter: [3, 4, 6, 12], strides: [1, 1], dilations: [1, 2], padding: 'VALID' },
  ],
];

describe('Conv2D and its gradients on the tiled implicit GEMM, forced', () => {
  let backend: WebGpuBackend;
  let sources: string[];
  beforeAll(async () => {
    backend = await registerBoth({ matMulShader: 'tiled-64' });
    sources = recordShaders(backend);
  });
  afterAll(() => tf.removeBackend('webgpu'));

  for (const [label, c] of CASES) {
    it(label, async () => {
      await compareAll(c, label);
    });
  }

  it('ran the tiled shader of all three kinds, with vec4 and scalar B, and the split-K sum', () => {
    const tiled = sources.filter((source) => source.includes('var<workgroup> As'));
    expect(tiled.some((source) => source.includes('let ch = d % p.in_c;'))).toBe(true);
    expect(tiled.some((source) => source.includes('let q = k + 0;'))).toBe(true);
    expect(tiled.some((source) => source.includes('(tap * p.in_c + j0 +'))).toBe(true);
    expect(tiled.some((source) => source.includes('var<storage, read> flt: array<vec4<f32>>'))).toBe(true);
    expect(tiled.some((source) => source.includes('var<storage, read> dy: array<vec4<f32>>'))).toBe(true);
    expect(tiled.some((source) => source.includes('var<storage, read> dy: array<f32>'))).toBe(true);
    expect(tiled.every((source) => source.includes('@workgroup_size(64)'))).toBe(true);
    expect(sources.some((source) => source.includes('partial[s * p.size + index]'))).toBe(true);
  });

  describe("the conformance kit's Convolutions group", () => {
    const group = CONFORMANCE_GROUPS.find((candidate) => candidate.name === 'Convolutions')!;
    itPassesConformanceCases(group.cases, () => backend);
  });

  it('the split cases do split, with a last slice shorter than the others', () => {
    const first = geometry(CASES[5]![1]);
    const filterGemm = convolutionGemm('filter', CASES[5]![1].x, CASES[5]![1].filter, first.dy);
    expect(filterGemm).toEqual({ m: 27, n: 5, depth: 578 });
    expect(splitDepth(filterGemm)).toEqual({ slices: 2, chunk: 296 });
    const second = CASES[6]![1];
    const secondGemm = convolutionGemm('filter', second.x, second.filter, geometry(second).dy);
    const split = splitDepth(secondGemm);
    expect(split.slices).toBeGreaterThan(2);
    expect(secondGemm.depth % split.chunk).not.toBe(0);
  });
});

describe('the choice between the tiled and the direct convolution kernels', () => {
  it("'auto' tiles the MNIST CNN's second layer, its gradients and the ResNet-ish layer", () => {
    const cnn = { x: [64, 14, 14, 32], filter: [3, 3, 32, 64], dy: [64, 14, 14, 64] };
    const resnet = { x: [1, 56, 56, 64], filter: [3, 3, 64, 64], dy: [1, 56, 56, 64] };
    for (const shape of [cnn, resnet]) {
      for (const kind of ['forward', 'input', 'filter'] as const) {
        const gemm = convolutionGemm(kind, shape.x, shape.filter, shape.dy);
        expect(chooseConvolutionShader('auto', kind, gemm, [1, 1], 256), kind).toBe('tiled');
      }
    }
    const filterGemm = convolutionGemm('filter', cnn.x, cnn.filter, cnn.dy);
    expect(filterGemm).toEqual({ m: 288, n: 64, depth: 12544 });
    // 5 blocks of 64x64: 26 slices of 488 pixels (the last one 344).
    expect(splitDepth(filterGemm)).toEqual({ slices: 26, chunk: 488 });
  });

  it("keeps the direct kernels for tiny products, few channels, strided input gradients and 'register'", () => {
    const tiny = { m: 16, n: 8, depth: 9 };
    expect(chooseConvolutionShader('auto', 'forward', tiny, [1, 1], 256)).toBe('direct');
    const fewChannels = { m: 50176, n: CONVOLUTION_TILING_THRESHOLDS.minColumns - 1, depth: 288 };
    expect(chooseConvolutionShader('auto', 'forward', fewChannels, [1, 1], 256)).toBe('direct');
    const shallow = { m: 50176, n: 32, depth: 9 };
    expect(chooseConvolutionShader('auto', 'forward', shallow, [1, 1], 256)).toBe('direct');
    const large = { m: 12544, n: 64, depth: 288 };
    expect(chooseConvolutionShader('auto', 'input', large, [2, 2], 256)).toBe('direct');
    expect(chooseConvolutionShader('tiled-64', 'input', large, [1, 2], 256)).toBe('direct');
    expect(chooseConvolutionShader('register', 'forward', large, [1, 1], 256)).toBe('direct');
    expect(chooseConvolutionShader('auto', 'forward', large, [1, 1], 32)).toBe('direct');
    expect(chooseConvolutionShader('tiled-128', 'forward', tiny, [1, 1], 64)).toBe('tiled');
  });
});
