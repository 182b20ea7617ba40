/**
 * @file The pieces every conformance check is made of: a case (a name, the kernels it needs, an async
 * body), the environment a body runs in, and `checkOutputs`, which builds outputs inside `tidy`, reads
 * them all with `await t.data()` (concurrently, so an asynchronous backend flushes once), disposes them
 * whatever happens, and throws one message naming every output that differs from its reference.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { Backend, KernelName, Tensor } from '@tapeflow/tensor-core/internal';
import type { Tolerance } from './compare.js';
import { compareValues } from './compare.js';
import type { ReferenceTensor } from './reference/tensor.js';
import { sizeOf } from './reference/tensor.js';

/** What a case body gets: the backend under test (already active) and the suite's settings. */
export interface ConformanceEnvironment {
  /** The name the backend under test is registered under in the default Engine. */
  readonly backendName: string;
  /** The backend under test. */
  readonly backend: Backend;
  /** float32 tolerance of kernel results. */
  readonly tolerance: Tolerance;
  /**
   * Runs `fn` with a private CPU backend active (the reference for gradients and random numbers), then
   * makes the backend under test active again. Tensors made inside must be read and disposed inside.
   */
  onReference<T>(fn: () => Promise<T>): Promise<T>;
}

/** One check of the suite. */
export interface ConformanceCase {
  /** What it checks, e.g. `Add float32: broadcasting both ways`. */
  readonly name: string;
  /** The kernels it needs: the case is skipped, naming them, when the backend lacks one. */
  readonly kernels: readonly KernelName[];
  /** Runs on an input above 2^20 elements (left out with `large: false`). */
  readonly large?: boolean;
  /** Checks an optional fused kernel: its absence is a skip, never a failure. */
  readonly optional?: boolean;
  /** The check; throws when the backend is wrong. */
  readonly run: (env: ConformanceEnvironment) => Promise<void>;
}

/** A named group of cases (one `describe` block). */
export interface ConformanceGroup {
  readonly name: string;
  readonly cases: readonly ConformanceCase[];
}

/** A tensor on the active backend holding `reference`'s values. */
export function toTensor(reference: ReferenceTensor): Tensor {
  const values = tf.makeTypedArray(reference.values.length, reference.dtype);
  for (let i = 0; i < values.length; i++) values[i] = reference.values[i]!;
  return tf.tensor(values, reference.shape, reference.dtype);
}

/** One output to check. */
export interface OutputCheck {
  /** Names the kernel, dtype and shapes, e.g. `Add float32 [2,3] with [3]`. */
  readonly label: string;
  /** Makes the output from host values (runs inside `tidy`; inputs made here are freed). */
  readonly build: () => Tensor;
  /** The reference result; its shape and dtype must match too. */
  readonly expected: ReferenceTensor;
  /** Per-element error scale for float results (see `CompareOptions.scale`). */
  readonly scale?: readonly number[];
  /** Overrides the environment's tolerance. */
  readonly tolerance?: Tolerance;
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * Builds every output, reads them all, disposes them, and throws one error listing each output whose
 * shape, dtype or values differ from the reference. int32 and bool results must be exact.
 */
export async function checkOutputs(env: ConformanceEnvironment, checks: readonly OutputCheck[]): Promise<void> {
  const outputs: Tensor[] = [];
  try {
    for (const check of checks) outputs.push(tf.tidy(check.build));
    const values = await Promise.all(outputs.map((t) => t.data()));
    const problems: string[] = [];
    checks.forEach((check, i) => {
      const out = outputs[i]!;
      const { expected } = check;
      let problem: string | null;
      if (out.dtype !== expected.dtype) problem = `dtype ${out.dtype}, expected ${expected.dtype}`;
      else if (formatShape(out.shape) !== formatShape(expected.shape)) {
        problem = `shape ${formatShape(out.shape)}, expected ${formatShape(expected.shape)}`;
      } else if (values[i]!.length !== sizeOf(expected.shape)) {
        problem = `the backend read back ${values[i]!.length} values for shape ${formatShape(out.shape)}`;
      } else {
        problem = compareValues(values[i]!, expected.values, {
          exact: expected.dtype !== 'float32',
          tolerance: check.tolerance ?? env.tolerance,
          shape: expected.shape,
          ...(check.scale === undefined ? {} : { scale: check.scale }),
        });
      }
      if (problem !== null) problems.push(`${check.label}: ${problem}`);
    });
    if (problems.length > 0) {
      const error = new Error(
        `${problems.length} of ${checks.length} outputs differ from the reference:\n  ${problems.join('\n  ')}`,
      );
      error.name = 'AssertionError';
      throw error;
    }
  } finally {
    for (const t of outputs) t.dispose();
  }
}

/** Memory figures the suite compares before and after each case. */
export interface MemorySnapshot {
  readonly numTensors: number;
  readonly numDataBuffers: number;
  readonly numBytes: number;
  readonly backendDataBuffers: number;
}

/** The Engine's figures and the backend's own buffer count, now. */
export function memorySnapshot(backend: Backend): MemorySnapshot {
  const engine = tf.memory();
  return {
    numTensors: engine.numTensors,
    numDataBuffers: engine.numDataBuffers,
    numBytes: engine.numBytes,
    backendDataBuffers: backend.memory().numDataBuffers,
  };
}

/** A message naming every figure that did not come back to `before`, or null. */
export function memoryDrift(before: MemorySnapshot, after: MemorySnapshot): string | null {
  const labels: Record<keyof MemorySnapshot, string> = {
    numTensors: 'tf.memory().numTensors',
    numDataBuffers: 'tf.memory().numDataBuffers',
    numBytes: 'tf.memory().numBytes',
    backendDataBuffers: "the backend's memory().numDataBuffers",
  };
  const drifts = (Object.keys(labels) as (keyof MemorySnapshot)[])
    .filter((key) => before[key] !== after[key])
    .map((key) => `${labels[key]} went from ${before[key]} to ${after[key]}`);
  return drifts.length === 0 ? null : `memory not back where it started: ${drifts.join('; ')}`;
}
