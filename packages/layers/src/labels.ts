/**
 * @file Integer class labels checked against predictions, shared by the sparse loss and the sparse
 * accuracy (internal: not part of the package entry).
 */

import * as tf from '@tapeflow/tensor-core';

/** `yTrue` as int32 class indices of shape yPred.shape[:-1], checked; the caller disposes the result. */
export function sparseLabels(op: string, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const expected = yPred.shape.slice(0, -1);
  if (yTrue.dtype === 'bool') {
    tf.invalidArgument(op, 'yTrue', 'int32 (or whole-number float32) class indices', 'a bool tensor');
  }
  const withOne = [...expected, 1];
  if (!tf.shapesEqual(yTrue.shape, expected) && !tf.shapesEqual(yTrue.shape, withOne)) {
    const oneHot = tf.shapesEqual(yTrue.shape, yPred.shape) ? '; these look like one-hot targets, which need categoricalCrossentropy' : '';
    tf.invalidArgument(op, 'yTrue', `class indices of shape ${tf.formatShape(expected)} for yPred of shape ${tf.formatShape(yPred.shape)}${oneHot}`, `shape ${tf.formatShape(yTrue.shape)}`);
  }
  return tf.tidy(() => tf.reshape(yTrue.dtype === 'int32' ? yTrue : tf.cast(yTrue, 'int32'), expected));
}
