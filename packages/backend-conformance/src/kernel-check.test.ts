/**
 * @file Tests of the checks made before any kernel runs: the missing-kernel detector, the optional
 * fused kernels, the contract-version and storage-method checks, and their messages.
 */

import { cpuBackend } from '@tapeflow/backend-cpu';
import { BACKEND_SPEC_VERSION, FUSED_KERNEL_NAMES } from '@tapeflow/tensor-core/internal';
import { describe, expect, it } from 'vitest';
import {
  findMissingKernels,
  findMissingStorageMethods,
  implementedFusedKernels,
  missingKernelsMessage,
  specVersionMessage,
} from './kernel-check.js';
import { delegatingBackend } from './test-setup.js';

describe('findMissingKernels', () => {
  it('finds nothing missing on the CPU backend', () => {
    expect(findMissingKernels(cpuBackend())).toEqual([]);
    expect(implementedFusedKernels(cpuBackend())).toEqual([...FUSED_KERNEL_NAMES]);
  });

  it("returns ['Tanh'] for a backend with a wrong Add and no Tanh", () => {
    const broken = delegatingBackend({ without: ['Tanh'], replace: { Add: 'Sub' } });
    expect(findMissingKernels(broken)).toEqual(['Tanh']);
  });

  it('lists several missing kernels in the contract order, and fused ones only when asked', () => {
    const broken = delegatingBackend({ without: ['Softmax', 'OneHot', 'Add'] });
    expect(findMissingKernels(broken)).toEqual(['Add', 'OneHot']);
    expect(findMissingKernels(broken, FUSED_KERNEL_NAMES)).toEqual(['Softmax']);
    expect(implementedFusedKernels(broken)).toEqual([]);
  });

  it('treats a table entry that is not a function as missing', () => {
    const backend = { kernels: { ...cpuBackend().kernels, Exp: undefined } } as unknown as Parameters<
      typeof findMissingKernels
    >[0];
    expect(findMissingKernels(backend)).toEqual(['Exp']);
  });
});

describe('messages', () => {
  it('names every missing kernel once and says how to declare them', () => {
    expect(missingKernelsMessage('mine', [])).toBeNull();
    const message = missingKernelsMessage('mine', ['Tanh', 'Pow']);
    expect(message).toMatch(/^Backend 'mine' lacks 2 primitive kernels: Tanh, Pow\./);
    expect(message).toContain('{ skip: [...] }');
  });

  it('checks the contract version', () => {
    expect(specVersionMessage('mine', BACKEND_SPEC_VERSION)).toBeNull();
    expect(specVersionMessage('mine', BACKEND_SPEC_VERSION + 1)).toContain(
      `implements contract version ${BACKEND_SPEC_VERSION + 1}`,
    );
    expect(specVersionMessage('mine', undefined)).toContain('contract version undefined');
  });

  it('finds missing storage methods', () => {
    expect(findMissingStorageMethods(cpuBackend())).toEqual([]);
    expect(findMissingStorageMethods({ write: () => undefined, memory: () => undefined })).toEqual([
      'read',
      'disposeData',
    ]);
  });
});
