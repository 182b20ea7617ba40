/**
 * @file A standalone check of the WebGPU backend on whatever adapter Dawn finds (a real GPU on the
 * lent device machine): adapter info, every op family against the CPU backend, a gradient through the
 * tape, the notebook's first cells, and matmul GFLOP/s. Bundled into one file by `bundle.sh` so it
 * runs with only `node` and the `webgpu` package beside it. Prints one JSON object.
 */
import { cpuBackend } from '@tapeflow/backend-cpu';
import { webgpuBackend } from '@tapeflow/backend-webgpu';
import { GradientTape } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core';
import { create } from 'webgpu';

interface Result {
  adapter?: unknown;
  checks: { name: string; ok: boolean; maxError: number }[];
  matmul: { n: number; gflops: number; cpuGflops?: number }[];
  conv2d?: { shape: string; forwardAndGradientsMs: number }[];
  error?: string;
}

const result: Result = { checks: [], matmul: [] };

async function onBackend<T>(name: string, fn: () => Promise<T>): Promise<T> {
  await tf.setBackend(name);
  return fn();
}

async function compare(name: string, build: () => tf.Tensor): Promise<void> {
  const run = async (): Promise<Float32Array> => {
    const t = tf.tidy(build);
    const values = Float32Array.from(await t.data());
    t.dispose();
    return values;
  };
  const gpu = await onBackend('webgpu', run);
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
  };
  tf.registerBackend('cpu', cpuBackend);
  tf.registerBackend('webgpu', () => webgpuBackend({ gpu }));
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
    const ms = await onBackend('webgpu', async () => {
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
    result.conv2d.push({ shape: `${n}x${h}x${h}x${c} * 3x3x${c}x${o}`, forwardAndGradientsMs: ms });
  }
  for (const n of [256, 1024, 2048]) {
    const measure = async (backend: string, reps: number): Promise<number> =>
      onBackend(backend, async () => {
        const x = a([n, n], 20);
        const y = a([n, n], 21);
        const warm = tf.matmul(x, y);
        await warm.data();
        warm.dispose();
        const start = performance.now();
        let last: tf.Tensor | undefined;
        for (let i = 0; i < reps; i++) {
          last?.dispose();
          last = tf.matmul(x, y);
        }
        await last!.data();
        const seconds = (performance.now() - start) / 1000;
        tf.dispose([x, y, last!]);
        return (2 * n * n * n * reps) / seconds / 1e9;
      });
    result.matmul.push({
      n,
      gflops: await measure('webgpu', 20),
      ...(n <= 1024 ? { cpuGflops: await measure('cpu', 2) } : {}),
    });
  }
}

main()
  .catch((error: unknown) => {
    result.error = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  })
  .finally(() => {
    console.log(JSON.stringify(result, null, 2));
    process.exit(0);
  });
