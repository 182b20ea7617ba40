/**
 * @file The rules of options that take a built-in's name or an object (internal: not part of the
 * package entry): `activation`, the initializers and the regularizers. Apart from option-rules.ts because they need
 * the name lists, and activations.ts and initializers.ts import option-rules.ts themselves.
 */

import type * as tf from '@tapeflow/tensor-core/internal';
import { ACTIVATION_NAMES } from './activations.js';
import { INITIALIZER_NAMES } from './initializers.js';
import { isInitializer, nameOrRule } from './option-rules.js';
import { REGULARIZER_NAMES, isRegularizer } from './regularizers.js';

/** An `activation` option: a Keras name (an unknown one is refused with the nearest) or a function. */
export const ACTIVATION_RULE: tf.OptionRule = nameOrRule(
  ACTIVATION_NAMES,
  (value) => typeof value === 'function',
  'a function',
);

/** A `kernelInitializer` / `biasInitializer` option: a Keras name or an Initializer. */
export const INITIALIZER_RULE: tf.OptionRule = nameOrRule(INITIALIZER_NAMES, isInitializer, 'an Initializer');

/** A `kernelRegularizer` / `biasRegularizer` option: a Keras name or a Regularizer. */
export const REGULARIZER_RULE: tf.OptionRule = nameOrRule(REGULARIZER_NAMES, isRegularizer, 'a Regularizer');
