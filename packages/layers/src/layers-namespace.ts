/**
 * @file The `layers` namespace (`tf.layers.Dense`, `tf.layers.Layer`), as Keras groups them under
 * `tf.keras.layers`. A module namespace rather than an object, so `tf.layers.Dense` is a type too.
 */
export { Layer } from './layer.js';
export type { LayerOptions } from './layer.js';
export { Dense } from './dense.js';
export type { DenseOptions } from './dense.js';
