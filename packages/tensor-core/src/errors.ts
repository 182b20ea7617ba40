/**
 * @file Typed errors named as TensorFlow names them. Each carries a `Symbol.for` marker so `isInstance`
 * works across duplicate installs of this package (as vercel/ai does), and messages say the op, the
 * argument, what was expected and what was given.
 */

const marker = Symbol.for('tapeflow.error');

/** Base class of every error Tapeflow throws on purpose. */
export class TapeflowError extends Error {
  // Read through the symbol by `isInstance`, which the compiler does not see: protected, not private.
  protected readonly [marker] = true;
  /** TensorFlow's error code name, e.g. `INVALID_ARGUMENT`. */
  readonly code: string;
  /** The op that raised it, when one did. */
  readonly op: string | undefined;

  constructor(code: string, message: string, op?: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.op = op;
  }

  /** True for any Tapeflow error, even one from another copy of this package. */
  static isInstance(error: unknown): error is TapeflowError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}

/** Bad argument: wrong shape, dtype, axis, or value. */
export class InvalidArgumentError extends TapeflowError {
  constructor(message: string, op?: string) {
    super('INVALID_ARGUMENT', message, op);
  }
}

/** Something looked up by name does not exist (a backend, a kernel, a gradient). */
export class NotFoundError extends TapeflowError {
  constructor(message: string, op?: string) {
    super('NOT_FOUND', message, op);
  }
}

/** The system is not in a state to run the call (a disposed tensor, a used non-persistent tape). */
export class FailedPreconditionError extends TapeflowError {
  constructor(message: string, op?: string) {
    super('FAILED_PRECONDITION', message, op);
  }
}

/** The operation is not implemented (a kernel a backend lacks, an op with no gradient). */
export class UnimplementedError extends TapeflowError {
  constructor(message: string, op?: string) {
    super('UNIMPLEMENTED', message, op);
  }
}

/** A value outside the range the operation accepts (e.g. an allocation larger than a backend allows). */
export class ResourceExhaustedError extends TapeflowError {
  constructor(message: string, op?: string) {
    super('RESOURCE_EXHAUSTED', message, op);
  }
}

/** Formats a shape as TensorFlow prints it in messages: `[2,3]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Throws an InvalidArgumentError in the house format: `op: argument expected ..., got ...`. */
export function invalidArgument(op: string, argument: string, expected: string, given: string): never {
  throw new InvalidArgumentError(`${op}: argument '${argument}' expected ${expected}, but got ${given}.`, op);
}

/**
 * A backend failed inside a kernel for a reason that is not the caller's input: a bug in the backend
 * (TensorFlow's `InternalError`). The message names the kernel and the backend; `cause` is what the
 * kernel threw.
 */
export class InternalError extends TapeflowError {
  constructor(message: string, op?: string, cause?: unknown) {
    super('INTERNAL', message, op);
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * The messages engines give when memory cannot be had: V8's `Array buffer allocation failed`,
 * `Invalid array buffer length`, `WebAssembly.Memory.grow(): Maximum memory size exceeded` and
 * `could not allocate memory`; SpiderMonkey's `out of memory` and `failed to grow memory`;
 * JavaScriptCore's `Out of memory`.
 */
const OUT_OF_MEMORY =
  /allocation failed|out of memory|(could not|cannot|unable to) allocate|maximum memory size|failed to grow|invalid array buffer length/i;
/**
 * `Invalid typed array length: N` (V8, SpiderMonkey) means either a length past the engine's largest
 * typed array (2^32 elements on V8) or a view that does not fit its buffer (a bug). Only the first can
 * name a length of 2^30 or more: no heap a kernel indexes holds that many elements of a view.
 */
const TOO_LONG = /invalid typed array length: (\d+)/i;
const SMALLEST_IMPOSSIBLE_LENGTH = 2 ** 30;

/**
 * Whether `error` is the platform saying it cannot allocate: a RangeError with one of the messages
 * above. Other RangeErrors (an offset out of bounds, a negative length) are bugs, not exhaustion.
 */
export function isAllocationFailure(error: unknown): boolean {
  if (!(error instanceof RangeError)) return false;
  if (OUT_OF_MEMORY.test(error.message)) return true;
  const length = TOO_LONG.exec(error.message)?.[1];
  return length !== undefined && Number(length) >= SMALLEST_IMPOSSIBLE_LENGTH;
}

/**
 * What a kernel's throw becomes. A backend that cannot allocate throws whatever its platform throws
 * (a RangeError for a huge TypedArray or a WebAssembly memory that cannot grow): say it as TensorFlow
 * would, a ResourceExhaustedError naming the op and the size asked for. Any other RangeError (an
 * offset out of bounds, an invalid length computed by the kernel) is a bug in the backend: an
 * InternalError naming the kernel and the backend, not a claim that memory ran out. Other errors
 * (Tapeflow's own, a TypeError) pass unchanged.
 */
export function describeKernelFailure(
  op: string,
  backendName: string,
  output: { readonly shape: readonly number[]; readonly dtype: string },
  bytes: number,
  error: unknown,
): unknown {
  if (!(error instanceof RangeError)) return error;
  if (!isAllocationFailure(error)) {
    const message = `${op}: the '${backendName}' backend's ${op} kernel failed (a bug in the backend, not in the input): RangeError: ${error.message}`;
    return new InternalError(message, op, error);
  }
  return new ResourceExhaustedError(
    `${op}: the '${backendName}' backend could not allocate the output of shape [${output.shape.join(',')}] (${output.dtype}, ${bytes} bytes): ${error.message}`,
    op,
  );
}
