/**
 * @file The safetensors format (Hugging Face), read and written without dependencies: an 8-byte
 * little-endian header length N, N bytes of JSON (`{ name: { dtype: "F32", shape, data_offsets:
 * [begin, end] }, "__metadata__": { string: string } }`, padded with spaces to 8 bytes), then the raw
 * little-endian data, offsets relative to its start. Decoding checks everything the format promises
 * (lengths, offsets in range, sizes matching shapes, no holes or overlaps), so a truncated or
 * corrupted file is refused with a message naming the file and the fault, before any tensor is made.
 * From a file, the length is read first, then the header, and every size it declares is checked
 * against the file's real size before the data is read; messages quote no bytes of the file.
 */

import * as tf from '@tapeflow/tensor-core';
import { describeFromFile, parseFileJson, quoteFromFile, readExactly } from './files.js';
import type { OpenedFile } from './files.js';

/** One tensor's values as stored. */
export interface StoredTensor {
  readonly dtype: tf.DataType;
  readonly shape: number[];
  readonly values: tf.TypedArray;
}

const CODES: Readonly<Record<tf.DataType, string>> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };
const FROM_CODE: Readonly<Record<string, tf.DataType | undefined>> = { F32: 'float32', I32: 'int32', BOOL: 'bool' };
const ITEM_BYTES: Readonly<Record<tf.DataType, number>> = { float32: 4, int32: 4, bool: 1 };
// The reference implementation refuses headers over 100 MB; so do we (a corrupt length is usually huge).
const MAX_HEADER = 100_000_000;
// A header is flat (name -> { dtype, shape, data_offsets }); deeper nesting is not a header.
const MAX_HEADER_DEPTH = 8;
// TensorFlow's own limit on a tensor's rank.
const MAX_RANK = 254;

/**
 * A safetensors file holding `tensors` (in the given order) and string `metadata`.
 * @example
 * const values = new Float32Array([1, 2]);
 * const bytes = encodeSafetensors(new Map([['w', { dtype: 'float32', shape: [2], values }]]));
 */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, StoredTensor>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = t.values.length * ITEM_BYTES[t.dtype];
    header[name] = { dtype: CODES[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  const length = encoder.encode(json).length;
  json += ' '.repeat((8 - (length % 8)) % 8);
  const headerBytes = encoder.encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    for (let i = 0; i < t.values.length; i++) {
      const v = t.values[i]!;
      if (t.dtype === 'float32') view.setFloat32(position, v, true);
      else if (t.dtype === 'int32') view.setInt32(position, v, true);
      else view.setUint8(position, v !== 0 ? 1 : 0);
      position += ITEM_BYTES[t.dtype];
    }
  }
  return out;
}

/** A tensor as a safetensors header describes it, before its data is read. */
export interface TensorEntry {
  readonly name: string;
  readonly dtype: tf.DataType;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

/** What a header declares: its tensors (in header order), the metadata, and where the data starts. */
export interface SafetensorsHeader {
  readonly entries: TensorEntry[];
  readonly metadata: Record<string, string>;
  readonly dataStart: number;
}

type Fail = (what: string) => never;

function failure(source: string, op: string | null): Fail {
  return (what) => {
    throw new tf.InvalidArgumentError(
      `${op === null ? '' : `${op}: `}${source}: not a valid safetensors file: ${what}.`,
      op ?? 'loadWeights',
    );
  };
}

function describeList(value: unknown): string {
  return Array.isArray(value) && value.length <= 16 && value.every((v) => typeof v === 'number' && Number.isFinite(v))
    ? `[${value.join(',')}]`
    : describeFromFile(value);
}

/** The header length from a file's first 8 bytes, checked against the file's real size. */
export function headerLength(first8: Uint8Array, fileSize: number, fail: Fail): number {
  if (fileSize < 8) fail(`it is truncated: ${fileSize} byte(s), fewer than the 8-byte header length`);
  const length = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER))
    fail(`the header length ${length} is larger than the 100 MB limit (a corrupted length?)`);
  const n = Number(length);
  if (8 + n > fileSize)
    fail(`it is truncated: the header says ${n} bytes of JSON, but only ${fileSize - 8} follow the length`);
  return n;
}

/**
 * Checks a header (the JSON bytes after the length) against the file's real size: every tensor's
 * dtype, shape and offsets, the offsets covering the data exactly. Nothing is read beyond the header.
 */
export function parseHeader(headerBytes: Uint8Array, fileSize: number, fail: Fail): SafetensorsHeader {
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    fail('the header is not UTF-8 JSON (invalid UTF-8)');
  }
  let header: unknown;
  try {
    header = parseFileJson('loadWeights', text, 'header', MAX_HEADER_DEPTH);
  } catch (error) {
    fail(
      `the header is not UTF-8 JSON (${error instanceof Error && /nests/.test(error.message) ? `nested more than ${MAX_HEADER_DEPTH} levels` : 'a syntax error'})`,
    );
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('the header is not a JSON object');
  const dataStart = 8 + headerBytes.length;
  const dataLength = fileSize - dataStart;
  const entries: TensorEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    const tensor = `tensor ${quoteFromFile(name)}`;
    if (name === '__metadata__') {
      if (
        typeof entry !== 'object' ||
        entry === null ||
        Array.isArray(entry) ||
        Object.values(entry).some((v) => typeof v !== 'string')
      )
        fail('__metadata__ is not an object of strings');
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null || Array.isArray(e)) fail(`${tensor} has no description object`);
    const dtype = typeof e.dtype === 'string' && Object.hasOwn(FROM_CODE, e.dtype) ? FROM_CODE[e.dtype]! : undefined;
    if (dtype === undefined) fail(`${tensor} has dtype ${describeFromFile(e.dtype)}; Tapeflow reads F32, I32 and BOOL`);
    const shape = e.shape;
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`${tensor} has shape ${describeList(shape)}, not a list of at most ${MAX_RANK} non-negative integers`);
    }
    const offsets = e.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      fail(`${tensor} has data_offsets ${describeList(offsets)}, not [begin, end] with 0 <= begin <= end`);
    }
    const [begin, end] = offsets as [number, number];
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    const bytes = size * ITEM_BYTES[dtype];
    if (end - begin !== bytes) {
      fail(
        `${tensor} of shape [${(shape as number[]).join(',')}] (${e.dtype as string}) needs ${bytes} bytes, but its data_offsets span ${end - begin}`,
      );
    }
    if (end > dataLength)
      fail(`it is truncated: ${tensor} ends at data byte ${end}, but the data section has ${dataLength} bytes`);
    entries.push({ name, dtype: dtype, shape: (shape as number[]).slice(), begin, end });
  }
  const ranges = entries.slice().sort((a, b) => a.begin - b.begin);
  let covered = 0;
  for (const { begin, end, name } of ranges) {
    if (begin !== covered)
      fail(
        begin < covered
          ? `tensor ${quoteFromFile(name)} overlaps the tensor before it`
          : `there is a hole in the data before tensor ${quoteFromFile(name)}`,
      );
    covered = end;
  }
  if (covered !== dataLength)
    fail(`${dataLength - covered} byte(s) of data follow the last tensor (the file is longer than its header says)`);
  return { entries, metadata, dataStart };
}

/** The tensors of a checked header, from the data section's bytes. */
function decodeData(header: SafetensorsHeader, data: Uint8Array): Map<string, StoredTensor> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tensors = new Map<string, StoredTensor>();
  for (const e of header.entries) {
    const size = e.shape.reduce((a, b) => a * b, 1);
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape.slice(), values: readValues(view, e.begin, size, e.dtype) });
  }
  return tensors;
}

/**
 * The tensors and metadata of a safetensors file; `source` (the path) names the file in errors.
 * @example const { tensors, metadata } = decodeSafetensors(bytes, 'weights.safetensors');
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  source: string,
): { tensors: Map<string, StoredTensor>; metadata: Record<string, string> } {
  const fail = failure(source, null);
  const n = headerLength(bytes.subarray(0, 8), bytes.length, fail);
  const header = parseHeader(bytes.subarray(8, 8 + n), bytes.length, fail);
  return { tensors: decodeData(header, bytes.subarray(header.dataStart)), metadata: header.metadata };
}

/** A safetensors file's header alone, read with every size checked against the file's real size. */
export async function readSafetensorsHeader(op: string, file: OpenedFile): Promise<SafetensorsHeader> {
  const fail = failure(file.display, op);
  const n = headerLength(file.size >= 8 ? await readExactly(op, file, 0, 8) : new Uint8Array(8), file.size, fail);
  return parseHeader(await readExactly(op, file, 8, n), file.size, fail);
}

/** The tensors of a file whose header was read and checked: exactly the data section, no more. */
export async function readSafetensorsData(
  op: string,
  file: OpenedFile,
  header: SafetensorsHeader,
): Promise<Map<string, StoredTensor>> {
  return decodeData(header, await readExactly(op, file, header.dataStart, file.size - header.dataStart));
}
function readValues(view: DataView, at: number, size: number, dtype: tf.DataType): tf.TypedArray {
  if (dtype === 'float32') {
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) out[i] = view.getFloat32(at + 4 * i, true);
    return out;
  }
  if (dtype === 'int32') {
    const out = new Int32Array(size);
    for (let i = 0; i < size; i++) out[i] = view.getInt32(at + 4 * i, true);
    return out;
  }
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = view.getUint8(at + i) === 0 ? 0 : 1;
  return out;
}
