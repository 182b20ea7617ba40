/**
 * @file Typed errors named as TensorFlow names them. Each carries a `Symbol.for` marker so `isInstance`
 * works across duplicate installs of this package (as vercel/ai does), and messages say the op, the
 * argument, what was expected and what was given.
 */

const marker = Symbol.for('tapeflow.error');

/** Base class of every error Tapeflow throws on purpose. */
export class TapeflowError extends Error {
  private readonly [marker] = true;
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
 * A backend that cannot allocate throws whatever its platform throws (a RangeError for a huge
 * TypedArray); say it as TensorFlow would, naming the op and the size asked for. Other errors pass.
 */
export function describeKernelFailure(
  op: string,
  backendName: string,
  output: { readonly shape: readonly number[]; readonly dtype: string },
  bytes: number,
  error: unknown,
): unknown {
  if (!(error instanceof RangeError)) return error;
  return new ResourceExhaustedError(
    `${op}: the '${backendName}' backend could not allocate the output of shape [${output.shape.join(',')}] (${output.dtype}, ${bytes} bytes): ${error.message}`,
    op,
  );
}
