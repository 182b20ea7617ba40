/**
 * @file Integer class labels checked against predictions, shared by the sparse loss and the sparse
 * accuracy (internal: not part of the package entry).
 */

import * as tf from '@tapeflow/tensor-core/internal';

/** `yTrue` as int32 class indices of shape yPred.shape[:-1], checked; the caller disposes the result. */
export function sparseLabels(op: string, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const expected = yPred.shape.slice(0, -1);
  if (yTrue.dtype === 'bool') {
    tf.invalidArgument(op, 'yTrue', 'int32 (or whole-number float32) class indices', 'a bool tensor');
  }
  const withOne = [...expected, 1];
  if (!tf.shapesEqual(yTrue.shape, expected) && !tf.shapesEqual(yTrue.shape, withOne)) {
    const oneHot = tf.shapesEqual(yTrue.shape, yPred.shape)
      ? '; these look like one-hot targets, which need categoricalCrossentropy'
      : '';
    tf.invalidArgument(
      op,
      'yTrue',
      `class indices of shape ${tf.formatShape(expected)} for yPred of shape ${tf.formatShape(yPred.shape)}${oneHot}`,
      `shape ${tf.formatShape(yTrue.shape)}`,
    );
  }
  return tf.tidy(() => tf.reshape(yTrue.dtype === 'int32' ? yTrue : tf.cast(yTrue, 'int32'), expected));
}

/** The values of `t` if its backend reads synchronously (cpu), else null (WebGPU: reads are async). */
function readSynchronously(t: tf.Tensor): ArrayLike<number> | null {
  try {
    return t.dataSync();
  } catch (error) {
    if (error instanceof tf.FailedPreconditionError) return null;
    throw error;
  }
}

/**
 * Checks that every label is a whole number in [0, classes): labels are data, and TensorFlow's CPU
 * kernel raises InvalidArgument for one out of range rather than count it as a loss of 0. Where the
 * labels read synchronously, an offending one throws and null is returned. Elsewhere reading would
 * need an `await` the loss cannot make, so the result is a bool mask of the valid rows (of `labels`'
 * shape) for the caller to turn the others into NaN, as TensorFlow's GPU kernel does.
 */
export function checkLabelRange(op: string, yTrue: tf.Tensor, labels: tf.Tensor, classes: number): tf.Tensor | null {
  const values = readSynchronously(yTrue);
  if (values !== null) {
    for (let i = 0; i < values.length; i++) {
      const label = values[i]!;
      if (!Number.isInteger(label) || label < 0 || label >= classes) {
        tf.invalidArgument(
          op,
          'yTrue',
          `class indices: whole numbers in [0, ${classes}) (yPred has ${classes} classes)`,
          `the label ${label} at index ${i}`,
        );
      }
    }
    return null;
  }
  const inRange = tf.where(tf.greaterEqual(labels, 0), tf.less(labels, classes), tf.fill(labels.shape, false));
  if (yTrue.dtype === 'int32') return inRange;
  // A fractional float label was truncated by the cast: it is valid only if the cast changed nothing.
  const whole = tf.equal(tf.cast(labels, 'float32'), tf.reshape(tf.cast(yTrue, 'float32'), labels.shape));
  return tf.where(whole, inRange, tf.fill(labels.shape, false));
}
