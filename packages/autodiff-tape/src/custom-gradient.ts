/**
 * @file `customGradient` and `stopGradient`. A custom-gradient function runs its forward pass hidden
 * from every tape, then reports itself to the active tapes as one op whose gradient is the user's
 * `gradFunc`; gradFunc is written with ordinary ops, so outer tapes differentiate it too.
 */

import * as tf from '@tapeflow/tensor-core/internal';

/** What the function given to `customGradient` returns. */
export interface CustomGradientResult {
  /** The forward value. */
  readonly value: tf.Tensor;
  /** The upstream gradient → one gradient per input (a Tensor for one input, else an array; null for none). */
  readonly gradFunc: (upstream: tf.Tensor) => tf.Tensor | null | readonly (tf.Tensor | null)[];
}

/**
 * Wraps `f` so tapes use its `gradFunc` instead of differentiating its forward ops.
 * @example
 * const clipGradient = customGradient((x: Tensor) => ({
 *   value: tf.reshape(x, x.shape),
 *   gradFunc: (dy) => tf.clipByValue(dy, -1, 1),
 * }));
 */
export function customGradient<I extends tf.Tensor[]>(
  f: (...inputs: I) => CustomGradientResult,
): (...inputs: I) => tf.Tensor {
  return (...inputs: I): tf.Tensor => {
    inputs.forEach((t, i) => {
      if (!(t instanceof tf.Tensor)) tf.invalidArgument('customGradient', `inputs[${i}]`, 'a Tensor', typeof t);
    });
    const engine = tf.getEngine();
    const result = engine.withoutRecording(() => f(...inputs));
    if (
      result === null ||
      typeof result !== 'object' ||
      !(result.value instanceof tf.Tensor) ||
      typeof result.gradFunc !== 'function'
    ) {
      tf.invalidArgument('customGradient', 'f', 'a function returning { value: Tensor, gradFunc }', typeof result);
    }
    // The output must be a tensor of its own: an input passed straight through would tie its id to itself.
    const value = inputs.includes(result.value)
      ? engine.withoutRecording(() => tf.reshape(result.value, result.value.shape))
      : result.value;
    engine.recordCustomOperation({
      name: 'CustomGradient',
      inputs,
      output: value,
      gradient: (upstream) => {
        const gradients = result.gradFunc(upstream);
        const list = Array.isArray(gradients)
          ? (gradients as readonly (tf.Tensor | null)[])
          : [gradients as tf.Tensor | null];
        if (list.length !== inputs.length) {
          tf.invalidArgument(
            'customGradient',
            'gradFunc',
            `${inputs.length} gradient(s), one per input`,
            `${list.length}`,
          );
        }
        return list;
      },
    });
    return value;
  };
}

/**
 * The same values, with no gradient flowing back through it (TensorFlow's `stop_gradient`).
 * @example const target = tf.stopGradient(prediction);
 */
export function stopGradient(x: tf.Tensor): tf.Tensor {
  if (!(x instanceof tf.Tensor)) tf.invalidArgument('stopGradient', 'x', 'a Tensor', typeof x);
  const engine = tf.getEngine();
  return engine.withoutRecording(() => tf.reshape(x, x.shape));
}
