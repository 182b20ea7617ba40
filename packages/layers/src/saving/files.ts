/**
 * @file The file-system edge of saving and loading, where nothing read is trusted. Paths: a `file://`
 * prefix is stripped as TensorFlow.js does, any other scheme refused (never a folder named `file:`).
 * Opening: only regular files, never through a symbolic link, opened non-blocking so a FIFO cannot
 * hang the call; the real size is read with fstat before anything else. Reading: exactly the bytes
 * asked for, each request bounded by that size. Failing: every fs error becomes a typed error naming
 * the path as the caller gave it (the model directory, then the file inside it), and no message ever
 * carries bytes read from a file. Node's fs is imported inside the functions, so the package stays
 * browser-safe (it is only reached when a model is saved or loaded).
 */

import * as tf from '@tapeflow/tensor-core/internal';

export { describeFromFile, localPath, nameFromFile, quoteFromFile } from './path-names.js';

type Files = typeof import('node:fs/promises');
/** An open file, with the size fstat reported when it was opened. */
export interface OpenedFile {
  readonly handle: import('node:fs/promises').FileHandle;
  readonly size: number;
  /** How messages name it: the directory as given, then the path inside it. */
  readonly display: string;
}

// Specifiers in variables, with the bundlers' ignore comments: a browser bundle of this package
// neither resolves nor inlines Node's modules.
const FS_MODULE = 'node:fs/promises';
const CONSTANTS_MODULE = 'node:fs';

/** Node's fs/promises, or an UnimplementedError outside Node. */
export async function nodeFiles(op: string): Promise<Files> {
  try {
    return (await import(/* webpackIgnore: true */ /* @vite-ignore */ FS_MODULE)) as Files;
  } catch {
    throw new tf.UnimplementedError(
      `${op}: saving and loading models needs Node.js (node:fs/promises is not available here).`,
      op,
    );
  }
}

async function openFlags(): Promise<{ read: number; noFollow: number }> {
  const { constants } = (await import(
    /* webpackIgnore: true */ /* @vite-ignore */ CONSTANTS_MODULE
  )) as typeof import('node:fs');
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer for ever. Windows has
  // neither flag (and neither FIFOs nor the same symlink race); there `lstat` checks links first.
  return { read: constants.O_RDONLY | (constants.O_NONBLOCK ?? 0), noFollow: constants.O_NOFOLLOW ?? 0 };
}

/** `dir` joined with a path inside it, as messages show it. */
export function displayPath(dir: string, relative: string): string {
  if (relative === '') return dir;
  return dir.endsWith('/') || dir.endsWith('\\') ? `${dir}${relative}` : `${dir}/${relative}`;
}

const MESSAGES: Readonly<Record<string, string>> = {
  ENOENT: 'does not exist',
  EISDIR: 'is a directory, not a regular file',
  ENOTDIR: 'is not a directory (or a parent of it is a file)',
  EEXIST: 'already exists and is not a directory',
  ELOOP: 'is a symbolic link; only regular files inside the model directory are opened',
  EACCES: 'is not accessible (permission denied)',
  EPERM: 'is not accessible (operation not permitted)',
  EROFS: 'is on a read-only file system',
  EBUSY: 'is busy',
  ENOTEMPTY: 'is a directory that is not empty',
  ENOSPC: 'cannot be written: the disk is full',
  EDQUOT: 'cannot be written: the disk quota is exhausted',
  EMFILE: 'cannot be opened: too many open files',
  ENFILE: 'cannot be opened: too many open files in the system',
  ENAMETOOLONG: 'has a name that is too long',
};
const EXHAUSTED = new Set(['ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'ENOMEM']);

/** The `code` of a Node system error, if it is one. */
export function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A typed error for an fs failure on `display` (TensorFlow's mapping of errno values: ENOENT is
 * NOT_FOUND, running out of space or descriptors RESOURCE_EXHAUSTED, a name too long INVALID_ARGUMENT,
 * the rest FAILED_PRECONDITION). Node's own message is left out: it may hold a resolved path. Errors
 * that are not fs errors pass through.
 */
export function fileError(op: string, error: unknown, display: string): unknown {
  const code = errorCode(error);
  if (code === undefined || tf.TapeflowError.isInstance(error)) return error;
  const text = `${op}: '${display}' ${MESSAGES[code] ?? 'could not be used'} (${code}).`;
  if (code === 'ENOENT') return new tf.NotFoundError(text, op);
  if (EXHAUSTED.has(code)) return new tf.ResourceExhaustedError(text, op);
  if (code === 'ENAMETOOLONG') return new tf.InvalidArgumentError(text, op);
  return new tf.FailedPreconditionError(text, op);
}

/** Runs `action`, turning its fs errors into typed errors naming `display`. */
export async function onFile<T>(op: string, display: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw fileError(op, error, display);
  }
}

function kindOf(stats: import('node:fs').Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/**
 * Opens `path` for reading if it is a regular file reached without following a symbolic link at its
 * last component (`followLinks` for a path the user named directly), and at most `maxBytes` long.
 */
export async function openRegularFile(
  op: string,
  path: string,
  display: string,
  maxBytes: number,
  followLinks = false,
): Promise<OpenedFile> {
  const files = await nodeFiles(op);
  const flags = await openFlags();
  const notRegular = (kind: string): tf.FailedPreconditionError =>
    new tf.FailedPreconditionError(`${op}: '${display}' is ${kind}; only regular files are read.`, op);
  if (!followLinks && flags.noFollow === 0) {
    const stats = await onFile(op, display, () => files.lstat(path));
    if (stats.isSymbolicLink()) throw fileError(op, { code: 'ELOOP' }, display);
  }
  const handle = await onFile(op, display, () => files.open(path, flags.read | (followLinks ? 0 : flags.noFollow)));
  try {
    const stats = await onFile(op, display, () => handle.stat());
    if (!stats.isFile()) throw notRegular(kindOf(stats));
    if (stats.size > maxBytes) {
      throw new tf.ResourceExhaustedError(
        `${op}: '${display}' is ${stats.size} bytes, more than the ${maxBytes} bytes read from such a file.`,
        op,
      );
    }
    return { handle, size: stats.size, display };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Exactly `length` bytes at `position` of an opened file; the caller has checked them against the
 * file's size. A file that shrinks meanwhile is refused rather than read short.
 */
export async function readExactly(op: string, file: OpenedFile, position: number, length: number): Promise<Uint8Array> {
  if (position + length > file.size) {
    throw new tf.InvalidArgumentError(
      `${op}: '${file.display}' is truncated: ${length} byte(s) at offset ${position} were expected, but the file has ${file.size}.`,
      op,
    );
  }
  const out = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await onFile(op, file.display, () =>
      file.handle.read(out, filled, length - filled, position + filled),
    );
    if (bytesRead === 0) {
      throw new tf.InvalidArgumentError(
        `${op}: '${file.display}' became shorter while it was read (${position + filled} of ${position + length} bytes).`,
        op,
      );
    }
    filled += bytesRead;
  }
  return out;
}

/** Opens, reads whole (bounded by `maxBytes`) and closes a regular file. */
export async function readRegularFile(
  op: string,
  path: string,
  display: string,
  maxBytes: number,
  followLinks = false,
): Promise<Uint8Array> {
  const file = await openRegularFile(op, path, display, maxBytes, followLinks);
  try {
    return await readExactly(op, file, 0, file.size);
  } finally {
    await file.handle.close();
  }
}

/**
 * Parses JSON read from a file: nesting deeper than `maxDepth` is refused before parsing (so neither
 * the parser nor the walks over the result recurse without bound), and a syntax error is reported by
 * its position only, never by the text around it (V8 quotes the input in its messages).
 */
export function parseFileJson(op: string, text: string, display: string, maxDepth: number): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) {
        throw new tf.InvalidArgumentError(
          `${op}: ${display} nests objects and arrays more than ${maxDepth} levels deep (at character ${i}).`,
          op,
        );
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    throw new tf.InvalidArgumentError(
      `${op}: ${display} is not valid JSON${position === undefined ? '' : ` (at character ${position})`}.`,
      op,
    );
  }
}

/** Text from UTF-8 bytes, refusing invalid sequences without quoting them. */
export function decodeUtf8(op: string, bytes: Uint8Array, display: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new tf.InvalidArgumentError(`${op}: ${display} is not valid UTF-8 text.`, op);
  }
}
