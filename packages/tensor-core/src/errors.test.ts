/**
 * @file Tests of what a kernel's throw becomes: the platform's own allocation failures (made for real
 * here, not typed in) are ResourceExhaustedErrors naming the op and the size; any other RangeError
 * (a view past its buffer, a DataView offset out of bounds) is a bug in the backend, an InternalError
 * naming the kernel and the backend. Also through the Engine.
 */
import './test-setup.js';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../backend-cpu/src/index.js';
import { memory, registerBackend, setBackend } from './api.js';
import type { Backend } from './backend.js';
import {
  InternalError,
  ResourceExhaustedError,
  TapeflowError,
  describeKernelFailure,
  isAllocationFailure,
} from './errors.js';
import type { DataId } from './kernels.js';
import * as tf from './ops/index.js';

/** What `thrower` throws (it must throw). */
function caught(thrower: () => unknown): unknown {
  try {
    thrower();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

// The WebAssembly global, typed here: this package compiles without the DOM lib that declares it.
const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number }) => { grow(pages: number): number } };
};

const allocationFailures: Record<string, () => unknown> = {
  'a typed array longer than the engine allows': () => new Float32Array(2 ** 40),
  'an ArrayBuffer larger than the engine allows': () => new ArrayBuffer(2 ** 53),
  'a WebAssembly memory past its maximum': () => new wasm.Memory({ initial: 1, maximum: 1 }).grow(1),
};

const kernelBugs: Record<string, () => unknown> = {
  'a view that does not fit its buffer': () => new Float32Array(new ArrayBuffer(8), 4, 8),
  'a DataView read past its end': () => new DataView(new ArrayBuffer(4)).getFloat32(8),
  'a negative array length': () => new Array(-1),
  'a toFixed with too many digits': () => (1).toFixed(101),
};

const output = { shape: [2, 3], dtype: 'float32' };

describe('describeKernelFailure', () => {
  for (const [what, thrower] of Object.entries(allocationFailures)) {
    it(`calls ${what} an allocation failure: ResourceExhaustedError naming the op, the shape and the bytes`, () => {
      const error = caught(thrower);
      expect(error).toBeInstanceOf(RangeError);
      expect(isAllocationFailure(error)).toBe(true);
      const described = describeKernelFailure('Fill', 'mine', output, 24, error);
      expect(described).toBeInstanceOf(ResourceExhaustedError);
      expect((described as Error).message).toMatch(
        /^Fill: the 'mine' backend could not allocate the output of shape \[2,3\] \(float32, 24 bytes\): /,
      );
    });
  }

  for (const [what, thrower] of Object.entries(kernelBugs)) {
    it(`calls ${what} a kernel failure, not an allocation failure: InternalError naming the kernel and the backend`, () => {
      const error = caught(thrower);
      expect(error).toBeInstanceOf(RangeError);
      expect(isAllocationFailure(error)).toBe(false);
      const described = describeKernelFailure('Add', 'mine', output, 24, error);
      expect(described).toBeInstanceOf(InternalError);
      expect(TapeflowError.isInstance(described) && described.code).toBe('INTERNAL');
      expect((described as Error).message).toBe(
        `Add: the 'mine' backend's Add kernel failed (a bug in the backend, not in the input): RangeError: ${(error as Error).message}`,
      );
      expect((described as Error).cause).toBe(error);
    });
  }
});

describe('a kernel that throws a RangeError, through the Engine', () => {
  it('reaches the caller as an InternalError naming the kernel and the backend, and leaves no tensor', async () => {
    const cpu = cpuBackend();
    const buggy: Backend = {
      specVersion: cpu.specVersion,
      name: 'buggy',
      kernels: {
        ...cpu.kernels,
        Add: (): DataId => {
          throw caught(kernelBugs['a view that does not fit its buffer']!);
        },
      },
      write: (values, shape, dtype) => cpu.write(values, shape, dtype),
      read: (dataId) => cpu.read(dataId),
      readSync: (dataId) => cpu.readSync(dataId),
      disposeData: (dataId) => cpu.disposeData(dataId),
      memory: () => cpu.memory(),
    };
    registerBackend('buggy-range-error', () => buggy);
    await setBackend('buggy-range-error');
    try {
      const x = tf.tensor([1, 2, 3]);
      const before = memory().numTensors;
      expect(() => tf.add(x, x)).toThrow(InternalError);
      expect(() => tf.add(x, x)).toThrow(
        /^Add: the 'buggy-range-error' backend's Add kernel failed \(a bug in the backend, not in the input\): RangeError: Invalid typed array length: 8$/,
      );
      expect(memory().numTensors).toBe(before);
      x.dispose();
    } finally {
      await setBackend('cpu');
    }
  });
});
