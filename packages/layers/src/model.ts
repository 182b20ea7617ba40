/**
 * @file Model: Keras' Model, a Layer made of layers. Subclass it and write `call(inputs, options)`;
 * the layers it holds in its own properties (or arrays of them) are found as Keras tracks attributes,
 * so their weights are the model's. Or make it from a graph of layers applied to `tf.input` tensors
 * (Keras' functional API): `new tf.Model({ inputs, outputs })`, whose `call` runs that graph
 * (functional/). It adds `compile` / `fit` / `evaluate` / `predict`, `summary`, and saving; the
 * training loop itself lives in training/.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { Layer } from './layer.js';
import type { ApplyOptions, LayerConfig, LayerOptions, LayerOutput } from './layer.js';
import { buildGraph } from './functional/graph.js';
import type { FunctionalGraph } from './functional/graph.js';
import { callFunctional, functionalConfig, isFunctionalArgs } from './functional/functional-model.js';
import type { FunctionalModelArgs, ModelData } from './functional/functional-model.js';
import { resolveCompileArgs } from './training/compile.js';
import type { CompileArgs, Compiled } from './training/compile.js';
import type { Optimizer } from './optimizers/optimizer.js';
import type { FitOptions, History } from './training/fit.js';
import { evaluate, predict } from './training/inference.js';
import type { EvaluateOptions, PredictOptions } from './training/inference.js';
import { LAYER_RULES } from './option-rules.js';
import { formatSummary } from './summary.js';
import { formatFunctionalSummary } from './functional/functional-summary.js';

/**
 * Options of a Model.
 * @example new MyModel({ name: 'classifier' })
 */
export type ModelOptions = LayerOptions;

export type { FunctionalModelArgs, ModelData, SymbolicStructure } from './functional/functional-model.js';

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase() || 'model';
}

/**
 * A model: layers with training. Subclass it with your own `call` (as Keras' subclassed models):
 * @example
 * class Mlp extends tf.Model {
 *   hidden = new tf.layers.Dense(128, { activation: 'relu' });
 *   out = new tf.layers.Dense(10);
 *   call(x: tf.Tensor, options?: tf.ApplyOptions): tf.Tensor {
 *     return tf.tidy(() => this.out.apply(this.hidden.apply(x, options), options));
 *   }
 * }
 * const model = new Mlp();
 * model.compile({ optimizer: 'adam', loss: new tf.losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
 * await model.fit(x, labels, { epochs: 5 });
 */
abstract class Model<Output extends LayerOutput = tf.Tensor> extends Layer<Output> {
  /** The class name `summary()` shows. */
  static readonly className: string = 'Model';
  /** Set true (from a callback) to end `fit` after the current epoch (Keras' `stop_training`). */
  stopTraining = false;
  /** The input shape `build` was given (batch dimension null), once built. */
  buildInputShape: (number | null)[] | null = null;
  private compiledState: Compiled | null = null;
  /** The layer graph of a functional model, null for a subclassed one. */
  private readonly functional: FunctionalGraph | null;

  /**
   * A functional model from `{ inputs, outputs }` (checked: inputs are `tf.input` tensors, every output
   * is computed from them, layer names are unique), or the base of a subclassed model from its options.
   */
  constructor(options: ModelOptions | FunctionalModelArgs = {}, kind?: string) {
    const op = new.target.name;
    let graph: FunctionalGraph | null = null;
    let layerOptions: ModelOptions = options;
    if (isFunctionalArgs(options)) {
      const { inputs, outputs, ...rest } = options;
      tf.checkOptions(op, rest, LAYER_RULES);
      if (inputs === undefined) tf.invalidArgument(op, 'inputs', 'tf.input tensors', 'undefined');
      if (outputs === undefined)
        tf.invalidArgument(op, 'outputs', 'symbolic tensors computed from the inputs', 'undefined');
      graph = buildGraph(op, inputs, outputs);
      layerOptions = rest;
    } else {
      tf.checkOptions(op, options, LAYER_RULES);
    }
    super(layerOptions, kind ?? (graph !== null && new.target === Model ? 'functional' : snakeCase(new.target.name)));
    this.functional = graph;
    if (graph !== null) {
      this.built = true;
      if (layerOptions.trainable === false) for (const layer of graph.layers) layer.trainable = false;
    }
  }

  /** The graph of a functional model, or null. @internal */
  get graph(): FunctionalGraph | null {
    return this.functional;
  }

  /** `Functional` for a model made from `{ inputs, outputs }` (Keras 3's class name), else as Layer. */
  override get className(): string {
    return this.functional !== null && this.constructor === Model ? 'Functional' : super.className;
  }

  /** The names of the model's inputs (functional models; else `['input']`). */
  get inputNames(): string[] {
    return this.functional === null ? ['input'] : [...this.functional.inputNames];
  }

  /** The names of the model's outputs: the layers producing them (functional models; else `['output']`). */
  get outputNames(): string[] {
    return this.functional === null ? ['output'] : [...this.functional.outputNames];
  }

  /**
   * Runs a functional model's graph on `inputs` (one tensor per model input, checked): a Model's
   * `call` unless a subclass writes its own; a Model with neither throws. @internal
   */
  callGraph(inputs: tf.Tensor | tf.Tensor[], options: ApplyOptions = {}): Output {
    const graph = this.functional;
    const op = `${this.name}.apply`;
    if (graph === null) {
      throw new tf.FailedPreconditionError(
        `${op}: the model '${this.name}' has no layer graph and no call of its own: make it with new tf.Model({ inputs, outputs }) from tf.input tensors, or subclass tf.Model and override call(inputs, options).`,
        'call',
      );
    }
    return callFunctional(op, graph, inputs, options) as Output;
  }

  /**
   * The layers the model holds, in property order (Keras tracks attributes the same way): each
   * property that is a Layer, or an array of Layers. Override to list them yourself.
   * @example model.layers.map((l) => l.name) // ['dense', 'dense_1']
   */
  get layers(): Layer<LayerOutput>[] {
    if (this.functional !== null) return [...this.functional.layers];
    const found: Layer<LayerOutput>[] = [];
    const visit = (value: unknown): void => {
      if (value instanceof Layer && value !== this && !found.includes(value)) found.push(value);
      else if (Array.isArray(value)) value.forEach(visit);
    };
    for (const value of Object.values(this)) visit(value);
    return found;
  }

  override get trainable(): boolean {
    return super.trainable;
  }

  /** Setting it sets every layer's too (Keras sets `trainable` recursively). */
  override set trainable(value: boolean) {
    super.trainable = value;
    for (const layer of this.layers) layer.trainable = value;
  }

  override get trainableVariables(): tf.Variable[] {
    if (!this.trainable) return [];
    return dedupe([...super.trainableVariables, ...this.layers.flatMap((l) => l.trainableVariables)]);
  }

  /**
   * The regularization penalties of the model's own weights and of every layer it holds (Keras'
   * `model.losses`); `fit` and `evaluate` add their sum to the loss. The caller owns the tensors.
   * @example const penalty = tf.tidy(() => model.losses.reduce((a, b) => tf.add(a, b), tf.scalar(0)));
   */
  override get losses(): tf.Tensor[] {
    return [...super.losses, ...this.layers.flatMap((layer) => layer.losses)];
  }

  override get nonTrainableVariables(): tf.Variable[] {
    const all = dedupe([
      ...super.trainableVariables,
      ...super.nonTrainableVariables,
      ...this.layers.flatMap((l) => l.variables),
    ]);
    const trainable = new Set(this.trainableVariables);
    return all.filter((v) => !trainable.has(v));
  }

  /**
   * Builds the model for inputs of `inputShape` (batch dimension first, null or any size) by running
   * `call` once on zeros of one sample, unrecorded: every layer makes its weights (Keras' `build`).
   * @example model.build([null, 784]); model.summary();
   */
  override build(inputShape: readonly (number | null)[] | readonly (readonly (number | null)[])[]): void {
    this.assertNotDisposed('build');
    // A functional model is built when it is made (its layers ran on its inputs' shapes).
    if (this.functional !== null) return;
    if (
      !Array.isArray(inputShape) ||
      Array.isArray(inputShape[0]) ||
      inputShape.length < 1 ||
      !inputShape.slice(1).every((d) => Number.isInteger(d) && d! > 0)
    ) {
      tf.invalidArgument(
        `${this.name}.build`,
        'inputShape',
        'a shape [batch, ...] of positive integers (batch may be null)',
        tf.describeValue(inputShape),
      );
    }
    const sample = [1, ...(inputShape as readonly (number | null)[]).slice(1).map((d) => d!)];
    tf.getEngine().withoutRecording(() =>
      tf.tidy(() => {
        this.call(tf.zeros(sample), { training: false });
      }),
    );
    this.buildInputShape = [null, ...sample.slice(1)];
    super.build(sample);
  }

  /**
   * Prints the layers, their output shapes (batch as `None`) and parameter counts as Keras' summary
   * does, through `printFn` (default console.log), one line at a time; returns the text.
   * @example const text = model.summary(() => {}); // capture without printing
   */
  summary(printFn: (line: string) => void = console.log): string {
    const optimizer = this.compiledState?.optimizer ?? null;
    const lines =
      this.functional === null
        ? formatSummary(this, optimizer)
        : formatFunctionalSummary(this, this.functional, optimizer);
    for (const line of lines) printFn(line);
    return lines.join('\n');
  }

  /**
   * Sets the optimizer, loss and metrics `fit` and `evaluate` use (Keras' `compile`). Compiling again
   * replaces them (an optimizer the model made from a string is disposed then).
   * @example model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] })
   */
  compile(args: CompileArgs): void {
    this.assertNotDisposed('compile');
    const compiled = resolveCompileArgs(args, this.outputNames);
    this.releaseOptimizer();
    this.compiledState = compiled;
  }

  /** The compiled optimizer, or null before `compile`. @example model.optimizer?.learningRate */
  get optimizer(): Optimizer | null {
    return this.compiledState?.optimizer ?? null;
  }

  /** What `compile` resolved, or null. @internal */
  get compiled(): Compiled | null {
    return this.compiledState;
  }

  /** Makes the compiled optimizer the model's own, disposed with it (for `loadModel`). @internal */
  adoptOptimizer(): void {
    if (this.compiledState !== null) this.compiledState = { ...this.compiledState, ownsOptimizer: true };
  }

  /**
   * A subclassed model's architecture is its code, which JSON cannot hold (Keras raises
   * NotImplementedError too): save its weights with `saveWeights`, or use a Sequential.
   */
  override getConfig(): LayerConfig {
    if (this.functional !== null) return functionalConfig(this.functional, this.layerConfig());
    throw new tf.UnimplementedError(
      `${this.name}.getConfig: the subclassed model '${this.name}' (${this.className}) has no JSON config; save its weights with model.saveWeights(file) and rebuild it in code, or use a Sequential.`,
      'getConfig',
    );
  }

  /**
   * Trains for `epochs` over `x` and `y` in batches (Keras' `fit`); resolves to the history.
   * @example const { history } = await model.fit(x, y, { epochs: 5, batchSize: 32, validationSplit: 0.2 });
   */
  async fit(x: ModelData, y: ModelData, options: FitOptions = {}): Promise<History> {
    const compiled = this.requireCompiled('fit');
    // The training loop loads on first use (like saving), so a page that only predicts does not carry it.
    const { fit } = await import('./training/fit.js');
    return fit(this, compiled, x, y, options);
  }

  /**
   * The loss and metrics on `x` and `y`, averaged over every sample (Keras' `evaluate(return_dict=True)`).
   * @example const { loss, accuracy } = await model.evaluate(xTest, yTest);
   */
  async evaluate(x: ModelData, y: ModelData, options: EvaluateOptions = {}): Promise<Record<string, number>> {
    return evaluate(this, this.requireCompiled('evaluate'), x, y, options);
  }

  /**
   * The model's outputs for `x`, computed in batches at inference (Dropout off). The caller owns them.
   * A model with several inputs takes an array or a record by input name; one with several outputs
   * gives an array.
   * @example const probabilities = model.predict(xTest); // [n, 10]
   */
  predict(x: ModelData, options: PredictOptions = {}): Output {
    this.assertNotDisposed('predict');
    return predict(this, x, options) as Output;
  }

  /**
   * Writes `model.json` (the architecture) and a safetensors weights file into `dir` (Node only),
   * atomically: a save interrupted at any instant leaves the previous model whole, and concurrent saves
   * each complete. `dir` may be a `file://` URL. Reload with `tf.loadModel(dir)`.
   * @example await model.save('./my-model');
   */
  async save(dir: string): Promise<void> {
    this.assertNotDisposed('save');
    const { saveModel } = await import('./saving/save.js');
    return saveModel(this, dir);
  }

  /**
   * Writes the weights alone as a safetensors file (Keras' `save_weights`).
   * @example await model.saveWeights('./weights.safetensors');
   */
  async saveWeights(file: string): Promise<void> {
    this.assertNotDisposed('saveWeights');
    const { saveWeightsOf } = await import('./saving/save.js');
    return saveWeightsOf(this, file);
  }

  /**
   * Loads weights saved by `saveWeights` (a file) or `save` (a model directory) into this model, layer
   * by layer in order. Every name, shape and dtype is checked before any weight changes; a mismatch
   * names the layer and both shapes.
   * @example await model.loadWeights('./my-model');
   */
  async loadWeights(file: string): Promise<void> {
    this.assertNotDisposed('loadWeights');
    const { loadWeightsInto } = await import('./saving/save.js');
    return loadWeightsInto(this, file);
  }

  /** Disposes every layer's weights and an optimizer the model made from a string. Safe to call twice. */
  override dispose(): void {
    if (this.isDisposed) return;
    for (const layer of this.layers) layer.dispose();
    this.releaseOptimizer();
    this.compiledState = null;
    super.dispose();
  }

  /** The Layer-level config (name, trainable, inputShape), for subclasses that do have a config. */
  protected layerConfig(): LayerConfig {
    return super.getConfig();
  }

  private requireCompiled(method: string): Compiled {
    this.assertNotDisposed(method);
    if (this.compiledState === null) {
      throw new tf.FailedPreconditionError(
        `${this.name}.${method}: the model must be compiled before ${method === 'fit' ? 'training' : 'evaluation'}: call model.compile({ optimizer, loss }) first.`,
        method,
      );
    }
    return this.compiledState;
  }

  private releaseOptimizer(): void {
    if (this.compiledState?.ownsOptimizer === true) this.compiledState.optimizer.dispose();
  }
}

function dedupe<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

// `call` is a Model's own (it runs the graph), yet a subclass writes `call` as it implements Layer's
// abstract one, without `override`: the method is set on the prototype, and the class is exported as
// a constructor type whose instances declare `call` abstractly.
Object.defineProperty(Model.prototype, 'call', {
  value: function call(this: Model<LayerOutput>, inputs: tf.Tensor | tf.Tensor[], options?: ApplyOptions) {
    return this.callGraph(inputs, options);
  },
  writable: true,
  configurable: true,
});

/** The constructor `tf.Model` is: concrete (a functional model, or one to subclass). */
export type ModelConstructor = Omit<typeof Model, 'prototype'> & {
  readonly prototype: Model<LayerOutput>;
} & (new <Output extends LayerOutput = tf.Tensor>(
    options?: ModelOptions | FunctionalModelArgs,
    kind?: string,
  ) => Model<Output>);

/**
 * A model: layers with training (Keras' `Model`). Make it from a graph of layers applied to
 * `tf.input` tensors, or subclass it with your own `call`.
 * @example
 * const x = tf.input({ shape: [4] });
 * const model = new tf.Model({ inputs: x, outputs: new tf.layers.Dense(1).apply(x) });
 */
type ModelExport<Output extends LayerOutput = tf.Tensor> = Model<Output>;
const ModelExport = Model as unknown as ModelConstructor;
export { ModelExport as Model };
/**
 * The class behind `tf.Model`, under the name its declarations use: the same object at run time
 * (`tf.ModelBase === tf.Model`), typed as the abstract class a subclass implements `call` of.
 */
export { Model as ModelBase };
