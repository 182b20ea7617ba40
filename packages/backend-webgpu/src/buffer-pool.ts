/**
 * @file BufferPool: freed GPUBuffers kept by usage and size class for reuse, because creating a buffer
 * costs far more than a kernel on small tensors. Size classes are powers of two split in four
 * (2^k · {1, 1.25, 1.5, 1.75}), so a reused buffer wastes at most a quarter of its bytes, and are capped
 * at the device's largest allowed buffer. The pool keeps at most `maxPooledBytes`; beyond that freed
 * buffers are destroyed.
 *
 * The pool does not know when the GPU is done with a buffer: the dispatcher only releases buffers to it
 * once the commands that used them are submitted, so a later `writeBuffer` (queue-ordered after those
 * commands) can never overwrite data that a pending command still has to read.
 */

/** Pooled buffers of one usage, by size class. */
type Shelf = Map<number, GPUBuffer[]>;

/** Smallest buffer handed out: tiny tensors share one class. */
const MIN_BYTES = 16;

/** The size class `bytes` rounds up to (a multiple of 4, at most `cap` when `bytes` fits under it). */
export function sizeClass(bytes: number, cap: number): number {
  if (bytes <= MIN_BYTES) return MIN_BYTES;
  const octave = 2 ** Math.floor(Math.log2(bytes));
  const step = octave / 4;
  const rounded = Math.ceil(bytes / step) * step;
  // Multiples of 4 bytes: storage bindings and copies need them.
  const aligned = Math.ceil(Math.min(rounded, Math.max(cap, bytes)) / 4) * 4;
  return aligned;
}

/** Freed buffers by usage and size class. */
export class BufferPool {
  private readonly shelves = new Map<number, Shelf>();
  private pooledBytes = 0;
  private pooledBuffers = 0;
  private liveBytes = 0;
  private liveBuffers = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxBufferBytes: number,
    private readonly maxPooledBytes: number,
  ) {}

  /** A buffer of at least `bytes` with exactly `usage`, reused when one of its class is free. */
  acquire(bytes: number, usage: number): GPUBuffer {
    const size = sizeClass(bytes, this.maxBufferBytes);
    const free = this.shelves.get(usage)?.get(size);
    const reused = free?.pop();
    this.liveBytes += size;
    this.liveBuffers++;
    if (reused !== undefined) {
      this.pooledBytes -= size;
      this.pooledBuffers--;
      return reused;
    }
    return this.device.createBuffer({ size, usage });
  }

  /** Takes back a buffer that no pending or future command uses. */
  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    this.liveBytes -= size;
    this.liveBuffers--;
    if (this.pooledBytes + size > this.maxPooledBytes) {
      buffer.destroy();
      return;
    }
    let shelf = this.shelves.get(buffer.usage);
    if (shelf === undefined) this.shelves.set(buffer.usage, (shelf = new Map()));
    let free = shelf.get(size);
    if (free === undefined) shelf.set(size, (free = []));
    free.push(buffer);
    this.pooledBytes += size;
    this.pooledBuffers++;
  }

  /** Bytes and buffers handed out and not released, and bytes and buffers waiting in the pool. */
  stats(): { liveBytes: number; liveBuffers: number; pooledBytes: number; pooledBuffers: number } {
    return {
      liveBytes: this.liveBytes,
      liveBuffers: this.liveBuffers,
      pooledBytes: this.pooledBytes,
      pooledBuffers: this.pooledBuffers,
    };
  }

  /** Destroys every pooled buffer. */
  clear(): void {
    for (const shelf of this.shelves.values()) for (const free of shelf.values()) for (const b of free) b.destroy();
    this.shelves.clear();
    this.pooledBytes = 0;
    this.pooledBuffers = 0;
  }
}
