/**
 * A size-bucketed pool of storage buffers, so eager code that allocates and frees the same sizes
 * step after step reuses GPU memory instead of creating buffers.
 *
 * Requests round up to a bucket (powers of two split into four steps, so at most 25% is wasted);
 * a released buffer waits in its bucket for the next request of that bucket. The pool only holds
 * buffers whose work is done — the submission queue returns a buffer here only after the last
 * submission that used it has completed. Past `maxPooledBytes` released buffers are destroyed.
 */

/** Usage of every pooled storage buffer: kernels read and write it, copies move bytes in and out. */
const STORAGE_USAGE = 0x80 /* STORAGE */ | 0x04 /* COPY_SRC */ | 0x08; /* COPY_DST */

/**
 * The bucket size a request of `byteLength` bytes rounds up to: 16 bytes at least, then four
 * steps per power of two.
 *
 * @example
 * bucketSize(1)    // 16
 * bucketSize(1000) // 1024
 * bucketSize(1100) // 1280
 */
export function bucketSize(byteLength: number): number {
  if (byteLength <= 16) return 16;
  const power = 2 ** Math.floor(Math.log2(byteLength - 1));
  const step = power / 4;
  return Math.ceil(byteLength / step) * step;
}

/**
 * Storage buffers by bucket size.
 *
 * @example
 * const pool = new BufferPool(device, 256 << 20);
 * const buffer = pool.acquire(1000); // a 1024-byte GPUBuffer
 * pool.release(buffer);              // kept for the next acquire(≤1024)
 */
export class BufferPool {
  readonly #device: GPUDevice;
  readonly #maxPooledBytes: number;
  readonly #free = new Map<number, GPUBuffer[]>();
  #pooledBytes = 0;
  /** Buffers created and not destroyed (pooled or in use). */
  created = 0;

  constructor(device: GPUDevice, maxPooledBytes: number) {
    this.#device = device;
    this.#maxPooledBytes = maxPooledBytes;
  }

  /** A buffer of at least `byteLength` bytes, reused when its bucket has one. */
  acquire(byteLength: number): GPUBuffer {
    const size = bucketSize(byteLength);
    const reused = this.#free.get(size)?.pop();
    if (reused !== undefined) {
      this.#pooledBytes -= size;
      return reused;
    }
    this.created++;
    return this.#device.createBuffer({ size, usage: STORAGE_USAGE });
  }

  /** Take back a buffer no pending work uses. */
  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    if (this.#pooledBytes + size > this.#maxPooledBytes) {
      this.created--;
      buffer.destroy();
      return;
    }
    let bucket = this.#free.get(size);
    if (bucket === undefined) {
      bucket = [];
      this.#free.set(size, bucket);
    }
    bucket.push(buffer);
    this.#pooledBytes += size;
  }

  /** Bytes held in the pool, waiting for reuse. */
  get pooledBytes(): number {
    return this.#pooledBytes;
  }

  /** Destroy every pooled buffer. */
  clear(): void {
    for (const bucket of this.#free.values()) {
      for (const buffer of bucket) buffer.destroy();
      this.created -= bucket.length;
    }
    this.#free.clear();
    this.#pooledBytes = 0;
  }
}
