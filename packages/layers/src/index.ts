/**
 * @file Public entry of @tapeflow/layers: the Keras-style Layer base and layers, Model and
 * Sequential with compile / fit / evaluate / predict, losses, metrics, optimizers, callbacks, saving
 * (`model.save`, `loadModel`), activations and initializers. Like every library package it registers
 * nothing on import; it runs on whichever backend the application made active (`tapeflow` makes the
 * CPU one active).
 */

/**
 * Layers by Keras' grouping.
 * @example const layer = new layers.Dense(2, { activation: 'relu' });
 */
export * as layers from './layers-namespace.js';
export { Layer } from './layer.js';
export type {
  ApplyOptions,
  ConfigValue,
  LayerConfig,
  LayerInput,
  LayerMask,
  LayerOptions,
  LayerOutput,
  SymbolicOutput,
} from './layer.js';
export { SymbolicTensor } from './functional/symbolic-tensor.js';
export { input } from './functional/input.js';
export type { InputOptions } from './functional/input.js';
export { Dense } from './dense.js';
export type { DenseOptions } from './dense.js';
export { Model } from './model.js';
export type { ModelOptions } from './model.js';
// Issue 14 (functional API, group w-func): tf.Model's class as typed, and the functional model types.
export { ModelBase } from './model.js';
export type { FunctionalModelArgs, ModelConstructor, ModelData, SymbolicStructure } from './model.js';
export { Sequential } from './sequential.js';
export type { CompileArgs, LossIdentifier, MetricIdentifier } from './training/compile.js';
export type { FitOptions, History } from './training/fit.js';
export type { EvaluateOptions, PredictOptions } from './training/inference.js';
export type { ProgressStream, Verbosity } from './training/progress.js';
export { loadModel } from './saving/load-entry.js';
export type { LayerFactory, LoadModelOptions } from './saving/load.js';
/**
 * Losses by Keras' names, each returning the batch mean.
 * @example losses.sparseCategoricalCrossentropy(labels, logits, { fromLogits: true })
 */
export * as losses from './losses.js';
/**
 * Metrics by Keras' names.
 * @example metrics.categoricalAccuracy(yTrue, yPred)
 */
export * as metrics from './metrics.js';
/**
 * Optimizers with TensorFlow's names and defaults.
 * @example const opt = new optimizers.Adam({ learningRate: 1e-3 });
 */
export * as optimizers from './optimizers/index.js';
/**
 * Callbacks for `fit`.
 * @example callbacks.earlyStopping({ monitor: 'val_loss', patience: 2 })
 */
export * as callbacks from './callbacks-namespace.js';
/**
 * Activations by Keras' names.
 * @example activations.get('relu')(tf.tensor([-1, 2])) // [0, 2]
 */
export * as activations from './activations.js';
export type { Activation, ActivationIdentifier, ActivationName } from './activations.js';
/**
 * Weight initializers by Keras' names or as objects.
 * @example new Dense(2, { kernelInitializer: initializers.heNormal({ seed: 1 }) })
 */
export * as initializers from './initializers.js';
export type { Initializer, InitializerIdentifier, InitializerName } from './initializers.js';
/**
 * Weight regularizers by Keras' names; `fit` and `evaluate` add their penalties to the loss.
 * @example new Dense(2, { kernelRegularizer: regularizers.l2(1e-4) })
 */
export * as regularizers from './regularizers.js';
export type { L1L2Options, Regularizer, RegularizerIdentifier, RegularizerName } from './regularizers.js';
