/**
 * @file Run in a child process by engine.test.ts (`node --stack-size=… --import tsx`): recursion
 * through nested `tidy` until the stack overflows, started at many depths so the overflow strikes
 * every part of tidy's clean-up, `catch` and `finally` blocks included. A child process, with a small
 * stack, because a test worker's large stack makes the dive slow, and an overflow deep in native code
 * there can take the worker down. Prints, as JSON, the state after each dive.
 */
import '../test-setup.js';
import { memory, tidy } from '../api.js';
import { getEngine } from '../engine.js';
import * as tf from '../ops/index.js';

function dive(level: number): number {
  return tidy(() => {
    tf.ones([1]);
    return dive(level + 1) + 1;
  });
}

/** Starts `dive` `padding` frames deeper, so the overflow hits each place of tidy's clean-up. */
function divePadded(padding: number): number {
  return padding === 0 ? dive(0) : divePadded(padding - 1) + 1;
}

const engine = getEngine();
const start = memory().numTensors;
const dives: { padding: number; error: string; scopeDepth: number; leaked: number }[] = [];
for (let padding = 0; padding < 64; padding++) {
  let error = 'none';
  try {
    divePadded(padding);
  } catch (caught) {
    error = caught instanceof RangeError ? 'RangeError' : String(caught);
  }
  dives.push({ padding, error, scopeDepth: engine.scopeDepth, leaked: memory().numTensors - start });
}
// Later tensors belong to the scopes open now, not to a dead one.
const kept = tidy(() => tf.add(tf.ones([2]), 1));
const after = { keptAlive: !kept.isDisposed, leaked: memory().numTensors - start };
kept.dispose();
console.log(JSON.stringify({ dives, after }));
