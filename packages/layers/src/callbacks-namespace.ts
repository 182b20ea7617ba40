/**
 * @file The `callbacks` namespace (`tf.callbacks.earlyStopping`, `tf.callbacks.EarlyStopping`), as
 * Keras groups them under `tf.keras.callbacks`. TerminateOnNaN needs no callback: `fit` stops on a
 * NaN or infinite loss by itself.
 */
export { EarlyStopping, earlyStopping } from './training/callbacks.js';
export type { Callback, CallbackModel, EarlyStoppingOptions, Logs } from './training/callbacks.js';
// Issue 12 (real models I): checkpoints, learning-rate reduction, CSV logs.
export { ModelCheckpoint } from './training/model-checkpoint.js';
export type { ModelCheckpointOptions } from './training/model-checkpoint.js';
export { ReduceLROnPlateau } from './training/reduce-lr-on-plateau.js';
export type { ReduceLROnPlateauOptions } from './training/reduce-lr-on-plateau.js';
export { CSVLogger } from './training/csv-logger.js';
export type { CSVLoggerOptions } from './training/csv-logger.js';
