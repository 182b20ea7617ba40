import './test-setup.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { keep, memory, tidy } from './api.js';
import { getEngine } from './engine.js';
import * as tf from './ops/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage until `done()` holds (finalizers run on later turns of the event loop). */
async function collectUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !done(); i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the FinalizationRegistry safety net', () => {
  it('reclaims the buffers of tensors dropped without dispose, and counts them', async () => {
    const start = memory();
    (() => {
      for (let i = 0; i < 20; i++) tf.add(tf.ones([256]), 1);
    })();
    expect(memory().numTensors - start.numTensors).toBe(40);
    await collectUntil(() => memory().numTensors === start.numTensors);
    const end = memory();
    expect(end.numTensors).toBe(start.numTensors);
    expect(end.numDataBuffers).toBe(start.numDataBuffers);
    expect(end.numBytes).toBe(start.numBytes);
    expect(end.numReclaimed - start.numReclaimed).toBe(40);
  });

  it('never touches a disposed tensor or a live view of a dropped one', async () => {
    const start = memory();
    const kept = (() => {
      const base = tf.tensor([1, 2, 3, 4]);
      tf.ones([8]).dispose();
      return tf.reshape(base, [2, 2]);
    })();
    await collectUntil(() => memory().numTensors === start.numTensors + 1);
    expect(kept.arraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(memory().numReclaimed - start.numReclaimed).toBe(1);
    kept.dispose();
    expect(memory().numDataBuffers).toBe(start.numDataBuffers);
  });

  it('reclaims a dropped Variable holding its latest value', async () => {
    const start = memory();
    (() => {
      const v = tf.variable([1, 2]);
      v.assign(tf.tensor([3, 4]));
    })();
    await collectUntil(
      () => memory().numVariables === start.numVariables && memory().numDataBuffers === start.numDataBuffers,
    );
    expect(memory().numVariables).toBe(start.numVariables);
    expect(memory().numDataBuffers).toBe(start.numDataBuffers);
    expect(memory().numBytes).toBe(start.numBytes);
  });

  it('covers tensors that escape tidy (returned from the outermost scope, or kept)', async () => {
    const start = memory();
    (() => {
      tidy(() => tidy(() => tf.add(tf.ones([64]), 1)));
      tidy(() => {
        keep(tf.ones([64]));
      });
    })();
    expect(memory().numTensors - start.numTensors).toBe(2);
    await collectUntil(() => memory().numTensors === start.numTensors);
    expect(memory().numTensors).toBe(start.numTensors);
    expect(memory().numBytes).toBe(start.numBytes);
    expect(memory().numReclaimed - start.numReclaimed).toBe(2);
  });

  it('stays bounded in a long synchronous loop that never yields', () => {
    const net = getEngine().safetyNet;
    let largest = 0;
    for (let i = 0; i < 5000; i++) {
      const t = tf.ones([1]);
      t.dispose();
      largest = Math.max(largest, net.pendingCount);
    }
    expect(largest).toBeLessThanOrEqual(1024);
  });
});
