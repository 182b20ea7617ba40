/**
 * @file GpuData, the WebGPU backend's DataId: one GPUBuffer holding a tensor's elements, 4 bytes each
 * (f32, i32, or u32 0/1 for bool: WGSL has no 8-bit storage), plus the conversions between a dtype's
 * storage array and those 4-byte words. An empty tensor holds no buffer at all (WebGPU cannot bind a
 * zero-size range); kernels bind a placeholder where one is an input.
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';

/** Bytes one element takes on the GPU, whatever its dtype. */
export const GPU_BYTES_PER_ELEMENT = 4;

/** One tensor's buffer, owned by the backend that made it. */
export class GpuData {
  /** The buffer (null for an empty tensor, or once disposed). */
  buffer: GPUBuffer | null;
  /** Elements. */
  readonly size: number;
  readonly dtype: DataType;
  /** The backend that made it: a DataId from another backend is refused, not misread. */
  readonly owner: object;

  constructor(owner: object, buffer: GPUBuffer | null, size: number, dtype: DataType) {
    this.owner = owner;
    this.buffer = buffer;
    this.size = size;
    this.dtype = dtype;
  }

  /** Bytes of the tensor's elements (the buffer may be larger: pooled buffers come in size classes). */
  get byteLength(): number {
    return this.size * GPU_BYTES_PER_ELEMENT;
  }
}

/** A dtype's storage array as the 4-byte words a GPU buffer holds (bool widened to u32). */
export function toGpuWords(values: TypedArray, dtype: DataType): Float32Array | Int32Array | Uint32Array {
  if (dtype !== 'bool') return values as Float32Array | Int32Array;
  const words = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) words[i] = values[i]! !== 0 ? 1 : 0;
  return words;
}

/** A dtype's storage array made from a buffer's 4-byte words (bool narrowed back to one byte). */
export function fromGpuWords(words: ArrayBuffer, size: number, dtype: DataType): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(words, 0, size);
    case 'int32':
      return new Int32Array(words, 0, size);
    case 'bool':
      return Uint8Array.from(new Uint32Array(words, 0, size));
  }
}
