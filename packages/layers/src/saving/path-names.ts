/**
 * @file Paths and names for messages, split from files.ts so that the code a page loads up front
 * (CSVLogger's path check, the layer-config reader Bidirectional uses) does not carry the file-system
 * code that saving and loading import lazily: a `file://` prefix stripped, other schemes refused;
 * values read from a file described without their raw bytes. files.ts re-exports all of it.
 */

import * as tf from '@tapeflow/tensor-core/internal';

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]+):\/\//;

/**
 * A local path from what the user passed: a non-empty string, `file://` stripped (TensorFlow.js'
 * `file://` handler does the same), any other URL scheme refused.
 */
export function localPath(op: string, argument: string, value: unknown): string {
  if (typeof value !== 'string' || value === '')
    tf.invalidArgument(op, argument, 'a path (or a file:// URL)', tf.describeValue(value));
  const path = value;
  if (path.includes('\0')) tf.invalidArgument(op, argument, 'a path without NUL characters', 'a string containing NUL');
  const scheme = SCHEME.exec(path);
  if (scheme === null) return path;
  if (scheme[1]!.toLowerCase() !== 'file') {
    throw new tf.UnimplementedError(
      `${op}: argument '${argument}' expected a local path or a file:// URL, but got a '${scheme[1]!.toLowerCase()}://' URL: Tapeflow saves and loads models on the local file system only.`,
      op,
    );
  }
  const rest = path.slice(scheme[0].length);
  if (rest === '') tf.invalidArgument(op, argument, 'a path after file://', `'${path}'`);
  return rest;
}

const SAFE_TEXT = /^[A-Za-z0-9_][A-Za-z0-9_./:+-]{0,63}$/;

/**
 * Describes a value read from a file for a message: numbers, booleans and short names made of plain
 * characters are shown (`string 'Conv2D'`), anything else only by its kind and length, so no message
 * carries a file's raw bytes (or control characters into a terminal).
 */
export function describeFromFile(value: unknown): string {
  if (typeof value === 'string')
    return SAFE_TEXT.test(value) ? `string '${value}'` : `a string of ${value.length} character(s)`;
  return tf.describeValue(value);
}

/** A name read from a file, as is when it is plain text, else described. */
export function nameFromFile(value: string): string {
  return SAFE_TEXT.test(value) ? value : `(a name of ${value.length} character(s))`;
}

/** A name read from a file, quoted when it is plain text, else described. */
export function quoteFromFile(value: string): string {
  return SAFE_TEXT.test(value) ? `'${value}'` : `(a name of ${value.length} character(s))`;
}
