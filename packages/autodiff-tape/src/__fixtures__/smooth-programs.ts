/**
 * @file The random programs of the property-based tests (property.test.ts for gradients,
 * forward-property.test.ts for forward mode): ops smooth on every real input, so finite differences are
 * valid, composed from plain data (a shape and a list of op names) so a failing case shrinks to a
 * short, readable program.
 */
import * as tf from '@tapeflow/tensor-core';
import fc from 'fast-check';

/** Ops that are smooth on every real input (so central differences are valid) and keep values bounded. */
export const OPS = {
  tanh: (x: tf.Tensor) => tf.tanh(x),
  sigmoid: (x: tf.Tensor) => tf.sigmoid(x),
  square: (x: tf.Tensor) => tf.square(tf.tanh(x)),
  scale: (x: tf.Tensor) => tf.mul(x, 1.7),
  shift: (x: tf.Tensor) => tf.add(x, 0.3),
  selfProduct: (x: tf.Tensor) => tf.mul(x, tf.tanh(x)),
  expOfTanh: (x: tf.Tensor) => tf.exp(tf.tanh(x)),
  softmaxLast: (x: tf.Tensor) => (x.rank === 0 ? x : tf.softmax(x)),
  logSoftmaxLast: (x: tf.Tensor) => (x.rank === 0 ? x : tf.logSoftmax(x)),
  sumFirstAxisKeep: (x: tf.Tensor) => (x.rank === 0 ? x : tf.reduceSum(x, 0, true)),
  meanLastAxis: (x: tf.Tensor) => (x.rank === 0 ? x : tf.reduceMean(x, -1)),
  transpose: (x: tf.Tensor) => tf.transpose(x),
  rotateAxes: (x: tf.Tensor) => (x.rank === 3 ? tf.transpose(x, [1, 2, 0]) : x),
  flatten: (x: tf.Tensor) => tf.reshape(x, [-1]),
  broadcastRow: (x: tf.Tensor) => tf.add(x, tf.expandDims(x, 0)),
  selfMatmul: (x: tf.Tensor) => (x.rank === 2 ? tf.matmul(x, x, { transposeB: true }) : x),
  concatSelf: (x: tf.Tensor) => (x.rank === 0 ? x : tf.concat([x, tf.neg(x)], -1)),
  sliceFirst: (x: tf.Tensor) => (x.rank === 0 || x.shape[0]! < 2 ? x : tf.slice(x, [1])),
  gatherRepeated: (x: tf.Tensor) => (x.rank === 0 ? x : tf.gather(x, [0, 0, x.shape[0]! - 1])),
} as const;
export type OpName = keyof typeof OPS;

/** A random program: an input shape, a list of op names applied in turn, and the input's seed. */
export const program = fc.record({
  shape: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 }),
  ops: fc.array(fc.constantFrom(...(Object.keys(OPS) as OpName[])), { minLength: 1, maxLength: 4 }),
  seed: fc.integer({ min: 0, max: 1000 }),
});
