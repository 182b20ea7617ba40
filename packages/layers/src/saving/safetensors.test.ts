/**
 * @file The safetensors codec against the format's specification: the byte layout written (8-byte
 * little-endian length, padded JSON header, little-endian data), a file laid out by hand as the
 * reference implementation writes it, and every corruption refused with the file and fault named.
 */
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import type { StoredTensor } from './safetensors.js';

/** A file from a header object and raw data, as the format lays it out. */
function file(header: unknown, data: number[] = [], headerLengthOverride?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLengthOverride ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const F32_ONE_TWO = [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40]; // 1.0, 2.0 little-endian

describe('safetensors', () => {
  it('writes the 8-byte little-endian header length, a JSON header padded to 8 bytes, then little-endian data', () => {
    const tensors = new Map<string, StoredTensor>([
      ['dense/kernel', { dtype: 'float32', shape: [1, 2], values: new Float32Array([1, 2]) }],
      ['steps', { dtype: 'int32', shape: [], values: new Int32Array([-2]) }],
      ['mask', { dtype: 'bool', shape: [3], values: new Uint8Array([1, 0, 1]) }],
    ]);
    const bytes = encodeSafetensors(tensors, { format: 'pt' });
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(length % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
    expect(header).toEqual({
      __metadata__: { format: 'pt' },
      'dense/kernel': { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] },
      steps: { dtype: 'I32', shape: [], data_offsets: [8, 12] },
      mask: { dtype: 'BOOL', shape: [3], data_offsets: [12, 15] },
    });
    expect(Array.from(bytes.subarray(8 + length))).toEqual([...F32_ONE_TWO, 0xfe, 0xff, 0xff, 0xff, 1, 0, 1]);
    const { tensors: back, metadata } = decodeSafetensors(bytes, 'x.safetensors');
    expect(metadata).toEqual({ format: 'pt' });
    expect([...back.keys()]).toEqual(['dense/kernel', 'steps', 'mask']);
    expect(back.get('steps')).toEqual({ dtype: 'int32', shape: [], values: new Int32Array([-2]) });
    expect(Array.from(back.get('dense/kernel')!.values)).toEqual([1, 2]);
  });

  it('reads a file laid out as the reference implementation writes it (no padding, no metadata)', () => {
    const { tensors, metadata } = decodeSafetensors(
      file({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, F32_ONE_TWO),
      'ref.safetensors',
    );
    expect(metadata).toEqual({});
    expect(Array.from(tensors.get('w')!.values)).toEqual([1, 2]);
  });

  const w = (extra: Record<string, unknown> = {}): unknown => ({
    w: { dtype: 'F32', shape: [2], data_offsets: [0, 8], ...extra },
  });
  it.each([
    ['fewer than 8 bytes', new Uint8Array([1, 2, 3]), /truncated: 3 byte\(s\), fewer than the 8-byte header length/],
    ['a header longer than the file', file(w(), F32_ONE_TWO, 5000), /truncated: the header says 5000 bytes/],
    ['a huge header length', file(w(), F32_ONE_TWO, 2 ** 40), /larger than the 100 MB limit/],
    [
      'data cut short',
      file(w(), F32_ONE_TWO.slice(0, 6)),
      /truncated: tensor 'w' ends at data byte 8, but the data section has 6 bytes/,
    ],
    [
      'a header that is not JSON',
      (() => {
        const f = file(w(), F32_ONE_TWO);
        f[9] = 0x7b;
        f[10] = 0x7b;
        return f;
      })(),
      /header is not UTF-8 JSON/,
    ],
    ['a header that is an array', file([1, 2]), /header is not a JSON object/],
    [
      'an unsupported dtype',
      file(w({ dtype: 'F16' }), F32_ONE_TWO),
      /tensor 'w' has dtype string 'F16'; Tapeflow reads F32, I32 and BOOL/,
    ],
    ['a bad shape', file(w({ shape: [-1] }), F32_ONE_TWO), /tensor 'w' has shape \[-1\]/],
    [
      'offsets that do not match the shape',
      file(w({ shape: [3] }), F32_ONE_TWO),
      /shape \[3\] \(F32\) needs 12 bytes, but its data_offsets span 8/,
    ],
    ['reversed offsets', file(w({ data_offsets: [8, 0] }), F32_ONE_TWO), /data_offsets \[8,0\]/],
    ['trailing bytes', file(w(), [...F32_ONE_TWO, 0, 0]), /2 byte\(s\) of data follow the last tensor/],
    [
      'a hole',
      file({ w: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, F32_ONE_TWO),
      /hole in the data before tensor 'w'/,
    ],
    [
      'overlapping tensors',
      file(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        },
        F32_ONE_TWO,
      ),
      /overlaps/,
    ],
    [
      'metadata that is not strings',
      file({ __metadata__: { n: 1 }, ...(w() as object) }, F32_ONE_TWO),
      /__metadata__ is not an object of strings/,
    ],
  ])('refuses %s, naming the file', (_, bytes, message) => {
    expect(() => decodeSafetensors(bytes, '/models/m/weights.safetensors')).toThrow(tf.InvalidArgumentError);
    expect(() => decodeSafetensors(bytes, '/models/m/weights.safetensors')).toThrow(
      /^\/models\/m\/weights\.safetensors: not a valid safetensors file: /,
    );
    expect(() => decodeSafetensors(bytes, '/models/m/weights.safetensors')).toThrow(message);
  });
});
