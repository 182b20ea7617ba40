/**
 * @file Issue 14's transformer encoder on a real GPU (the lent device machine), without vitest:
 * MultiHeadAttention forward and every gradient at a larger size (batch 8, 64 tokens, width 128,
 * 8 heads, causal) against the CPU backend, then the `transformer-reverse` example's short training
 * run on the CPU and on WebGPU from the same seeds (per-epoch losses, held-out token accuracy, fit
 * time). Bundled into one file by `bundle.sh` so it runs with only `node` and the `webgpu` package
 * beside it (run.sh's command with `transformer-check.mjs` in place of `webgpu-check.mjs`). Prints one
 * JSON object. On SwiftShader (`TRAIN=128 EPOCHS=1`) the attention check agrees to 2e-6 and the losses
 * are the CPU's.
 */
import { cpuBackend } from '@tapeflow/backend-cpu';
import { webgpuBackend } from '@tapeflow/backend-webgpu';
import { GradientTape } from '@tapeflow/autodiff-tape';
import { layers } from '@tapeflow/layers';
import * as tf from '@tapeflow/tensor-core';
import { create } from 'webgpu';
import { REVERSE_FULL_RUN, trainReverser } from '../../apps/examples/src/examples/transformer-reverse.js';
import type { ReverseConfig } from '../../apps/examples/src/examples/transformer-reverse.js';

interface Run {
  backend: string;
  loss: readonly number[];
  tokenAccuracy: number;
  seconds: number;
}

const result: {
  adapter?: unknown;
  attention?: { maxError: number; ok: boolean; gpuMs: number; cpuMs: number };
  runs: Run[];
  lossesAgree?: boolean;
  seconds?: number;
  error?: string;
} = { runs: [] };

// `TRAIN=128 EPOCHS=1` shortens it for a try on SwiftShader.
const SHORT: ReverseConfig = {
  ...REVERSE_FULL_RUN,
  train: Number(process.env.TRAIN ?? 3200),
  test: 500,
  epochs: Number(process.env.EPOCHS ?? 5),
  verbose: 0,
  chartFile: null,
};

/** MultiHeadAttention's output and gradients (inputs and weights) on the active backend, flattened. */
async function attention(): Promise<{ values: Float32Array; ms: number }> {
  const layer = new layers.MultiHeadAttention({ numHeads: 8, keyDim: 16, seed: 5 });
  const x = tf.variable(tf.random.statelessNormal([8, 64, 128], [3, 0]));
  const upstream = tf.random.statelessNormal([8, 64, 128], [4, 0]);
  tf.dispose(layer.apply(x, x));
  const step = async (): Promise<Float32Array> => {
    const parts = tf.tidy(() => {
      const tape = new GradientTape();
      const y = tape.record(() => layer.apply(x, x, undefined, { useCausalMask: true }));
      const loss = tape.record(() => tf.reduceSum(tf.mul(y, upstream)));
      const grads = tape.gradient(loss, [x, ...layer.variables]) as tf.Tensor[];
      return tf.concat([tf.reshape(y, [-1]), ...grads.map((g) => tf.reshape(g, [-1]))], 0);
    });
    const values = Float32Array.from(await parts.data());
    parts.dispose();
    return values;
  };
  await step();
  const begin = performance.now();
  const values = await step();
  const ms = performance.now() - begin;
  layer.dispose();
  tf.dispose([x, upstream]);
  return { values, ms };
}

async function main(): Promise<void> {
  const started = performance.now();
  const gpu = create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) throw new Error('no WebGPU adapter');
  const { vendor, architecture, description } = adapter.info;
  result.adapter = { vendor, architecture, description };
  tf.registerBackend('cpu', cpuBackend);
  tf.registerBackend('webgpu', () => webgpuBackend({ gpu, adapterOptions: { powerPreference: 'high-performance' } }));
  await tf.setBackend('webgpu');
  const onGpu = await attention();
  await tf.setBackend('cpu');
  const onCpu = await attention();
  let maxError = 0;
  for (let i = 0; i < onCpu.values.length; i++)
    maxError = Math.max(maxError, Math.abs(onGpu.values[i]! - onCpu.values[i]!) / (1 + Math.abs(onCpu.values[i]!)));
  result.attention = { maxError, ok: maxError < 1e-3, gpuMs: onGpu.ms, cpuMs: onCpu.ms };
  for (const backend of ['cpu', 'webgpu']) {
    await tf.setBackend(backend);
    const run = await trainReverser(() => undefined, SHORT);
    result.runs.push({ backend, loss: run.history.loss ?? [], tokenAccuracy: run.tokenAccuracy, seconds: run.seconds });
  }
  const [cpu, webgpu] = result.runs as [Run, Run];
  result.lossesAgree = cpu.loss.every((l, i) => Math.abs(l - webgpu.loss[i]!) < 1e-2);
  result.seconds = (performance.now() - started) / 1000;
}

main()
  .catch((error: unknown) => {
    result.error = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  })
  .finally(() => {
    console.log(JSON.stringify(result, null, 2));
    process.exit(0);
  });
