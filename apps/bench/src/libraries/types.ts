/**
 * @file What each benchmarked library provides: tasks built from the same workload descriptions and
 * the same input data, each of which runs once and forces its result (reads it back), so lazy
 * libraries cannot skip work and asynchronous ones are waited for.
 */

/** One benchmarked operation, prepared (inputs made) once; `run` does it once, result forced. */
export interface Task {
  run(): void | Promise<void>;
  /**
   * A short untimed rehearsal of `run` for a task too long to warm up with whole runs (an epoch of
   * `fit`); when present, it replaces the timed warm-up runs.
   */
  warmUp?(): void | Promise<void>;
  /** Frees the inputs. */
  dispose(): void;
}

/** The elementwise and reduction workloads. */
export type ElementwiseOp = 'add' | 'mul' | 'relu' | 'sum';

/** The MLP of PERF-ANCHORS.md: 784-256-10, relu, softmax cross-entropy, plain SGD. */
export interface MlpSpec {
  readonly batch: number;
  readonly input: number;
  readonly hidden: number;
  readonly classes: number;
  readonly learningRate: number;
}

/**
 * The MNIST workload: the 784-128-10 MLP of the MNIST example (Dense relu, Dense softmax, sparse
 * categorical cross-entropy, plain SGD), one epoch of the library's own `fit` on `train` real digits
 * in batches of `batch`, shuffling off, silent. Every run starts again from the same initial weights.
 */
export interface MnistFitSpec {
  readonly train: number;
  readonly batch: number;
  readonly hidden: number;
  readonly learningRate: number;
  /** Batches of the untimed warm-up fit. */
  readonly warmupBatches: number;
}

/**
 * A conv2d workload: x [batch, height, width, inChannels] through a [size, size, inChannels,
 * outChannels] filter, stride 1, SAME padding.
 */
export interface ConvSpec {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly size: number;
}

/** How a Hessian-vector product is computed: a jvp of the gradient, or the gradient of ⟨gradient, v⟩. */
export type HvpMode = 'forward-over-reverse' | 'reverse-over-reverse';

/**
 * The CNN workload (issue 12): the MNIST convnet of apps/examples' `mnist-cnn` (Conv2D(32, 3, relu),
 * BatchNormalization, MaxPooling2D, Conv2D(64, 3, relu), MaxPooling2D, Flatten, Dropout(0.5),
 * Dense(10, softmax) into sparse categorical cross-entropy), one epoch of the library's own `fit` on
 * `train` real digits as [n, 28, 28, 1] images in batches of `batch`, Adam, shuffling off, silent.
 * Every run starts again from the same initial weights.
 */
export interface CnnFitSpec {
  readonly train: number;
  readonly batch: number;
  readonly learningRate: number;
  /** Batches of the untimed warm-up fit. */
  readonly warmupBatches: number;
}

/**
 * The LSTM workload (issue 14): x [batch, steps, input] through a Keras-layout LSTM of `units`
 * (kernel [input, 4·units], recurrent kernel [units, 4·units], bias [4·units], gates i, f, c, o)
 * returning its last output, the loss mean(h²), and the gradients of the loss with respect to the
 * three weights: one forward and one backward pass through time, through the library's own LSTM
 * layer. Every library starts from the same weights and input.
 */
export interface LstmSpec {
  readonly batch: number;
  readonly steps: number;
  readonly input: number;
  readonly units: number;
}

// Issue 14 (real models II): the transformer-encoder training step (group w-attn).
/**
 * The transformer-step workload: one Adam training step of the `transformer-reverse` example's encoder
 * (token embedding + sinusoidal positions, `blocks` post-norm blocks of multi-head self-attention,
 * residual adds, layer normalization and a relu feed-forward pair, then per-position logits into
 * sparse softmax cross-entropy) on a fixed batch of `batch` sequences of `length` digits.
 */
export interface TransformerSpec {
  readonly batch: number;
  readonly length: number;
  readonly vocab: number;
  readonly modelDim: number;
  readonly numHeads: number;
  readonly feedForwardDim: number;
  readonly blocks: number;
  readonly learningRate: number;
}

// Issue 16 (speed II, group w-bench2): synchronous training loops.
/**
 * The loop workload (issue 16, item 2): `steps` SGD training steps of a small Dense model (input →
 * Dense(hidden, relu) → Dense(output), mean squared error) on a fixed batch, each step a tape, its
 * gradients and `applyGradients` in a `tidy`, written without any await; the yielding variant awaits
 * one `setImmediate` turn every `yieldEvery` steps, as a loop that lets the event loop run does.
 */
export interface DenseLoopSpec {
  readonly steps: number;
  readonly yieldEvery: number;
  readonly batch: number;
  readonly input: number;
  readonly hidden: number;
  readonly output: number;
  readonly learningRate: number;
  /** Steps of the untimed warm-up loop. */
  readonly warmupSteps: number;
}

/** Live-memory figures a library can report. */
export interface MemoryFigures {
  /** Live tensors, where the library counts them. */
  readonly tensors: number | undefined;
}

/** A benchmarked library (one per child process). */
export interface Library {
  /** Which kernels it actually ran on, e.g. `wasm (SIMD, 1 thread)`. */
  readonly description: string;
  matmul(n: number, transposeA: boolean, transposeB: boolean): Task;
  elementwise(op: ElementwiseOp, size: number): Task;
  // Issue 16 (item 4, group w-ew4).
  /**
   * The elementwise op alone, its result disposed unread: only where ops run eagerly and synchronously
   * (the op has done its work when it returns), so the time is the op's and not a read-back's.
   */
  elementwiseOp?(op: ElementwiseOp, size: number): Task | undefined;
  /** `iterations` steps of x = x * 1.0001 + 0.5 on a shape-[] tensor (2 ops each). */
  scalarChain(iterations: number, tape: boolean): Task | undefined;
  /** One SGD training step of the MLP through the library's autodiff; the loss is read back. */
  mlp(spec: MlpSpec): Task;
  /** One epoch of `fit` on MNIST (see MnistFitSpec), or undefined where the library has no `fit`. */
  mnistFit(spec: MnistFitSpec): Task | undefined;
  /**
   * conv2d forward (`gradients` false), or forward plus the gradients w.r.t. the input and the filter
   * for a given upstream, through the library's autodiff; undefined where the library has no conv2d.
   */
  conv2d(spec: ConvSpec, gradients: boolean): Task | undefined;
  /**
   * The Hessian-vector product of the MLP's loss with respect to its first weight matrix, along a fixed
   * direction, computed by `mode`; undefined where the library cannot (no forward mode, or no
   * second-order gradients of every op the loss uses).
   */
  hvp(spec: MlpSpec, mode: HvpMode): Task | undefined;
  /** One epoch of `fit` of the MNIST convnet (see CnnFitSpec), or undefined where the library cannot. */
  cnnFit(spec: CnnFitSpec): Task | undefined;
  /** The LSTM's forward and backward pass (see LstmSpec), or undefined where the library has no LSTM. */
  lstm(spec: LstmSpec): Task | undefined;
  memory(): MemoryFigures;
  // Issue 14 (real models II, group w-attn).
  /** One training step of the transformer encoder (see TransformerSpec); absent where the library cannot. */
  transformerStep?(spec: TransformerSpec): Task | undefined;
  // Issue 16 (speed II, group w-bench2).
  /**
   * The Dense training loop (see DenseLoopSpec), without any await (`yielding` false) or with a
   * `setImmediate` turn every `spec.yieldEvery` steps; absent where the library has none.
   */
  denseLoop?(spec: DenseLoopSpec, yielding: boolean): Task | undefined;
}
