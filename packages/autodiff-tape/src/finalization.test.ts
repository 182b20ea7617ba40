import './test-setup.js';
import * as tf from '@tapeflow/tensor-core';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { GradientTape } from './index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('the safety net for tapes', () => {
  it('releases what a persistent tape held when the tape is dropped without dispose', async () => {
    const x = tf.variable([1, 2, 3]);
    const start = tf.memory();
    (() => {
      const tape = new GradientTape({ persistent: true });
      const y = tape.record(() => tf.tidy(() => tf.reduceSum(tf.exp(tf.mul(x, x)))));
      tf.dispose([y, tape.gradient(y, x)]);
      expect(tape.size).toBeGreaterThan(0);
    })();
    expect(tf.memory().numDataBuffers).toBeGreaterThan(start.numDataBuffers);
    for (let i = 0; i < 50 && tf.memory().numDataBuffers !== start.numDataBuffers; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(tf.memory().numTensors).toBe(start.numTensors);
    expect(tf.memory().numDataBuffers).toBe(start.numDataBuffers);
    expect(tf.memory().numBytes).toBe(start.numBytes);
  });
});

describe('tapes in a synchronous loop', () => {
  /** One training step: a non-persistent tape, its gradient and an update, all synchronous. */
  function step(w: tf.Variable): void {
    tf.tidy(() => {
      const tape = new GradientTape();
      const loss = tape.record(() => tf.reduceSum(tf.square(tf.sub(w, 1))));
      w.assignSub(tf.mul(tape.gradient(loss, w)!, 0.01));
    });
  }

  it('keeps no finalization registration per finished tape over 20,000 steps without a yield', () => {
    const w = tf.variable([3, -2, 0.5]);
    const net = tf.getEngine().safetyNet;
    const register = vi.spyOn(FinalizationRegistry.prototype, 'register');
    const unregister = vi.spyOn(FinalizationRegistry.prototype, 'unregister');
    try {
      const owners = net.ownerCount;
      const start = tf.memory();
      let largest = 0;
      for (let i = 0; i < 20_000; i++) {
        step(w);
        largest = Math.max(largest, net.ownerCount - owners);
      }
      expect(largest).toBeLessThanOrEqual(1);
      expect(net.ownerCount).toBe(owners);
      // Independently of the counter: every registration the loop made was taken back.
      const registered = register.mock.calls.length;
      const takenBack = unregister.mock.results.filter((result) => result.value === true).length;
      expect(registered).toBeGreaterThanOrEqual(20_000);
      expect(registered - takenBack).toBeLessThanOrEqual(1);
      expect(tf.memory().numTensors).toBe(start.numTensors);
      expect(tf.memory().numDataBuffers).toBe(start.numDataBuffers);
    } finally {
      register.mockRestore();
      unregister.mockRestore();
      w.dispose();
    }
  }, 60_000);

  it('a released tape unregisters from the safety net with its token; one holding nothing never registers', () => {
    const x = tf.variable([1, 2]);
    const register = vi.spyOn(FinalizationRegistry.prototype, 'register');
    const unregister = vi.spyOn(FinalizationRegistry.prototype, 'unregister');
    try {
      const idle = new GradientTape();
      expect(register).not.toHaveBeenCalled();
      idle.dispose();

      const tape = new GradientTape();
      const y = tape.record(() => tf.reduceSum(tf.mul(x, x)));
      expect(register).toHaveBeenCalledTimes(1);
      const token = register.mock.calls[0]![2];
      expect(typeof token).toBe('object');
      tape.gradient(y, x)!.dispose();
      expect(unregister).toHaveBeenCalledWith(token);
      expect(unregister.mock.results.at(-1)!.value).toBe(true);
      // Recording again puts it back under the net, and dispose takes it off.
      const z = tape.record(() => tf.reduceSum(tf.mul(x, 3)));
      expect(register).toHaveBeenCalledTimes(2);
      tape.dispose();
      expect(unregister.mock.results.at(-1)!.value).toBe(true);

      const persistent = new GradientTape({ persistent: true });
      const p = persistent.record(() => tf.reduceSum(tf.mul(x, x)));
      persistent.gradient(p, x)!.dispose();
      const persistentToken = register.mock.calls.at(-1)![2];
      expect(unregister).not.toHaveBeenCalledWith(persistentToken);
      persistent.dispose();
      expect(unregister).toHaveBeenLastCalledWith(persistentToken);
      tf.dispose([y, z, p]);
    } finally {
      register.mockRestore();
      unregister.mockRestore();
      x.dispose();
    }
  });
});

describe('a stack overflow inside nested tapes and tidy', () => {
  it('leaves no recorder or scope behind, wherever the overflow strikes: later ops reach no dead tape', () => {
    // In a child process with a small stack: see the fixture's header.
    const child = spawnSync(
      process.execPath,
      [
        '--stack-size=256',
        '--conditions=@tapeflow/source',
        '--import',
        'tsx',
        'packages/autodiff-tape/src/__fixtures__/stack-overflow-tapes.ts',
      ],
      {
        cwd: fileURLToPath(new URL('../../../', import.meta.url)),
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    type Dive = { padding: number; error: string; recorders: number; scopeDepth: number; leaked: number };
    const report = JSON.parse(child.stdout) as {
      dives: Dive[];
      after: { recordersWhileRecording: number; recorders: number; gradient: number[] };
    };
    expect(report.dives).toHaveLength(64);
    for (const dive of report.dives)
      expect(dive).toEqual({ padding: dive.padding, error: 'RangeError', recorders: 0, scopeDepth: 0, leaked: 0 });
    expect(report.after).toEqual({ recordersWhileRecording: 1, recorders: 0, gradient: [2, 4] });
  }, 120_000);
});
