/**
 * @file The two wrappers `describeBackend` puts around kernels, so that what a check reports is fair
 * to the plugin. `guardKernels` gives the backend under test a kernel table that refuses an output
 * that is one of the call's input buffers (the Engine would own that buffer twice and free it twice)
 * with a message that says so. `KernelRecorder` is a CPU stand-in with exactly the kernel table of
 * the backend under test: a check run on it records the kernels it reaches on that backend, through
 * front-ends, composites (a fused kernel the backend lacks) and gradient rules, so the check is
 * skipped when one of them is missing or declared unsupported, instead of trusting a hand-kept list.
 */

import { cpuBackend } from '@tapeflow/backend-cpu';
import * as tf from '@tapeflow/tensor-core/internal';
import type { Backend, DataId, KernelTable } from '@tapeflow/tensor-core/internal';
import { kernelEntry } from './kernel-check.js';

type AnyKernel = (call: { readonly inputs: Readonly<Record<string, unknown>> }) => DataId;

/** The input argument (`a`, `tensors[1]`) whose buffer `output` is, or undefined. */
function aliasedInput(inputs: Readonly<Record<string, unknown>>, output: DataId): string | undefined {
  for (const [argument, value] of Object.entries(inputs)) {
    const list = Array.isArray(value) ? value : [value];
    for (let i = 0; i < list.length; i++) {
      const info = list[i] as { readonly dataId?: unknown } | null;
      if (typeof info === 'object' && info !== null && info.dataId === output)
        return Array.isArray(value) ? `${argument}[${i}]` : argument;
    }
  }
  return undefined;
}

/** The message for kernel `name` of backend `label` that returned the buffer of input `argument`. */
export function aliasedOutputMessage(label: string, name: string, argument: string): string {
  return (
    `${name}: the '${label}' backend's ${name} kernel returned the buffer of its input '${argument}' as its output. ` +
    `A kernel must return a new buffer (write a copy): tensor-core owns each returned buffer and would free this one twice.`
  );
}

/**
 * `backend` with a kernel table whose kernels throw when they return an input's buffer. Everything
 * else is the backend's own: methods are called on the backend itself (so `#private` fields work).
 */
export function guardKernels(backend: Backend, label: string): Backend {
  const table: unknown = backend.kernels;
  const guarded: Record<string, unknown> = {};
  for (const name of typeof table === 'object' && table !== null ? Object.keys(table) : []) {
    const kernel = kernelEntry(table, name);
    if (typeof kernel !== 'function') continue;
    guarded[name] = (call: Parameters<AnyKernel>[0]): DataId => {
      const output = (kernel as AnyKernel)(call);
      const argument = aliasedInput(call.inputs, output);
      if (argument !== undefined) throw new Error(aliasedOutputMessage(label, name, argument));
      return output;
    };
  }
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(backend, {
    get(target, property) {
      if (property === 'kernels') return guarded;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (!bound.has(property)) bound.set(property, (value as (...args: unknown[]) => unknown).bind(target));
      return bound.get(property);
    },
  });
}

/**
 * A CPU backend whose kernel table holds only the kernels `mirrored` has, each noting its name in
 * `reached` when called. Composites and gradient rules therefore take the same kernels on it as on
 * the mirrored backend; a kernel the mirrored backend lacks throws tensor-core's UnimplementedError.
 */
export class KernelRecorder {
  readonly backend: Backend;
  /** Kernels called since `reached` was last cleared. */
  readonly reached = new Set<string>();

  constructor(mirrored: Pick<Backend, 'kernels'>) {
    const cpu = cpuBackend();
    // Each kernel takes its own KernelCall<K>; the recorder only forwards the call it is given to the
    // kernel of the same name, which TypeScript cannot relate across names: one table-wide cast.
    const own = cpu.kernels as unknown as Readonly<Record<string, AnyKernel>>;
    const theirs: unknown = mirrored.kernels;
    const kernels: Record<string, AnyKernel> = {};
    for (const name of Object.keys(own)) {
      if (typeof kernelEntry(theirs, name) !== 'function') continue;
      const kernel = own[name]!;
      kernels[name] = (call) => {
        this.reached.add(name);
        return kernel(call);
      };
    }
    this.backend = {
      specVersion: cpu.specVersion,
      name: 'conformance-recorder',
      // Built by name at run time, so TypeScript cannot see it is a full table; it holds exactly the
      // mirrored backend's kernels (a missing one throws UnimplementedError, which `record` expects).
      kernels: kernels as unknown as KernelTable,
      write: (values, shape, dtype) => cpu.write(values, shape, dtype),
      read: (dataId) => cpu.read(dataId),
      readSync: (dataId) => cpu.readSync(dataId),
      disposeData: (dataId) => cpu.disposeData(dataId),
      memory: () => cpu.memory(),
      dispose: () => cpu.dispose(),
    };
  }

  /**
   * Runs `body` (a check, with the recorder active) and returns the kernels it reached; a kernel the
   * recorder lacks counts as reached. Any other failure is the real run's to report. Tensors the body
   * leaves are freed (the async `tidy` owns them).
   */
  async record(body: () => Promise<void>): Promise<Set<string>> {
    this.reached.clear();
    try {
      await tf.tidy(async () => {
        await body();
      });
    } catch (error) {
      if (tf.TapeflowError.isInstance(error) && error.code === 'UNIMPLEMENTED' && error.op !== undefined)
        this.reached.add(error.op);
    }
    return new Set(this.reached);
  }
}
