/**
 * @file The safetensors format (Hugging Face), read and written without dependencies: an 8-byte
 * little-endian header length N, N bytes of JSON (`{ name: { dtype: "F32", shape, data_offsets:
 * [begin, end] }, "__metadata__": { string: string } }`, padded with spaces to 8 bytes), then the raw
 * little-endian data, offsets relative to its start. Decoding checks everything the format promises
 * (lengths, offsets in range, sizes matching shapes, no holes or overlaps), so a truncated or
 * corrupted file is refused with a message naming the file and the fault, before any tensor is made.
 */

import * as tf from '@tapeflow/tensor-core';

/** One tensor's values as stored. */
export interface StoredTensor {
  readonly dtype: tf.DataType;
  readonly shape: number[];
  readonly values: tf.TypedArray;
}

const CODES: Readonly<Record<tf.DataType, string>> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };
const FROM_CODE: Readonly<Record<string, tf.DataType>> = { F32: 'float32', I32: 'int32', BOOL: 'bool' };
const ITEM_BYTES: Readonly<Record<tf.DataType, number>> = { float32: 4, int32: 4, bool: 1 };
// The reference implementation refuses headers over 100 MB; so do we (a corrupt length is usually huge).
const MAX_HEADER = 100_000_000;

/**
 * A safetensors file holding `tensors` (in the given order) and string `metadata`.
 * @example const bytes = encodeSafetensors(new Map([['w', { dtype: 'float32', shape: [2], values: new Float32Array([1, 2]) }]]));
 */
export function encodeSafetensors(tensors: ReadonlyMap<string, StoredTensor>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
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

/**
 * The tensors and metadata of a safetensors file; `source` (the path) names the file in errors.
 * @example const { tensors, metadata } = decodeSafetensors(bytes, 'weights.safetensors');
 */
export function decodeSafetensors(bytes: Uint8Array, source: string): { tensors: Map<string, StoredTensor>; metadata: Record<string, string> } {
  const fail = (what: string): never => {
    throw new tf.InvalidArgumentError(`${source}: not a valid safetensors file: ${what}.`, 'loadWeights');
  };
  if (bytes.length < 8) fail(`it is truncated: ${bytes.length} byte(s), fewer than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER)) fail(`the header length ${headerLength} is larger than the 100 MB limit (a corrupted length?)`);
  const n = Number(headerLength);
  if (8 + n > bytes.length) fail(`it is truncated: the header says ${n} bytes of JSON, but only ${bytes.length - 8} follow the length`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (error) {
    fail(`the header is not UTF-8 JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('the header is not a JSON object');
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, StoredTensor>();
  const ranges: [number, number, string][] = [];
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Object.values(entry).some((v) => typeof v !== 'string')) fail('__metadata__ is not an object of strings');
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null) fail(`tensor '${name}' has no description object`);
    const dtype = typeof e.dtype === 'string' ? FROM_CODE[e.dtype] : undefined;
    if (dtype === undefined) fail(`tensor '${name}' has dtype ${JSON.stringify(e.dtype)}; Tapeflow reads F32, I32 and BOOL`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`tensor '${name}' has shape ${JSON.stringify(shape)}, not a list of non-negative integers`);
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
      fail(`tensor '${name}' has data_offsets ${JSON.stringify(offsets)}, not [begin, end] with 0 <= begin <= end`);
    }
    const [begin, end] = offsets as [number, number];
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== size * ITEM_BYTES[dtype!]) {
      fail(`tensor '${name}' of shape [${(shape as number[]).join(',')}] (${e.dtype as string}) needs ${size * ITEM_BYTES[dtype!]} bytes, but its data_offsets span ${end - begin}`);
    }
    if (end > dataLength) fail(`it is truncated: tensor '${name}' ends at data byte ${end}, but the data section has ${dataLength} bytes`);
    ranges.push([begin, end, name]);
    tensors.set(name, { dtype: dtype!, shape: (shape as number[]).slice(), values: readValues(view, dataStart + begin, size, dtype!) });
  }
  ranges.sort((a, b) => a[0] - b[0]);
  let covered = 0;
  for (const [begin, end, name] of ranges) {
    if (begin !== covered) fail(begin < covered ? `tensor '${name}' overlaps the tensor before it` : `there is a hole in the data before tensor '${name}'`);
    covered = end;
  }
  if (covered !== dataLength) fail(`${dataLength - covered} byte(s) of data follow the last tensor (the file is longer than its header says)`);
  return { tensors, metadata };
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
