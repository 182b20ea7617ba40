/**
 * @file Public entry of @tapeflow/layers: the Keras-style Layer base, Dense, activations and
 * initializers. Like every library package it registers nothing on import; it runs on whichever
 * backend the application made active (`tapeflow` makes the CPU one active).
 */

/**
 * Layers by Keras' grouping.
 * @example const layer = new layers.Dense(2, { activation: 'relu' });
 */
export * as layers from './layers-namespace.js';
export { Layer } from './layer.js';
export type { LayerOptions } from './layer.js';
export { Dense } from './dense.js';
export type { DenseOptions } from './dense.js';
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
