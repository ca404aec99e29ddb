/**
 * Large response buffers reused across requests: a GetRecords page is megabytes. Allocated afresh per
 * response, they were freed only when V8 next collected them, by glibc's malloc, whose mmap threshold
 * rises after the first large free: later ones came from the brk heap, which they fragmented and which
 * rarely shrinks (docs/performance.md, "Memory"). Reused from a small pool instead, they cost no
 * allocation and no fragmentation, and what the pool keeps is bounded.
 *
 * A buffer goes back to the pool only once the HTTP/1.1 response that carries it has been flushed to the
 * socket (Http1Exchange.respond, `finish`); one that never is simply goes to the GC.
 */
import { RESPONSE_BUFFER_BYTES_MIN, RESPONSE_BUFFER_POOL_BYTES_MAX } from "../core/limits.js";

/** Free buffers by size class (powers of two from RESPONSE_BUFFER_BYTES_MIN up). */
export class ResponseBufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private freeBytes = 0;
  private readonly pooled = new WeakSet<ArrayBufferLike>();

  constructor(private readonly freeBytesMax: number) {}

  /** A buffer of exactly `bytes` (a view of a pooled one of the next power-of-two size), or undefined below the pool's minimum. */
  take(bytes: number): Buffer | undefined {
    if (bytes < RESPONSE_BUFFER_BYTES_MIN) return undefined;
    const size = sizeClassOf(bytes);
    const list = this.free.get(size);
    let whole = list?.pop();
    if (whole !== undefined) this.freeBytes -= size;
    else {
      whole = Buffer.allocUnsafeSlow(size);
      this.pooled.add(whole.buffer);
    }
    return whole.subarray(0, bytes);
  }

  /** Returns a buffer `take` gave out; kept while the pool holds less than its bound, else left to the GC. */
  give(view: Buffer): void {
    const backing = view.buffer;
    if (!this.pooled.has(backing)) return;
    const size = backing.byteLength;
    if (this.freeBytes + size > this.freeBytesMax) return;
    const whole = Buffer.from(backing, 0, size);
    let list = this.free.get(size);
    if (list === undefined) {
      list = [];
      this.free.set(size, list);
    }
    if (list.some((b) => b.buffer === backing)) return; // given twice: keep one entry
    list.push(whole);
    this.freeBytes += size;
  }

  /** Whether `view` is a view of one of this pool's buffers. */
  owns(view: Uint8Array): boolean {
    return this.pooled.has(view.buffer);
  }

  /** Bytes held in free buffers. */
  get idleBytes(): number {
    return this.freeBytes;
  }
}

function sizeClassOf(bytes: number): number {
  let size = RESPONSE_BUFFER_BYTES_MIN;
  while (size < bytes) size *= 2;
  return size;
}

/** The process's pool, shared by every connection. */
export const responseBufferPool = new ResponseBufferPool(RESPONSE_BUFFER_POOL_BYTES_MAX);

/** A buffer for a large response body: from the pool (see above), or a plain allocation for small sizes. */
export function responseBuffer(bytes: number): Buffer {
  return responseBufferPool.take(bytes) ?? Buffer.allocUnsafe(bytes);
}
