/**
 * @file The option rules `fit`, `evaluate` and `predict` share (internal): Keras' `verbose`, where the
 * progress goes, and the callbacks list (each callback's hooks are checked by CallbackList).
 */

import type * as tf from '@tapeflow/tensor-core/internal';

/** Keras' `verbose`: 0, 1 or 2. */
export const VERBOSE_RULE: tf.OptionRule = { kind: 'oneOf', values: [0, 1, 2] };

/** A stream to write progress to (anything with `write`), or null for none. */
export const PROGRESS_STREAM_RULE: tf.OptionRule = {
  kind: 'custom',
  check: (value) =>
    value === null || (typeof value === 'object' && typeof (value as { write?: unknown }).write === 'function')
      ? undefined
      : 'an object with write(text), or null',
};

/** A list of callbacks. */
export const CALLBACKS_RULE: tf.OptionRule = {
  kind: 'custom',
  check: (value) => (Array.isArray(value) ? undefined : 'an array of callbacks'),
};
