/**
 * @file The `callbacks` namespace (`tf.callbacks.earlyStopping`, `tf.callbacks.EarlyStopping`), as
 * Keras groups them under `tf.keras.callbacks`. TerminateOnNaN needs no callback: `fit` stops on a
 * NaN or infinite loss by itself.
 */
export { EarlyStopping, earlyStopping } from './training/callbacks.js';
export type { Callback, CallbackModel, EarlyStoppingOptions, Logs } from './training/callbacks.js';
