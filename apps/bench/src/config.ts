/**
 * @file What `pnpm bench` runs: the libraries (one child process each), the workloads of
 * PERF-ANCHORS.md and their sizes, in the full mode and in `--quick` (a smoke run for CI: tiny sizes,
 * one or two samples; its times mean nothing).
 */

import type {
  CnnFitSpec,
  ConvSpec,
  DenseLoopSpec,
  LstmSpec,
  MlpSpec,
  MnistFitSpec,
  TransformerSpec,
} from './libraries/types.js';
import type { MeasureOptions } from './measure.js';

/** A library configuration run in its own process. */
export interface LibrarySpec {
  readonly id: string;
  readonly label: string;
  /** Extra Node flags for its process. */
  readonly nodeFlags: readonly string[];
  /** Tapeflow's own configurations (the ones the ratios are about). */
  readonly tapeflow: boolean;
}

export const LIBRARIES: readonly LibrarySpec[] = [
  { id: 'tapeflow', label: 'Tapeflow cpu', nodeFlags: [], tapeflow: true },
  { id: 'tapeflow-1t', label: 'Tapeflow cpu, 1 thread', nodeFlags: [], tapeflow: true },
  {
    id: 'tapeflow-relaxed',
    label: 'Tapeflow cpu, relaxed SIMD (V8 flag)',
    nodeFlags: ['--experimental-wasm-relaxed-simd'],
    tapeflow: true,
  },
  { id: 'tfjs-cpu', label: 'tfjs cpu 4.22', nodeFlags: [], tapeflow: false },
  { id: 'tfjs-wasm', label: 'tfjs wasm 4.22', nodeFlags: [], tapeflow: false },
  { id: 'jax-wasm', label: 'jax-js 0.1 wasm', nodeFlags: [], tapeflow: false },
];

/** Sizes and timing of one mode. */
export interface BenchConfig {
  readonly mode: 'full' | 'quick';
  readonly matmulSizes: readonly number[];
  readonly elementwiseSize: number;
  /** Chain steps per timed run of the scalar-op workload. */
  readonly scalarIterations: number;
  readonly mlp: MlpSpec;
  /** The MNIST `fit` epoch, timed with its own options (an epoch lasts seconds). */
  readonly mnist: MnistFitSpec;
  readonly mnistMeasure: MeasureOptions;
  /** The conv2d workloads (forward, and forward + both gradients, each). */
  readonly convolutions: readonly ConvSpec[];
  /** One epoch of the MNIST convnet's `fit`, timed with `mnistMeasure`. */
  readonly cnn: CnnFitSpec;
  /** The LSTM forward + backward workload (issue 14). */
  readonly lstm: LstmSpec;
  /** Training steps of the memory check, and the most time they may take. */
  readonly memorySteps: number;
  readonly memoryBudgetMs: number;
  readonly measure: MeasureOptions;
  /** A child process taking longer is killed (its results count as failed). */
  readonly childTimeoutMs: number;
  /**
   * A child starts no workload after this long (the rest are reported as not run, not as failed), so
   * a slow peer (tfjs-cpu's convnet gradients take tens of seconds a run) still reports what it
   * measured instead of being killed at childTimeoutMs with nothing.
   */
  readonly childBudgetMs: number;
  /**
   * A workload whose run in the first pass took at least this long is timed without a second warm-up
   * run: the first pass was its warm-up, and at seconds a run the JIT's warm-up is noise.
   */
  readonly slowRunMs: number;
  // Issue 14 (real models II, group w-attn).
  /** One training step of the transformer-reverse example's encoder. */
  readonly transformer: TransformerSpec;
  // Issue 16 (speed II, group w-bench2).
  /** The synchronous Dense training loop against the same loop yielding now and then. */
  readonly denseLoop: DenseLoopSpec;
  /** How the loops are timed (a loop lasts seconds). */
  readonly denseLoopMeasure: MeasureOptions;
}

// Issue 14 (real models II, group w-attn).
/** The transformer-reverse example's encoder and batch: 64 sequences of 8 digits, width 32, 4 heads. */
const TRANSFORMER: TransformerSpec = {
  batch: 64,
  length: 8,
  vocab: 10,
  modelDim: 32,
  numHeads: 4,
  feedForwardDim: 64,
  blocks: 2,
  learningRate: 0.003,
};

// Issue 16 (speed II, group w-bench2).
/** Issue 16's loop: 20,000 steps of a 16-32-1 Dense model on a batch of 32, a yield every 1,000. */
const DENSE_LOOP: DenseLoopSpec = {
  steps: 20000,
  yieldEvery: 1000,
  batch: 32,
  input: 16,
  hidden: 32,
  output: 1,
  learningRate: 0.01,
  warmupSteps: 1000,
};

const MLP: MlpSpec = { batch: 64, input: 784, hidden: 256, classes: 10, learningRate: 0.1 };

/**
 * Issue 12's convnet: 256 training digits in batches of 32, Adam at 0.002. Few digits because tfjs-cpu
 * 4.22's conv2d gradients take 15-50 s a batch at the second conv layer on a shared 2-core machine: a
 * larger epoch would outlast the child's timeout there.
 */
const CNN: CnnFitSpec = { train: 256, batch: 32, learningRate: 0.002, warmupBatches: 2 };

/** Issue 7's MNIST model and data: 8,000 training digits, batches of 32, SGD at 0.05. */
const MNIST: MnistFitSpec = { train: 8000, batch: 32, hidden: 128, learningRate: 0.05, warmupBatches: 8 };

export const FULL: BenchConfig = {
  mode: 'full',
  matmulSizes: [64, 256, 1024],
  elementwiseSize: 1 << 20,
  scalarIterations: 2000,
  mlp: MLP,
  mnist: MNIST,
  mnistMeasure: { warmupMs: 0, samples: 3, minSampleMs: 0, budgetMs: 30000 },
  convolutions: [
    { batch: 64, height: 28, width: 28, inChannels: 1, outChannels: 32, size: 3 },
    { batch: 64, height: 14, width: 14, inChannels: 32, outChannels: 64, size: 3 },
    { batch: 1, height: 56, width: 56, inChannels: 64, outChannels: 64, size: 3 },
  ],
  cnn: CNN,
  lstm: { batch: 32, steps: 50, input: 64, units: 128 },
  memorySteps: 1000,
  memoryBudgetMs: 30000,
  measure: { warmupMs: 300, samples: 7, minSampleMs: 30, budgetMs: 2500 },
  childTimeoutMs: 900000,
  childBudgetMs: 780000,
  slowRunMs: 2000,
  // Issue 14 (real models II, group w-attn).
  transformer: TRANSFORMER,
  // Issue 16 (speed II, group w-bench2).
  denseLoop: DENSE_LOOP,
  denseLoopMeasure: { warmupMs: 0, samples: 3, minSampleMs: 0, budgetMs: 20000 },
};

export const QUICK: BenchConfig = {
  mode: 'quick',
  matmulSizes: [16, 33],
  elementwiseSize: 4099,
  scalarIterations: 50,
  mlp: { ...MLP, batch: 8 },
  mnist: { ...MNIST, train: 256, warmupBatches: 2 },
  mnistMeasure: { warmupMs: 0, samples: 1, minSampleMs: 0, budgetMs: 0 },
  convolutions: [{ batch: 2, height: 7, width: 6, inChannels: 3, outChannels: 5, size: 3 }],
  // One batch: tfjs-cpu 4.22 takes about 20 s a batch of this convnet's gradients on a quiet 2-core machine.
  cnn: { ...CNN, train: 32, warmupBatches: 1 },
  lstm: { batch: 2, steps: 3, input: 4, units: 5 },
  memorySteps: 10,
  memoryBudgetMs: 5000,
  measure: { warmupMs: 0, samples: 2, minSampleMs: 0, budgetMs: 200 },
  // tfjs-cpu's convnet rows alone take a minute on a busy 2-core machine: the budget stops it first.
  childTimeoutMs: 300000,
  childBudgetMs: 150000,
  slowRunMs: 2000,
  // Issue 14 (real models II, group w-attn).
  transformer: { ...TRANSFORMER, batch: 4 },
  // Issue 16 (speed II, group w-bench2): 500 steps, a yield every 100 so the quick run takes that path.
  denseLoop: { ...DENSE_LOOP, steps: 500, yieldEvery: 100, warmupSteps: 50 },
  denseLoopMeasure: { warmupMs: 0, samples: 1, minSampleMs: 0, budgetMs: 0 },
};

/** The elementwise size as the table shows it (1M for 2^20). */
export function sizeLabel(size: number): string {
  return size >= 1 << 20 && size % (1 << 20) === 0 ? `${size >> 20}M` : String(size);
}
