/**
 * @file Run in a child process by finalization.test.ts (`node --stack-size=… --import tsx`):
 * recursion through a GradientTape's `record` and a `tidy` per level until the stack overflows,
 * started at many depths so the overflow strikes every part of their clean-up, `catch` blocks
 * included. A child process, with a small stack: nested tapes cost the square of their depth, so a
 * test worker's large stack makes the dive slow, and an overflow deep in native code there can take the
 * worker down. Prints, as JSON, the state after each dive.
 */
import '../test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { GradientTape } from '../index.js';

/** Every tape records every op below it, so ops are made only now and then, to keep it quick. */
function dive(x: tf.Tensor, level: number): number {
  const tape = new GradientTape();
  tape.watch(x);
  return tape.record(() =>
    tf.tidy(() => {
      if (level % 8 === 0) tf.mul(x, 2);
      return dive(x, level + 1) + 1;
    }),
  );
}

function divePadded(x: tf.Tensor, padding: number): number {
  return padding === 0 ? dive(x, 0) : divePadded(x, padding - 1) + 1;
}

const engine = tf.getEngine();
const x = tf.tensor([1, 2]);
const start = tf.memory().numTensors;
const dives: { padding: number; error: string; recorders: number; scopeDepth: number; leaked: number }[] = [];
for (let padding = 0; padding < 64; padding++) {
  let error = 'none';
  try {
    divePadded(x, padding);
  } catch (caught) {
    error = caught instanceof RangeError ? 'RangeError' : String(caught);
  }
  dives.push({
    padding,
    error,
    recorders: engine.recorders.length,
    scopeDepth: engine.scopeDepth,
    leaked: tf.memory().numTensors - start,
  });
}
// A later tape records alone: no dead tape is told about its ops.
const tape = new GradientTape();
tape.watch(x);
const y = tape.record(() => {
  const recordersWhileRecording = engine.recorders.length;
  return { value: tf.reduceSum(tf.mul(x, x)), recordersWhileRecording };
});
const gradient = tape.gradient(y.value, x)!;
const after = {
  recordersWhileRecording: y.recordersWhileRecording,
  recorders: engine.recorders.length,
  gradient: Array.from(gradient.dataSync()),
};
tf.dispose([y.value, gradient, x]);
console.log(JSON.stringify({ dives, after }));
