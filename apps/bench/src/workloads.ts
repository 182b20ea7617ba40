/**
 * @file The workloads of PERF-ANCHORS.md as data: each names its unit, whether higher is better, how
 * to build its task on a library, and how a time per run becomes the figure the table shows.
 */

import { sizeLabel, type BenchConfig } from './config.js';
import type { ElementwiseOp, Library, Task } from './libraries/types.js';
import type { MeasureOptions } from './measure.js';
import { referenceTask } from './reference.js';

/** A table row's unit. */
export type Unit = 'GFLOP/s' | 'ms' | 'µs/op' | 's';

/** One workload of a run. */
export interface Workload {
  readonly id: string;
  readonly label: string;
  readonly unit: Unit;
  readonly higherIsBetter: boolean;
  /** The task on `library`, or undefined where the library has no such thing (a tape, say). */
  task(library: Library): Task | undefined;
  /** The figure for a time per run of `ms`. */
  readonly figure: (ms: number) => number;
  /** Timing options of its own, where the mode's do not fit (runs lasting seconds). */
  readonly measure?: MeasureOptions;
  /** Whether the child records the heap after a full GC before and after the timed runs. */
  readonly heap?: boolean;
  // Issue 16 (item 4, group w-ew4): the memory-speed references.
  /** A reference measured in every library's process, no library's task: no speed-ups are taken on it. */
  readonly reference?: boolean;
  /** Whether the child counts the process's minor page faults per timed run (`Figure.faultsPerRun`). */
  readonly faults?: boolean;
  /**
   * The workload listed before this one that it makes a ratio target with, within one library (the
   * tape's cost, the loop's await): when both run, the child times them as a pair, samples
   * alternating (measure.ts, `measurePair`), so the machine's drift falls on both alike.
   */
  readonly pairedWith?: string;
}

/** The id of the copy-loop reference for the elementwise size `size` (e.g. `copy-1M`). */
export const copyId = (size: number): string => `copy-${sizeLabel(size)}`;
/** The id of elementwise op `op` alone, without the read-back (e.g. `add-op-1M`). */
export const opAloneId = (op: string, size: number): string => `${op}-op-${sizeLabel(size)}`;
/** The id of the fresh-copy reference (what a read-back costs) for `size` (e.g. `copy-fresh-1M`). */
export const freshCopyId = (size: number): string => `copy-fresh-${sizeLabel(size)}`;

/**
 * Whether workload `id` is picked by `--workload` prefixes (every workload when there are none).
 * The memory check counts as the workload `memory`.
 */
export function selects(prefixes: readonly string[] | undefined, id: string): boolean {
  return prefixes === undefined || prefixes.some((prefix) => id.startsWith(prefix));
}

/** The workloads for `config`, in table order. */
export function workloads(config: BenchConfig): Workload[] {
  const list: Workload[] = [];
  for (const n of config.matmulSizes) {
    const flops = 2 * n * n * n;
    for (const [suffix, transposeA, transposeB] of [
      ['', false, false],
      [' Aᵀ·B', true, false],
      [' A·Bᵀ', false, true],
    ] as const) {
      list.push({
        id: `matmul-${n}${transposeA ? '-tA' : ''}${transposeB ? '-tB' : ''}`,
        label: `matmul ${n}×${n}${suffix}`,
        unit: 'GFLOP/s',
        higherIsBetter: true,
        task: (library) => library.matmul(n, transposeA, transposeB),
        figure: (ms) => flops / (ms * 1e6),
      });
    }
  }
  const size = config.elementwiseSize;
  for (const op of ['add', 'mul', 'relu', 'sum'] as const satisfies readonly ElementwiseOp[]) {
    list.push({
      id: `${op}-${sizeLabel(size)}`,
      label: `${op} ${sizeLabel(size)}`,
      unit: 'ms',
      higherIsBetter: false,
      task: (library) => library.elementwise(op, size),
      figure: (ms) => ms,
      faults: true,
    });
  }
  // Issue 16 (item 4, group w-ew4): the same ops alone, where a library runs them eagerly and
  // synchronously: each row above is this plus a read-back into a fresh array.
  for (const op of ['add', 'mul', 'relu', 'sum'] as const satisfies readonly ElementwiseOp[]) {
    list.push({
      id: opAloneId(op, size),
      label: `${op} ${sizeLabel(size)}, the op alone (result not read back)`,
      unit: 'ms',
      higherIsBetter: false,
      task: (library) => library.elementwiseOp?.(op, size),
      figure: (ms) => ms,
      faults: true,
    });
  }
  // Issue 16 (item 4, group w-ew4): the memory speed of the same process, the rows above are held to it.
  list.push(
    {
      id: copyId(size),
      label: `Float32Array copy loop ${sizeLabel(size)} (reference)`,
      unit: 'ms',
      higherIsBetter: false,
      task: () => referenceTask('copy', size),
      figure: (ms) => ms,
      reference: true,
      faults: true,
    },
    {
      id: freshCopyId(size),
      label: `Float32Array copy ${sizeLabel(size)} into a fresh array, as a read-back makes (reference)`,
      unit: 'ms',
      higherIsBetter: false,
      task: () => referenceTask('copy-fresh', size),
      figure: (ms) => ms,
      reference: true,
      faults: true,
    },
  );
  const iterations = config.scalarIterations;
  for (const tape of [false, true]) {
    list.push({
      id: tape ? 'scalar-tape' : 'scalar',
      label: `scalar op x*1.0001+0.5${tape ? ', tape recording' : ''}`,
      unit: 'µs/op',
      higherIsBetter: false,
      task: (library) => library.scalarChain(iterations, tape),
      figure: (ms) => (ms * 1000) / (2 * iterations),
      ...(tape ? { pairedWith: 'scalar' } : {}),
    });
  }
  const { batch, input, hidden, classes } = config.mlp;
  list.push({
    id: 'mlp-step',
    label: `MLP ${input}-${hidden}-${classes} batch ${batch}, SGD step`,
    unit: 'ms',
    higherIsBetter: false,
    task: (library) => library.mlp(config.mlp),
    figure: (ms) => ms,
  });
  const mnist = config.mnist;
  list.push({
    id: 'mnist-fit',
    label: `MNIST fit 784-${mnist.hidden}-10, one epoch of ${mnist.train} digits, batch ${mnist.batch}`,
    unit: 's',
    higherIsBetter: false,
    task: (library) => library.mnistFit(mnist),
    figure: (ms) => ms / 1000,
    measure: config.mnistMeasure,
  });
  // Hessian-vector products of the MLP's loss (issue 13): forward-over-reverse vs reverse-over-reverse.
  for (const mode of ['forward-over-reverse', 'reverse-over-reverse'] as const) {
    list.push({
      id: `hvp-${mode}`,
      label: `MLP ${input}-${hidden}-${classes} batch ${batch}, Hessian-vector product, ${mode}`,
      unit: 'ms',
      higherIsBetter: false,
      task: (library) => library.hvp(config.mlp, mode),
      figure: (ms) => ms,
    });
  }
  // The MNIST convnet (issue 12): one epoch of fit, as the MNIST MLP's.
  const cnn = config.cnn;
  list.push({
    id: 'cnn-fit',
    label: `MNIST convnet fit (Conv2D 32, BatchNorm, pool, Conv2D 64, pool, Dense 10), one epoch of ${cnn.train} digits, batch ${cnn.batch}`,
    unit: 's',
    higherIsBetter: false,
    task: (library) => library.cnnFit(cnn),
    figure: (ms) => ms / 1000,
    measure: config.mnistMeasure,
  });
  // Convolutions (issue 12): the CNN example's two conv layers at batch 64 and a ResNet-ish layer.
  for (const spec of config.convolutions) {
    const { batch, height, width, inChannels, outChannels, size } = spec;
    const shape = `${batch}×${height}×${width}×${inChannels} * ${size}×${size}×${inChannels}×${outChannels}`;
    for (const gradients of [false, true]) {
      list.push({
        id: `conv2d-${batch}x${height}x${width}x${inChannels}-${outChannels}${gradients ? '-grad' : ''}`,
        label: `conv2d ${shape} SAME, ${gradients ? 'forward + both gradients' : 'forward'}`,
        unit: 'ms',
        higherIsBetter: false,
        task: (library) => library.conv2d(spec, gradients),
        figure: (ms) => ms,
      });
    }
  }
  // Sequence models (issue 14, group w-seq): an LSTM's forward and backward pass through time.
  const lstm = config.lstm;
  list.push({
    id: 'lstm',
    label: `LSTM ${lstm.units} units, batch ${lstm.batch}, ${lstm.steps} steps, input ${lstm.input}: forward + gradients of mean(h²)`,
    unit: 'ms',
    higherIsBetter: false,
    task: (library) => library.lstm(lstm),
    figure: (ms) => ms,
  });
  // Issue 14 (real models II, group w-attn): one training step of the transformer-reverse encoder.
  const t = config.transformer;
  list.push({
    id: 'transformer-step',
    label:
      `transformer encoder step (${t.blocks} blocks, width ${t.modelDim}, ${t.numHeads} heads), batch ${t.batch} × ${t.length} tokens, Adam; ` +
      'tfjs: attention in tfjs ops (tfjs-layers has no MultiHeadAttention), dense and layerNormalization layers',
    unit: 'ms',
    higherIsBetter: false,
    task: (library) => library.transformerStep?.(t),
    figure: (ms) => ms,
  });
  // Issue 16 (speed II, group w-bench2): the Dense training loop without any await, and yielding.
  const loop = config.denseLoop;
  for (const yielding of [false, true]) {
    list.push({
      id: yielding ? 'dense-loop-yield' : 'dense-loop-sync',
      label:
        `Dense ${loop.input}-${loop.hidden}-${loop.output} batch ${loop.batch}, ${loop.steps} SGD steps, ` +
        (yielding ? `a setImmediate yield every ${loop.yieldEvery} steps` : 'no await'),
      unit: 's',
      higherIsBetter: false,
      task: (library) => library.denseLoop?.(loop, yielding),
      figure: (ms) => ms / 1000,
      measure: config.denseLoopMeasure,
      heap: true,
      ...(yielding ? { pairedWith: 'dense-loop-sync' } : {}),
    });
  }
  return list;
}
