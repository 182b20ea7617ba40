/**
 * @file What the suite checks before any kernel runs: the backend's contract version and its kernel
 * table. Each answers with a readable message (or null), so `describeBackend` fails once with the full
 * list instead of crashing deep inside a test, and a plugin author can call them directly.
 */

import type { Backend, KernelName } from '@tapeflow/tensor-core/internal';
import { BACKEND_SPEC_VERSION, FUSED_KERNEL_NAMES, PRIMITIVE_KERNEL_NAMES } from '@tapeflow/tensor-core/internal';

/**
 * Entry `name` of a kernel table a plugin handed over, read without trusting its type (it may lack
 * kernels, or not be an object at all).
 */
export function kernelEntry(table: unknown, name: string): unknown {
  return typeof table === 'object' && table !== null ? Reflect.get(table, name) : undefined;
}

/** The kernels of the contract a backend's table lacks (not a function), in the contract's order. */
export function findMissingKernels(
  backend: Pick<Backend, 'kernels'>,
  names: readonly KernelName[] = PRIMITIVE_KERNEL_NAMES,
): KernelName[] {
  const table: unknown = backend.kernels;
  return names.filter((name) => typeof kernelEntry(table, name) !== 'function');
}

/** The optional fused kernels a backend implements. */
export function implementedFusedKernels(backend: Pick<Backend, 'kernels'>): KernelName[] {
  const missing = new Set(findMissingKernels(backend, FUSED_KERNEL_NAMES));
  return FUSED_KERNEL_NAMES.filter((name) => !missing.has(name));
}

/**
 * The message for primitive kernels the backend lacks and has not declared unsupported (`skip`),
 * or null when there are none.
 * @example missingKernelsMessage('mine', ['Tanh']) // "Backend 'mine' lacks 1 primitive kernel: Tanh. ..."
 */
export function missingKernelsMessage(backendName: string, missing: readonly string[]): string | null {
  if (missing.length === 0) return null;
  const noun = missing.length === 1 ? 'kernel' : 'kernels';
  return (
    `Backend '${backendName}' lacks ${missing.length} primitive ${noun}: ${missing.join(', ')}. ` +
    `Add ${missing.length === 1 ? 'it' : 'them'} to its kernel table ` +
    '(typed as KernelTable from @tapeflow/tensor-core/backend, ' +
    `so tsc lists what is missing), or declare ${missing.length === 1 ? 'it' : 'them'} unsupported with ` +
    `describeBackend(name, factory, { skip: [...] }). Checks that need ${missing.length === 1 ? 'it' : 'them'} are skipped.`
  );
}

/**
 * The message for a backend built for another contract version, or null when it matches.
 * @example specVersionMessage('mine', 0) // "Backend 'mine' implements contract version 0, ..."
 */
export function specVersionMessage(backendName: string, specVersion: unknown): string | null {
  if (specVersion === BACKEND_SPEC_VERSION) return null;
  return (
    `Backend '${backendName}' implements contract version ${String(specVersion)}, but the installed ` +
    `@tapeflow/tensor-core implements version ${BACKEND_SPEC_VERSION}: set the backend's specVersion to ` +
    `${BACKEND_SPEC_VERSION} once its kernels follow that contract (tensor-core refuses it until then).`
  );
}

/** The storage methods of the contract a backend object lacks. */
export function findMissingStorageMethods(backend: object): string[] {
  const methods = ['write', 'read', 'disposeData', 'memory'] as const;
  return methods.filter((m) => typeof (backend as Record<string, unknown>)[m] !== 'function');
}
