/**
 * Large buffers that live exactly as long as one request: the body of a big PutRecords (~700 KB for 500
 * × 1 KiB records) and the arena its blobs are decoded into (~3/4 of that).
 *
 * Allocated afresh per request, these were freed only when V8 next collected them, by glibc's malloc,
 * whose mmap threshold rises after the first large free: later ones come from the brk heap, which they
 * fragment and which rarely shrinks. Under sustained PutRecords load that held tens of MiB of resident
 * memory that nothing used (docs/performance.md, "Memory"). Reused from a small pool instead, they cost
 * no allocation and no fragmentation, and what the pool keeps is bounded.
 *
 * The rule that makes reuse safe: a request's buffers go back to the pool when the request is answered
 * (the exchange's respond), because by then the operation has finished with its input — storage copies
 * what it keeps at append time (src/storage/types.ts, both backends) and nothing else holds a view of
 * the body or the arena. A request that is never answered simply leaves its buffers to the GC.
 */
import { REQUEST_BUFFER_BYTES_MIN, REQUEST_BUFFER_POOL_BYTES_MAX } from "../core/limits.js";

/** Free buffers by size class (powers of two from REQUEST_BUFFER_BYTES_MIN up to the largest body). */
export class RequestBufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private freeBytes = 0;
  private readonly pooled = new WeakSet<ArrayBufferLike>();

  constructor(private readonly freeBytesMax: number) {}

  /** A buffer of exactly `bytes` (a view of a pooled one of the next power-of-two size), or undefined below the pool's minimum. */
  take(bytes: number): Buffer | undefined {
    if (bytes < REQUEST_BUFFER_BYTES_MIN) return undefined;
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
  let size = REQUEST_BUFFER_BYTES_MIN;
  while (size < bytes) size *= 2;
  return size;
}

/** The process's pool, shared by every connection. */
export const requestBufferPool = new RequestBufferPool(REQUEST_BUFFER_POOL_BYTES_MAX);

/**
 * A buffer for a large response body (a GetRecords page is megabytes): from the pool, given back by the
 * HTTP/1.1 exchange once the response is flushed to the socket (Http1Exchange.respond); a response that
 * is never flushed (the client went away, or HTTP/2) simply leaves it to the GC.
 */
export function responseBuffer(bytes: number): Buffer {
  return requestBufferPool.take(bytes) ?? Buffer.allocUnsafe(bytes);
}

/** The pooled buffers one request holds; all go back at once when it is answered. */
export class RequestBuffers {
  private held: Buffer[] = [];

  constructor(private readonly pool: RequestBufferPool = requestBufferPool) {}

  /** A buffer of `bytes` that stays this request's until `release`; falls back to a plain allocation for small sizes. */
  take(bytes: number): Buffer {
    const buffer = this.pool.take(bytes);
    if (buffer === undefined) return Buffer.allocUnsafeSlow(bytes);
    this.held.push(buffer);
    return buffer;
  }

  /** Gives every buffer back; the request must not touch them afterwards. */
  release(): void {
    const held = this.held;
    if (held.length === 0) return;
    this.held = [];
    for (const buffer of held) this.pool.give(buffer);
  }
}

/**
 * The request a body belongs to, so that a decoder handed only the body (src/server/protocol/flat-json.ts)
 * can take its scratch space from the same request's buffers.
 */
const buffersOfBody = new WeakMap<Buffer, RequestBuffers>();

export function bindBodyToRequest(body: Buffer, buffers: RequestBuffers): void {
  buffersOfBody.set(body, buffers);
}

export function requestBuffersOf(body: Buffer): RequestBuffers | undefined {
  return buffersOfBody.get(body);
}
