/**
 * @file The errors the Engine throws on bad kernel inputs and missing kernels, apart from the Engine
 * so its per-op code stays short: each is built only on the throwing path, never per op.
 */

import { FailedPreconditionError, InvalidArgumentError, UnimplementedError } from './errors.js';
import type { Tensor } from './tensor.js';

/** The active backend has no kernel `name`. */
export function missingKernelError(name: string, backendName: string): UnimplementedError {
  return new UnimplementedError(`${name}: the '${backendName}' backend has no '${name}' kernel.`, name);
}

/** Argument `argument` of `op` is a disposed tensor. */
export function disposedInputError(op: string, argument: string, t: Tensor): FailedPreconditionError {
  return new FailedPreconditionError(
    `${op}: argument '${argument}' is a disposed tensor (id ${t.id}); it cannot be used again.`,
    op,
  );
}

/** Argument `argument` of `op` views a buffer of a removed backend. */
export function removedBackendInputError(op: string, argument: string, t: Tensor): FailedPreconditionError {
  return new FailedPreconditionError(
    `${op}: argument '${argument}' is tensor ${t.id} of the removed backend '${t.storage.backendName}'; its values are gone.`,
    op,
  );
}

/** `t` lives on a backend that reads asynchronously, so it cannot be moved to the active one for an op. */
export function asynchronousBackendError(t: Tensor, activeBackendName: string): FailedPreconditionError {
  return new FailedPreconditionError(
    `Tensor ${t.id} lives on the '${t.storage.backendName}' backend, which reads asynchronously; the active backend is '${activeBackendName}'. Copy it with tf.tensor(await t.data(), t.shape, t.dtype).`,
  );
}

/** `tidy` was given something other than a function. */
export function tidyArgumentError(fn: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`tidy: argument 'fn' expected a function, but got ${typeof fn}.`, 'tidy');
}
