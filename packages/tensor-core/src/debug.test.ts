import './test-setup.js';
import { afterEach, describe, expect, it } from 'vitest';
import { disableDebugMode, enableDebugMode, leakReport, liveTensors } from './api.js';
import { userFrame } from './debug.js';
import * as tf from './ops/index.js';

afterEach(() => disableDebugMode());

function leakSome(): tf.TensorValues[] {
  for (let i = 0; i < 3; i++) tf.ones([2, 3]);
  return [];
}

describe('debug mode', () => {
  it('points a leak at the line that created the tensors', () => {
    enableDebugMode();
    const kept = tf.zeros([4]);
    leakSome();
    kept.dispose();
    const live = liveTensors();
    expect(live).toHaveLength(3);
    expect(live[0]!.shape).toEqual([2, 3]);
    expect(live[0]!.createdAt).toMatch(/debug\.test\.ts:\d+:\d+/);
    const report = leakReport();
    expect(report).toMatch(/^3 × float32 \[2,3\] at .*debug\.test\.ts:\d+:\d+/);
    for (const { id } of live) expect(typeof id).toBe('number');
  });

  it('says when it is off, and records nothing then', () => {
    tf.ones([1]);
    expect(liveTensors()).toEqual([]);
    expect(leakReport()).toMatch(/debug mode is off/);
  });

  it('marks Variables and skips library frames', () => {
    enableDebugMode();
    const v = tf.variable([1, 2]);
    const [info] = liveTensors().filter((t) => t.isVariable);
    expect(info!.createdAt).toMatch(/debug\.test\.ts/);
    v.dispose();
    expect(liveTensors().some((t) => t.isVariable)).toBe(false);
    expect(userFrame('Error\n    at f (/x/packages/tensor-core/src/engine.ts:1:1)\n    at g (/app/main.ts:7:3)')).toBe(
      '/app/main.ts:7:3',
    );
  });
});
