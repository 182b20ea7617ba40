/**
 * @file A standalone check of the WebGPU backend on whatever adapter Dawn finds (a real GPU on the
 * lent device machine): adapter info, every op family against the CPU backend, a gradient through the
 * tape, the notebook's first cells, each MatMul shader forced on odd shapes against the CPU, and
 * matmul GFLOP/s of every MatMul shader (the register tile and both workgroup tiles, forced, and what
 * `'auto'` picks) at 256 to 4096, and Conv2D and both its gradients kernel by kernel on the tiled
 * implicit GEMM and on the direct kernels at the MNIST CNN's and a ResNet-ish shape. Bundled into one
 * file by `bundle.sh` so it runs with only `node` and the `webgpu` package beside it. Prints one JSON
 * object.
 *
 * Time-boxed for a few minutes of device time: each timing runs one product to compile and one to
 * calibrate, then as many as fill about TIMED_SECONDS (at least 3, at most MAX_REPS) in one batch,
 * waited for with `flush()` (no read-back in the timing). On an H100 the whole script should take well
 * under a minute.
 */
import { cpuBackend } from '@tapeflow/backend-cpu';
import { webgpuBackend } from '@tapeflow/backend-webgpu';
import type { WebGpuBackend, WebGpuMatMulShader } from '@tapeflow/backend-webgpu';
import { GradientTape } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core';
import { create } from 'webgpu';
// Not exported by the package: the rules `'auto'` follows, to print what they pick at each size.
import { chooseConvolutionShader, convolutionGemm } from '../../packages/backend-webgpu/src/kernels/conv-gemm.js';
import { chooseMatMulShader } from '../../packages/backend-webgpu/src/kernels/matmul-tiled.js';

interface MatMulTiming {
  n: number;
  shader: WebGpuMatMulShader;
  /** What 'auto' ran (the choice rule's answer for this size). */
  runs: string;
  gflops: number;
  reps: number;
  milliseconds: number;
}

interface Result {
  adapter?: unknown;
  checks: { name: string; ok: boolean; maxError: number }[];
  matmul: MatMulTiming[];
  cpuMatmul: { n: number; gflops: number }[];
  conv2d?: { shape: string; forwardAndGradientsMs: number; cpuForwardAndGradientsMs: number }[];
  convKernels?: ConvKernelTiming[];
  seconds?: number;
  error?: string;
}

/** One convolution kernel timed alone on the tiled implicit GEMM ('auto') and on the direct kernel. */
interface ConvKernelTiming {
  shape: string;
  kernel: ConvKernel;
  /** What 'auto' ran (conv-gemm.ts's rule). */
  runs: string;
  autoMs: number;
  directMs: number;
  /** GFLOP/s of the 'auto' run (2 flops per multiply-add of the GEMM). */
  autoGflops: number;
}

type ConvKernel = 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter';

/**
 * The convolutions timed kernel by kernel, `n x h x w x c * kh x kw x c x o` (SAME, strides 1): the MNIST
 * CNN's two layers and a ResNet-ish one. `CONV_SHAPES=2x8x8x4*3x3x4x8` (say) shortens a SwiftShader run.
 */
const CONV_SHAPES = (process.env.CONV_SHAPES ?? '64x28x28x1*3x3x1x32,64x14x14x32*3x3x32x64,1x56x56x64*3x3x64x64')
  .split(',')
  .map((shape) => shape.split('*').map((side) => side.split('x').map(Number)) as [number[], number[]]);

const result: Result = { checks: [], matmul: [], cpuMatmul: [] };
/** Seconds each timing aims to fill, and the most products it runs. */
const TIMED_SECONDS = 0.4;
const MAX_REPS = 50;
const SHADERS: readonly WebGpuMatMulShader[] = ['auto', 'register', 'tiled-64', 'tiled-128'];
/**
 * Matrix sizes timed. `MATMUL_SIZES=64,128` (say) shortens the run on SwiftShader, where one 4096
 * product takes many minutes.
 */
const SIZES = (process.env.MATMUL_SIZES ?? '256,1024,2048,4096').split(',').map(Number);
const backends = new Map<string, WebGpuBackend>();
/** The registered name of the backend that runs `shader` ('webgpu' runs 'auto'). */
const backendName = (shader: WebGpuMatMulShader): string => (shader === 'auto' ? 'webgpu' : `webgpu-${shader}`);

async function onBackend<T>(name: string, fn: () => Promise<T>): Promise<T> {
  await tf.setBackend(name);
  return fn();
}

async function compare(name: string, build: () => tf.Tensor, backend = 'webgpu'): Promise<void> {
  const run = async (): Promise<Float32Array> => {
    const t = tf.tidy(build);
    const values = Float32Array.from(await t.data());
    t.dispose();
    return values;
  };
  const gpu = await onBackend(backend, run);
  const cpu = await onBackend('cpu', run);
  let maxError = 0;
  for (let i = 0; i < cpu.length; i++)
    maxError = Math.max(maxError, Math.abs(gpu[i]! - cpu[i]!) / (1 + Math.abs(cpu[i]!)));
  result.checks.push({ name, ok: gpu.length === cpu.length && maxError < 1e-4, maxError });
}

async function main(): Promise<void> {
  const gpu = create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) throw new Error('no WebGPU adapter');
  const { vendor, architecture, device, description } = adapter.info;
  result.adapter = {
    vendor,
    architecture,
    device,
    description,
    isFallbackAdapter: (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter,
    // Whether a subgroup MatMul would be possible here ('subgroups'); the shaders do not use them yet.
    features: [...adapter.features].sort(),
  };
  tf.registerBackend('cpu', cpuBackend);
  for (const shader of SHADERS) {
    tf.registerBackend(backendName(shader), async () => {
      const backend = await webgpuBackend({ gpu, matMulShader: shader });
      backends.set(shader, backend);
      return backend;
    });
  }
  const a = (shape: number[], seed: number): tf.Tensor =>
    tf.random.statelessUniform(shape, [seed, 0], { minval: -1, maxval: 1 });
  await compare('add broadcast', () => tf.add(a([257, 65], 1), a([65], 2)));
  await compare('unary chain', () => tf.tanh(tf.exp(tf.sigmoid(a([1 << 20], 3)))));
  await compare('matmul 129x257x65 transposed', () =>
    tf.matmul(a([257, 129], 4), a([65, 257], 5), { transposeA: true, transposeB: true }),
  );
  await compare('batched matmul', () => tf.matmul(a([3, 64, 32], 6), a([32, 48], 7)));
  await compare('reduceSum axes [0, 2]', () => tf.reduceSum(a([33, 65, 17], 8), [0, 2]));
  await compare('reduceMax last axis', () => tf.reduceMax(a([1000, 257], 9), -1));
  await compare('softmax', () => tf.softmax(a([64, 1000], 10)));
  await compare('gather + concat + slice', () =>
    tf.slice(tf.concat([tf.gather(a([100, 8], 11), [3, 3, 99, 0]), a([2, 8], 12)]), [1, 2], [4, 5]),
  );
  await compare('MLP gradient', () => {
    const x = a([64, 784], 13);
    const w1 = a([784, 256], 14);
    const w2 = a([256, 10], 15);
    const tape = new GradientTape();
    const loss = tape.record(() => {
      tape.watch([w1, w2]);
      const logits = tf.matmul(tf.relu(tf.matmul(x, w1)), w2);
      return tf.neg(
        tf.reduceMean(
          tf.reduceSum(
            tf.mul(tf.oneHot(tf.range(0, 64, 1, 'int32').reshape([64]).cast('int32'), 10), tf.logSoftmax(logits)),
            1,
          ),
        ),
      );
    });
    const [g1] = tape.gradient(loss, [w1, w2]);
    return g1!;
  });
  await compare('notebook x^2 gradient', () => {
    const x = tf.variable(4);
    const tape = new GradientTape();
    const y = tape.record(() => x.pow(2));
    const g = tape.gradient(y, x)!;
    x.dispose();
    return tf.concat([tf.reshape(y, [1]), tf.reshape(g, [1])]);
  });
  // Convolutions (issue 12): the six kernels on a real GPU against the CPU backend, and one timing.
  const convLoss = (x: tf.Tensor, f: tf.Tensor, strides: number, which: 0 | 1): tf.Tensor => {
    const tape = new GradientTape();
    const y = tape.record(() => {
      tape.watch([x, f]);
      return tf.reduceSum(
        tf.mul(
          tf.conv2d(x, f, strides, 'SAME'),
          a([x.shape[0]!, Math.ceil(x.shape[1]! / strides), Math.ceil(x.shape[2]! / strides), f.shape[3]!], 30),
        ),
      );
    });
    return tape.gradient(y, [x, f])[which]!;
  };
  await compare('conv2d 8x28x28x16 * 3x3x16x32 SAME', () =>
    tf.conv2d(a([8, 28, 28, 16], 31), a([3, 3, 16, 32], 32), 1, 'SAME'),
  );
  await compare('conv2d input gradient, strides 2', () => convLoss(a([4, 15, 15, 8], 33), a([3, 3, 8, 12], 34), 2, 0));
  await compare('conv2d filter gradient 1x56x56x64', () =>
    convLoss(a([1, 56, 56, 64], 35), a([3, 3, 64, 64], 36), 1, 1),
  );
  await compare('depthwiseConv2d dilations 2', () =>
    tf.depthwiseConv2d(a([2, 20, 20, 8], 37), a([3, 3, 8, 2], 38), 1, 'SAME', { dilations: 2 }),
  );
  await compare('conv2dTranspose strides 2', () =>
    tf.conv2dTranspose(a([2, 10, 10, 16], 39), a([3, 3, 8, 16], 40), [2, 20, 20, 8], 2, 'SAME'),
  );
  result.conv2d = [];
  for (const [n, h, c, o] of [
    [64, 28, 1, 32],
    [64, 14, 32, 64],
    [1, 56, 64, 64],
  ] as const) {
    const time = (backend: string): Promise<number> =>
      onBackend(backend, async () => {
        const x = a([n, h, h, c], 41);
        const f = a([3, 3, c, o], 42);
        const step = async (): Promise<void> => {
          const g = tf.tidy(() => tf.concat([convLoss(x, f, 1, 0).reshape([-1]), convLoss(x, f, 1, 1).reshape([-1])]));
          await g.data();
          g.dispose();
        };
        await step();
        const start = performance.now();
        for (let i = 0; i < 5; i++) await step();
        tf.dispose([x, f]);
        return (performance.now() - start) / 5;
      });
    result.conv2d.push({
      shape: `${n}x${h}x${h}x${c} * 3x3x${c}x${o}`,
      forwardAndGradientsMs: await time('webgpu'),
      cpuForwardAndGradientsMs: await time('cpu'),
    });
  }
  await timeConvKernels(a);
  for (const shader of SHADERS.slice(1)) {
    await compare(
      `${shader}: matmul 129x257x65 transposed both ways`,
      () => tf.matmul(a([257, 129], 22), a([65, 257], 23), { transposeA: true, transposeB: true }),
      backendName(shader),
    );
    await compare(
      `${shader}: matmul 516x260x388 (vec4 loads), batch broadcast`,
      () => tf.matmul(a([2, 1, 516, 260], 24), a([3, 260, 388], 25)),
      backendName(shader),
    );
    const n = Math.min(1024, ...SIZES);
    await compare(`${shader}: matmul ${n}`, () => tf.matmul(a([n, n], 26), a([n, n], 27)), backendName(shader));
  }
  const start = performance.now();
  for (const n of SIZES) {
    for (const shader of SHADERS) result.matmul.push(await timeMatMul(n, shader));
    if (n <= 1024) result.cpuMatmul.push({ n, gflops: await cpuGflops(n) });
  }
  result.seconds = Math.round((performance.now() - start) / 100) / 10;
}

/** GFLOP/s of n×n products on the backend that runs `shader`, time-boxed (see the file header). */
async function timeMatMul(n: number, shader: WebGpuMatMulShader): Promise<MatMulTiming> {
  await tf.setBackend(backendName(shader));
  const backend = backends.get(shader)!;
  const x = tf.random.statelessUniform([n, n], [20, 0], { minval: -1, maxval: 1 });
  const y = tf.random.statelessUniform([n, n], [21, 0], { minval: -1, maxval: 1 });
  const products = async (reps: number): Promise<number> => {
    const begin = performance.now();
    for (let i = 0; i < reps; i++) tf.matmul(x, y).dispose();
    await backend.flush();
    return (performance.now() - begin) / 1000;
  };
  await products(1); // compiles the pipeline
  const once = await products(1);
  const reps = Math.max(3, Math.min(MAX_REPS, Math.ceil(TIMED_SECONDS / Math.max(once, 1e-6))));
  const seconds = await products(reps);
  tf.dispose([x, y]);
  return {
    n,
    shader,
    runs: chooseMatMulShader(shader, 1, n, n, n, backend.device.limits.maxComputeInvocationsPerWorkgroup),
    gflops: Math.round((2 * n * n * n * reps) / seconds / 1e8) / 10,
    reps,
    milliseconds: Math.round((seconds / reps) * 1000 * 100) / 100,
  };
}

/**
 * Conv2D and both gradients, each kernel alone (run through the engine, waited for with `flush()`), on
 * 'auto' (the tiled implicit GEMM where conv-gemm.ts's rule picks it) and on 'register' (the direct
 * kernels), at each of CONV_SHAPES; each 'auto' result is first checked against the CPU backend.
 */
async function timeConvKernels(a: (shape: number[], seed: number) => tf.Tensor): Promise<void> {
  result.convKernels = [];
  for (const [xShape, filterShape] of CONV_SHAPES) {
    const [n, h, w] = xShape as [number, number, number, number];
    const [kh, kw, , o] = filterShape as [number, number, number, number];
    const dyShape = [n, h, w, o];
    const attrs = { strides: [1, 1], dilations: [1, 1], pads: [Math.floor((kh - 1) / 2), Math.floor((kw - 1) / 2)] };
    const label = `${xShape.join('x')} * ${filterShape.join('x')}`;
    const run = (kernel: ConvKernel, inputs: Record<string, tf.Tensor>, shape: number[]): tf.Tensor => {
      const engine = tf.getEngine() as unknown as {
        runKernel(k: string, i: Record<string, tf.Tensor>, at: object, out: object): tf.Tensor;
      };
      return engine.runKernel(kernel, inputs, attrs, { shape, dtype: 'float32' });
    };
    const specs: [ConvKernel, () => tf.Tensor][] = [
      ['Conv2D', () => run('Conv2D', { x: a(xShape, 50), filter: a(filterShape, 51) }, dyShape)],
      [
        'Conv2DBackpropInput',
        () => run('Conv2DBackpropInput', { dy: a(dyShape, 52), filter: a(filterShape, 51) }, xShape),
      ],
      [
        'Conv2DBackpropFilter',
        () => run('Conv2DBackpropFilter', { x: a(xShape, 50), dy: a(dyShape, 52) }, filterShape),
      ],
    ];
    for (const [kernel, build] of specs) {
      await compare(`${kernel} ${label} (auto)`, build);
      const time = (backend: string): Promise<number> =>
        onBackend(backend, async () => {
          const owner = backends.get(backend === 'webgpu' ? 'auto' : 'register')!;
          const operands =
            kernel === 'Conv2D'
              ? [a(xShape, 50), a(filterShape, 51)]
              : kernel === 'Conv2DBackpropInput'
                ? [a(dyShape, 52), a(filterShape, 51)]
                : [a(xShape, 50), a(dyShape, 52)];
          const names =
            kernel === 'Conv2D' ? ['x', 'filter'] : kernel === 'Conv2DBackpropInput' ? ['dy', 'filter'] : ['x', 'dy'];
          const shape = kernel === 'Conv2D' ? dyShape : kernel === 'Conv2DBackpropInput' ? xShape : filterShape;
          const inputs = { [names[0]!]: operands[0]!, [names[1]!]: operands[1]! };
          const reps = async (count: number): Promise<number> => {
            const begin = performance.now();
            for (let i = 0; i < count; i++) run(kernel, inputs, shape).dispose();
            await owner.flush();
            return (performance.now() - begin) / 1000;
          };
          await reps(1); // compiles the pipelines
          const once = await reps(1);
          const count = Math.max(3, Math.min(MAX_REPS, Math.ceil(TIMED_SECONDS / Math.max(once, 1e-6))));
          const seconds = await reps(count);
          tf.dispose(operands);
          return (seconds / count) * 1000;
        });
      const kind = kernel === 'Conv2D' ? 'forward' : kernel === 'Conv2DBackpropInput' ? 'input' : 'filter';
      const gemm = convolutionGemm(kind, xShape, filterShape, dyShape);
      const autoMs = await time('webgpu');
      const directMs = await time('webgpu-register');
      const limit = backends.get('auto')!.device.limits.maxComputeInvocationsPerWorkgroup;
      result.convKernels.push({
        shape: label,
        kernel,
        runs: chooseConvolutionShader('auto', kind, gemm, [1, 1], limit),
        autoMs: Math.round(autoMs * 1000) / 1000,
        directMs: Math.round(directMs * 1000) / 1000,
        autoGflops: Math.round((2 * gemm.m * gemm.n * gemm.depth) / (autoMs / 1000) / 1e8) / 10,
      });
    }
  }
}

/** GFLOP/s of two n×n products on the CPU backend (the machine's cores), for scale. */
async function cpuGflops(n: number): Promise<number> {
  return onBackend('cpu', async () => {
    const x = tf.random.statelessUniform([n, n], [20, 0], { minval: -1, maxval: 1 });
    const y = tf.random.statelessUniform([n, n], [21, 0], { minval: -1, maxval: 1 });
    const warm = tf.matmul(x, y);
    await warm.data();
    warm.dispose();
    const begin = performance.now();
    const first = tf.matmul(x, y);
    const second = tf.matmul(x, y);
    await second.data();
    const seconds = (performance.now() - begin) / 1000;
    tf.dispose([x, y, first, second]);
    return Math.round((2 * n * n * n * 2) / seconds / 1e8) / 10;
  });
}

main()
  .catch((error: unknown) => {
    result.error = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  })
  .finally(() => {
    console.log(JSON.stringify(result, null, 2));
    process.exit(0);
  });
