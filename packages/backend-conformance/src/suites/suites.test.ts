/**
 * @file Tests that the suite's cases cover the whole contract and catch broken backends: every
 * primitive and fused kernel has a case; a backend whose Add is wrong fails the Add checks and the
 * gradient checks that use it, while the Sub checks pass on it; a backend that never frees buffers
 * fails the memory checks.
 */

import { FUSED_KERNEL_NAMES, PRIMITIVE_KERNEL_NAMES } from '@tapeflow/tensor-core/internal';
import { describe, expect, it } from 'vitest';
import { memoryDrift } from '../case.js';
import { delegatingBackend, findCase, runCaseOn } from '../test-setup.js';
import { CONFORMANCE_GROUPS } from './index.js';

const cases = CONFORMANCE_GROUPS.flatMap((group) => group.cases);

describe('the suite', () => {
  it('has a case for every primitive and fused kernel', () => {
    const covered = new Set(cases.flatMap((c) => c.kernels));
    expect([...PRIMITIVE_KERNEL_NAMES, ...FUSED_KERNEL_NAMES].filter((name) => !covered.has(name))).toEqual([]);
  });

  it('has unique case names, and a few large cases', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    const large = cases.filter((c) => c.large === true).length;
    expect(large).toBeGreaterThan(0);
    expect(large).toBeLessThanOrEqual(8);
  });

  it('marks only fused-kernel cases optional', () => {
    const fused = new Set<string>(FUSED_KERNEL_NAMES);
    for (const c of cases.filter((c) => c.optional === true))
      expect(
        c.kernels.every((k) => fused.has(k)),
        c.name,
      ).toBe(true);
  });
});

describe('the cases on a broken backend (CPU kernels, asynchronous reads, Add replaced by Sub, no Tanh)', () => {
  const broken = () => delegatingBackend({ without: ['Tanh'], replace: { Add: 'Sub' } });

  it('fail the Add checks, naming Add and the shapes', async () => {
    await expect(
      runCaseOn(broken(), findCase('Add float32: equal shapes of odd sizes and scalars on either side')),
    ).rejects.toThrow(/Add float32 \[7\] with \[7\]: 7 of 7 values differ/);
    await expect(
      runCaseOn(broken(), findCase('Add float32: broadcasting in both directions and size-0 dims')),
    ).rejects.toThrow(/Add float32 \[2,3\] with \[3\]/);
    await expect(runCaseOn(broken(), findCase('Add int32: wraps around like int32'))).rejects.toThrow(/exact/);
  });

  it('pass the Sub checks', async () => {
    await runCaseOn(broken(), findCase('Sub float32: broadcasting in both directions and size-0 dims'));
    await runCaseOn(broken(), findCase('Sub int32: equal shapes, scalars and broadcasting'));
  });

  it('fail the gradient check of the MLP (its bias adds run Add), comparing with the CPU backend', async () => {
    await expect(
      runCaseOn(broken(), findCase("gradients match the CPU's: a 2-layer MLP with softmax cross-entropy")),
    ).rejects.toThrow(/compared with the CPU backend:[\s\S]*db1: /);
  });

  it('run Tanh only to fail with an error naming the kernel (describeBackend skips such cases)', async () => {
    await expect(runCaseOn(broken(), findCase('Tanh float32: scalar, odd sizes and size-0 dims'))).rejects.toThrow(
      /no 'Tanh' kernel/,
    );
  });
});

describe('the memory checks', () => {
  it('fail on a backend that never frees a buffer', async () => {
    await expect(
      runCaseOn(
        delegatingBackend({ leak: true }),
        findCase(
          "memory: tf.memory() (numTensors, numDataBuffers, numBytes, numBytesByBackend) and the backend's memory() track writes, views, kernels, tidy and dispose",
        ),
      ),
    ).rejects.toThrow(/disposing everything: backendDataBuffers changed by 4, expected 0/);
  });

  it('pass on a correct asynchronous backend', async () => {
    await runCaseOn(
      delegatingBackend(),
      findCase(
        "memory: tf.memory() (numTensors, numDataBuffers, numBytes, numBytesByBackend) and the backend's memory() track writes, views, kernels, tidy and dispose",
      ),
    );
  });

  it('name every figure that moved', () => {
    const before = { numTensors: 1, numDataBuffers: 1, numBytes: 4, backendDataBuffers: 1 };
    expect(memoryDrift(before, before)).toBeNull();
    expect(memoryDrift(before, { ...before, numTensors: 2, backendDataBuffers: 3 })).toBe(
      "memory not back where it started: tf.memory().numTensors went from 1 to 2; the backend's memory().numDataBuffers went from 1 to 3",
    );
  });
});
